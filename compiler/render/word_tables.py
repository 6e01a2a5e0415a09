"""A filled grid as a WordprocessingML table, merged headers and all.

docxtpl's own merge tags cannot express the official three-level headers (they merge across one
loop level only), so the table is written as XML here and inserted with ``{{p section.table}}``.
Text style and fonts come from the template's 「表格文字」 style, so a coordinator can change them
in Word.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from html import escape as _html_escape
from pathlib import Path

from compiler.common.user_cache import read_entry, write_entry
from compiler.document.values import xml_safe
from compiler.formats.grid import Cell, Grid
from compiler.render.context import FilledGrid
from compiler.render.line_breaks import balanced, text_width, tokens, wrap


def escape(text: str) -> str:
    """& < > as XML entities (xml.sax.saxutils would pull in urllib at start-up)."""
    return _html_escape(text, quote=False)


TEXT_WIDTH = 8845  # twips: A4 minus the GB/T 9704 left and right margins
TEXT_HEIGHT = 12756  # twips: the 225 mm text block
TABLE_STYLE = "TableText"
CHAR = 210  # twips: one 五号 (10.5 pt) character
LINE = 300  # twips: the exact line height of 「表格文字」
HEADING_ROOM = 2 * 579  # twips: the section heading above a table, and a line to spare
CELL_PADDING = 2 * 57 + 40  # left and right cell margins, and room for rounding in Word, WPS and LibreOffice
MIN_VALUE_CHARS = 2.0


def _chars(width: int) -> float:
    """How many 五号 characters fit on one line of a column ``width`` twips wide."""
    return (width - CELL_PADDING) / CHAR


def _twips(chars: float) -> int:
    return int(chars * CHAR + CELL_PADDING + 0.5)


def column_widths(filled: FilledGrid) -> list[int]:
    """Widths that never force a break inside a word.

    In a table with nested row labels (表三), each outer label column and each value column is as
    wide as its longest word or figure (a value column at least 2.5 characters), and the innermost
    label column takes the rest for its long wording. Other tables keep proportional widths."""
    grid = filled.grid
    label_cols = min(c.col for c in grid.value_cells())
    if label_cols < 2:
        weights = [1.6] if label_cols == 1 else []
        weights += [1.0] * (grid.width - label_cols)
        total = sum(weights)
        widths = [int(TEXT_WIDTH * w / total) for w in weights]
        widths[-1] += TEXT_WIDTH - sum(widths)
        return widths
    need = [MIN_VALUE_CHARS if col >= label_cols else 0.0 for col in range(grid.width)]
    for cell in grid.cells:
        text = filled.text(cell)
        if cell.colspan == 1 and text:
            need[cell.col] = max(need[cell.col], widest_piece(text))
    inner = label_cols - 1
    widths = [_twips(n) for n in need]
    widths[inner] = 0
    widths[inner] = TEXT_WIDTH - sum(widths)
    return widths


@lru_cache(maxsize=4096)
def widest_piece(text: str) -> float:
    """The width of the widest unbreakable piece of ``text`` (labels and figures recur in every report)."""
    return max(text_width(t) for t in tokens(text))


def cell_lines(cell: Cell | None, text: str, width: int, centred: bool) -> list[str]:
    """A label or header's lines, broken between words; a figure is never broken."""
    if not text or cell is None or cell.role == "value":
        return [text]
    chars = _chars(width)
    return balanced(text, chars) if centred else wrap(text, chars)


class WordTable:
    """What the template receives for a table: renders itself as trusted XML (``__html__``)."""

    def __init__(self, filled: FilledGrid):
        self.filled = filled
        self.title = filled.title

    def __html__(self) -> str:
        return table_xml(self.filled)

    __str__ = __html__


def _paragraph(lines: list[str], align: str, bold: bool, keep: bool) -> str:
    """A cell paragraph, its lines joined by explicit breaks. Bold ones (captions, headers) keep
    with the next row, so a block's caption and header never end a page without their figures;
    ``keep`` does the same for the rows of a group under one spanning label."""
    rpr = "<w:rPr><w:b/><w:bCs/></w:rPr>" if bold else ""
    runs = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(xml_safe(line))}</w:t>' for line in lines if line)
    run = f"<w:r>{rpr}{runs}</w:r>" if runs else ""
    keep_next = "<w:keepNext/>" if bold or keep else ""
    return (f'<w:p><w:pPr><w:pStyle w:val="{TABLE_STYLE}"/>{keep_next}<w:jc w:val="{align}"/>'
            f"{'<w:rPr><w:b/></w:rPr>' if bold else ''}</w:pPr>{run}</w:p>")


def _cell(cell: Cell | None, width: int, span: int, vmerge: str | None, text: str, header: bool,
          keep: bool = False) -> str:
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
    if vmerge == "continue":
        body = _paragraph([], "center", False, keep)
    else:
        body = _paragraph(cell_lines(cell, text, width, align == "center"), align, header, keep)
    return f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>{body}</w:tc>"


def _row_lines(filled: FilledGrid, widths: list[int]) -> list[int]:
    """Estimated lines of each grid row (for deciding which row groups fit on a page)."""
    lines = [1] * filled.grid.height
    for cell in filled.grid.cells:
        if cell.rowspan == 1:
            width = sum(widths[cell.col:cell.col + cell.colspan])
            count = len(cell_lines(cell, filled.text(cell), width, cell.role != "label"))
            lines[cell.row] = max(lines[cell.row], count)
    return lines


