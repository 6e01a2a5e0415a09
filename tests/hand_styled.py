"""Reports as agencies type them by hand, built in the tests from a data document.

``hand_docx`` writes a .docx with python-docx the way a person in Word or WPS would: no heading
styles (bold body text instead), a title broken over two lines, other table styles and widths,
two label columns where the official table has three, a parent label merged in one place and
written once in another, labels split over two cells or broken over lines, extra spaces,
half-width brackets, the variants the format lists as aliases, 「件」 after figures, blank cells
for zero, and the signature at the end. ``portal_html`` writes the same report as a portal page:
navigation, header and footer around it, paragraphs as <div>s and <br>s, figures inside <span>s,
&nbsp;, and table 三 split into two tables. ``figures_document`` gives a document whose every
cell holds a different figure (so a value read from the wrong cell shows), with the balances kept.
"""

from __future__ import annotations

import html

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from helpers import valid_document

from compiler.checks.arithmetic import compute_totals
from compiler.document.model import set_path
from compiler.formats.definition import HeaderNode, Table, get_format
from compiler.formats.grid import table_grid
from compiler.published.tables import leaves_of
from compiler.render.context import chinese_number, date_text


def figures_document(format_id: str, year: int, org: str = "临江区自然资源局") -> dict:
    """A valid document with a different figure in (nearly) every cell and the 勾稽关系 holding."""
    fmt = get_format(format_id)
    doc = valid_document(format_id, year, org)
    doc["meta"]["date"] = f"{year + 1}-01-18"
    doc["sections"]["overview"] = [
        {"kind": "paragraph", "text": f"{year}年，本局认真贯彻落实《中华人民共和国政府信息公开条例》。"},
        {"kind": "heading", "text": "主动公开情况"},
        {"kind": "paragraph", "text": "全年主动公开政府信息326条。"},
        {"kind": "subheading", "text": "政策解读"},
        {"kind": "paragraph", "text": "发布政策解读12篇。"},
        {"kind": "heading", "text": "依申请公开情况"},
        {"kind": "paragraph", "text": "依申请公开工作依法依规开展。"},
    ]
    doc["sections"]["problems"] = [{"kind": "paragraph", "text": "公开内容的针对性有待加强。"},
                                   {"kind": "paragraph", "text": "下一步将加强培训。"}]
    doc["sections"]["other"] = [{"kind": "paragraph", "text": "无其他需要报告的事项。"}]
    n = 0
    for table in fmt.tables.values():
        for cell in table_grid(table).value_cells():
            if cell.derived:
                continue
            n += 1
            spec = table.spec_for(cell.key)
            value = (n * 7) % 13  # zeros among them, to be left blank
            if spec.type == "amount":
                value = round(n * 1.2345, 4) if n % 3 else 0
            elif spec.type == "signed_count":
                value = value - 6
            set_path(doc["tables"][table.id], cell.key, value)
    requests = doc["tables"]["requests"]
    for col in fmt.tables["requests"].column_leaves():
        if col.id == "total":
            continue
        results = sum(requests[row.id][col.id] for row in fmt.tables["requests"].row_leaves()
                      if row.id not in ("new", "carried_over", "results_total", "carried_forward"))
        requests["carried_over"][col.id] = 3
        requests["new"][col.id] = results + requests["carried_forward"][col.id] - 3
    compute_totals(fmt, doc)
    return doc


def _alias(label: str, aliases: tuple[str, ...]) -> str:
    return aliases[0] if aliases else label


def _spaced(label: str) -> str:
    """「商业 企业」: a space typed in the middle of a short label."""
    return label[:2] + " " + label[2:] if len(label) == 4 else label


