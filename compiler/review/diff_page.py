"""The year-over-year comparison as a page a reviewer reads: ``compile diff LAST THIS --html out.html``.

At the top a summary (repeat rate per section, the figures that changed most, the warnings); then
each narrative section in two columns, last year beside this year, paragraphs aligned, deleted
words struck through (``<del>``) and added words underlined (``<ins>``) — marked by the element and
its decoration, not by colour alone — and paragraphs copied whole marked 「≡ 与上年相同」; then the
tables with every changed cell showing last year's figure and the difference. One self-contained
file, no script, readable on a phone.
"""

from __future__ import annotations

import difflib
from html import escape

from compiler.document.figures import (
    all_numbers,
    figure_cells,
    summary_sentence,
    summary_tables,
)
from compiler.document.model import ReadResult, get_path
from compiler.document.values import format_value
from compiler.formats.grid import Cell, table_grid
from compiler.review.compare import Review
from compiler.review.reuse import COUNTED_KINDS, normal_form
from compiler.review.summary import change_text, changed_most, percent

STYLE = """
:root { color: #1a1a1a; background: #fff; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; line-height: 1.7;
       margin: 0 auto; max-width: 80rem; padding: 1rem; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #999; }
.rate { font-weight: normal; font-size: 0.95rem; margin-left: 1em; }
.over { font-weight: bold; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { border: 1px solid #777; padding: 0.25rem 0.45rem; vertical-align: top; }
th { background: #f0f0f0; font-weight: normal; }
thead th { font-weight: bold; }
.side-by-side { width: 100%; table-layout: fixed; }
.side-by-side td { width: 50%; }
.side-by-side td.heading { font-weight: bold; }
.table-wrap { overflow-x: auto; }
.grid td { text-align: center; white-space: nowrap; }
del { text-decoration: line-through; background: #fde2e1; color: #8a1c1c; }
ins { text-decoration: underline; background: #dff3df; color: #145214; }
.copied { border-left: 4px double #8a1c1c; }
.badge { display: inline-block; font-size: 0.8rem; border: 1px solid #8a1c1c; padding: 0 0.3em; margin-right: 0.4em; }
td.changed { background: #fff6d5; }
td.jump { outline: 2px solid #b34700; }
.was { font-size: 0.85em; }
.delta { font-size: 0.85em; display: block; }
.legend { font-size: 0.9rem; }
ul.findings li { margin-bottom: 0.3rem; }
""".strip()

COPIED = "≡ 与上年相同"


def _blocks(result: ReadResult, section_id: str) -> list[tuple[str, str]]:
    """(kind, text) of a section; the generated application summary shown as the sentence it makes."""
    out = []
    for block in result.data.get("sections", {}).get(section_id) or []:
        text = block.get("text", "")
        if block.get("kind") == "summary":
            readable = all(all_numbers(result.data["tables"].get(t, {})) for t in summary_tables(result.format))
            text = summary_sentence(result.format, result.data) if readable else ""
        if text:
            out.append((block.get("kind", "paragraph"), text))
    return out


