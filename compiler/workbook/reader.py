"""Reads a filled standard workbook into the data document, remembering where each value came from.

The document is plain JSON-able data (what ``--json`` prints and ``schemas/`` describes); beside it,
``sources`` maps each value's JSON pointer to its sheet, cell and label so every later finding can
point at ``依申请公开!E14``. Totals are never read from the workbook: they are recomputed later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compiler.document.model import ReadResult, Source, pointer, set_path
from compiler.document.values import (
    Coerced,
    clean_text,
    coerce_date,
    coerce_number,
    coerce_year,
    looks_numeric,
    normalize_label,
    strip_number_prefix,
    xml_safe,
)
from compiler.formats.definition import (
    Format,
    Section,
    Table,
    UnknownFormat,
    all_formats,
    format_for_year,
    get_format,
)
from compiler.formats.grid import Grid, table_grid
from compiler.messages.findings import Finding, UnusableFile
from compiler.workbook.alignment import LineMap, align
from compiler.workbook.layout import (
    FIELDS_TOP,
    FORMAT_CHOSEN,
    MARKER_SHEET,
    META_FIELDS,
    META_LABEL_COL,
    META_SHEET,
    META_VALUE_COL,
    NARRATIVE_KIND_BY_LABEL,
    TABLE_LEFT,
    address,
    column_letter,
    field_row,
    grid_position,
    meta_row,
    narrative_first_row,
)
from compiler.workbook.opening import open_workbook, sheet_values


def read_workbook(path: Path, format_override: str | None = None) -> ReadResult:
    wb = open_workbook(path)
    try:
        return _read(wb, path, format_override)
    finally:
        wb.close()


def _read(wb, path: Path, format_override: str | None) -> ReadResult:
    names = wb.sheetnames
    marker = sheet_values(wb[MARKER_SHEET]) if MARKER_SHEET in names else {}
    if not marker and META_SHEET not in names:
        raise UnusableFile("file_unrelated", path=str(path))
    meta_values = sheet_values(wb[META_SHEET]) if META_SHEET in names else {}
    meta_rows = _meta_rows(meta_values)
    fmt, explicit = _choose_format(marker, meta_values, format_override, meta_rows[meta_row("year")])
    result = ReadResult(format=fmt, data={"format": fmt.id, "meta": {}, "sections": {}, "fields": {}, "tables": {}})
    result.format_explicit = explicit
    result.sources[pointer("meta")] = Source(META_SHEET, "", META_SHEET)  # even when the sheet is missing

    if META_SHEET in names:
        _read_meta(result, meta_values, meta_rows)
    else:
        result.note("missing_sheet", sheet=META_SHEET, **_suggest(META_SHEET, names))
        result.data["meta"] = {"org": "", "year": None, "date": "", "contact": ""}

    for section in fmt.sections:
        if section.sheet not in names:
            result.note("missing_sheet", sheet=section.sheet, **_suggest(section.sheet, names))
            continue
        values = sheet_values(wb[section.sheet])
        if section.kind == "table":
            _read_table(result, section, fmt.tables[section.table], values)
        else:
            _read_narrative(result, section, values)
    result.findings = group_findings(result.findings)
    return result


GROUPED = ("blank_as_zero", "text_number", "row_moved")  # said once per sheet when there are many
GROUP_FROM = 6


def group_findings(findings: list[Finding]) -> list[Finding]:
    """Many warnings of one kind on one sheet (a table typed all as text, left all blank, a row
    inserted near the top) become one warning listing the cells, so the real problems stay visible."""
    counts: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.code in GROUPED:
            counts.setdefault((f.code, f.sheet), []).append(f)
    out = []
    for f in findings:
        group = counts.get((f.code, f.sheet))
        if not group or len(group) < GROUP_FROM:
            out.append(f)
        elif f is group[0]:
            cells = [g.cell for g in group]
            more = "…" if len(cells) > 8 else ""
            out.append(Finding(f"{f.code}_many", f.sheet, f.cell, {
                "count": len(cells), "cells": "、".join(cells[:8]) + more, "cells_en": ", ".join(cells[:8]) + more}))
    return out


def _suggest(expected: str, names: list[str]) -> dict[str, str]:
    """The sheet a missing one was probably renamed to, as a hint in both languages."""
    import difflib  # only for a suggestion, not at every start

    close = difflib.get_close_matches(expected, names, n=1, cutoff=0.3)
    if not close:
        return {"suggestion": "", "suggestion_en": ""}
    return {"suggestion": f"（是否被改名为「{close[0]}」？）", "suggestion_en": f" (renamed to '{close[0]}'?)"}


def _choose_format(marker: dict, meta_values: dict, override: str | None, year_row: int) -> tuple[Format, bool]:
    """The workbook's format, and whether it was chosen explicitly (``--format`` now, or when the
    workbook was made) rather than by the year. A ``--format`` other than the workbook's own is
    refused in one sentence: its cells are laid out for its own format."""
    marked = {clean_text(marker.get((r, 1))): clean_text(marker.get((r, 2))) for r in range(1, 10)}
    if override:
        if marked.get("format") and marked["format"] != override:
            raise UnusableFile("format_conflict", format=marked["format"], requested=override)
        return get_format(override), True
    if marked.get("format"):
        try:
            return get_format(marked["format"]), marked.get("format_chosen") == FORMAT_CHOSEN
        except UnknownFormat:
            raise UnusableFile("format_unknown", format=marked["format"], known="、".join(all_formats())) from None
    year = coerce_year(meta_values.get((year_row, META_VALUE_COL))).value
    if isinstance(year, int):
        try:
            return format_for_year(year), False
        except UnknownFormat:
            pass
    return format_for_year(max(f.first_year for f in all_formats().values())), False


def _meta_rows(values: dict) -> LineMap:
    """The rows of the 基本信息 fields, found by their labels in column A where rows were inserted."""
    labels = {meta_row(f.id): frozenset({normalize_label(f.label), normalize_label(f.label + "（必填）")})
              for f in META_FIELDS}
    found = _labels_by_line({k: v for k, v in _texts(values).items() if k[1] == META_LABEL_COL}, 0)
    return align(labels, found, labels)


def _read_meta(result: ReadResult, values: dict, rows: LineMap) -> None:
    meta = result.data["meta"]
    for r in rows.inserted:  # e.g. a 统一社会信用代码 row added between the fields
        result.note("row_inserted", sheet=META_SHEET, cell=address(r, META_LABEL_COL), row=r)
    for field_ in META_FIELDS:
        r = rows[meta_row(field_.id)]
        raw = values.get((r, META_VALUE_COL))
        ptr = pointer("meta", field_.id)
        result.sources[ptr] = Source(META_SHEET, address(r, META_VALUE_COL), field_.label)
        if field_.id == "year":
            meta["year"] = coerce_year(raw).value
        elif field_.id == "date":
            coerced = coerce_date(raw)
            meta["date"] = coerced.value
            if coerced.code:
                result.note(coerced.code, ptr, **coerced.params)
        else:
            meta[field_.id] = _text(result, ptr, raw)
    org = meta.get("org", "")
    compact = re.sub(r"\s+", " ", _CJK_GAP.sub("", org))
    if compact != org:  # a name typed with spaces or line breaks would split the title and file names
        result.note("org_whitespace", pointer("meta", "org"), found=org.replace("\n", "⏎"), read_as=compact)
        meta["org"] = compact


_CJK = "\u3000-\u9fff\uff00-\uffef"
_CJK_GAP = re.compile(f"(?<=[{_CJK}])\\s+(?=[{_CJK}])")  # a space or line break inside a Chinese name
_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _text(result: ReadResult, ptr: str, raw) -> str:
    """Text for the report: control characters XML cannot hold are removed, with a warning.

    Excel stores such characters as ``_xHHHH_`` (and a literal ``_x`` as ``_x005F_x``); they are
    decoded first so that what is removed is what the agency actually pasted."""
    text = _EXCEL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), clean_text(raw))
    if text.startswith("="):  # a formula: its text is not what the report should say
        result.note("formula_in_text", ptr, found=text[:60])
    cleaned = xml_safe(text)
    if cleaned != text:
        result.note("control_characters", ptr, count=len(text) - len(cleaned))
    return cleaned.strip()


def _label_problem(row: int, col: int, expected: str, found, aliases: tuple[str, ...],
                   official: frozenset) -> tuple[str, dict] | None:
    """What is wrong with the label found where ``expected`` belongs: None, or a finding's code
    and parameters."""
    if clean_text(found) == expected:
        return None
    params = {"cell": address(row, col), "expected": expected, "found": clean_text(found)}
    if normalize_label(found) in official - {normalize_label(expected)}:
        return "label_out_of_place", params
    if normalize_label(found) in {normalize_label(x) for x in (expected, *aliases)}:
        return "label_variant", params
    return "label_changed", params


def _read_table(result: ReadResult, section: Section, table: Table, values: dict) -> None:
    sheet = section.sheet
    data: dict = {}
    result.data["tables"][table.id] = data
    reading = _table_reading(table, sheet, values)
    _note_layout(result, sheet, reading.layout, values)
    for cell, (r, c), ptr, source, spec, label in reading.entries:
        if ptr is None:
            problem = label if label is not _FOUND_ELSEWHERE else _label_problem(
                r, c, cell.text, values.get((r, c)), cell.aliases, reading.official)
            if problem is not None:
                result.note(problem[0], sheet=sheet, **problem[1])
            continue
        result.sources[ptr] = source
        raw = values.get((r, c))
        if cell.derived:
            set_path(data, cell.key, 0, create=True)  # recomputed from the detail cells by the rules
            if raw is not None and not (isinstance(raw, str) and raw.startswith("=")):
                result.typed_totals[ptr] = coerce_number(raw, table.value_spec).value
            continue
        coerced = _read_number(result, ptr, raw, spec)
        set_path(data, cell.key, coerced.value, create=True)
        if coerced.code:
            result.note(coerced.code, ptr, **coerced.params)
    _check_unread(result, sheet, values, reading)


_FOUND_ELSEWHERE: Any = object()  # a label cell holding no text: judged on the value found there, each time


@dataclass(frozen=True)
class _TableReading:
    """What reading one table needs, for one set of sheet texts: where the grid lies, and for each
    grid cell its place now and, for a value cell, its pointer, source and spec; for a label cell
    what is wrong with it. Worked out once per distinct set of texts, because the workbooks of one
    inbox carry the same labels and differ only in their figures."""

    table: Table
    layout: _Layout
    entries: tuple[tuple, ...]  # (cell, (row, col), pointer, source, spec, label problem)
    official: frozenset[str]
    placed: frozenset[tuple[int, int]]
    table_rows: frozenset[int]
    table_cols: frozenset[int]


_READINGS: dict[tuple[int, str, tuple], _TableReading] = {}
_READINGS_KEPT = 256  # distinct (table, sheet, texts) remembered per process; a batch meets a handful


def _table_reading(table: Table, sheet: str, values: dict) -> _TableReading:
    texts = _texts(values)
    key = (id(table), sheet, tuple(texts.items()))
    reading = _READINGS.get(key)
    if reading is not None and reading.table is table:
        return reading
    grid = table_grid(table)
    layout = _layout(grid, texts)
    official = frozenset(normalize_label(c.text) for c in grid.cells if c.text)
    entries: list[tuple] = []
    for cell in grid.cells:
        r, c = layout.rows[cell.row], layout.cols[cell.col]
        if cell.role != "value":
            if not cell.text:
                continue
            found = texts.get((r, c))
            label = (_label_problem(r, c, cell.text, found, cell.aliases, official)
                     if found is not None else _FOUND_ELSEWHERE)
            entries.append((cell, (r, c), None, None, None, label))
            continue
        source = Source(sheet, address(r, c), value_label(table, cell.key))
        entries.append((cell, (r, c), pointer("tables", table.id, *cell.key), source, table.spec_for(cell.key), None))
    reading = _TableReading(
        table, layout, tuple(entries), official,
        placed=frozenset((layout.rows[cell.row], layout.cols[cell.col]) for cell in grid.cells),
        table_rows=frozenset(layout.rows[g] for g in range(grid.height)),
        table_cols=frozenset(layout.cols[g] for g in range(grid.width)))
    if len(_READINGS) < _READINGS_KEPT:
        _READINGS[key] = reading
    return reading


def _read_number(result: ReadResult, ptr: str, raw, spec) -> Coerced:
    """A figure from an input cell. A formula the agency typed there (``=100+21``) is read as the
    value the saving program stored with it, with a warning naming the cell; without a stored
    number it is refused in one sentence (totals are never read: they are recomputed)."""
    if isinstance(raw, str) and raw.startswith("="):
        cached = getattr(raw, "cached", None)
        if isinstance(cached, (int, float)) and not isinstance(cached, bool):
            result.note("formula_value_used", ptr, formula=raw[:60], value=cached)
            raw = cached
        else:
            shown = f"（结果为「{cached}」）" if cached not in (None, "") else ""
            shown_en = f" (its result is '{cached}')" if cached not in (None, "") else ""
            result.note("formula_without_value", ptr, formula=raw[:60], result=shown, result_en=shown_en)
            return Coerced(str(raw))  # not a number: the rules that use it are left out
    return coerce_number(raw, spec)


def _check_unread(result: ReadResult, sheet: str, values: dict, reading: _TableReading) -> None:
    """Nothing typed may be silently lost: data in a row or column inserted into the table, or a
    number anywhere outside the official value cells, is an error naming the cells."""
    placed, table_rows, table_cols = reading.placed, reading.table_rows, reading.table_cols
    top, bottom = min(table_rows), max(table_rows)
    left, right = min(table_cols), max(table_cols)
    others = [(rc, value) for rc, value in values.items()
              if rc not in placed and not (isinstance(value, str) and value.startswith("="))]
    if not others:  # every cell is an official one, or one of our own formulas (totals, checks, the summary)
        return
    stray: dict[int, list[str]] = {}
    in_columns: dict[int, list[str]] = {}  # data in a column inserted into the table: said per column
    for (r, c), value in sorted(others, key=lambda item: (item[0][1], item[0][0])):
        if left <= c <= right and top <= r <= bottom and c not in table_cols and r in table_rows:
            in_columns.setdefault(c, []).append(address(r, c))
        elif (top <= r <= bottom and c <= right and r not in table_rows) or looks_numeric(value):
            stray.setdefault(r, []).append(address(r, c))
    for c, cells in in_columns.items():
        result.note("unread_column", sheet=sheet, cell=cells[0], column=column_letter(c), **_shown(cells))
    for r, cells in sorted(stray.items()):
        cells.sort(key=lambda a: (len(a), a))
        result.note("unread_data", sheet=sheet, cell=cells[0], row=r, **_shown(cells))


def _shown(cells: list[str]) -> dict[str, str]:
    """The first cells of a list, for a message: Chinese and English separators."""
    more = "…" if len(cells) > 6 else ""
    return {"cells": "、".join(cells[:6]) + more, "cells_en": ", ".join(cells[:6]) + more}


SEARCH_ROWS = 30  # how far a table or a row may have moved and still be found by its label


def _labels_by_line(texts: dict[tuple[int, int], str], axis: int, within=None) -> dict[int, frozenset[str]]:
    """The normalized texts (``_texts``) found on each sheet row (axis 0) or column (axis 1)."""
    found: dict[int, set[str]] = {}
    for key, value in texts.items():
        if within is None or key[1 - axis] in within:
            found.setdefault(key[axis], set()).add(normalize_label(value))
    return {line: frozenset(texts) for line, texts in found.items()}


def _texts(values: dict) -> dict[tuple[int, int], str]:
    """The sheet's typed texts (formulas left out): all that finding a table's place looks at."""
    return {key: value for key, value in values.items() if isinstance(value, str) and not value.startswith("=")}


@dataclass(frozen=True)
class _Layout:
    """Where a grid lies among a sheet's texts, and which rows moved."""

    grid: Grid
    rows: dict[int, int]
    cols: dict[int, int]
    shift: int
    rows_inserted: tuple[int, ...]
    cols_inserted: tuple[int, ...]
    rows_before_moves: frozenset[int]  # the table's rows before any row moved on its own
    moved: tuple[tuple[str, str], ...]  # (label, its cell now) for a row moved on its own


