"""What every kind of published report is turned into before it is read by its labels.

A .docx, a portal page and a PDF differ in everything but this: a sequence of paragraphs (with
a hint of what their styling says they are) and tables. A table is a full grid: every grid
position holds the text of the cell covering it, so a label merged over three rows is seen on
each of them, as a reader of the printed table sees it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    text: str
    # what the file's own styling says: "title", "heading1" … "heading4", "signature" or "" (body)
    style: str = ""


@dataclass
class TableGrid:
    rows: list[list[str]]
    # True where the grid position is the top-left of its cell (False where a merge covers it)
    origins: list[list[bool]] = field(default_factory=list)
    caption: str = ""
    # per row, how many positions at its end no cell covers (a row typed with fewer cells than the
    # table has columns: which column each figure belongs to cannot be told)
    short: list[int] = field(default_factory=list)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def padded(self) -> TableGrid:
        """Every row as wide as the widest (a row typed short gets empty cells at its end)."""
        width = self.width
        rows = [r + [""] * (width - len(r)) for r in self.rows]
        origins = self.origins or [[True] * len(r) for r in self.rows]
        origins = [o + [True] * (width - len(o)) for o in origins]
        short = self.short or [0] * len(self.rows)
        short = [n + width - len(r) for n, r in zip(short, self.rows, strict=True)]
        return TableGrid(rows, origins, self.caption, short)


@dataclass
class PublishedReport:
    """The report's blocks in reading order: Paragraph or TableGrid."""

    blocks: list = field(default_factory=list)
    title_hint: str = ""  # a title the file carries apart from its text (<title>, document properties)


MAX_COLSPAN = 100  # no official table is wider than 16 columns


def expand_spans(rows: list[list[tuple[str, int, int]]]) -> TableGrid:
    """A grid from rows of (text, rowspan, colspan) cells as HTML writes them (rows list only the
    cells that start in them); the positions a span covers receive its text."""
    grid: dict[tuple[int, int], tuple[str, bool]] = {}
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan in row:
            # a span past the table's end is clipped
            rowspan, colspan = min(rowspan, len(rows) - r), min(colspan, MAX_COLSPAN)
            while (r, c) in grid:
                c += 1
            for dr in range(max(1, rowspan)):
                for dc in range(max(1, colspan)):
                    grid.setdefault((r + dr, c + dc), (text, dr == 0 and dc == 0))
            c += max(1, colspan)
    height = len(rows)
    width = max((c for (_, c) in grid), default=-1) + 1
    out = [[grid.get((r, c), ("", True))[0] for c in range(width)] for r in range(height)]
    origins = [[grid.get((r, c), ("", True))[1] for c in range(width)] for r in range(height)]
    short = [next((k for k in range(width) if (r, width - 1 - k) in grid), width) for r in range(height)]
    return TableGrid(out, origins, short=short)
