"""Hostile workbooks: zip bombs, entity expansion, oversized files and sheets with millions of cells
are refused before openpyxl parses them — exit 2, one Chinese sentence, quickly, nothing written.

Limits (compiler/workbook_file.py): file 20 MB; uncompressed 100 MB; compression ratio 200:1 above
10 MB; 2,000 zip members; 300,000 cells in all worksheets; 2,000 rows × 40 columns read per sheet;
no DTD or entity declaration in any XML part.
"""

import time
import zipfile

import pytest
from click.testing import CliRunner
from helpers import workbook_with

from compiler.cli import cli
from compiler.workbook import opening as workbook_file

SHEET = "xl/worksheets/sheet3.xml"
LOL = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
       '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
       '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
       '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>')
SST_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def rewrite(src, dst, replace=None, add=None, stream=None):
    """Copy the workbook ``src`` to ``dst`` with parts replaced (bytes), added, or streamed (chunks)."""
    replace, add, stream = replace or {}, add or {}, stream or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            name = info.filename
            if name in stream:
                member = zipfile.ZipInfo(name)
                member.compress_type = zipfile.ZIP_DEFLATED
                with zout.open(member, "w", force_zip64=True) as fh:
                    for chunk in stream[name](zin.read(name)):
                        fh.write(chunk)
                continue
            data = replace[name](zin.read(name)) if name in replace else zin.read(name)
            zout.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
        for name, data in add.items():
            zout.writestr(name, data)
    return dst


def padded(size):
    """A sheet part with ``size`` bytes of whitespace after its root tag: still well-formed XML."""
    def chunks(original):
        cut = original.index(b">") + 1
        yield original[:cut]
        block = b" " * (1024 * 1024)
        for _ in range(size // len(block)):
            yield block
        yield original[cut:]
    return chunks


@pytest.fixture
def base(tmp_path):
    return workbook_with(tmp_path, name="base.xlsx")


def refused(book, *needles):
    """Compile ``book`` on the command line: exit 2, one sentence naming the file, no report."""
    started = time.perf_counter()
    result = CliRunner().invoke(cli, [str(book)], env={"LANG": "zh_CN.UTF-8"})
    elapsed = time.perf_counter() - started
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("无法使用") and str(book) in lines[0]
    assert lines[0].count("。") <= 2 and "Traceback" not in result.output
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert not book.with_suffix(".docx").exists()
    assert elapsed < 5, elapsed
    return lines[0]


def test_zip_bomb_beyond_the_uncompressed_limit(base, tmp_path):
    book = rewrite(base, tmp_path / "bomb.xlsx", stream={SHEET: padded(101 * 1024 * 1024)})
    assert book.stat().st_size < 1024 * 1024  # a small attachment …
    refused(book, "超出安全限制", "解压后")  # … that would inflate beyond 100 MB


def test_compression_ratio_above_200_to_1(base, tmp_path):
    book = rewrite(base, tmp_path / "ratio.xlsx", stream={SHEET: padded(12 * 1024 * 1024)})
    refused(book, "超出安全限制", "压缩比")


def test_billion_laughs_in_a_sheet(base, tmp_path):
    book = rewrite(base, tmp_path / "lol.xlsx", replace={SHEET: lambda data: LOL.encode() + data})
    refused(book, "超出安全限制", "实体")


def test_billion_laughs_in_shared_strings(base, tmp_path):
    sst = (LOL + '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
           'uniqueCount="1"><si><t>&lol4;</t></si></sst>').encode()
    types = lambda data: data.replace(  # noqa: E731
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="' + SST_TYPE + b'"/></Types>')
    book = rewrite(base, tmp_path / "sst.xlsx", replace={"[Content_Types].xml": types},
                   add={"xl/sharedStrings.xml": sst})
    refused(book, "超出安全限制", "实体")


def test_external_entity_is_refused(base, tmp_path):
    xxe = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    book = rewrite(base, tmp_path / "xxe.xlsx", replace={SHEET: lambda data: xxe.encode() + data})
    refused(book, "实体")


def test_too_large_a_file(tmp_path):
    book = tmp_path / "huge.xlsx"
    with book.open("wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(21 * 1024 * 1024)  # sparse: instant
    refused(book, "过大", "20.0 MB")


@pytest.mark.parametrize("cell", [b'<c r="A1"/>', b"<c/>"], ids=["usual", "shortest"])
def test_too_many_cells(base, tmp_path, cell):
    """Counted however short the cells are (sheets too small to hold too many are not counted)."""
    def many_cells(data):
        cells = cell * (workbook_file.MAX_CELLS + 1)
        return data.replace(b"<sheetData>", b'<sheetData><row r="1">' + cells + b"</row>", 1)

    book = rewrite(base, tmp_path / "cells.xlsx", replace={SHEET: many_cells})
    assert book.stat().st_size < 1024 * 1024
    refused(book, "单元格超过")


def test_a_standard_workbook_is_far_below_every_limit(base):
    """At least a tenfold margin under every limit, so real workbooks never come near one."""
    from compiler.common import zip_limits

    workbook_file.check_file(base)  # raises nothing
    with zipfile.ZipFile(base) as zf:
        infos = zf.infolist()
        sheets = [zf.read(i) for i in infos if i.filename.startswith("xl/worksheets/")]
    uncompressed = sum(i.file_size for i in infos)
    assert base.stat().st_size * 10 < zip_limits.MAX_FILE_BYTES
    assert len(infos) * 10 < zip_limits.MAX_ZIP_ENTRIES
    assert uncompressed * 10 < zip_limits.MAX_UNCOMPRESSED_BYTES
    assert uncompressed * 10 < zip_limits.RATIO_FLOOR  # the ratio limit does not even apply
    cells = sum(len(workbook_file._CELL_TAG.findall(s)) for s in sheets)
    assert 0 < cells and cells * 10 < workbook_file.MAX_CELLS
    wb = workbook_file.open_workbook(base)
    try:
        used = [key for name in wb.sheetnames for key in workbook_file.sheet_values(wb[name])]
    finally:
        wb.close()
    assert max(r for r, _ in used) * 10 < workbook_file.MAX_ROWS_READ
    assert max(c for _, c in used) * 2 < workbook_file.MAX_COLUMNS_READ