def _note_layout(result: ReadResult, sheet: str, layout: _Layout, values: dict) -> None:
    """Tell how the table moved: rows inserted above it move it as a whole (one warning); a row or
    column inserted inside it is one warning naming it (an error when it holds data, see
    ``_check_unread``); a label found nowhere is left to the label check, which reports it as an
    error."""
    rows, cols = layout.rows, layout.cols
    if layout.shift:
        first = next(c for c in layout.grid.cells if c.row == 0 and c.col == 0)
        result.note("table_moved", sheet=sheet, cell=address(rows[0], cols[first.col]), rows=abs(layout.shift),
                    direction="下" if layout.shift > 0 else "上", direction_en="down" if layout.shift > 0 else "up")
    right = max(cols.values())
    for r in layout.rows_inserted:
        if not any(k[0] == r and k[1] <= right for k in values):  # with data: unread_data says it
            result.note("row_inserted", sheet=sheet, cell=address(r, cols[0]), row=r)
    for c in layout.cols_inserted:
        if not any(k[1] == c and k[0] in layout.rows_before_moves for k in values):
            result.note("column_inserted", sheet=sheet, cell=address(rows[0], c), column=column_letter(c))
    for label, where in layout.moved:
        result.note("row_moved", sheet=sheet, cell=where, label=label)


