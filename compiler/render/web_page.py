"""A standalone, accessible web page of the report for the government portal.

Same numbers as the .docx (the same filled grids), real tables with ``<th scope>`` and the official
rowspan/colspan, zeros written as 0, and wide tables that scroll on a phone. No Word-exported CSS.

On a phone the tables scroll sideways inside their region while the row labels stay in view
(sticky label columns of fixed width), a figure that spans columns sits at the left of its cell so
it is not centred off-screen, and the table takes its accessible name from the section heading
above it instead of repeating that heading as a visible caption.
"""

from __future__ import annotations

from html import escape

from compiler.formats.grid import Cell
from compiler.render.context import FilledGrid
from compiler.render.line_breaks import text_width, tokens

STYLE = """
:root { color: #1a1a1a; background: #fff; }
body { font-family: "Source Han Serif SC", "Noto Serif CJK SC", "SimSun", "宋体", serif;
       font-size: 1rem; line-height: 1.8; max-width: 48rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; text-align: center; line-height: 1.5; }
h1 span { display: inline-block; }
h2 { font-size: 1.2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; }
h4 { font-size: 1rem; }
p { text-indent: 2em; margin: 0.6em 0; }
.table-wrap { overflow-x: auto; margin: 1rem 0; }
.table-wrap:focus { outline: 2px solid #1a5fb4; }
table { border-collapse: separate; border-spacing: 0; table-layout: fixed; width: 100%;
        font-size: 0.9rem; line-height: 1.4; border-top: 1px solid #555; border-left: 1px solid #555; }
caption { font-weight: bold; padding: 0.4rem; text-align: left; }
th, td { border-right: 1px solid #555; border-bottom: 1px solid #555; padding: 0.3rem 0.4rem;
         background: #fff; overflow-wrap: anywhere; }
th { background: #f2f2f2; font-weight: normal; word-break: keep-all; }
thead th { font-weight: bold; text-align: center; }
tbody th { text-align: left; }
td { text-align: center; }
.sticky { position: sticky; z-index: 1; }
.pin { position: sticky; display: inline-block; }
.last-sticky { box-shadow: 2px 0 0 #555; }
@media (max-width: 40rem) { .spanning, thead th[colspan] { text-align: left; } }
.signature { text-align: right; text-indent: 0; }
.meta { font-size: 0.9rem; color: #444; text-indent: 0; }
""".strip()

MIN_EM = 3.0  # a column at least as wide as two characters and the cell padding
INNER_LABEL_EM = 9.0  # the innermost label column: its long wording wraps over a few lines
PADDING_EM = 1.2


def column_ems(filled: FilledGrid) -> list[float]:
    """Fixed column widths in em, so the sticky label columns know their offsets: each column as
    wide as its longest word or figure, the innermost label column a fixed nine characters."""
    grid = filled.grid
    label_cols = min(c.col for c in grid.value_cells())
    widths = [MIN_EM] * grid.width
    for cell in grid.cells:
        text = filled.text(cell)
        if cell.colspan == 1 and text:
            widths[cell.col] = max(widths[cell.col], max(text_width(t) for t in tokens(text)) + PADDING_EM)
    if label_cols:
        widths[label_cols - 1] = INNER_LABEL_EM
    return widths


