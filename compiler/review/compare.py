"""This year's report against last year's, as a reviewer reads them side by side.

``review(previous, current)`` takes the two years already read (and totalled) and returns the
findings — copied text (``text_reused``), large changes of key figures (``figure_jump``) — with the
measurements behind them, which ``compile diff`` prints and ``diff_page`` lays out. It does not
care where last year came from (``--previous``, an archive of earlier years, a published report
read back): any ReadResult will do.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from compiler.document.model import ReadResult
from compiler.messages.findings import Finding
from compiler.review.figures_change import (
    FigureChange,
    JumpRules,
    check_figure_jumps,
    figure_changes,
)
from compiler.review.reuse import SectionReuse, narrative_reuse, overall_share
from compiler.review.stale_year import StaleRules, check_stale_years


@dataclass(frozen=True)
class ReviewSettings:
    ngram: int
    threshold: float  # share of a section above which it is reported as copied
    min_chars: int  # sections shorter than this are not judged (「无。」 both years is no copy)
    jumps: JumpRules
    stale: StaleRules

    @classmethod
    def of(cls, current: ReadResult, threshold: float | None = None) -> ReviewSettings:
        raw = current.format.year_review
        reuse = raw["reuse"]
        return cls(
            ngram=int(reuse["ngram"]),
            threshold=float(reuse["threshold"] if threshold is None else threshold),
            min_chars=int(reuse["min_chars"]),
            jumps=JumpRules.from_data(raw["figure_jump"]),
            stale=StaleRules.from_data(raw["stale_year"]),
        )


@dataclass
class Review:
    findings: list[Finding]
    sections: list[SectionReuse]
    figures: list[FigureChange]
    settings: ReviewSettings
    previous_name: str = ""
    stale: list[Finding] = field(default_factory=list)

    @property
    def overall(self) -> float:
        """The narrative's repeat rate as a whole (0–1)."""
        return overall_share(self.sections)


def _excerpt(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def review(previous: ReadResult, current: ReadResult, previous_name: str = "",
           threshold: float | None = None, with_stale: bool = False) -> Review:
    """Compare two consecutive years. ``with_stale`` adds the stale-year findings (the pipeline
    runs that check on every compile, previous year or not, so it leaves it off)."""
    settings = ReviewSettings.of(current, threshold)
    sections = narrative_reuse(previous, current, settings.ngram)
    findings = [f for s in sections if (f := _reuse_finding(s, settings, previous_name))]
    changes = figure_changes(previous, current, settings.jumps)
    findings += check_figure_jumps(changes, current, previous_name)
    stale = check_stale_years(current, settings.stale)
    if with_stale:
        findings += stale
    return Review(findings, sections, changes, settings, previous_name, stale)


def _reuse_finding(section: SectionReuse, settings: ReviewSettings, previous_name: str) -> Finding | None:
    if section.chars < settings.min_chars or section.share <= settings.threshold:
        return None
    first = section.copied[0] if section.copied else None
    example = _excerpt(first.text) if first else ""
    copied = (f"，其中 {len(section.copied)} 段与上年相同（{'、'.join(c.cell for c in section.copied[:5])}）"
              if section.copied else "")
    cells = ", ".join(c.cell for c in section.copied[:5])
    copied_en = (f"; {len(section.copied)} paragraph(s) are last year's ({cells})"
                 if section.copied else "")
    return Finding("text_reused", section.sheet, first.cell if first else section.first_cell, {
        "heading": section.heading, "share": round(section.share * 100), "threshold": round(settings.threshold * 100),
        "copied": copied, "copied_en": copied_en,
        "example": f"如「{example}」。" if example else "", "example_en": f" E.g. '{example}'." if example else "",
        "file": previous_name or "上一年度",
    })
