"""Page setup of the standard workbook, so that a clerk can print it and have it signed.

Agencies print the workbook inside their own office; without a page setup Excel, WPS and
LibreOffice print it on A4 portrait at 100 %, cut the wide tables into strips and let long wrapped
labels run into the next row. Here every sheet gets: A4, its print area, one page wide (landscape
where the table is wider than a portrait page), the header rows of a table repeated on each page,
row heights that hold their wrapped text, and a footer naming the sheet and the page.
"""

from __future__ import annotations

import math

from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from compiler.render.line_breaks import text_width
from compiler.workbook.layout import column_letter

# widths in Excel's column units (the width of a digit of the default 11 pt font: ~7 px in Excel,
# ~8 px in LibreOffice on Linux). A single column wider than the page is clipped, never scaled,
# so no column may be wider than PAGE_UNITS.
PORTRAIT_UNITS = 100  # printable width of A4 portrait with the margins below, at 100 % in Excel
PAGE_UNITS = 84  # the widest single column that still fits a portrait page in LibreOffice
UNITS_PER_CHAR = 2.0  # a Chinese character of 10 pt type, with a little room
LINE_POINTS = 13.5  # one line of 10 pt type
PADDING_POINTS = 4.0
DEFAULT_WIDTH = 8.43  # Excel's width of a column nobody sized
MARGINS = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6, header=0.3, footer=0.3)


def column_units(ws: Worksheet, col: int) -> float:
    width = ws.column_dimensions[column_letter(col)].width
    return width if width else DEFAULT_WIDTH


def _merged_extent(ws: Worksheet) -> dict[tuple[int, int], tuple[int, int]]:
    """(row, col) of each merged range's first cell → (rows, cols) it covers."""
    return {(r.min_row, r.min_col): (r.max_row - r.min_row + 1, r.max_col - r.min_col + 1)
            for r in ws.merged_cells.ranges}


def lines_needed(text: str, units: float) -> int:
    """Lines a wrapped text takes in a cell ``units`` wide (each explicit line wraps on its own)."""
    per_line = max(units - 1.0, 1.0) / UNITS_PER_CHAR
    return sum(max(1, math.ceil(text_width(part) / per_line)) for part in text.split("\n"))


def fit_row_heights(ws: Worksheet, last_row: int) -> None:
    """Give every row the height of its tallest wrapped text; a text merged over several rows
    shares its height among them. Rows already set taller keep their height."""
    merged = _merged_extent(ws)
    needed: dict[int, float] = {}
    for row in ws.iter_rows(min_row=1, max_row=last_row):
        for cell in row:
            if not isinstance(cell.value, str) or not cell.value or cell.value.startswith("="):
                continue
            if not (cell.alignment and cell.alignment.wrap_text):
                continue  # a title runs on into the empty cells beside it
            rows, cols = merged.get((cell.row, cell.column), (1, 1))
            units = sum(column_units(ws, cell.column + i) for i in range(cols))
            size = (cell.font.sz or 11) if cell.font else 11
            lines = lines_needed(cell.value, units * 10 / size)
            height = (lines * LINE_POINTS * size / 10 + PADDING_POINTS) / rows
            for r in range(cell.row, cell.row + rows):
                needed[r] = max(needed.get(r, 0.0), height)
    for r, height in needed.items():
        current = ws.row_dimensions[r].height
        if height > (current or 15.0):
            ws.row_dimensions[r].height = math.ceil(height * 2) / 2


def set_up_page(ws: Worksheet, last_row: int, last_col: int, title_rows: tuple[int, int] | None = None,
                pages_tall: int = 1) -> None:
    """A4, one page wide, landscape when wider than a portrait page; ``pages_tall`` 0 lets the sheet
    run over as many pages as it needs, with ``title_rows`` repeated on each."""
    fit_row_heights(ws, last_row)
    width = sum(column_units(ws, c) for c in range(1, last_col + 1))
    setup = ws.page_setup
    setup.paperSize = ws.PAPERSIZE_A4
    setup.orientation = "landscape" if width > PORTRAIT_UNITS else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = pages_tall
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins = MARGINS
    ws.print_options.horizontalCentered = True
    ws.print_area = f"A1:{column_letter(last_col)}{last_row}"
    if title_rows:
        ws.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"
    footer = HeaderFooterItem()
    footer.center.text = "&A　第 &P 页，共 &N 页"
    footer.center.size = 9
    ws.oddFooter = footer
