"""A lean reader for the cell values of plain .xlsx workbooks, with openpyxl's exact semantics.

openpyxl's read-only mode builds full object models of the stylesheet, data validations, sheet
views and so on, and parses each sheet twice (once for its dimensions); for our small workbooks
that is most of the time a compile takes. Only cell values are needed, so this reader parses the
workbook, shared strings, the number formats of the cell styles, and each sheet's ``<c>`` elements
— with lxml, no DTDs, no entities, no network — and converts values exactly as openpyxl's
``WorkSheetParser.parse_cell`` does (numbers, shared and inline strings, booleans, ISO and serial
dates, formulas as ``"=…"`` text, errors).

Anything it does not reproduce exactly — shared or array formulas, cells without coordinates, DTDs,
chart sheets, unexpected structure — makes ``open_fast`` return None and the caller uses openpyxl,
which also produces every "unusable file" message. Tests compare both readers on real workbooks.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
WORKSHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
STRINGS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
STYLES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
C, V, F, IS, T, R, SI, ROW = (MAIN + x for x in ("c", "v", "f", "is", "t", "r", "si", "row"))
MAX_SHEET_BYTES = 4 * 1024 * 1024  # a standard sheet is under 100 KB

# openpyxl's number-format rules, restated here so that reading a workbook does not import all of
# openpyxl (about 140 ms of every single compile); tests compare them with openpyxl's own.
WINDOWS_EPOCH, MAC_EPOCH = dt.datetime(1899, 12, 30), dt.datetime(1904, 1, 1)
DATE_BUILTINS = frozenset(range(14, 23)) | {45, 46, 47}  # built-in format ids that show dates or times
TIMEDELTA_BUILTINS = frozenset({46})  # [h]:mm:ss
_LITERALS = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')  # quoted text, [Red], [$-804] …
_DATE_LETTER = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_TIMEDELTA = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.I)
_COORDINATE = re.compile(r"^([A-Z]{1,3})(\d+)$")


def is_date_format(code: str) -> bool:
    return _DATE_LETTER.search(_LITERALS.sub("", code.split(";")[0])) is not None


def is_timedelta_format(code: str) -> bool:
    return _TIMEDELTA.search(code.split(";")[0]) is not None


def coordinate_to_tuple(coordinate: str) -> tuple[int, int]:
    known = _COORDINATES.get(coordinate)
    if known is not None:
        return known
    match = _COORDINATE.match(coordinate)
    if match is None:
        raise _Fallback(f"unusual cell reference {coordinate!r}")
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - 64
    position = int(match.group(2)), column
    if len(_COORDINATES) < _COORDINATES_KEPT:
        _COORDINATES[coordinate] = position
    return position


# "E14" → (14, 5) for the cells workbooks use again and again (a standard workbook has about 1,100);
# bounded, so that an odd workbook with a million distinct cells does not grow the process
_COORDINATES: dict[str, tuple[int, int]] = {}
_COORDINATES_KEPT = 20_000


def from_excel(value, epoch: dt.datetime, timedelta: bool = False):
    """A date serial as openpyxl reads it; durations and times of day are left to openpyxl itself."""
    if timedelta or value < 1:
        from openpyxl.utils.datetime import from_excel as openpyxl_from_excel
        return openpyxl_from_excel(value, epoch, timedelta=timedelta)
    day, fraction = divmod(value, 1)
    moment = dt.timedelta(milliseconds=round(fraction * 86400 * 1000))
    if value < 60 and epoch == WINDOWS_EPOCH:
        day += 1  # Excel's phantom 29 February 1900
    return epoch + dt.timedelta(days=day) + moment


class Formula(str):
    """A formula as openpyxl gives it (``"=100+21"``), with the value the saving program computed
    (``cached``: what Excel, WPS or LibreOffice stored beside it; None when there is none)."""

    cached: object = None

    def __new__(cls, text: str, cached: object = None):
        formula = super().__new__(cls, text)
        formula.cached = cached
        return formula


def _cached(el) -> object:
    """The stored result of a formula cell: a number, text, a truth value or an error such as #REF!."""
    value = el.findtext(V, None)
    if value is None or value == "":
        return None
    data_type = el.get("t", "n")
    if data_type == "n":
        try:
            return _cast_number(value)
        except ValueError:
            return None
    if data_type == "b":
        return value in ("1", "true")
    return value  # "str" (text), "e" (an error)