def _cell_html(cell: Cell, text: str, in_head: bool, lefts: dict[int, float], last_sticky: int,
               pin_left: float) -> str:
    attrs = []
    if cell.rowspan > 1:
        attrs.append(f'rowspan="{cell.rowspan}"')
    if cell.colspan > 1:
        attrs.append(f'colspan="{cell.colspan}"')
    classes = []
    if cell.col in lefts:
        classes.append("sticky")
        attrs.append(f'style="left:{lefts[cell.col]:g}em"')
        if cell.col + cell.colspan - 1 == last_sticky:
            classes.append("last-sticky")
    if cell.colspan > 1 and not in_head and cell.col not in lefts:
        classes.append("spanning")
    if cell.role == "value":
        tag = "td"
    else:
        tag = "th"
        if cell.role == "caption":
            scope = "colgroup"
        elif in_head or cell.role == "header":
            scope = "colgroup" if cell.colspan > 1 else "col"
        else:
            scope = "rowgroup" if cell.rowspan > 1 else "row"
        attrs.insert(0, f'scope="{scope}"')
    if classes:
        attrs.append(f'class="{" ".join(classes)}"')
    joined = (" " + " ".join(attrs)) if attrs else ""
    # a label breaks only between its words (<wbr>, with keep-all in the style), as in the Word report
    content = escape(text) if tag == "td" else "<wbr>".join(escape(piece) for piece in tokens(text))
    if cell.colspan > 1 and cell.col not in lefts and content:
        # the text of a cell spanning columns stays in view beside the sticky labels while scrolling
        content = f'<span class="pin" style="left:{pin_left:g}em">{content}</span>'
    return f"<{tag}{joined}>{content}</{tag}>"


def table_html(filled: FilledGrid, labelled_by: str = "") -> str:
    """The table in a focusable scrolling region. With ``labelled_by`` (the id of the heading that
    already shows the table's title) the region and the table are named by that heading; without
    it the title is the table's caption."""
    grid = filled.grid
    rows = grid.rows()
    head = rows[: grid.header_rows]
    body = rows[grid.header_rows:]
    ems = column_ems(filled)
    label_cols = min(c.col for c in grid.value_cells())
    lefts, at = {}, 0.0
    for col in range(label_cols):
        lefts[col] = at
        at += ems[col]
    if labelled_by:
        name = f'aria-labelledby="{escape(labelled_by)}"'
        parts = [f'<div class="table-wrap" role="region" {name} tabindex="0">', f"<table {name}"]
    else:
        parts = [f'<div class="table-wrap" role="region" aria-label="{escape(filled.title)}" tabindex="0">',
                 "<table"]
    parts[-1] += f' style="min-width:{sum(ems):g}em">'
    if not labelled_by:
        parts.append(f"<caption>{escape(filled.title)}</caption>")
    parts.append("<colgroup>" + "".join(f'<col style="width:{w:g}em">' for w in ems) + "</colgroup>")

    def row_html(row, in_head):
        return "<tr>" + "".join(_cell_html(c, filled.text(c), in_head, lefts, label_cols - 1, at + 0.4)
                                for c in row) + "</tr>"

    if head:
        parts.append("<thead>")
        parts.extend(row_html(row, True) for row in head)
        parts.append("</thead>")
    parts.append("<tbody>")
    parts.extend(row_html(row, False) for row in body)
    parts.append("</tbody></table></div>")
    return "\n".join(parts)


def report_html(context: dict) -> str:
    """The page for a context built with plain FilledGrid tables."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(context['title'])}</title>",
        f'<meta name="author" content="{escape(context["org"])}">',
        f"<style>\n{STYLE}\n</style>",
        "</head>",
        "<body>",
        "<main>",
        # the title's lines as the Word report breaks them; a phone wraps only between them
        "<h1>" + "".join(f"<span>{escape(line)}</span>" for line in context["title_lines"]) + "</h1>",
    ]
    for section in context["sections"]:
        heading_id = f"section-{section['id']}"
        out.append(f'<section><h2 id="{escape(heading_id)}">{escape(section["heading"])}</h2>')
        for block in section["blocks"]:
            text = escape(block["number"] + block["text"]).replace("\n", "<br>\n")  # in-cell line breaks
            if block["kind"] == "heading":
                out.append(f"<h3>{text}</h3>")
            elif block["kind"] == "subheading":
                out.append(f"<h4>{text}</h4>")
            else:
                out.append(f"<p>{text}</p>")
        table = section["table"]
        if table is not None:
            out.append(table_html(table, heading_id if table.title == section["heading"] else ""))
        out.append("</section>")
    out.append(f'<p class="signature">{escape(context["org"])}</p>')
    if context["date"]:
        out.append(f'<p class="signature">{escape(context["date"])}</p>')
    if context.get("contact"):
        out.append(f'<p class="meta">联系方式：{escape(context["contact"])}</p>')
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)
