"""A filled grid as a WordprocessingML table, merged headers and all.

docxtpl's own merge tags cannot express the official three-level headers (they merge across one
loop level only), so the table is written as XML here and inserted with ``{{p section.table}}``.
Text style and fonts come from the template's 「表格文字」 style, so a coordinator can change them
in Word.
"""

from __future__ import annotations

from html import escape as _html_escape

from compiler.document.values import xml_safe
from compiler.formats.grid import Cell
from compiler.render.context import FilledGrid


def escape(text: str) -> str:
    """& < > as XML entities (xml.sax.saxutils would pull in urllib at start-up)."""
    return _html_escape(text, quote=False)


TEXT_WIDTH = 8845  # twips: A4 minus the GB/T 9704 left and right margins
TABLE_STYLE = "TableText"


def column_widths(filled: FilledGrid) -> list[int]:
    """Row-label columns get room for their long wording; value columns share the rest evenly."""
    grid = filled.grid
    label_cols = min(c.col for c in grid.value_cells())
    if label_cols == 1:
        weights = [1.6]
    else:  # the innermost label column holds the longest wording (1.属于国家秘密 …)
        weights = [1.0] * (label_cols - 1) + [3.0] * min(label_cols, 1)
    weights += [1.0] * (grid.width - label_cols)
    total = sum(weights)
    widths = [int(TEXT_WIDTH * w / total) for w in weights]
    widths[-1] += TEXT_WIDTH - sum(widths)
    return widths


class WordTable:
    """What the template receives for a table: renders itself as trusted XML (``__html__``)."""

    def __init__(self, filled: FilledGrid):
        self.filled = filled
        self.title = filled.title

    def __html__(self) -> str:
        return table_xml(self.filled)

    __str__ = __html__


def _paragraph(text: str, align: str, bold: bool) -> str:
    """A cell paragraph; bold ones (captions, headers) keep with the next row, so a block's caption
    and header never end a page without their figures."""
    rpr = "<w:rPr><w:b/><w:bCs/></w:rPr>" if bold else ""
    run = f'<w:r>{rpr}<w:t xml:space="preserve">{escape(xml_safe(text))}</w:t></w:r>' if text else ""
    keep = "<w:keepNext/>" if bold else ""
    return (f'<w:p><w:pPr><w:pStyle w:val="{TABLE_STYLE}"/>{keep}<w:jc w:val="{align}"/>'
            f"{'<w:rPr><w:b/></w:rPr>' if bold else ''}</w:pPr>{run}</w:p>")


def _cell(cell: Cell | None, width: int, span: int, vmerge: str | None, text: str, header: bool) -> str:
    props = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if span > 1:
        props.append(f'<w:gridSpan w:val="{span}"/>')
    if vmerge == "restart":
        props.append('<w:vMerge w:val="restart"/>')
    elif vmerge == "continue":
        props.append("<w:vMerge/>")
    props.append('<w:vAlign w:val="center"/>')
    align = "left" if cell is not None and cell.role in ("label", "corner") and not header else "center"
    if cell is not None and cell.role == "caption":
        align = "left"
    body = _paragraph(text, align, bold=header) if vmerge != "continue" else _paragraph("", "center", False)
    return f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>{body}</w:tc>"


def table_xml(filled: FilledGrid) -> str:
    grid = filled.grid
    widths = column_widths(filled)
    starts = {(c.row, c.col): c for c in grid.cells}
    covering: dict[tuple[int, int], Cell] = {}
    for c in grid.cells:
        for dr in range(1, c.rowspan):
            covering[(c.row + dr, c.col)] = c
    rows_xml = []
    for r in range(grid.height):
        header = r < grid.header_rows
        trpr = "<w:cantSplit/>" + ("<w:tblHeader/>" if header else "")
        cells_xml = []
        col = 0
        while col < grid.width:
            cell = starts.get((r, col))
            if cell is not None:
                is_header = header or cell.role in ("header", "caption", "corner")
                vmerge = "restart" if cell.rowspan > 1 else None
                width = sum(widths[col:col + cell.colspan])
                cells_xml.append(_cell(cell, width, cell.colspan, vmerge, filled.text(cell), is_header))
                col += cell.colspan
            elif (r, col) in covering:
                above = covering[(r, col)]
                width = sum(widths[col:col + above.colspan])
                cells_xml.append(_cell(above, width, above.colspan, "continue", "", False))
                col += above.colspan
            else:  # no cell defined here: keep the grid square
                cells_xml.append(_cell(None, widths[col], 1, None, "", False))
                col += 1
        rows_xml.append(f"<w:tr><w:trPr>{trpr}</w:trPr>{''.join(cells_xml)}</w:tr>")
    borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    grid_cols = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        "<w:tbl><w:tblPr>"
        f'<w:tblW w:w="{TEXT_WIDTH}" w:type="dxa"/><w:jc w:val="center"/>'
        f"<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
        '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000"/>'
        f"</w:tblPr><w:tblGrid>{grid_cols}</w:tblGrid>{''.join(rows_xml)}</w:tbl>"
    )