class _Fallback(Exception):
    """Something this reader does not reproduce exactly: use openpyxl."""


class Parts:
    """The parts of a workbook package by name: read from the zip, or handed over by the opener,
    which has already read (and scanned) them, so that no part is decompressed twice."""

    def __init__(self, names, sizes: dict[str, int], read: Callable[[str], bytes]):
        self.names, self.sizes, self._read = frozenset(names), sizes, read

    @classmethod
    def of_zip(cls, zf: zipfile.ZipFile) -> Parts:
        infos = zf.infolist()
        return cls((i.filename for i in infos), {i.filename: i.file_size for i in infos}, zf.read)

    @classmethod
    def of_bytes(cls, data: dict[str, bytes], names, sizes: dict[str, int]) -> Parts:
        def read(name: str) -> bytes:
            if name not in data:
                raise _Fallback(f"{name} was not kept by the opener")
            return data[name]
        return cls(names, sizes, read)

    def namelist(self):
        return self.names

    def read(self, name: str) -> bytes:
        return self._read(name)


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _parse(data: bytes):
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise _Fallback("DTD")
    return etree.fromstring(data, _PARSER)


def _xml(parts: Parts, name: str):
    return _parse(parts.read(name))


def _rels_of(root, folder: str) -> dict[str, tuple[str, str]]:
    out = {}
    for rel in root.iter(PKG_REL + "Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id")] = (rel.get("Type"), path)
    return out


def _text_content(node) -> str:
    """openpyxl's ``Text.from_tree(node).content``: the plain ``t`` plus each run's ``t``."""
    snippets = []
    plain = node.find(T)
    if plain is not None and plain.text is not None:
        snippets.append(plain.text)
    for run in node.iterfind(R):
        t = run.find(T)
        if t is not None and t.text is not None:
            snippets.append(t.text)
    return "".join(snippets)


def _cast_number(value: str):
    if "." in value or "E" in value or "e" in value:
        return float(value)
    return int(value)