def _layout(grid: Grid, texts: dict[tuple[int, int], str]) -> _Layout:
    """The table's rows and columns, found by the official labels where rows or columns were
    inserted or deleted (see ``alignment``), and rows moved on their own, found by their labels."""
    row_labels: dict[int, set[str]] = {}
    col_labels: dict[int, set[str]] = {}
    for cell in grid.cells:
        if cell.role != "value" and cell.text:
            wanted = {normalize_label(x) for x in (cell.text, *cell.aliases)}
            row_labels.setdefault(cell.row, set()).update(wanted)
            col_labels.setdefault(cell.col, set()).update(wanted)
    top, left = grid_position(grid.cells[0])[0] - grid.cells[0].row, TABLE_LEFT
    row_map = align({top + r: frozenset(t) for r, t in row_labels.items()}, _labels_by_line(texts, 0),
                    range(top, top + grid.height))
    rows = {r: row_map[top + r] for r in range(grid.height)}
    col_map = align({left + c: frozenset(t) for c, t in col_labels.items()},
                    _labels_by_line(texts, 1, within=set(rows.values())), range(left, left + grid.width))
    cols = {c: col_map[left + c] for c in range(grid.width)}
    rows_inserted, cols_inserted = tuple(row_map.inserted), tuple(col_map.inserted)
    rows_before_moves = frozenset(rows.values())

    def find(wanted: set[str], col: int, near: int) -> int | None:
        for distance in range(SEARCH_ROWS + 1):
            for r in (near - distance, near + distance):
                if r > 0 and normalize_label(texts.get((r, col))) in wanted:
                    return r
        return None

    moved = []  # a row moved on its own (not by an insertion): found by its label nearby
    for cell in grid.cells:
        if cell.role != "label" or cell.rowspan > 1 or not cell.text:
            continue
        expected, c = rows[cell.row], cols[cell.col]
        found = texts.get((expected, c))
        wanted = {normalize_label(x) for x in (cell.text, *cell.aliases)}
        if found == cell.text or normalize_label(found) in wanted:
            continue
        found_row = find(wanted, c, expected)
        if found_row is not None and found_row != expected:
            rows[cell.row] = found_row
            moved.append((cell.text, address(found_row, c)))
    return _Layout(grid, rows, cols, row_map.shift, rows_inserted, cols_inserted, rows_before_moves, tuple(moved))