def _broken(label: str) -> str:
    """A long label broken over two lines inside its cell."""
    return label[: len(label) // 2] + "\n" + label[len(label) // 2:] if len(label) > 12 else label


def _figure(value, spec, position: int) -> str:
    if spec.type == "amount":
        return f"{value:.4f}".rstrip("0").rstrip(".") if value else ""
    if value == 0:
        return "" if position % 2 else "0"
    if spec.type == "signed_count" and value > 0:
        return f"+{value}"
    return f"{value}件" if position % 3 == 0 else str(value)


# ---------------------------------------------------------------------------------------------
# the tables as rows of cells: (text, rowspan, colspan); merges as a person might make them


def grid_rows(table: Table, values: dict) -> list[list[tuple[str, int, int]]]:
    if table.kind == "blocks":
        return _blocks_rows(table, values)
    return _grid_rows(table, values)


def _blocks_rows(table: Table, values: dict) -> list[list[tuple[str, int, int]]]:
    width = 1 + table.value_columns
    rows: list[list[tuple[str, int, int]]] = []
    for b, block in enumerate(table.blocks):
        # the caption merged across the table in one block, typed in the first cell only in the next
        rows.append([(block.caption, 1, width)] if b % 2 == 0 else [(block.caption, 1, 1), *[("", 1, 1)] * (width - 1)])
        spans = [1] * len(block.columns)
        spans[-1] = width - len(block.columns)
        header = [(_broken(c.label), 1, s) for c, s in zip(block.columns, spans, strict=True)]
        rows.append([(table.row_header, 1, 1), *header])
        for r, node in enumerate(block.rows):
            cells = [(" " + node.label + " ", 1, 1)]
            for i, (col, span) in enumerate(zip(block.columns, spans, strict=True)):
                value = values[block.id][node.id or ""][col.id]
                cells.append((_figure(value, col.spec, r + i), 1, span))
            rows.append(cells)
    return rows


def _grid_rows(table: Table, values: dict) -> list[list[tuple[str, int, int]]]:
    columns = leaves_of(table.column_tree)
    labelled = any(leaf.label for leaf in leaves_of(table.row_tree))
    label_cols = 2 if labelled else 0
    depth = table.header_depth()
    rows: list[list[tuple[str, int, int]]] = []
    # header: the top parent merged across its columns; a second-level parent typed over each of its
    # columns, unmerged; each leaf at the bottom row, the rows above it left empty
    for level in range(depth):
        row: list[tuple[str, int, int]] = []
        if label_cols:
            row.append((table.corner if level == 0 else "", 1, label_cols))
        c = 0
        while c < len(columns):
            leaf = columns[c]
            path = [*leaf.ancestors, leaf.label]
            if level == 0 and len(path) > 1:
                span = sum(1 for other in columns[c:] if other.ancestors[:1] == leaf.ancestors[:1])
                row.append((path[0], 1, span))
                c += span
                continue
            if level == depth - 1:
                text = _spaced(_alias(leaf.label, leaf.aliases))
            elif 0 < level < len(path) - 1:
                text = path[level]
            else:
                text = ""
            row.append((text, 1, 1))
            c += 1
        rows.append(row)
    first = True
    for leaf in leaves_of(table.row_tree):
        path = [*leaf.ancestors, leaf.label]
        label = _alias(leaf.label, leaf.aliases)
        if leaf.label.startswith("（一）"):
            label = label.replace("（", "(").replace("）", ")")  # half-width brackets
        cells: list[tuple[str, int, int]] = []
        if not labelled:
            pass
        elif len(path) == 1 and first:  # the first row's label split over the two label cells
            cells += [(label[:12], 1, 1), (label[12:], 1, 1)]
            first = False
        elif len(path) == 1:
            cells.append((label, 1, 2))
        elif len(path) == 2:  # the top parent typed once, in the first of its rows
            shown = path[0] if leaf.id == _first_child(table.row_tree, path[0]) else ""
            cells += [(shown, 1, 1), (_broken(label), 1, 1)]
        else:  # the second-level parent merged down its rows; the top parent left out
            parent = path[1]
            siblings = _children(table.row_tree, parent)
            if leaf.id == siblings[0]:  # the rows below start after the merged cell
                cells.append((parent, len(siblings), 1))
            cells.append((_broken(label), 1, 1))
        for i, col in enumerate(columns):
            value = values[leaf.id][col.id]
            cells.append((_figure(value, table.value_spec, i + len(rows)), 1, 1))
        rows.append(cells)
    return rows


def _first_child(nodes: tuple[HeaderNode, ...], parent: str) -> str | None:
    for node in nodes:
        if node.label == parent:
            return next(node.leaves()).id
        found = _first_child(node.children, parent)
        if found:
            return found
    return None


def _children(nodes: tuple[HeaderNode, ...], parent: str) -> list[str]:
    for node in nodes:
        if node.label == parent:
            return [leaf.id or "" for leaf in node.leaves()]
        found = _children(node.children, parent)
        if found:
            return found
    return []


# ---------------------------------------------------------------------------------------------
# .docx


def hand_docx(path, doc: dict, drop_row: str | None = None) -> None:
    """The report typed in Word; ``drop_row`` leaves out one row of table 三 (by its label)."""
    fmt = get_format(doc["format"])
    d = Document()
    d.styles["Normal"].font.size = Pt(14)
    meta = doc["meta"]
    title = d.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(f"{meta['org']}{meta['year']}年政府信息")
    run.bold = True
    title2 = d.add_paragraph()
    title2.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title2.add_run("公开工作年度报告").bold = True
    for section in fmt.sections:
        heading = d.add_paragraph()
        heading.add_run(section.heading.replace("、", "、 ", 1)).bold = True  # an extra space after 一、
        if section.kind == "table":
            rows = grid_rows(fmt.tables[section.table], doc["tables"][section.table])
            if drop_row:
                rows = [r for r in rows if not any(drop_row in c[0].replace("\n", "") for c in r)]
            _docx_table(d, rows, style="Light Grid Accent 1" if section.id == "review" else "Table Grid")
            continue
        _docx_blocks(d, doc["sections"][section.id])
    d.add_paragraph()
    for text in (meta["org"], date_text(meta["date"])):
        p = d.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    d.save(path)


def _docx_blocks(d, blocks: list[dict]) -> None:
    heading_no = sub_no = 0
    for block in blocks:
        p = d.add_paragraph()
        if block["kind"] == "heading":
            heading_no, sub_no = heading_no + 1, 0
            p.add_run(f"（{chinese_number(heading_no)}）{block['text']}").bold = True
        elif block["kind"] == "subheading":
            sub_no += 1
            p.add_run(f"{sub_no}.{block['text']}")
        else:
            p.paragraph_format.first_line_indent = Cm(1)
            p.add_run(block["text"])


def _docx_table(d, rows: list[list], style: str) -> None:
    width = max(sum(c[2] for c in row) for row in rows[:1])
    table = d.add_table(rows=len(rows), cols=width)
    table.style = style
    covered: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in covered:
                c += 1
            text, rowspan, colspan = cell
            target = table.cell(r, c)
            if rowspan > 1 or colspan > 1:
                target = target.merge(table.cell(r + rowspan - 1, c + colspan - 1))
                covered |= {(r + dr, c + dc) for dr in range(rowspan) for dc in range(colspan)}
            lines = text.split("\n")
            target.text = lines[0]
            for line in lines[1:]:
                target.add_paragraph(line)  # a label broken over two lines
            c += colspan
    for column in table.columns:  # narrow columns, so long labels wrap inside their cells
        column.width = Cm(15.5 / width)


# ---------------------------------------------------------------------------------------------
# a portal page


def portal_html(doc: dict, split_before: str = "（四）无法提供") -> str:
    """The page; table 三 is split into two tables before the row whose label holds ``split_before``."""
    fmt = get_format(doc["format"])
    meta = doc["meta"]
    out = ['<!DOCTYPE html><html><head><meta charset="utf-8"><title>'
           f"{html.escape(meta['org'])}{meta['year']}年政府信息公开工作年度报告_临江区人民政府门户网站</title>",
           "<script>var nav = '一、总体情况';</script><style>td{border:1px solid}</style></head><body>",
           '<header><div class="logo">临江区人民政府门户网站</div><nav><ul><li><a href="/">首页</a></li>'
           "<li>政务公开</li><li>政府信息公开年报</li></ul></nav></header>",
           '<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 年报</div>',
           '<div class="article"><div class="title" style="font-size:22px">'
           f"{html.escape(meta['org'])}{meta['year']}年政府信息公开工作年度报告</div>",
           '<div class="info">发布时间：2025-01-20 来源：本站 浏览次数：<span id="hits">128</span></div>',
           '<div class="content">']
    for section in fmt.sections:
        out.append(f'<p style="text-indent:2em"><strong>{html.escape(section.heading)}</strong></p>')
        if section.kind == "table":
            rows = grid_rows(fmt.tables[section.table], doc["tables"][section.table])
            if section.id == "requests" and split_before:
                at = next(i for i, row in enumerate(rows) if any(split_before in text for text, _, _ in row))
                out.append(_html_table(rows[:at]))
                out.append("<p>&nbsp;</p>")
                out.append(_html_table(rows[at:]))
            else:
                out.append(_html_table(rows))
            continue
        heading_no = sub_no = 0
        texts = []
        for block in doc["sections"][section.id]:
            if block["kind"] == "heading":
                heading_no, sub_no = heading_no + 1, 0
                texts.append(f"<b>（{chinese_number(heading_no)}）{html.escape(block['text'])}</b>")
            elif block["kind"] == "subheading":
                sub_no += 1
                texts.append(f"{sub_no}.{html.escape(block['text'])}")
            else:
                texts.append("&nbsp;&nbsp;&nbsp;&nbsp;" + html.escape(block["text"]))
        out.append("<div>" + "<br>\n".join(texts) + "</div>")
    out.append(f'<p style="text-align:right">{html.escape(meta["org"])}</p>')
    out.append(f'<p style="text-align:right">{date_text(meta["date"])}</p>')
    out += ["</div></div>", '<footer><p>主办：临江区人民政府办公室 网站标识码：0000000000</p>'
            "<p>ICP备00000000号</p></footer>", "</body></html>"]
    return "\n".join(out)


def _html_table(rows: list[list]) -> str:
    out = ['<table border="1" cellspacing="0" style="width:100%">', "<tbody>"]
    for row in rows:
        cells = []
        for cell in row:
            text, rowspan, colspan = cell
            attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
            body = "<br>".join(html.escape(line) for line in text.split("\n")) or "&nbsp;"
            cells.append(f'<td{attrs}><p style="text-align:center"><span style="font-size:12px">{body}</span></p></td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def expected(doc: dict) -> dict:
    """What an import of ``doc`` written by hand must give: the document itself (contact is not
    printed in these reports)."""
    out = {**doc, "meta": {**doc["meta"], "contact": ""}}
    return out


