"""The official arithmetic (勾稽关系) and completeness rules, driven by the format definition."""

from __future__ import annotations

import datetime as dt
import re

from .definition import Format, Table, UnknownFormat, all_formats, format_for_year
from .findings import Finding
from .sheet_layout import META_FIELDS, META_SHEET, narrative_first_row
from .workbook_reader import ReadResult, pointer


def compute_totals(fmt: Format, data: dict) -> None:
    """Fill every derived cell (总计 columns and rows) from the detail cells, in place."""
    for table in fmt.tables.values():
        values = data["tables"].get(table.id)
        if table.kind != "grid" or values is None:
            continue
        rows = [r.id for r in table.row_leaves()]
        cols = [c.id for c in table.column_leaves()]
        for rule in table.derived:
            if rule.axis == "row":
                for col in cols:
                    values[rule.target][col] = sum(values[t][col] for t in rule.terms)
            else:
                for row in rows:
                    values[row][rule.target] = sum(values[row][t] for t in rule.terms)


def check_typed_totals(result: ReadResult) -> list[Finding]:
    """Totals typed over the formulas must equal the recomputed ones."""
    findings = []
    for ptr, typed in result.typed_totals.items():
        node = result.data
        for part in ptr.strip("/").split("/"):
            node = node[part]
        if typed != node:
            src = result.sources[ptr]
            difference = typed - node if isinstance(typed, (int, float)) else "—"
            findings.append(Finding("total_mismatch", src.sheet, src.cell,
                                    {"label": src.label, "found": typed, "expected": node, "difference": difference}))
    return findings


def check_balances(result: ReadResult) -> list[Finding]:
    findings = []
    fmt = result.format
    for table in fmt.tables.values():
        values = result.data["tables"].get(table.id)
        if values is None:
            continue
        for check in table.checks:
            # axis "row": the equation adds rows, in every column; axis "column": adds columns, in every row
            lines = table.column_leaves() if check.axis == "row" else table.row_leaves()
            for line in lines:
                findings += _balance(result, table, check, values, line.id)
    return findings


def _balance(result: ReadResult, table: Table, check, values: dict, line: str) -> list[Finding]:
    if check.axis == "row":
        cell = lambda term: (term, line)  # noqa: E731
        name = lambda term: _short(table.row_label(term))  # noqa: E731
        where, where_en = f"{table.column_label(line)}列", f"column {table.column_label(line)}"
    else:
        cell = lambda term: (line, term)  # noqa: E731
        name = lambda term: table.column_label(term)  # noqa: E731
        label = table.row_label(line) or table.title
        where, where_en = f"{_short(label)}行", f"row {_short(label)}"
    left = sum(values[r][c] for r, c in map(cell, check.left))
    right = sum(values[r][c] for r, c in map(cell, check.right))
    if left == right:
        return []
    anchor = result.sources[pointer("tables", table.id, *cell(check.right[-1]))]
    return [Finding("balance", anchor.sheet, anchor.cell, {
        "line": where,
        "line_en": where_en,
        "rule": check.label,
        "left_terms": "＋".join(map(name, check.left)),
        "right_terms": "＋".join(map(name, check.right)),
        "left": left,
        "right": right,
        "difference": left - right,
    })]


_TRAILING_NOTE = re.compile(r"(?<=.)（[^（）]*）$")


def _short(label: str) -> str:
    """A label without its trailing note in brackets (（区分处理的，…）), short enough for one line."""
    return _TRAILING_NOTE.sub("", label)


def check_completeness(result: ReadResult, today: dt.date | None = None) -> list[Finding]:
    findings = []
    meta = result.data["meta"]
    fmt = result.format
    latest = (today or dt.date.today()).year + 1
    earliest = min(f.first_year for f in all_formats().values())
    for field in META_FIELDS:
        if field.required and field.id != "year" and not meta.get(field.id):
            src = result.sources.get(pointer("meta", field.id))
            findings.append(Finding("required", src.sheet if src else META_SHEET, src.cell if src else "",
                                    {"label": field.label}))
    year = meta.get("year")
    year_src = result.sources.get(pointer("meta", "year"))
    where = (year_src.sheet, year_src.cell) if year_src else (META_SHEET, "")
    if year is None:
        findings.append(Finding("required", *where, {"label": "年度"}))
    elif not isinstance(year, int) or not earliest <= year <= latest:
        findings.append(Finding("year_invalid", *where, {"first": earliest, "last": latest, "found": year}))
    elif not fmt.covers(year):
        try:
            expected = format_for_year(year).id
        except UnknownFormat:
            expected = "—"
        findings.append(Finding("format_year_mismatch", *where, {
            "format": fmt.id, "years": fmt.years_label, "year": year, "expected": expected}))
    date = meta.get("date")
    if isinstance(year, int) and re.match(r"\d{4}-\d{2}-\d{2}$", date or "") and int(date[:4]) not in (year, year + 1):
        src = result.sources[pointer("meta", "date")]
        findings.append(Finding("date_implausible", src.sheet, src.cell,
                                {"found": date, "year": year, "next_year": year + 1}))
    for section in fmt.narrative_sections():
        findings += _empty_headings(result, section)
        blocks = result.data["sections"].get(section.id)
        if section.required and blocks is not None and not any(b["kind"] == "paragraph" for b in blocks):
            findings.append(Finding("section_empty", section.sheet, "B" + str(narrative_first_row(section)),
                                    {"heading": section.heading, "sheet": section.sheet}))
    return findings


LEVELS = {"heading": 1, "subheading": 2}


def _empty_headings(result: ReadResult, section) -> list[Finding]:
    """A sub-heading followed by another of the same or a higher level, or by nothing: the report
    would show a bare title (typically one of the five pre-filled 2021 sub-headings left empty)."""
    blocks = result.data["sections"].get(section.id) or []
    findings = []
    for i, block in enumerate(blocks):
        level = LEVELS.get(block["kind"])
        if level is None:
            continue
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if following is None or LEVELS.get(following["kind"], 99) <= level:
            src = result.sources.get(pointer("sections", section.id, i, "text"))
            findings.append(Finding("heading_without_text", src.sheet if src else section.sheet,
                                    src.cell if src else "", {"heading": block["text"]}))
    return findings
