"""One entry point for every file that can hold a report's data: ``load_document``.

A workbook is read by the workbook reader; a data document (the ``.json`` that ``compile --json``
writes) is checked and given a source for each value (its JSON pointer); a published report
(.docx, portal .html, .pdf) is imported by its official labels. Whatever the kind, the result is
the same ``ReadResult``, so validation, cross-year checks and rendering never ask where it came from.
"""

from __future__ import annotations

import json
from pathlib import Path

from compiler.common.zip_limits import MAX_FILE_BYTES, human_size
from compiler.document.model import META_FIELDS, ReadResult, Source, get_path, pointer, set_path
from compiler.formats.definition import Format, UnknownFormat, all_formats, get_format
from compiler.formats.grid import table_grid
from compiler.messages.findings import UnusableFile
from compiler.workbook.reader import read_workbook, value_label

_ABSENT = object()  # a cell the document does not have

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et")
PUBLISHED_SUFFIXES = (".docx", ".html", ".htm", ".pdf")


def load_document(path: Path, format_override: str | None = None) -> ReadResult:
    """The data of the report in ``path``, whatever kind of file holds it.

    Raises UnusableFile (one sentence, exit code 2) for a file that holds no report we can read."""
    path = Path(path)
    kind = file_kind(path)
    if kind == "workbook":
        return read_workbook(path, format_override)
    if kind == "json":
        return read_data_document(path, format_override)
    if kind in ("docx", "html", "pdf"):
        from compiler.published.importer import import_report

        return import_report(path, kind, format_override)
    raise UnusableFile("file_not_report", path=str(path))


def file_kind(path: Path) -> str:
    """workbook, json, docx, html, pdf or unknown — from the content where it tells, else the name.

    A workbook-like name always goes to the workbook reader, which has its own sentence for each
    kind of wrong file (.xls, encrypted, a Word file renamed .xlsx …)."""
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES or not path.is_file():
        return "workbook"
    with path.open("rb") as fh:
        head = fh.read(512)
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if suffix == ".docx" or _zip_has(path, "word/document.xml") else "workbook"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"{", b"[")) and suffix in (".json", ""):
        return "json"
    if suffix == ".json":
        return "json"
    if suffix in (".html", ".htm") or text.startswith((b"<!doctype html", b"<html")) or b"<html" in text:
        return "html"
    if suffix in PUBLISHED_SUFFIXES:
        return suffix.lstrip(".")
    return "unknown"


def _zip_has(path: Path, member: str) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            return member in zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


# ---------------------------------------------------------------------------------------------
# data documents (.json)


def read_data_document(path: Path, format_override: str | None = None) -> ReadResult:
    """A data document as ``compile --json`` writes it: its shape checked here (a document that is
    not one is unusable), its values left to the usual checks, each value's source its JSON pointer."""
    shown = str(path)
    size = path.stat().st_size
    if size == 0:
        raise UnusableFile("file_empty", path=shown)
    if size > MAX_FILE_BYTES:
        raise UnusableFile("file_too_large", path=shown, size=human_size(size), limit=human_size(MAX_FILE_BYTES))
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnusableFile("json_unreadable", path=shown, detail=_json_error(exc)) from None
    if not isinstance(data, dict) or "format" not in data:
        raise UnusableFile("json_not_document", path=shown)
    fmt = _document_format(data, format_override, shown)
    data["format"] = fmt.id
    problem = _shape_problem(fmt, data)
    if problem:
        raise UnusableFile("json_shape", path=shown, detail=problem)
    result = ReadResult(format=fmt, data=data)
    _add_sources(result, path.name)
    _derived_as_typed(result)
    return result


def _json_error(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}"
    return "不是 UTF-8 编码"


def _document_format(data: dict, override: str | None, shown: str) -> Format:
    format_id = override or str(data.get("format"))
    try:
        return get_format(format_id)
    except UnknownFormat:
        raise UnusableFile("json_format_unknown", path=shown, format=format_id,
                           known="、".join(all_formats())) from None


def _shape_problem(fmt: Format, data: dict) -> str:
    """What makes ``data`` no data document of ``fmt`` at all: a missing part, a table row or value
    cell missing, a container where a value belongs. Wrong values (text, negative) are not shape
    problems: they become findings pointing at their pointer."""
    for key, kind in (("meta", dict), ("sections", dict), ("fields", dict), ("tables", dict)):
        if not isinstance(data.get(key), kind):
            return f"缺少「{key}」部分"
    for section in fmt.narrative_sections():
        blocks = data["sections"].get(section.id)
        if not isinstance(blocks, list):
            return f"缺少 /sections/{section.id}"
        for i, block in enumerate(blocks):
            if not isinstance(block, dict) or not {"kind", "text"} <= set(block):
                return f"/sections/{section.id}/{i} 不是段落（应有 kind 和 text）"
    for table in fmt.tables.values():
        for cell in table_grid(table).value_cells():
            node = get_path(data["tables"], (table.id, *cell.key), default=_ABSENT)
            if node is _ABSENT:
                return f"缺少 {pointer('tables', table.id, *cell.key)}"
            if isinstance(node, (dict, list)):
                return f"{pointer('tables', table.id, *cell.key)} 应为数字"
    return ""


def _add_sources(result: ReadResult, name: str) -> None:
    fmt, data = result.format, result.data
    result.sources[pointer("meta")] = Source(name, pointer("meta"), "meta")
    for meta_field in META_FIELDS:
        result.sources[pointer("meta", meta_field.id)] = Source(name, pointer("meta", meta_field.id), meta_field.label)
    for section in fmt.sections:
        for field_ in section.fields:
            ptr = pointer("fields", field_.id)
            result.sources[ptr] = Source(name, ptr, field_.label)
        if section.kind == "narrative":
            whole = pointer("sections", section.id)
            result.sources[whole] = Source(name, whole, section.heading)
            for i, _ in enumerate(data["sections"][section.id]):
                ptr = pointer("sections", section.id, i, "text")
                result.sources[ptr] = Source(name, ptr, section.heading)
    for table in fmt.tables.values():
        for cell in table_grid(table).value_cells():
            ptr = pointer("tables", table.id, *cell.key)
            result.sources[ptr] = Source(name, ptr, value_label(table, cell.key))


def _derived_as_typed(result: ReadResult) -> None:
    """The totals a data document carries are recomputed like a workbook's, and the ones it carries
    are compared with them (a hand-edited document whose 总计 no longer adds up is an error)."""
    for table in result.format.tables.values():
        for cell in table_grid(table).value_cells():
            if not cell.derived:
                continue
            path = ("tables", table.id, *cell.key)
            typed = get_path(result.data, path)
            if isinstance(typed, (int, float)) and not isinstance(typed, bool):
                result.typed_totals[pointer(*path)] = typed
                set_path(result.data, path, 0)
