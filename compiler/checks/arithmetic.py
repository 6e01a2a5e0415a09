"""The official arithmetic (勾稽关系): totals recomputed, totals typed over formulas, and every balance.

All of it is driven by the tables and checks of the format definition; nothing here names a row.
"""

from __future__ import annotations

import re

from compiler.document.model import ReadResult, get_path, pointer
from compiler.formats.definition import Format, Table
from compiler.messages.findings import Finding


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
        node = get_path(result.data, ptr)
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
