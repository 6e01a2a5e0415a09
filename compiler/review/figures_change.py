"""Key figures against last year's: a figure five times larger or smaller is worth a second look.

Public checkers flag a change beyond ×5 or ÷5 as a possible unit or typing error (元 typed as 万元,
a digit too many), and a figure going from 0 to many (or back) as a row possibly filled in the
wrong place. Both are advice, never an error: a year with a wave of applications is real. The
thresholds are data in the format definition (``year_review.figure_jump``).
"""

from __future__ import annotations

from dataclasses import dataclass

from compiler.document.figures import figure_cells, figure_readable, figure_value
from compiler.document.model import ReadResult, pointer
from compiler.messages.findings import Finding


@dataclass(frozen=True)
class JumpRules:
    ratio: float  # ×ratio or ÷ratio is a jump
    floor: int  # ... when the larger of the two is at least this (3 → 15 is a jump, 1 → 5 is not)
    from_zero: int  # 0 ↔ at least this is a jump
    skip: tuple[str, ...] = ()  # figures that only add up others (一 + 二): their parts are reported

    @classmethod
    def from_data(cls, raw: dict) -> JumpRules:
        return cls(float(raw["ratio"]), int(raw["floor"]), int(raw["from_zero"]), tuple(raw.get("skip", ())))


@dataclass(frozen=True)
class FigureChange:
    name: str
    label: str
    previous: int
    current: int
    jump: bool

    @property
    def delta(self) -> int:
        return self.current - self.previous

    @property
    def factor(self) -> float | None:
        """current / previous, None when last year was 0."""
        return self.current / self.previous if self.previous else None

    @property
    def size(self) -> float:
        """How big the change is, for ordering: the factor either way, zero crossings first."""
        low, high = sorted((self.previous, self.current))
        if high == 0:
            return 0.0
        return float("inf") if low == 0 else high / low


def is_jump(previous: int, current: int, rules: JumpRules) -> bool:
    low, high = sorted((previous, current))
    if low == 0:
        return high >= rules.from_zero
    return high >= rules.floor and high / low >= rules.ratio


def figure_changes(previous: ReadResult, current: ReadResult, rules: JumpRules) -> list[FigureChange]:
    """Every named figure both years have, in the order of this year's format."""
    out = []
    for name, spec in current.format.figures.items():
        if name not in previous.format.figures or not (figure_readable(previous.format, previous.data, name)
                                                        and figure_readable(current.format, current.data, name)):
            continue  # a figure last year's format lacks, or a table still to be corrected
        before = figure_value(previous.format, previous.data, name)
        now = figure_value(current.format, current.data, name)
        jump = name not in rules.skip and is_jump(before, now, rules)
        out.append(FigureChange(name, spec["label"], before, now, jump))
    return out


def check_figure_jumps(changes: list[FigureChange], current: ReadResult, previous_name: str) -> list[Finding]:
    findings = []
    for change in changes:
        if not change.jump:
            continue
        cells = figure_cells(current.format, change.name)
        sheet, cell = current.place(pointer("tables", *cells[0])) if cells else ("", "")
        if change.previous == 0:
            how, how_en = "上年为 0", "from zero"
        elif change.current == 0:
            how, how_en = "本年为 0", "to zero"
        else:
            factor = change.current / change.previous
            how = f"约为上年的 {factor:.1f} 倍" if factor >= 1 else f"约为上年的 1/{1 / factor:.1f}"
            how_en = f"×{factor:.1f}" if factor >= 1 else f"÷{1 / factor:.1f}"
        findings.append(Finding("figure_jump", sheet, cell, {
            "label": change.label, "previous": change.previous, "current": change.current,
            "how": how, "how_en": how_en, "file": previous_name,
        }))
    return findings
