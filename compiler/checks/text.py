"""The narrative against the tables: each sentence that states a figure of the tables must agree.

Published reports often say 「共收到申请258件」 while the table says 275; the phrases that name
each figure are data in the format definition.
"""

from __future__ import annotations

import re

from compiler.checks.narrative import check_combined, check_either, check_percentages, masked
from compiler.document.figures import figure_cells, figure_readable, figure_value
from compiler.document.model import ReadResult, pointer
from compiler.document.values import chinese_int
from compiler.formats.definition import Format
from compiler.messages.findings import Finding

_SENTENCE_END = re.compile(r"(?<=[。；！？])")


def check_text_against_tables(result: ReadResult) -> list[Finding]:
    fmt, data = result.format, result.data
    findings = []
    for section in fmt.narrative_sections():
        for index, block in enumerate(data["sections"].get(section.id) or []):  # None: not found
            where = result.place(pointer("sections", section.id, index, "text"))
            for sentence in _SENTENCE_END.split(block["text"]):
                combined, spans = check_combined(result, where, sentence)
                findings += combined
                findings += _check_sentence(result, fmt, section.id, index, sentence, masked(sentence, spans))
                findings += check_either(result, where, sentence)
                findings += check_percentages(result, where, sentence)
    return findings

def _check_sentence(result: ReadResult, fmt: Format, section_id: str, index: int, sentence: str,
                    readable: str) -> list[Finding]:
    """Each phrase naming one figure; ``readable`` is the sentence with its combined statements
    blanked (「予以公开及部分公开27件」 claims the sum, not each)."""
    findings: list[Finding] = []
    checks, any_phrase = _phrases(fmt)
    if any_phrase is not None and not any_phrase.search(readable):
        return findings  # no phrase of any figure in this sentence (most sentences)
    for check, pattern in checks:
        matches = list(pattern.finditer(readable))
        if not matches or not figure_readable(fmt, result.data, check["figure"]):
            continue  # no phrase names it, or a cell of its table still has to be corrected (its error says so)
        for match in matches:
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
                "table_cell": cells_text(result, figure_cells(fmt, check["figure"])),
            }))
    return findings


_PHRASES: dict[int, tuple[Format, list, re.Pattern | None]] = {}
_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=")


def _phrases(fmt: Format) -> tuple[list[tuple[dict, re.Pattern]], re.Pattern | None]:
    """The format's phrase patterns compiled, and one pattern matching wherever any of them does,
    to pass over a sentence that names no figure in one search (None when the patterns cannot be
    joined: a back-reference would point at another pattern's group)."""
    known = _PHRASES.get(id(fmt))
    if known is not None and known[0] is fmt:
        return known[1], known[2]
    checks = [(check, re.compile(check["pattern"])) for check in fmt.text_checks]
    patterns = [check["pattern"] for check in fmt.text_checks]
    any_phrase = None
    if patterns and not any(_BACKREFERENCE.search(p) for p in patterns):
        try:
            any_phrase = re.compile("|".join(f"(?:{p})" for p in patterns))
        except re.error:  # e.g. the same group name in two patterns
            any_phrase = None
    _PHRASES[id(fmt)] = (fmt, checks, any_phrase)
    return checks, any_phrase


def cells_text(result: ReadResult, cells) -> str:
    """Where a figure lives: 依申请公开!J7, or 依申请公开!J11:J18 for a sum of adjacent rows."""
    sources = [s for c in cells if (s := result.sources.get(pointer("tables", *c))) is not None]
    if not sources:
        return ""
    if len(sources) == 1:
        return f"{sources[0].sheet}!{sources[0].cell}"
    first, last = sources[0], sources[-1]
    letters = re.match(r"[A-Z]+", first.cell)  # a source outside a workbook has no column letters
    column = letters.group(0) if letters else ""
    if letters and all(s.sheet == first.sheet and re.fullmatch(rf"{column}\d+", s.cell) for s in sources):
        rows = [int(s.cell[len(column):]) for s in sources]
        if rows == list(range(rows[0], rows[0] + len(rows))):
            return f"{first.sheet}!{first.cell}:{last.cell}"
    return "、".join(f"{s.sheet}!{s.cell}" for s in sources)
