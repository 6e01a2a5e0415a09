"""How much of this year's narrative repeats last year's (雷同).

Evaluation schemes deduct points when more than half of a report repeats the previous year's; the
measure here answers exactly that question, per section: *which share of this year's characters
lie inside a run of at least N characters that also occurs somewhere in last year's narrative*.

- Text is compared in a normal form: full-width folded (NFKC), spaces, line breaks and punctuation
  dropped, so re-punctuating a sentence does not hide a copy.
- A character counts as repeated when some window of ``n`` consecutive characters containing it
  (default 8, about two short Chinese words) occurs in last year's text. Sentences rearranged or
  moved to another section still count as repeated; a rewritten sentence sharing only set phrases
  such as 《中华人民共和国政府信息公开条例》 counts only those phrases.
- Only what the agency wrote counts: paragraphs, not the official sub-headings (主动公开, 依申请公开 …)
  and not the application summary this program generates from the tables.

Paragraphs "copied whole" are those equal to one of last year's once their figures are masked: a
paragraph carried over with only its year and numbers changed is still last year's paragraph.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from compiler.document.model import ReadResult, pointer

DEFAULT_NGRAM = 8
COUNTED_KINDS = ("paragraph",)
_DROPPED = re.compile(r"[\s\W_]+", re.UNICODE)  # spaces and punctuation (CJK characters are \w)


def normal_form(text: str) -> str:
    """The comparable form of a text: full-width folded, spaces and punctuation dropped."""
    return _DROPPED.sub("", unicodedata.normalize("NFKC", text))


def _masked(text: str) -> str:
    return re.sub(r"\d+", "#", normal_form(text))


def ngrams(text: str, n: int = DEFAULT_NGRAM) -> set[str]:
    return {text[i:i + n] for i in range(len(text) - n + 1)}


def covered_characters(text: str, reference: str, n: int = DEFAULT_NGRAM,
                       reference_grams: set[str] | None = None) -> int:
    """How many characters of ``text`` (normal form) lie in an ``n``-character window found in
    ``reference`` (normal form). A text shorter than ``n`` counts whole when it occurs in it."""
    if len(text) < n:
        return len(text) if text and text in reference else 0
    grams = reference_grams if reference_grams is not None else ngrams(reference, n)
    covered = [False] * len(text)
    for i in range(len(text) - n + 1):
        if text[i:i + n] in grams:
            for j in range(i, i + n):
                covered[j] = True
    return sum(covered)


def repeated_share(text: str, reference: str, n: int = DEFAULT_NGRAM) -> float:
    """Share (0–1) of ``text`` found in ``reference``, both in any form: the measure in one call."""
    text, reference = normal_form(text), normal_form(reference)
    return covered_characters(text, reference, n) / len(text) if text else 0.0


@dataclass(frozen=True)
class CopiedParagraph:
    index: int  # position in this year's section
    text: str
    sheet: str
    cell: str
    previous_section: str  # where last year had it
    previous_index: int
    same_figures: bool  # identical even in its numbers


@dataclass
class SectionReuse:
    section_id: str
    heading: str
    sheet: str
    chars: int  # characters this year (normal form)
    repeated: int  # of which found in last year's text
    copied: list[CopiedParagraph] = field(default_factory=list)
    first_cell: str = ""

    @property
    def share(self) -> float:
        return self.repeated / self.chars if self.chars else 0.0


def paragraphs(result: ReadResult, section_id: str) -> list[tuple[int, str]]:
    """(position, text) of the paragraphs the agency wrote in a section."""
    blocks = result.data.get("sections", {}).get(section_id) or []  # None: a section not found
    return [(i, b["text"]) for i, b in enumerate(blocks) if b.get("kind") in COUNTED_KINDS and b.get("text")]


def narrative_reuse(previous: ReadResult, current: ReadResult, n: int = DEFAULT_NGRAM) -> list[SectionReuse]:
    """Per narrative section of this year's report: how much of it last year's narrative holds."""
    earlier = {s.id: paragraphs(previous, s.id) for s in previous.format.narrative_sections()}
    reference = "\n".join(normal_form(t) for paras in earlier.values() for _, t in paras)
    grams = ngrams(reference, n)
    masked_before: dict[str, tuple[str, int, str]] = {}
    for section_id, paras in earlier.items():
        for index, text in paras:
            key = _masked(text)
            if len(key) >= n:
                masked_before.setdefault(key, (section_id, index, normal_form(text)))
    out = []
    for section in current.format.narrative_sections():
        entry = SectionReuse(section.id, section.heading, section.sheet, 0, 0)
        for index, text in paragraphs(current, section.id):
            norm = normal_form(text)
            entry.chars += len(norm)
            entry.repeated += covered_characters(norm, reference, n, grams)
            _, cell = current.place(pointer("sections", section.id, index, "text"))
            entry.first_cell = entry.first_cell or cell
            match = masked_before.get(_masked(text))
            if match:
                entry.copied.append(CopiedParagraph(index, text, section.sheet, cell, match[0], match[1],
                                                    same_figures=match[2] == norm))
        out.append(entry)
    return out


def overall_share(sections: list[SectionReuse]) -> float:
    """The whole narrative's repeat rate: repeated characters over all characters."""
    chars = sum(s.chars for s in sections)
    return sum(s.repeated for s in sections) / chars if chars else 0.0
