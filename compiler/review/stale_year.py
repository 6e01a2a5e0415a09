"""Last year's words left in: 「2025年，我局…」 in the 2026 report.

A workbook reused from last year with only the year cell changed compiles cleanly; its narrative
still names last year where this year is meant. A mention of last year is fine when the sentence
compares with it or refers back to it (「较2025年增长」, 「与2025年相比」, 「2025年度年报所提问题」,
「2025年结转」); those phrasings are data in the format definition (``year_review.stale_year``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from compiler.document.model import ReadResult, pointer
from compiler.document.values import chinese_int
from compiler.messages.findings import Finding

_YEAR = re.compile(r"(?<![\d０-９])([0-9０-９]{4}|[〇零○Ｏ一二三四五六七八九]{4})\s*年")
_SENTENCE = re.compile(r"[^。；！？\n]*[。；！？]?")


@dataclass(frozen=True)
class StaleRules:
    allowed_before: re.Pattern
    allowed_after: re.Pattern

    @classmethod
    def from_data(cls, raw: dict) -> StaleRules:
        return cls(re.compile(raw["allowed_before"]), re.compile(raw["allowed_after"]))


def year_value(text: str) -> int | None:
    """2025, ２０２５ or 二〇二五 as a number."""
    text = text.replace("○", "〇").replace("Ｏ", "〇")
    if text[0].isdigit():
        return int(text)
    try:
        return chinese_int(text)
    except KeyError:
        return None


def stale_mentions(text: str, year: int, rules: StaleRules) -> list[tuple[str, str]]:
    """(sentence, the mention) for each mention of ``year - 1`` that does not compare or refer back."""
    found = []
    for sentence_match in _SENTENCE.finditer(text):
        sentence = sentence_match.group(0)
        for match in _YEAR.finditer(sentence):
            if year_value(match.group(1)) != year - 1:
                continue
            before, after = sentence[:match.start()], sentence[match.end():]
            if rules.allowed_before.search(before) or rules.allowed_after.search(after):
                continue
            found.append((_excerpt(sentence, match.start(), match.end()), match.group(0)))
    return found


def _excerpt(sentence: str, start: int, end: int, before: int = 12, after: int = 28) -> str:
    """The mention with a little of its sentence around it: enough to find it, short enough to read."""
    left, right = max(0, start - before), min(len(sentence), end + after)
    text = sentence[left:right].strip()
    return ("…" if left > 0 else "") + text + ("…" if right < len(sentence.rstrip()) else "")


def check_stale_years(current: ReadResult, rules: StaleRules) -> list[Finding]:
    year = current.data.get("meta", {}).get("year")
    if not isinstance(year, int):
        return []
    findings = []
    for section in current.format.narrative_sections():
        for index, block in enumerate(current.data.get("sections", {}).get(section.id) or []):
            if not block.get("text"):
                continue
            sheet, cell = current.place(pointer("sections", section.id, index, "text"))
            for sentence, mention in stale_mentions(block["text"], year, rules):
                findings.append(Finding("stale_year", sheet, cell, {
                    "sentence": sentence, "mention": mention, "year": year, "previous": year - 1,
                    "heading": section.heading,
                }))
    return findings
