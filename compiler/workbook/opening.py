"""Opening a workbook file safely: every kind of unusable file becomes one clear sentence.

Workbooks arrive by e-mail from many agencies, so the file is sniffed and its zip is measured
before openpyxl parses anything (openpyxl parses XML through defusedxml when it is installed,
which it is: it is one of our dependencies).

The zip is opened once: the scan for DTDs and cell counts reads each XML part, and the parts the
lean reader needs are kept as read, so nothing is decompressed twice.
"""

from __future__ import annotations

import io
import os
import re
import stat
import struct
import warnings
import zipfile
import zlib
from pathlib import Path

from compiler.common.zip_limits import MAX_FILE_BYTES, human_size, zip_excess
from compiler.messages.findings import UnusableFile
from compiler.workbook.fast_xlsx import FastSheet, Parts, open_fast, sheet_values_fast

MAX_ROWS_READ = 2000  # per sheet
MAX_COLUMNS_READ = 40
MAX_CELLS = 300_000  # <c> elements in all worksheets together; a filled standard workbook has about 1,100

_XML_SCAN_CHUNK = 1024 * 1024
KEEP_PART_BYTES = 4 * 1024 * 1024  # a part up to this size is read whole and kept for the lean reader
KEEP_TOTAL_BYTES = 16 * 1024 * 1024  # all kept parts together (the standard workbook: about 110 KB)
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_SMALLEST_CELL = len(b"<c>")  # the shortest text _CELL_TAG counts: smaller sheets cannot hold too many cells
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


def check_file(path: Path) -> Parts:
    """Raise UnusableFile unless ``path`` looks like an .xlsx we may open; its parts as scanned.

    The file is opened once and read whole (it is at most ``MAX_FILE_BYTES``): every check below
    works on what was read."""
    shown = str(path)
    if path.name.startswith("~$"):  # Excel and WPS hold their lock files open: never opened here
        if not path.exists():
            raise UnusableFile("file_missing", path=shown)
        if path.is_dir():
            raise UnusableFile("file_is_folder", path=shown)
        raise UnusableFile("file_lock", path=shown)
    try:  # non-blocking: a named pipe or a device is refused below (size 0), not waited on
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise UnusableFile("file_missing", path=shown) from None
    except (IsADirectoryError, PermissionError):  # Windows refuses to open a folder
        if path.is_dir():
            raise UnusableFile("file_is_folder", path=shown) from None
        raise
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnusableFile("file_is_folder", path=shown)
        size = info.st_size
        if size == 0:
            raise UnusableFile("file_empty", path=shown)
        if size > MAX_FILE_BYTES:
            raise UnusableFile("file_too_large", path=shown, size=human_size(size), limit=human_size(MAX_FILE_BYTES))
        content = _read_all(fd, size)
    finally:
        os.close(fd)
    head = content[:8]
    if head == OLE2_MAGIC:
        if "EncryptedPackage".encode("utf-16-le") in content[8:8 + 1024 * 1024]:
            raise UnusableFile("file_encrypted", path=shown)
        if path.suffix.lower() == ".et":
            raise UnusableFile("file_et", path=shown)
        raise UnusableFile("file_xls", path=shown)
    if head[:4] != ZIP_MAGIC:
        kind, kind_en = _sniff_text(content[:4096])
        raise UnusableFile("file_not_xlsx", path=shown, kind=kind, kind_en=kind_en)
    return _check_zip(path, content)


def _read_all(fd: int, size: int) -> bytes:
    """The file's bytes: ``size`` of them, or what there is if it shrank meanwhile (never more
    than ``MAX_FILE_BYTES``, even if it grew)."""
    chunks, left = [], min(size, MAX_FILE_BYTES)
    while left > 0:
        chunk = os.read(fd, left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _sniff_text(sample: bytes) -> tuple[str, str]:
    """What a file that is no workbook is, from its first bytes."""
    if sample.startswith(b"%PDF"):
        return "PDF 文件", "a PDF file"
    if sample.startswith(b"{\\rtf"):
        return "RTF 文档", "an RTF document"
    if b"<html" in sample.lower() or b"<!doctype" in sample.lower():
        return "网页（HTML）文件", "a web page (HTML)"
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "," in text or "\t" in text:
            return "CSV/文本文件", "a CSV or text file"
        return "文本文件", "a text file"
    return "无法识别的文件", "an unknown kind of file"


def _check_zip(path: Path, content: bytes) -> Parts:
    shown = str(path)
    try:
        zf = zipfile.ZipFile(io.BytesIO(content))  # the parts are sliced from these bytes
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnusableFile("file_corrupt", path=shown, detail=type(exc).__name__) from None
    with zf:
        return _check_members(zf, path, content)


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, content: bytes) -> bytes:
    """``zf.read(info)`` for a plain stored or deflated member, straight from the file's bytes
    (``content``): the same checks (local header, name, size, CRC), without zipfile's objects."""
    if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return zf.read(info)
    offset = info.header_offset
    header = content[offset:offset + 30]
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("Bad magic number for file header")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    name = content[offset + 30:offset + 30 + name_length]
    if name != info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437", "surrogateescape"):
        return zf.read(info)  # let zipfile judge (and name) the difference
    start = offset + 30 + name_length + extra_length
    raw = content[start:start + info.compress_size]
    if len(raw) != info.compress_size:
        raise EOFError
    if info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        data = inflater.decompress(raw, info.file_size + 1)
    else:
        data = raw
    if len(data) != info.file_size or zlib.crc32(data) & 0xFFFFFFFF != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 or size for file {info.filename!r}")
    return data


