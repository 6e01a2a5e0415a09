"""The official arithmetic (勾稽关系) and completeness rules, driven by the format definition."""

from __future__ import annotations

import datetime as dt
import re

from .definition import Format, Table, UnknownFormat, format_for_year
from .findings import Finding
from .sheet_layout import narrative_first_row
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
            if check.axis == "row":
                for col in table.column_leaves():
                    findings += _balance(result, table, check, values, col.id)
    return findings


def _balance(result: ReadResult, table: Table, check, values: dict, col_id: str) -> list[Finding]:
    left = sum(values[r][col_id] for r in check.left)
    right = sum(values[r][col_id] for r in check.right)
    if left == right:
        return []
    anchor = result.sources[pointer("tables", table.id, check.right[-1], col_id)]
    names = lambda ids: "＋".join(_short(table.row_label(r)) for r in ids)  # noqa: E731
    return [Finding("balance", anchor.sheet, anchor.cell, {
        "column": table.column_label(col_id),
        "rule": check.label,
        "left_terms": names(check.left),
        "right_terms": names(check.right),
        "left": left,
        "right": right,
        "difference": left - right,
    })]


def _short(label: str) -> str:
    """A row label without its parenthetical note, short enough for a one-line message."""
    return label.split("（区分处理")[0]


def check_completeness(result: ReadResult, today: dt.date | None = None) -> list[Finding]:
    findings = []
    meta = result.data["meta"]
    fmt = result.format
    latest = (today or dt.date.today()).year + 1
    for field_id, label in (("org", "机关名称"),):
        if not meta.get(field_id):
            src = result.sources.get(pointer("meta", field_id))
            findings.append(Finding("required", src.sheet if src else "基本信息", src.cell if src else "", {"label": label}))
    year = meta.get("year")
    year_src = result.sources.get(pointer("meta", "year"))
    where = (year_src.sheet, year_src.cell) if year_src else ("基本信息", "")
    if year is None:
        findings.append(Finding("required", *where, {"label": "年度"}))
    elif not isinstance(year, int) or not 2019 <= year <= latest:
        findings.append(Finding("year_invalid", *where, {"first": 2019, "last": latest, "found": year}))
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
