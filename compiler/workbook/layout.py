"""Where everything sits in the standard workbook.

The writer (``compile new``) and the reader both take their positions from here, so the cell an
agency types into is the cell the compiler reads.
"""

from __future__ import annotations

from compiler.document.model import BLOCK_KINDS
from compiler.document.model import META_FIELDS as META_FIELDS  # re-exported: the rows of 基本信息
from compiler.formats.definition import Format, Section
from compiler.formats.grid import Cell, Grid

GUIDE_SHEET = "填写说明"
META_SHEET = "基本信息"
MARKER_SHEET = "_格式标记"
MARKER_TITLE = "政府信息公开工作年度报告填报表"
FORMAT_CHOSEN = "explicit"  # marker value: the format was chosen with --format, not by the year

META_FIRST_ROW = 3
META_LABEL_COL = 1
META_VALUE_COL = 2

TABLE_TOP = 4  # worksheet row of the grid's first row
TABLE_LEFT = 1  # worksheet column of the grid's first column

# column A of a narrative sheet
NARRATIVE_KINDS = dict(zip(BLOCK_KINDS, ("小标题", "三级标题", "正文", "申请情况摘要"), strict=True))
NARRATIVE_KIND_BY_LABEL = {v: k for k, v in NARRATIVE_KINDS.items()}
NARRATIVE_ROWS = 100  # pre-formatted input rows; agencies may type further down
FIELDS_TOP = 4


def meta_row(field_id: str) -> int:
    return META_FIRST_ROW + [f.id for f in META_FIELDS].index(field_id)


def column_letter(col: int) -> str:
    """1 → A, 27 → AA (kept here so that reading a workbook need not import all of openpyxl)."""
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def address(row: int, col: int) -> str:
    return f"{column_letter(col)}{row}"


def grid_position(cell: Cell) -> tuple[int, int]:
    return TABLE_TOP + cell.row, TABLE_LEFT + cell.col


def check_row(grid: Grid, index: int) -> int:
    """Worksheet row of the index-th check row under a grid (one blank row in between)."""
    return TABLE_TOP + grid.height + 1 + index


def check_column(grid: Grid) -> int:
    return TABLE_LEFT + grid.width


def field_row(section: Section, field_id: str) -> int:
    return FIELDS_TOP + [f.id for f in section.fields].index(field_id)


def narrative_header_row(section: Section) -> int:
    return FIELDS_TOP + (len(section.fields) + 1 if section.fields else 0)


def narrative_first_row(section: Section) -> int:
    return narrative_header_row(section) + 1


def sheet_names(fmt: Format) -> list[str]:
    """The sheets an agency sees, in order."""
    return [GUIDE_SHEET, META_SHEET] + [s.sheet for s in fmt.sections]


def previous_stock_columns(grid: Grid) -> tuple[int, int]:
    """``compile new --from``: the worksheet columns, right of a table (one blank column between),
    of last year's stock figure and its live check."""
    first = TABLE_LEFT + grid.width + 1
    return first, first + 1