def _check_members(zf: zipfile.ZipFile, path: Path, content: bytes) -> Parts:
    shown = str(path)
    infos = zf.infolist()
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise UnusableFile("file_not_xlsx", path=shown, kind="Word 文档", kind_en="a Word document")
        if "content.xml" in names:
            raise UnusableFile("file_not_xlsx", path=shown, kind="OpenDocument 文件（.ods/.odt）",
                               kind_en="an OpenDocument file")
        raise UnusableFile("file_not_xlsx", path=shown, kind="压缩包", kind_en="a zip archive")
    excess = zip_excess(infos)
    if excess:
        raise UnusableFile("file_unsafe", path=shown, detail=excess[0], detail_en=excess[1])
    kept = _scan_xml(zf, path, infos, content)
    return Parts.of_bytes(kept, names, {i.filename: i.file_size for i in infos})


def _scan_xml(zf: zipfile.ZipFile, path: Path, infos, content: bytes) -> dict[str, bytes]:
    """One pass over the XML parts, before any parser sees them: no DTD or entity declarations
    anywhere (billion laughs, external entities), and at most MAX_CELLS cells, so a sheet with
    millions of cells in one row cannot exhaust memory inside openpyxl. Small parts are read whole
    and returned (the lean reader parses them from these bytes); large ones are scanned in chunks."""
    shown, cells, kept, kept_bytes = str(path), 0, {}, 0
    sheet_bytes = sum(i.file_size for i in infos if i.filename.startswith("xl/worksheets/"))
    count = sheet_bytes >= MAX_CELLS * _SMALLEST_CELL  # else the sheets cannot hold too many cells
    try:
        for info in infos:
            if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            is_sheet = count and info.filename.startswith("xl/worksheets/")
            if info.file_size <= KEEP_PART_BYTES and kept_bytes + info.file_size <= KEEP_TOTAL_BYTES:
                data = _read_member(zf, info, content)
                cells = _scan(data, is_sheet, cells, shown)
                kept[info.filename] = data
                kept_bytes += len(data)
                continue
            with zf.open(info) as fh:
                carry = b""
                while True:
                    chunk = fh.read(_XML_SCAN_CHUNK)
                    data = carry + chunk
                    cut = data.rfind(b"<") if chunk else len(data)  # never split a tag's start
                    cut = len(data) if cut <= 0 else cut
                    head, carry = data[:cut], data[cut:]
                    cells = _scan(head, is_sheet, cells, shown)
                    if not chunk:
                        break
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise UnusableFile("file_corrupt", path=shown, detail=type(exc).__name__) from None
    return kept


def _scan(data: bytes, is_sheet: bool, cells: int, shown: str) -> int:
    """Refuse DTDs and entity declarations; count a sheet's cells. Returns the cells counted so far."""
    if _DTD.search(data):
        raise UnusableFile("file_unsafe", path=shown, detail="XML 含实体定义", detail_en="the XML declares entities")
    if is_sheet:
        cells += len(_CELL_TAG.findall(data))
        if cells > MAX_CELLS:
            raise UnusableFile("file_unsafe", path=shown, detail=f"单元格超过 {MAX_CELLS:,} 个",
                               detail_en=f"more than {MAX_CELLS:,} cells")
    return cells


def open_workbook(path: Path):
    """A read-only workbook; formulas come back as text so totals are never taken on trust.

    Plain workbooks go through the lean reader (``xlsx_fast``, same values, several times faster);
    anything it declines is read by openpyxl, which also names every kind of damage.
    """
    parts = check_file(path)
    fast = open_fast(path, parts)
    if fast is not None:
        fast.fallback = lambda: _open_openpyxl(path)
        return fast
    return _open_openpyxl(path)


def _open_openpyxl(path: Path):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops; irrelevant here
            from openpyxl import (
                load_workbook,  # only for workbooks the lean reader declines
            )

            return load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on damaged parts; each means the same to a user
        name = type(exc).__name__
        if "Entities" in name or "DTDForbidden" in name or "Forbidden" in name:
            raise UnusableFile("file_unsafe", path=str(path), detail="XML 含实体定义",
                               detail_en="the XML declares entities") from None
        raise UnusableFile("file_corrupt", path=str(path), detail=name) from None


def sheet_values(ws) -> dict[tuple[int, int], object]:
    """All non-empty cells of a sheet, within the read limits."""
    if isinstance(ws, FastSheet):
        values = sheet_values_fast(ws, MAX_ROWS_READ, MAX_COLUMNS_READ)
        if values is not None:
            return values
        ws = ws.workbook.reference()[ws.title]
    values = {}
    for row in ws.iter_rows(max_row=MAX_ROWS_READ, max_col=MAX_COLUMNS_READ):
        for cell in row:
            value = getattr(cell, "value", None)
            if value is not None:
                values[(cell.row, cell.column)] = value
    return values