def word_diff(before: str, after: str) -> tuple[str, str]:
    """Both texts as HTML: what this year dropped in ``<del>`` on the left, what it added in
    ``<ins>`` on the right (character level: Chinese has no spaces between words)."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    left, right = [], []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            left.append(escape(before[a1:a2]))
            right.append(escape(after[b1:b2]))
            continue
        if a2 > a1:
            left.append(f"<del>{escape(before[a1:a2])}</del>")
        if b2 > b1:
            right.append(f"<ins>{escape(after[b1:b2])}</ins>")
    return "".join(left), "".join(right)


def _aligned(before: list[tuple[str, str]], after: list[tuple[str, str]]):
    """Pairs of (last year's block or None, this year's block or None), in reading order."""
    keys_a = [normal_form(t) for _, t in before]
    keys_b = [normal_form(t) for _, t in after]
    matcher = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            yield from zip(before[a1:a2], after[b1:b2], strict=False)
            continue
        left, right = before[a1:a2], after[b1:b2]
        if op == "replace":  # pair the most similar ones up, in order
            for i in range(max(len(left), len(right))):
                yield (left[i] if i < len(left) else None), (right[i] if i < len(right) else None)
        else:
            yield from ((b, None) for b in left)
            yield from ((None, b) for b in right)


def _narrative_section(review: Review, previous: ReadResult, current: ReadResult, section, years) -> list[str]:
    reuse = next(s for s in review.sections if s.section_id == section.id)
    judged = reuse.chars >= review.settings.min_chars
    over = judged and reuse.share > review.settings.threshold
    rate = (f"重复率 {percent(reuse.share)}" if judged else f"重复率 —（不足 {review.settings.min_chars} 字）")
    out = [f'<section id="section-{escape(section.id)}" class="narrative">',
           f'<h2>{escape(section.heading)}<span class="rate{" over" if over else ""}">{escape(rate)}'
           f'{"（超过 " + percent(review.settings.threshold) + "）" if over else ""}</span></h2>',
           '<table class="side-by-side">',
           f'<thead><tr><th scope="col">{years[0]} 年度</th><th scope="col">{years[1]} 年度</th></tr></thead><tbody>']
    copied_texts = {normal_form(c.text) for c in reuse.copied}
    for old, new in _aligned(_blocks(previous, section.id), _blocks(current, section.id)):
        kind = (new or old)[0]
        cls = ' class="heading"' if kind in ("heading", "subheading") else ""
        if old and new:
            left, right = word_diff(old[1], new[1])
        else:
            left = f"<del>{escape(old[1])}</del>" if old else ""
            right = f"<ins>{escape(new[1])}</ins>" if new else ""
        copied = new is not None and new[0] in COUNTED_KINDS and normal_form(new[1]) in copied_texts
        if copied:
            right = f'<span class="badge">{COPIED}</span>{right}'
        right_cls = ' class="copied"' if copied else cls
        out.append(f"<tr><td{cls}>{left}</td><td{right_cls}>{right}</td></tr>")
    out += ["</tbody></table>", "</section>"]
    return out


def _cell_attrs(cell: Cell, head: bool) -> str:
    attrs = []
    if cell.role != "value":
        scope = ("colgroup" if cell.colspan > 1 else "col") if head or cell.role in ("header", "caption") else \
                ("rowgroup" if cell.rowspan > 1 else "row")
        attrs.append(f'scope="{scope}"')
    if cell.rowspan > 1:
        attrs.append(f'rowspan="{cell.rowspan}"')
    if cell.colspan > 1:
        attrs.append(f'colspan="{cell.colspan}"')
    return (" " + " ".join(attrs)) if attrs else ""


def _table_section(review: Review, previous: ReadResult, current: ReadResult, section) -> list[str]:
    table = current.format.tables[section.table]
    grid = table_grid(table)
    now_values = current.data["tables"].get(table.id)
    before_values = previous.data["tables"].get(table.id)
    jump_cells = {tuple(figure_cells(current.format, c.name)[0]) for c in review.figures if c.jump}
    changed = 0
    rows_html = []
    for r, row in enumerate(grid.rows()):
        head = r < grid.header_rows
        cells = []
        for cell in row:
            if cell.role != "value":
                tag = "th"
                cells.append(f"<{tag}{_cell_attrs(cell, head)}>{escape(cell.text)}</{tag}>")
                continue
            spec = table.spec_for(cell.key)
            now, before = get_path(now_values, cell.key, None), get_path(before_values, cell.key, None)
            text = escape(format_value(now, spec)) if isinstance(now, (int, float)) else escape(str(now or ""))
            classes = []
            if isinstance(now, (int, float)) and isinstance(before, (int, float)) and now != before:
                changed += 1
                classes.append("changed")
                delta = now - before
                delta_text = format_value(abs(delta), spec)
                text = (f'{text}<span class="was">（上年 <del>{escape(format_value(before, spec))}</del>）</span>'
                        f'<span class="delta">{"+" if delta > 0 else "−"}{escape(delta_text)}</span>')
            if (table.id, *cell.key) in jump_cells:
                classes.append("jump")
                text += f'<span class="delta">⚠ 变化超过 {review.settings.jumps.ratio:g} 倍</span>'
            cls = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{_cell_attrs(cell, head)}{cls}>{text}</td>")
        rows_html.append(("head" if head else "body", "<tr>" + "".join(cells) + "</tr>"))
    out = [f'<section id="section-{escape(section.id)}" class="table">',
           f'<h2>{escape(section.heading)}<span class="rate">{changed} 个数字有变化</span></h2>',
           f'<div class="table-wrap" role="region" aria-label="{escape(table.title)}" tabindex="0">',
           '<table class="grid">', f"<caption>{escape(table.title)}</caption>"]
    head_rows = [h for part, h in rows_html if part == "head"]
    if head_rows:
        out += ["<thead>", *head_rows, "</thead>"]
    out += ["<tbody>", *(h for part, h in rows_html if part == "body"), "</tbody>", "</table></div>", "</section>"]
    return out


def _summary(review: Review, years) -> list[str]:
    s = review.settings
    out = ['<section id="summary"><h2>摘要</h2>',
           f"<p>重复率：本年度各章节文字中，与上一年度（{escape(review.previous_name)}）"
           f"连续 {s.ngram} 个字以上相同的部分所占比例；"
           f"超过 {percent(s.threshold)} 的章节标为「超过」。</p>",
           '<table class="reuse"><thead><tr><th scope="col">章节</th><th scope="col">重复率</th>'
           '<th scope="col">字数</th><th scope="col">整段相同</th></tr></thead><tbody>']
    for sec in review.sections:
        judged = sec.chars >= s.min_chars
        over = judged and sec.share > s.threshold
        rate = percent(sec.share) + ("（超过）" if over else "") if judged else "—（太短，不评）"
        out.append(f'<tr><th scope="row"><a href="#section-{escape(sec.section_id)}">{escape(sec.heading)}</a></th>'
                   f'<td{" class=" + chr(34) + "over" + chr(34) if over else ""}>{escape(rate)}</td>'
                   f"<td>{sec.chars}</td><td>{len(sec.copied)}</td></tr>")
    chars, copied = sum(x.chars for x in review.sections), sum(len(x.copied) for x in review.sections)
    out.append(f'<tr><th scope="row">全文</th><td>{percent(review.overall)}</td><td>{chars}</td><td>{copied}</td></tr>')
    out.append("</tbody></table>")
    moved = changed_most(review)
    if moved:
        out.append('<h3>变化最大的数字</h3><table class="figures"><thead><tr><th scope="col">项目</th>'
                   f'<th scope="col">{years[0]} 年度</th><th scope="col">{years[1]} 年度</th><th scope="col">变化</th>'
                   "</tr></thead><tbody>")
        for c in moved:
            mark = "⚠ " if c.jump else ""
            out.append(f'<tr><th scope="row">{mark}{escape(c.label)}</th><td>{c.previous}</td><td>{c.current}</td>'
                       f"<td>{escape(change_text(c))}</td></tr>")
        out.append("</tbody></table>")
    findings = [*review.findings, *(f for f in review.stale if f not in review.findings)]
    out.append(f"<h3>提示（{len(findings)} 条）</h3>")
    if findings:
        out.append('<ul class="findings">')
        out += [f"<li><strong>{escape(f.where)}</strong> {escape(f.message())}</li>" for f in findings]
        out.append("</ul>")
    else:
        out.append("<p>没有需要提示的问题。</p>")
    out.append('<p class="legend">图例：<del>删去的文字</del>（左栏，删除线）；<ins>新增的文字</ins>（右栏，下划线）；'
               f'<span class="badge">{COPIED}</span>整段与上年相同（数字可能不同）；'
               "表格中有变化的单元格写出上年数字和增减，"
               f"⚠ 表示变化超过 {s.jumps.ratio:g} 倍（或由 0 变为 {s.jumps.from_zero} 以上），请核对单位和录入。</p>")
    out.append("</section>")
    return out


def diff_page(review: Review, previous: ReadResult, current: ReadResult) -> str:
    """The whole page, as text."""
    org = current.data["meta"].get("org") or previous.data["meta"].get("org") or ""
    years = (previous.data["meta"].get("year") or "上", current.data["meta"].get("year") or "本")
    title = f"{org}政府信息公开工作年度报告对照：{years[0]} 年度与 {years[1]} 年度"
    out = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{escape(title)}</title>", f"<style>\n{STYLE}\n</style>", "</head>", "<body>", "<main>",
           f"<h1>{escape(title)}</h1>"]
    out += _summary(review, years)
    for section in current.format.sections:
        if section.kind == "narrative":
            out += _narrative_section(review, previous, current, section, years)
        elif section.table in current.format.tables:
            out += _table_section(review, previous, current, section)
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)
