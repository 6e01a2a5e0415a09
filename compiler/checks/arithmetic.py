"""The official arithmetic (勾稽关系): totals recomputed, totals typed over formulas, and every balance.

All of it is driven by the tables and checks of the format definition; nothing here names a row.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from compiler.document.model import ReadResult, get_path, pointer
from compiler.formats.definition import Format, Table
from compiler.messages.findings import Finding


def compute_totals(fmt: Format, data: dict, unreadable: Collection[str] = ()) -> set[str]:
    """Fill every derived cell (总计 columns and rows) from the detail cells, in place.

    A total that adds up a value in ``unreadable`` (pointers of cells that are not numbers) cannot
    be known: it is set to None and its pointer returned with the others, so the checks that use it
    are left out rather than the whole arithmetic."""
    unknown = set(unreadable)
    for table in fmt.tables.values():
        values = data["tables"].get(table.id)
        if table.kind != "grid" or values is None:
            continue
        rows = [r.id for r in table.row_leaves()]
        cols = [c.id for c in table.column_leaves()]
        for rule in table.derived:
            if rule.axis == "row":
                targets = [((rule.target, col), [(t, col) for t in rule.terms]) for col in cols]
            else:
                targets = [((row, rule.target), [(row, t) for t in rule.terms]) for row in rows]
            for (row, col), terms in targets:
                if any(_unknown(table, values, unknown, r, c) for r, c in terms):
                    values[row][col] = None
                    unknown.add(pointer("tables", table.id, row, col))
                else:
                    values[row][col] = sum(values[r][c] for r, c in terms)
    return unknown


def _unknown(table: Table, values: dict, unknown: set[str], row: str, col: str) -> bool:
    value = values[row][col]
    return (isinstance(value, bool) or not isinstance(value, (int, float))
            or (bool(unknown) and pointer("tables", table.id, row, col) in unknown))


def check_typed_totals(result: ReadResult, unknown: Collection[str] = ()) -> list[Finding]:
    """Totals typed over the formulas must equal the recomputed ones (where those can be known)."""
    findings = []
    for ptr, typed in result.typed_totals.items():
        if ptr in unknown:
            continue
        node = get_path(result.data, ptr)
        if typed != node:
            src = result.sources[ptr]
            difference = typed - node if isinstance(typed, (int, float)) else "—"
            findings.append(Finding("total_mismatch", src.sheet, src.cell,
                                    {"label": src.label, "found": typed, "expected": node, "difference": difference}))
    return findings


def check_balances(result: ReadResult, unknown: Collection[str] = ()) -> list[Finding]:
    """Every 勾稽关系 in every line. A line that uses an unreadable cell is left out; when any are,
    one warning says how many and which cells, so the agency knows more checks follow the fix."""
    findings = []
    skipped = 0
    fmt = result.format
    unknown = set(unknown)
    for table in fmt.tables.values():
        values = result.data["tables"].get(table.id)
        if values is None:
            continue
        for check in table.checks:
            # axis "row": the equation adds rows, in every column; axis "column": adds columns, in every row
            lines = table.column_leaves() if check.axis == "row" else table.row_leaves()
            for line in lines:
                cells = _cells(check, line.id)
                if any(_unknown(table, values, unknown, r, c) for r, c in cells):
                    skipped += 1
                    continue
                findings += _balance(result, table, check, values, line.id)
    if skipped:
        findings.append(_skipped(result, unknown, skipped))
    return findings


def _cells(check, line: str) -> list[tuple[str, str]]:
    terms = [*check.left, *check.right]
    return [(t, line) for t in terms] if check.axis == "row" else [(line, t) for t in terms]


def _skipped(result: ReadResult, unknown: set[str], count: int) -> Finding:
    """Said once: which unreadable cells held back how many balance checks (totals computed from
    them are not listed: the agency fixes the cells it typed)."""
    order = {ptr: i for i, ptr in enumerate(result.sources)}
    typed = sorted((p for p in unknown if p.startswith("/tables/") and p in result.sources
                    and (get_path(result.data, p) is not None or p in result.unread)), key=order.__getitem__)
    cells = list({(src.sheet, src.cell): src for src in (result.sources[p] for p in typed)}.values())
    first = cells[0] if cells else None
    named = [f"{c.sheet}!{c.cell}" for c in cells[:6]]
    more = "…" if len(cells) > 6 else ""
    return Finding("balance_skipped", first.sheet if first else "", first.cell if first else "",
                   {"count": count, "cells": "、".join(named) + more, "cells_en": ", ".join(named) + more})


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