class FastSheet:
    """One worksheet. It holds its workbook (as openpyxl's sheets do) and the workbook does not hold
    it: a link both ways would make every workbook, with its parts' bytes, a reference cycle that
    only Python's cyclic collector frees, which in a long batch runs rarely (see ``FastWorkbook``)."""

    def __init__(self, workbook: FastWorkbook, title: str, part: str):
        self.workbook, self.title, self.part = workbook, title, part

    def cell_values(self, max_row: int, max_col: int) -> dict[tuple[int, int], object]:
        wb = self.workbook
        values: dict[tuple[int, int], object] = {}
        if wb.zf.sizes.get(self.part, 0) > MAX_SHEET_BYTES:
            raise _Fallback("large sheet: openpyxl streams it")
        coordinates = _COORDINATES
        for el in _xml(wb.zf, self.part).iter(C):
            if not len(el):
                continue  # a styled empty cell: no value (most cells of the standard workbook)
            coordinate = el.get("r")
            if not coordinate:
                raise _Fallback("cell without coordinate")
            position = coordinates.get(coordinate) or coordinate_to_tuple(coordinate)
            if position[0] <= max_row and position[1] <= max_col:
                first = el[0]
                if first.tag == F:  # the schema puts <f> first; openpyxl would find it anywhere
                    if first.get("t") is not None:
                        raise _Fallback("shared or array formula")
                    values[position] = Formula("=" + (first.text or ""), _cached(el))
                    continue
                data_type = el.get("t", "n")
                if len(el) != 1:
                    value = self._value(el, wb)
                elif first.tag == V and data_type == "n":  # a number: a date only in a date style
                    style = el.get("s")
                    if style and int(style) in wb.date_formats:
                        value = self._value(el, wb)
                    else:
                        value = _cast_number(first.text) if first.text else None
                elif first.tag == V and data_type == "s" and first.text:  # Excel's shared strings
                    value = wb.shared_strings[int(first.text)]
                elif first.tag == IS and data_type == "inlineStr":  # a label or text typed into the cell
                    only = first[0] if len(first) == 1 else None
                    value = (only.text or "") if only is not None and only.tag == T else _text_content(first)
                else:
                    value = self._value(el, wb)
                if value is not None:
                    values[position] = value
        return values

    @staticmethod
    def _value(el, wb: FastWorkbook):
        data_type = el.get("t", "n")
        style_id = el.get("s", 0)
        if style_id:
            style_id = int(style_id)
        formula = el.find(F)
        if formula is not None:
            if formula.get("t") is not None:
                raise _Fallback("shared or array formula")
            return Formula("=" + (formula.text or ""), _cached(el))
        if data_type == "inlineStr":
            child = el.find(IS)
            return _text_content(child) if child is not None else None
        value = el.findtext(V, None) or None
        if value is None:
            return None
        if data_type == "n":
            value = _cast_number(value)
            if style_id in wb.date_formats:
                try:
                    value = from_excel(value, wb.epoch, timedelta=style_id in wb.timedelta_formats)
                except (OverflowError, ValueError):
                    value = "#VALUE!"
            return value
        if data_type == "s":
            return wb.shared_strings[int(value)]
        if data_type == "b":
            return bool(int(value))
        if data_type == "d":
            from openpyxl.utils.datetime import from_ISO8601
            return from_ISO8601(value)
        return value  # "str", "e"


@dataclass(frozen=True)
class _Book:
    """What workbook.xml and its relationships say: the date system, the sheets and their parts."""

    epoch: dt.datetime
    sheets: tuple[tuple[str, tuple[str | None, str | None]], ...]  # name, (relationship type, part)
    rels: dict[str, tuple[str, str]]


# The parts all workbooks of one template share, read once per distinct content (bounded: a batch
# meets a handful; the keys are the parts' bytes, a few KB each).
_BOOKS: dict[tuple[bytes, bytes, str], _Book] = {}
_FORMATS: dict[bytes, tuple[frozenset[int], frozenset[int]]] = {}
_KEPT = 64


def _book(workbook_xml: bytes, rels_xml: bytes, folder: str) -> _Book:
    known = _BOOKS.get((workbook_xml, rels_xml, folder))
    if known is not None:
        return known
    root = _parse(workbook_xml)
    rels = _rels_of(_parse(rels_xml), folder) if rels_xml else {}
    pr = root.find(MAIN + "workbookPr")
    epoch = MAC_EPOCH if pr is not None and pr.get("date1904") in ("1", "true") else WINDOWS_EPOCH
    sheets = tuple((sheet.get("name"), rels.get(sheet.get(REL + "id"), (None, None)))
                   for sheet in root.iter(MAIN + "sheet"))
    book = _Book(epoch, sheets, rels)
    if len(_BOOKS) < _KEPT:
        _BOOKS[(workbook_xml, rels_xml, folder)] = book
    return book


