"""The one layout of every official table: a grid of cells with their spans.

The blank workbook places this grid on a sheet, the reader finds the value cells through it, and
the Word and HTML renderers draw it — so the merged headers cannot differ between the workbook the
agency fills and the report it gets back.
"""

from __future__ import annotations

from dataclasses import dataclass

from compiler.formats.definition import HeaderNode, Table


@dataclass(frozen=True)
class Cell:
    row: int  # 0-based within the grid
    col: int
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    role: str = "value"  # caption | header | corner | label | value
    key: tuple[str, ...] = ()  # value cells: path of the value inside the table's data
    derived: bool = False  # a total the program computes
    aliases: tuple[str, ...] = ()  # wordings seen in the wild that mean this label


@dataclass(frozen=True)
class Grid:
    table_id: str
    width: int
    height: int
    cells: tuple[Cell, ...]
    header_rows: int  # leading rows that are headers (repeated on each page)

    def value_cells(self) -> list[Cell]:
        return [c for c in self.cells if c.role == "value"]

    def rows(self) -> list[list[Cell]]:
        out: list[list[Cell]] = [[] for _ in range(self.height)]
        for cell in self.cells:
            out[cell.row].append(cell)
        for row in out:
            row.sort(key=lambda c: c.col)
        return out


_GRIDS: dict[int, tuple[Table, Grid]] = {}


def table_grid(table: Table) -> Grid:
    """The table's grid, built once per table definition (definitions live as long as the process)."""
    cached = _GRIDS.get(id(table))
    if cached is not None and cached[0] is table:
        return cached[1]
    if table.kind == "blocks":
        grid = _blocks_grid(table)
    elif table.kind == "grid":
        grid = _matrix_grid(table)
    else:
        raise ValueError(f"unknown table kind {table.kind!r}")
    _GRIDS[id(table)] = (table, grid)
    return grid


def _blocks_grid(table: Table) -> Grid:
    width = 1 + table.value_columns
    cells: list[Cell] = []
    r = 0
    for block in table.blocks:
        cells.append(Cell(r, 0, block.caption, colspan=width, role="caption"))
        r += 1
        cells.append(Cell(r, 0, table.row_header, role="header"))
        for i, (col, span) in enumerate(_spread(block.columns, table.value_columns)):
            cells.append(Cell(r, 1 + i, col.label, colspan=span, role="header", aliases=col.aliases))
        r += 1
        for row in block.rows:
            cells.append(Cell(r, 0, row.label, role="label"))
            for i, (col, span) in enumerate(_spread(block.columns, table.value_columns)):
                cells.append(Cell(r, 1 + i, colspan=span, role="value", key=(block.id, row.id, col.id)))
            r += 1
    return Grid(table.id, width, r, tuple(cells), header_rows=0)


def _spread(columns, width):
    """Pair each column with its span: the last column takes the grid columns left over."""
    for i, col in enumerate(columns):
        yield col, (width - len(columns) + 1 if i == len(columns) - 1 else 1)


def _matrix_grid(table: Table) -> Grid:
    label_cols = table.label_depth()
    header_rows = table.header_depth()
    cells: list[Cell] = []
    if label_cols and table.corner:
        cells.append(Cell(0, 0, table.corner, rowspan=header_rows, colspan=label_cols, role="corner"))

    col_index: dict[str, int] = {}

    def place_columns(nodes: tuple[HeaderNode, ...], level: int, start: int) -> int:
        c = start
        for node in nodes:
            if node.is_leaf:
                cells.append(Cell(level, c, node.label, rowspan=header_rows - level, role="header",
                                  aliases=node.aliases))
                col_index[node.id] = c
                c += 1
            else:
                cells.append(Cell(level, c, node.label, colspan=node.leaf_count(), role="header"))
                c = place_columns(node.children, level + 1, c)
        return c

    width = place_columns(table.column_tree, 0, label_cols)

    row_index: dict[str, int] = {}

    def place_rows(nodes: tuple[HeaderNode, ...], level: int, start: int) -> int:
        r = start
        for node in nodes:
            if node.is_leaf:
                if label_cols:
                    cells.append(Cell(r, level, node.label, colspan=label_cols - level, role="label",
                                      aliases=node.aliases))
                row_index[node.id] = r
                r += 1
            else:
                cells.append(Cell(r, level, node.label, rowspan=node.leaf_count(), role="label"))
                r = place_rows(node.children, level + 1, r)
        return r

    height = place_rows(table.row_tree, 0, header_rows)

    derived_rows = table.derived_ids("row")
    derived_cols = table.derived_ids("column")
    for row in table.row_leaves():
        for col in table.column_leaves():
            cells.append(
                Cell(
                    row_index[row.id],
                    col_index[col.id],
                    role="value",
                    key=(row.id, col.id),
                    derived=row.id in derived_rows or col.id in derived_cols,
                )
            )
    return Grid(table.id, width, height, tuple(cells), header_rows=header_rows)