def kept_rows(filled: FilledGrid, widths: list[int]) -> set[int]:
    """Rows kept on the page of the row below.

    A table with spanning row labels that fits on one page (with its heading) is kept whole, so
    no label is cut; a longer one keeps together each group under a spanning label that fits on a
    page beneath the repeated header rows: every row of the group but its last."""
    grid = filled.grid
    lines = _row_lines(filled, widths)
    if not any(c.role == "label" and c.rowspan > 1 for c in grid.cells):
        return set()
    if LINE * sum(lines) <= TEXT_HEIGHT - HEADING_ROOM:
        return set(range(grid.height - 1))
    room = TEXT_HEIGHT - LINE * sum(lines[:grid.header_rows]) - HEADING_ROOM
    kept: set[int] = set()
    for cell in grid.cells:
        if cell.role == "label" and cell.rowspan > 1:
            rows = range(cell.row, cell.row + cell.rowspan)
            if LINE * sum(lines[r] for r in rows) <= room:
                kept.update(rows[:-1])
    return kept


def table_xml(filled: FilledGrid) -> str:
    """The table's XML: its skeleton for these column widths (made once per format and widths,
    since labels, spans and breaks do not change from report to report) with the figures put in."""
    widths = column_widths(filled)
    parts, slots = _skeleton(filled.grid, tuple(widths))
    out = [parts[0]]
    texts = filled.texts
    for (key, rpr), after in zip(slots, parts[1:], strict=True):
        text = texts[key]
        if text:
            out.append(f'<w:r>{rpr}<w:t xml:space="preserve">{escape(xml_safe(text))}</w:t></w:r>')
        out.append(after)
    return "".join(out)


_SLOT = re.compile(r'<w:r>((?:<w:rPr>.*?</w:rPr>)?)<w:t xml:space="preserve">\ue000(\d+)\ue001</w:t></w:r>')
_SKELETONS: dict[tuple[int, tuple[int, ...]], tuple[Grid, list[str], list[tuple[tuple[str, ...], str]]]] = {}


def _skeleton(grid: Grid, widths: tuple[int, ...]) -> tuple[list[str], list[tuple[tuple[str, ...], str]]]:
    """The table's XML cut around each figure's run: static parts, and (figure key, run properties)
    between them. Made with a mark in place of each figure, which is never broken into lines."""
    cached = _SKELETONS.get((id(grid), widths))
    if cached is not None and cached[0] is grid:
        return cached[1], cached[2]
    keys = [cell.key for cell in grid.value_cells()]
    kept = _kept_skeleton(grid, widths, keys)
    if kept is not None:
        parts, slots = kept
    else:
        marked = FilledGrid(grid, {key: f"\ue000{i}\ue001" for i, key in enumerate(keys)}, "")
        pieces = _SLOT.split(_table_xml(marked, list(widths)))
        parts = pieces[0::3]
        slots = [(keys[int(i)], rpr) for rpr, i in zip(pieces[1::3], pieces[2::3], strict=True)]
        write_entry(SKELETON_KIND, _skeleton_key(grid, widths),
                    json.dumps([parts, [[keys.index(k), rpr] for k, rpr in slots]], ensure_ascii=False).encode())
    if len(_SKELETONS) >= 64:
        _SKELETONS.clear()
    _SKELETONS[(id(grid), widths)] = (grid, parts, slots)
    return parts, slots


SKELETON_KIND = "table-skeletons"


def _skeleton_key(grid: Grid, widths: tuple[int, ...]) -> str:
    """A skeleton depends on the grid, the widths and the code that lays tables out (this module,
    the line breaking, the filled grid)."""
    digest = hashlib.sha256(_layout_code())
    digest.update(repr((grid, widths)).encode("utf-8"))
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _layout_code() -> bytes:
    folder = Path(__file__).parent
    return b"".join((folder / name).read_bytes() for name in ("word_tables.py", "line_breaks.py", "context.py"))


def _kept_skeleton(grid: Grid, widths: tuple[int, ...], keys: list) -> tuple[list[str], list] | None:
    """The skeleton laid out by an earlier run (laying out a table's labels takes 5–10 ms)."""
    data = read_entry(SKELETON_KIND, _skeleton_key(grid, widths))
    if data is None:
        return None
    try:
        parts, slots = json.loads(data)
        return list(parts), [(keys[i], rpr) for i, rpr in slots]
    except (ValueError, TypeError, IndexError):
        return None


def _table_xml(filled: FilledGrid, widths: list[int]) -> str:
    grid = filled.grid
    kept = kept_rows(filled, widths)
    starts = {(c.row, c.col): c for c in grid.cells}
    covering: dict[tuple[int, int], Cell] = {}
    for c in grid.cells:
        for dr in range(1, c.rowspan):
            covering[(c.row + dr, c.col)] = c
    rows_xml = []
    for r in range(grid.height):
        header = r < grid.header_rows
        keep = r in kept
        trpr = "<w:cantSplit/>" + ("<w:tblHeader/>" if header else "")
        cells_xml = []
        col = 0
        while col < grid.width:
            cell = starts.get((r, col))
            if cell is not None:
                is_header = header or cell.role in ("header", "caption", "corner")
                vmerge = "restart" if cell.rowspan > 1 else None
                width = sum(widths[col:col + cell.colspan])
                cells_xml.append(_cell(cell, width, cell.colspan, vmerge, filled.text(cell), is_header, keep))
                col += cell.colspan
            elif (r, col) in covering:
                above = covering[(r, col)]
                width = sum(widths[col:col + above.colspan])
                cells_xml.append(_cell(above, width, above.colspan, "continue", "", False, keep))
                col += above.colspan
            else:  # no cell defined here: keep the grid square
                cells_xml.append(_cell(None, widths[col], 1, None, "", False, keep))
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
