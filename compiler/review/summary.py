"""The review in a terminal: repeat rate per section, the figures that changed most, the findings.

``compile diff`` prints this; the HTML page (``diff_page``) shows the same measurements at its top.
"""

from __future__ import annotations

from compiler.messages.presentation import display_width, findings_table, pad
from compiler.review.compare import Review
from compiler.review.figures_change import FigureChange

TOP_FIGURES = 5


def percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def change_text(change: FigureChange) -> str:
    """+12 (×1.3), −40 (÷5.0), +7 (from 0)."""
    sign = "+" if change.delta >= 0 else "−"
    delta = f"{sign}{abs(change.delta)}"
    if change.delta == 0:
        return "0"
    if change.previous == 0:
        return f"{delta}（上年为 0）"
    factor = change.current / change.previous
    if factor == 0:
        return f"{delta}（本年为 0）"
    return f"{delta}（×{factor:.1f}）" if factor >= 1 else f"{delta}（÷{1 / factor:.1f}）"


def changed_most(review: Review, count: int = TOP_FIGURES) -> list[FigureChange]:
    moved = [c for c in review.figures if c.delta != 0]
    return sorted(moved, key=lambda c: (not c.jump, -c.size, -abs(c.delta)))[:count]


def _aligned(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(display_width(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    return ["  " + "  ".join(pad(v, w) for v, w in zip(row, widths, strict=False)) + "  " + row[-1] for row in rows]


def review_lines(review: Review, lang: str = "zh") -> list[str]:
    zh = lang != "en"
    settings = review.settings
    lines = [f"重复率（与 {review.previous_name} 相比；连续 {settings.ngram} 字与上年相同的文字所占比例）" if zh else
             f"Repeat rate (against {review.previous_name}; share of text in runs of {settings.ngram}+ characters "
             "found in last year's)"]
    rows: list[tuple[str, ...]] = [("章节", "重复率", "字数", "整段相同") if zh
                                   else ("Section", "Repeated", "Characters", "Paragraphs copied")]
    for s in review.sections:
        judged = s.chars >= settings.min_chars
        rate = percent(s.share) if judged else (f"—（不足 {settings.min_chars} 字，不评）" if zh else "— (too short)")
        mark = " ▲" if judged and s.share > settings.threshold else ""
        rows.append((s.heading, rate + mark, str(s.chars), str(len(s.copied))))
    chars = sum(s.chars for s in review.sections)
    rows.append(("全文" if zh else "Whole narrative", percent(review.overall), str(chars),
                 str(sum(len(s.copied) for s in review.sections))))
    lines += _aligned(rows)
    moved = changed_most(review)
    if moved:
        lines.append("变化最大的数字" if zh else "Figures that changed most")
        rows = [("项目", "上年", "本年", "变化") if zh else ("Figure", "Last year", "This year", "Change")]
        rows += [(c.label + (" ▲" if c.jump else ""), str(c.previous), str(c.current), change_text(c)) for c in moved]
        lines += _aligned(rows)
    findings = [*review.findings, *(f for f in review.stale if f not in review.findings)]
    if findings:
        lines.append(f"{len(findings)} 条提示：" if zh else f"{len(findings)} warning(s):")
        lines += findings_table(findings, lang)
    else:
        lines.append("没有需要提示的问题。" if zh else "Nothing to report.")
    return lines
