"""A workbook's parts are read once, straight from the file's bytes, with zipfile's own checks."""

from __future__ import annotations

import io
import zipfile

import pytest
from helpers import SAMPLE_2021, SEED_WORKBOOK

from compiler.messages.findings import UnusableFile
from compiler.workbook.opening import _read_member, check_file


@pytest.mark.parametrize("path", [SAMPLE_2021, SEED_WORKBOOK], ids=["2021", "2019"])
def test_every_part_reads_as_zipfile_reads_it(path):
    content = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        for info in zf.infolist():
            assert _read_member(zf, info, content) == zf.read(info), info.filename
    parts = check_file(path)
    with zipfile.ZipFile(path) as zf:
        assert parts.read("xl/workbook.xml") == zf.read("xl/workbook.xml")


def test_a_damaged_part_is_a_corrupt_file(tmp_path):
    content = bytearray(SAMPLE_2021.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as zf:
        info = zf.getinfo("xl/workbook.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    content[start + info.compress_size // 2] ^= 0xFF  # inside the deflated data
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(bytes(content))
    with pytest.raises(UnusableFile) as caught:
        check_file(damaged)
    assert caught.value.finding.code == "file_corrupt"


def test_workbooks_with_different_styles_each_read_their_own_dates(tmp_path):
    """What the styles and workbook parts say is remembered per distinct content: a number stays a
    number in one workbook and is a date in the next, read in the same process, as openpyxl reads them."""
    from openpyxl import Workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    from compiler.workbook.fast_xlsx import FastWorkbook
    from compiler.workbook.opening import _open_openpyxl, open_workbook, sheet_values

    paths = []
    for name, number_format, date1904 in (("n.xlsx", "0", False), ("d.xlsx", "yyyy-mm-dd", False),
                                          ("m.xlsx", "yyyy-mm-dd", True)):
        wb = Workbook()
        if date1904:
            wb.epoch = CALENDAR_MAC_1904
        wb.active["A1"] = 45677
        wb.active["A1"].number_format = number_format
        wb.save(tmp_path / name)
        paths.append(tmp_path / name)
    read = []
    for path in [*paths, *reversed(paths)]:
        fast, reference = open_workbook(path), _open_openpyxl(path)
        try:
            assert isinstance(fast, FastWorkbook)
            values = sheet_values(fast["Sheet"])
            assert values == sheet_values(reference["Sheet"]), path.name
            read.append(values[(1, 1)])
        finally:
            fast.close()
            reference.close()
    assert read[0] == 45677 and read[1] != read[2] and read[:3] == read[:2:-1]
