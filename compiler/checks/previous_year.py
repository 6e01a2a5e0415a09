"""This year against last year: what last year carried forward must be what this year carried over.

A figure that last year's report never carried forward, or a stock of regulations that does not
follow from last year's plus this year's changes, is caught here.
"""

from __future__ import annotations

from compiler.document.model import ReadResult, pointer
from compiler.messages.findings import Finding


def check_previous_year(result: ReadResult, previous: ReadResult, previous_name: str) -> list[Finding]:
    """This year's figures against last year's workbook (already read and totalled)."""
    findings = []
    this_year, last_year = result.data["meta"].get("year"), previous.data["meta"].get("year")
    if isinstance(this_year, int) and isinstance(last_year, int) and last_year != this_year - 1:
        src = result.sources[pointer("meta", "year")]
        findings.append(Finding("previous_not_last_year", src.sheet, src.cell,
                                {"file": previous_name, "previous": last_year, "year": this_year}))
        return findings
    for check in result.format.previous_year_checks:
        if check["kind"] == "equal":
            findings += _equal_check(result, previous, previous_name, check)
        elif check["kind"] == "continuity":
            findings += _continuity_check(result, previous, previous_name, check)
    return findings


def _equal_check(result, previous, previous_name, check) -> list[Finding]:
    findings = []
    cur, prev = check["current"], check["previous"]
    table = result.format.tables[cur["table"]]
    for col in table.column_leaves():
        now = result.data["tables"][cur["table"]][cur["row"]][col.id]
        before = previous.data["tables"].get(prev["table"], {}).get(prev["row"], {}).get(col.id)
        if before is None or now == before:
            continue
        src = result.sources[pointer("tables", cur["table"], cur["row"], col.id)]
        findings.append(Finding("previous_mismatch", src.sheet, src.cell, {
            "label": table.row_label(cur["row"]),
            "column": table.column_label(col.id),
            "current": now,
            "previous": before,
            "previous_label": table.row_label(prev["row"]),
            "file": previous_name,
        }))
    return findings


def _continuity_check(result, previous, previous_name, check) -> list[Finding]:
    findings = []
    now = result.data["tables"][check["table"]][check["block"]]
    before = previous.data["tables"].get(check["table"], {}).get(check["block"], {})
    block = next(b for b in result.format.tables[check["table"]].blocks if b.id == check["block"])
    for row in check["rows"]:
        last = before.get(row, {}).get(check["stock"])
        if last is None:  # last year's format had no such figure
            continue
        cells = now[row]
        expected = last + cells[check["added"]] - cells[check["removed"]]
        if cells[check["stock"]] == expected:
            continue
        src = result.sources[pointer("tables", check["table"], check["block"], row, check["stock"])]
        label = next(r.label for r in block.rows if r.id == row)
        findings.append(Finding("stock_discontinuity", src.sheet, src.cell, {
            "label": label, "current": cells[check["stock"]], "previous": last,
            "added": cells[check["added"]], "removed": cells[check["removed"]], "expected": expected,
            "file": previous_name,
        }))
    return findings
