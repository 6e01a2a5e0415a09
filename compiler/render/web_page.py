"""A standalone, accessible web page of the report for the government portal.

Same numbers as the .docx (the same filled grids), real tables with ``<caption>``, ``<th scope>``
and the official rowspan/colspan, zeros written as 0, and wide tables that scroll on a phone.
No Word-exported CSS.
"""

from __future__ import annotations

from html import escape

from compiler.formats.grid import Cell
from compiler.render.context import FilledGrid

STYLE = """
:root { color: #1a1a1a; background: #fff; }
body { font-family: "Source Han Serif SC", "Noto Serif CJK SC", "SimSun", "宋体", serif;
       font-size: 1rem; line-height: 1.8; max-width: 48rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; text-align: center; line-height: 1.5; }
h2 { font-size: 1.2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; }
h4 { font-size: 1rem; }
p { text-indent: 2em; margin: 0.6em 0; }
.table-wrap { overflow-x: auto; margin: 1rem 0; }
.table-wrap:focus { outline: 2px solid #1a5fb4; }
table { border-collapse: collapse; min-width: 40rem; width: 100%; font-size: 0.9rem; line-height: 1.4; }
caption { font-weight: bold; padding: 0.4rem; text-align: left; }
th, td { border: 1px solid #555; padding: 0.3rem 0.4rem; }
th { background: #f2f2f2; font-weight: normal; }
thead th { font-weight: bold; text-align: center; }
tbody th { text-align: left; }
td { text-align: center; }
.signature { text-align: right; text-indent: 0; }
.meta { font-size: 0.9rem; color: #444; text-indent: 0; }
""".strip()


def _cell_html(cell: Cell, text: str, in_head: bool) -> str:
    attrs = []
    if cell.rowspan > 1:
        attrs.append(f'rowspan="{cell.rowspan}"')
    if cell.colspan > 1:
        attrs.append(f'colspan="{cell.colspan}"')
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
    joined = (" " + " ".join(attrs)) if attrs else ""
    return f"<{tag}{joined}>{escape(text)}</{tag}>"


def table_html(filled: FilledGrid) -> str:
    grid = filled.grid
    rows = grid.rows()
    head = rows[: grid.header_rows]
    body = rows[grid.header_rows:]
    parts = [f'<div class="table-wrap" role="region" aria-label="{escape(filled.title)}" tabindex="0">',
             "<table>", f"<caption>{escape(filled.title)}</caption>"]
    if head:
        parts.append("<thead>")
        for row in head:
            parts.append("<tr>" + "".join(_cell_html(c, filled.text(c), True) for c in row) + "</tr>")
        parts.append("</thead>")
    parts.append("<tbody>")
    for row in body:
        parts.append("<tr>" + "".join(_cell_html(c, filled.text(c), False) for c in row) + "</tr>")
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
        f"<h1>{escape(context['title'])}</h1>",
    ]
    for section in context["sections"]:
        out.append(f"<section><h2>{escape(section['heading'])}</h2>")
        for block in section["blocks"]:
            text = escape(block["number"] + block["text"]).replace("\n", "<br>\n")  # in-cell line breaks
            if block["kind"] == "heading":
                out.append(f"<h3>{text}</h3>")
            elif block["kind"] == "subheading":
                out.append(f"<h4>{text}</h4>")
            else:
                out.append(f"<p>{text}</p>")
        if section["table"] is not None:
            out.append(table_html(section["table"]))
        out.append("</section>")
    out.append(f'<p class="signature">{escape(context["org"])}</p>')
    if context["date"]:
        out.append(f'<p class="signature">{escape(context["date"])}</p>')
    if context.get("contact"):
        out.append(f'<p class="meta">联系方式：{escape(context["contact"])}</p>')
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)
