"""Checks that look beyond one table: the narrative against the tables, and this year against last.

Published reports often say 「共收到申请258件」 while the table says 275, or carry over a figure that
last year's report never carried forward; both are caught here.
"""

from __future__ import annotations

import re

from .definition import Format
from .figures import figure_cells, figure_value
from .findings import Finding
from .values import chinese_int
from .workbook_reader import ReadResult, pointer

_SENTENCE_END = re.compile(r"(?<=[。；！？])")


def check_text_against_tables(result: ReadResult) -> list[Finding]:
    fmt, data = result.format, result.data
    findings = []
    for section in fmt.narrative_sections():
        for index, block in enumerate(data["sections"].get(section.id, [])):
            for sentence in _SENTENCE_END.split(block["text"]):
                findings += _check_sentence(result, fmt, section.id, index, sentence)
    return findings


def _check_sentence(result: ReadResult, fmt: Format, section_id: str, index: int, sentence: str) -> list[Finding]:
    findings = []
    for check in fmt.text_checks:
        for match in re.finditer(check["pattern"], sentence):
            stated = int(match.group(1)) if match.group(1).isdigit() else chinese_int(match.group(1))
            actual = figure_value(fmt, result.data, check["figure"])
            if stated == actual:
                continue
            src = result.sources[pointer("sections", section_id, index, "text")]
            findings.append(Finding("text_mismatch", src.sheet, src.cell, {
                "sentence": sentence.strip(),
                "phrase": match.group(0),
                "stated": stated,
                "actual": actual,
                "label": fmt.figures[check["figure"]]["label"],
                "table_cell": _cells_text(result, figure_cells(fmt, check["figure"])),
            }))
    return findings


def _cells_text(result: ReadResult, cells) -> str:
    """Where a figure lives: 依申请公开!J7, or 依申请公开!J11:J18 for a sum of adjacent rows."""
    sources = [result.sources.get(pointer("tables", *c)) for c in cells]
    sources = [s for s in sources if s is not None]
    if not sources:
        return ""
    if len(sources) == 1:
        return f"{sources[0].sheet}!{sources[0].cell}"
    first, last = sources[0], sources[-1]
    column = re.match(r"[A-Z]+", first.cell).group(0)
    if all(s.sheet == first.sheet and re.fullmatch(rf"{column}\d+", s.cell) for s in sources):
        rows = [int(s.cell[len(column):]) for s in sources]
        if rows == list(range(rows[0], rows[0] + len(rows))):
            return f"{first.sheet}!{first.cell}:{last.cell}"
    return "、".join(f"{s.sheet}!{s.cell}" for s in sources)


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