def _number_formats(styles_xml: bytes) -> tuple[frozenset[int], frozenset[int]]:
    """The cell styles that show dates, and those that show durations (openpyxl
    ``Stylesheet._normalise_numbers``)."""
    known = _FORMATS.get(styles_xml)
    if known is not None:
        return known
    styles = _parse(styles_xml)
    custom = {}
    for fmt in styles.iterfind(f"{MAIN}numFmts/{MAIN}numFmt"):
        custom[int(fmt.get("numFmtId"))] = fmt.get("formatCode")
    dates, durations = set(), set()
    xfs = styles.find(MAIN + "cellXfs")
    for idx, xf in enumerate(xfs.iterfind(MAIN + "xf") if xfs is not None else ()):
        num_fmt = int(xf.get("numFmtId", 0))
        if num_fmt in custom:
            date, duration = is_date_format(custom[num_fmt]), is_timedelta_format(custom[num_fmt])
        else:
            date, duration = num_fmt in DATE_BUILTINS, num_fmt in TIMEDELTA_BUILTINS
        if date:
            dates.add(idx)
        if duration:
            durations.add(idx)
    found = frozenset(dates), frozenset(durations)
    if len(_FORMATS) < _KEPT:
        _FORMATS[styles_xml] = found
    return found


class FastWorkbook:
    """A workbook read by the lean reader. Nothing it holds refers back to it, so it is freed, with
    its parts' bytes, as soon as the reader lets go of it: garbage in a reference cycle waits for
    Python's full collection, which in a batch of thousands of workbooks comes only every few
    thousand reports, and peak memory grew with the batch while it waited."""

    def __init__(self, path: Path, parts: Parts | None = None):
        self._zip: zipfile.ZipFile | None = None
        if parts is None:
            self._zip = zipfile.ZipFile(path)
            parts = Parts.of_zip(self._zip)
        self.zf = parts
        try:
            self._load()
        except BaseException:
            self.close()
            raise

    def _load(self) -> None:
        zf = self.zf
        workbook_part = "xl/workbook.xml"
        folder, name = posixpath.split(workbook_part)
        rels_name = posixpath.join(folder, "_rels", name + ".rels")
        book = _book(zf.read(workbook_part), zf.read(rels_name) if rels_name in zf.names else b"", folder)
        self.epoch = book.epoch
        self.sheet_parts: dict[str, str] = {}  # name → part; a FastSheet is made when asked for
        self.sheetnames: list[str] = []
        for name, (kind, part) in book.sheets:
            if kind != WORKSHEET_REL or part is None or part not in zf.names:
                raise _Fallback("not a plain worksheet")
            self.sheetnames.append(name)
            self.sheet_parts[name] = part
        self.shared_strings: list[str] = []
        self.date_formats: frozenset[int] = frozenset()
        self.timedelta_formats: frozenset[int] = frozenset()
        for kind, part in book.rels.values():
            if kind == STRINGS_REL and part in zf.names:
                self.shared_strings = [_text_content(si).replace("x005F_", "") for si in _xml(zf, part).iter(SI)]
            elif kind == STYLES_REL and part in zf.names:
                self.date_formats, self.timedelta_formats = _number_formats(zf.read(part))

    fallback: Callable[[], Any] | None = None  # set by the opener: () -> the openpyxl workbook, for sheets
    _reference: Any = None                     # this reader declines

    def reference(self):
        if self._reference is None:
            if self.fallback is None:
                raise RuntimeError("FastWorkbook.reference() needs the opener to set .fallback first")
            self._reference = self.fallback()
        return self._reference

    def __getitem__(self, name: str) -> FastSheet:
        return FastSheet(self, name, self.sheet_parts[name])

    @property
    def worksheets(self) -> list[FastSheet]:
        return [self[n] for n in self.sheetnames]

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
        if self._reference is not None:
            self._reference.close()


def open_fast(path: Path, parts: Parts | None = None) -> FastWorkbook | None:
    """The workbook through the lean reader, or None when openpyxl should read it. ``parts``: the
    package's parts already read by the opener (else the zip is opened here)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return FastWorkbook(Path(path), parts)
    except Exception:  # noqa: BLE001 - anything unexpected: the reference reader decides
        return None


def sheet_values_fast(ws: FastSheet, max_row: int, max_col: int) -> dict | None:
    try:
        return ws.cell_values(max_row, max_col)
    except Exception:  # noqa: BLE001
        return None