_LABELS: dict[tuple[int, tuple[str, ...]], tuple[Table, str]] = {}


def value_label(table: Table, key: tuple[str, ...]) -> str:
    """「一、本年新收政府信息公开申请数量/自然人」: what a value cell is, for messages (cached: the
    definitions live as long as the process)."""
    cached = _LABELS.get((id(table), key))
    if cached is None or cached[0] is not table:
        cached = _LABELS[(id(table), key)] = (table, _describe(table, key))
    return cached[1]


def _describe(table: Table, key: tuple[str, ...]) -> str:
    if table.kind == "blocks":
        block = next(b for b in table.blocks if b.id == key[0])
        row = next(r for r in block.rows if r.id == key[1])
        col = next(c for c in block.columns if c.id == key[2])
        return f"{block.caption} {row.label}/{col.label}"
    row_id, col_id = key
    row_label = table.row_label(row_id)
    col_label = table.column_label(col_id)
    return f"{row_label}/{col_label}" if row_label else col_label


def _read_narrative(result: ReadResult, section: Section, values: dict) -> None:
    for field_ in section.fields:
        r = field_row(section, field_.id)
        ptr = pointer("fields", field_.id)
        result.sources[ptr] = Source(section.sheet, address(r, 2), field_.label)
        raw = values.get((r, 2))
        if raw is None or clean_text(raw) == "":
            result.data["fields"][field_.id] = None  # optional: not reported
            continue
        coerced = _read_number(result, ptr, raw, field_.spec)
        result.data["fields"][field_.id] = coerced.value
        if coerced.code:
            result.note(coerced.code, ptr, **coerced.params)

    stray = sorted(address(r, c) for (r, c) in values if c >= 3 and r >= FIELDS_TOP)
    for where in stray:
        result.note("unread_text", sheet=section.sheet, cell=where)

    blocks: list[dict] = []
    broken = False  # a line break inside a cell was reported on this sheet
    first = narrative_first_row(section)
    result.sources[pointer("sections", section.id)] = Source(section.sheet, address(first, 2), section.heading)
    last = max((r for (r, c) in values if c in (1, 2)), default=first - 1)
    for r in range(first, last + 1):
        text = clean_text(values.get((r, 2)))
        kind_label = clean_text(values.get((r, 1)))
        kind = NARRATIVE_KIND_BY_LABEL.get(kind_label)
        if kind == "summary":  # generated from the tables; any text typed beside it is ignored
            blocks.append({"kind": kind, "text": ""})
            continue
        if not text:
            continue
        if kind is None:
            kind = "paragraph"
            if kind_label:
                result.note("unknown_block_kind", sheet=section.sheet, cell=address(r, 1), found=kind_label)
        if kind != "paragraph":
            text = strip_number_prefix(text) or text
        ptr = pointer("sections", section.id, len(blocks), "text")
        result.sources[ptr] = Source(section.sheet, address(r, 2), section.heading)
        text = _text(result, ptr, text)
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        if len(lines) > 1 and not broken:
            result.note("line_break_in_cell", sheet=section.sheet, cell=address(r, 2))
            broken = True
        if kind != "paragraph":  # a heading is one line: its pieces are joined
            lines = ["".join(lines)] if lines else []
        for line in lines:  # Alt+Enter inside a paragraph: each line is a paragraph of its own
            ptr = pointer("sections", section.id, len(blocks), "text")
            result.sources[ptr] = Source(section.sheet, address(r, 2), section.heading)
            blocks.append({"kind": kind, "text": line})
    result.data["sections"][section.id] = blocks
