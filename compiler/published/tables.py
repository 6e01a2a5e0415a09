"""Reading the official tables out of a published report's grids, by their labels alone.

Positions mean nothing in a report typed by hand (a label column more or less, 总计 merged or not,
a table broken over two pages with its header repeated), so every value is found where its row
label and its column label cross. Labels are compared the lenient way of the workbook reader
(spaces, line breaks and full/half-width ignored, the format's known variants accepted), and a
label broken over two cells is read as one. What is not found is reported, never filled in.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from compiler.document.values import normalize_label as _normalize_label
from compiler.document.values import strip_number_prefix
from compiler.formats.definition import HeaderNode, Table
from compiler.published.structure import TableGrid

_PUNCTUATION = re.compile(r"[、，,。.．:：;；()（）\[\]【】“”\"'‘’「」『』《》<>\-—_·]")
_VALUE = re.compile(r"^[+\-]?\d[\d,]*(\.\d+)?(件|个|条|项|次|人次|家|元|万元)?$|^[—\-/／－–无]+$")


normalize_label = lru_cache(maxsize=8192)(_normalize_label)  # the same few hundred texts, compared often


@lru_cache(maxsize=8192)
def lenient(text: str) -> str:
    """A label with its numbering and punctuation gone: 「（二）部分公开(区分处理的…)」 and
    「二、部分公开（区分处理的…）」 compare equal."""
    return _PUNCTUATION.sub("", strip_number_prefix(normalize_label(text)))


@lru_cache(maxsize=8192)
def looks_like_value(text: str) -> bool:
    return bool(_VALUE.match(re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))))


@dataclass(frozen=True)
class Leaf:
    """A row or column of the official table, with the labels above it in the tree."""

    id: str
    label: str
    aliases: tuple[str, ...]
    ancestors: tuple[str, ...]

    def forms(self) -> tuple[frozenset[str], frozenset[str]]:
        """The official wording (compared as the workbook reader does: spaces, line breaks and
        full/half width aside), and the variants: the format's aliases and the lenient forms."""
        return _forms(self.label, self.aliases)


@lru_cache(maxsize=1024)
def _forms(label: str, aliases: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    exact = frozenset({normalize_label(label)} if label else ())
    return exact, frozenset({lenient(x) for x in (label, *aliases) if x} | {normalize_label(x) for x in aliases})


def leaves_of(nodes: tuple[HeaderNode, ...], trail: tuple[str, ...] = ()) -> list[Leaf]:
    out: list[Leaf] = []
    for node in nodes:
        if node.is_leaf:
            out.append(Leaf(node.id or "", node.label, node.aliases, trail))
        else:
            out += leaves_of(node.children, trail + ((node.label,) if node.label else ()))
    return out


@dataclass
class Match:
    """Where a label was found: the index into the texts where it starts, and whether the text
    was the official wording (``exact``) or a variant (the text found is kept for the warning)."""

    start: int
    exact: bool
    found: str


def match_label(texts: list[str], leaf: Leaf) -> Match | None:
    """The label as the last text, or as the last few texts joined (a label split over cells)."""
    exact, loose = leaf.forms()
    for want_exact in (True, False):
        for start in range(len(texts) - 1, -1, -1):
            joined = "".join(texts[start:])
            if (normalize_label(joined) in exact) if want_exact else (
                    normalize_label(joined) in loose or (lenient(joined) and lenient(joined) in loose)):
                return Match(start, want_exact, joined)
    return None


def ancestors_present(texts: list[str], leaf: Leaf) -> int:
    """How many of the leaf's parent labels appear among ``texts`` (to tell apart the three
    「结果维持」 columns of table 四, or rows whose merged parent cell is repeated)."""
    seen = {lenient(t) for t in texts} | {lenient("".join(texts[i:j])) for i in range(len(texts))
                                          for j in range(i + 2, len(texts) + 1)}
    return sum(1 for a in leaf.ancestors if lenient(a) in seen)


def row_texts(row: list[str]) -> list[tuple[int, str]]:
    """The label texts of a grid row: non-empty, not a value, repeated merge copies dropped."""
    out: list[tuple[int, str]] = []
    for c, text in enumerate(row):
        if not text.strip() or looks_like_value(text):
            continue
        if out and normalize_label(out[-1][1]) == normalize_label(text):
            continue
        out.append((c, text))
    return out


@dataclass
class TableReading:
    """The raw text of each value cell (None: its row or column was not found) and what to say."""

    raw: dict[tuple[str, ...], str | None] = field(default_factory=dict)
    variants: list[tuple[str, str]] = field(default_factory=list)  # (found, official)
    missing_rows: list[Leaf] = field(default_factory=list)
    missing_columns: list[Leaf] = field(default_factory=list)
    missing_blocks: list[str] = field(default_factory=list)
    stray_rows: list[str] = field(default_factory=list)  # rows with figures under no official label
    twice: list[str] = field(default_factory=list)  # rows found twice with different figures
    ragged: list[Leaf] = field(default_factory=list)  # rows with fewer cells than the table: not read


def mend_broken_rows(grid: TableGrid, leaves: list[Leaf]) -> TableGrid:
    """Rows a page break cut in two (Word lets a row break across pages unless told not to): a
    row with no figures whose label text is no label, which completes the label of the row above
    it into one, is joined to that row. Only a label confirmed by the format is joined."""
    rows = [list(r) for r in grid.rows]
    keep = [True] * len(rows)
    for r in range(1, len(rows)):
        texts = row_texts(rows[r])
        if not texts or any(t.strip() and looks_like_value(t) for t in rows[r]):
            continue
        plain = [t for _, t in texts]
        if any(match_label(plain, leaf) for leaf in leaves):
            continue
        above = max((i for i in range(r) if keep[i]), default=None)
        if above is None:
            continue
        joined = [a + b if b.strip() and normalize_label(b) != normalize_label(a) else a
                  for a, b in zip(rows[above], rows[r], strict=True)]
        before = [t for _, t in row_texts(rows[above])]
        after = [t for _, t in row_texts(joined)]
        if any(match_label(after, leaf) for leaf in leaves) and not any(match_label(before, leaf) for leaf in leaves):
            rows[above] = joined
            keep[r] = False
    if all(keep):
        return grid
    pick = [i for i, k in enumerate(keep) if k]
    return TableGrid([rows[i] for i in pick], [grid.origins[i] for i in pick] if grid.origins else [],
                     grid.caption, [grid.short[i] for i in pick] if grid.short else [])


def read_grid_table(table: Table, grid: TableGrid) -> TableReading:
    """Table 三 or 四: rows found by their labels (with their parents where the report repeats
    them), columns by the header texts above each column."""
    reading = TableReading()
    rows = leaves_of(table.row_tree)
    cols = leaves_of(table.column_tree)
    grid = mend_broken_rows(grid, [leaf for leaf in rows if leaf.label])
    labelled = any(leaf.label for leaf in rows)
    texts = [row_texts(r) for r in grid.rows]

    found_rows: dict[str, int] = {}
    data_rows: set[int] = set()
    last = -1
    if labelled:
        # above the first figure only an exact label makes a data row: header texts such as 总计
        # must not be taken for the row （七）总计
        first_figure = next((r for r, row in enumerate(grid.rows) if any(
            t.strip() and looks_like_value(t) for t in row)), len(grid.rows))
        for r, row in enumerate(texts):
            plain = [t for _, t in row]
            # a header repeated on the next page is all text: only an exact label makes it a row
            figures = r >= first_figure and _has_value_cells(grid.rows[r], row)
            candidates = []
            for k, leaf in enumerate(rows):
                m = match_label(plain, leaf)
                if m and (m.exact or figures):
                    anc = ancestors_present(plain[: m.start], leaf)
                    candidates.append(((anc, leaf.id not in found_rows, k > last, m.exact, -k), k, m))
            if not candidates:
                continue
            _, k, m = max(candidates, key=lambda c: c[0])
            leaf = rows[k]
            data_rows.add(r)
            if leaf.id in found_rows:
                if _values_of(grid.rows[r]) != _values_of(grid.rows[found_rows[leaf.id]]):
                    reading.twice.append(leaf.label)
                continue
            if grid.short and grid.short[r]:
                reading.ragged.append(leaf)
                found_rows.setdefault(leaf.id, -1)
                last = k
                continue
            found_rows[leaf.id] = r
            last = k
            if not m.exact:
                reading.variants.append((m.found, leaf.label))
    else:
        for r, row in enumerate(texts):
            if not row and any(looks_like_value(t) for t in grid.rows[r]):
                data_rows.add(r)
        if data_rows:
            found_rows[rows[0].id] = min(data_rows)

    first_data = min(data_rows, default=len(grid.rows))
    header_rows = grid.rows[:first_data]
    found_cols = _match_columns(cols, header_rows, grid.width, reading)

    for leaf in rows:
        if leaf.id not in found_rows:
            reading.missing_rows.append(leaf)
    for leaf in cols:
        if leaf.id not in found_cols:
            reading.missing_columns.append(leaf)
    for row_leaf in rows:
        for col_leaf in cols:
            at_row, at_col = found_rows.get(row_leaf.id, -1), found_cols.get(col_leaf.id)
            reading.raw[(row_leaf.id, col_leaf.id)] = (
                None if at_row < 0 or at_col is None else grid.rows[at_row][at_col])
    used = set(found_rows.values()) | data_rows
    for r in range(first_data, len(grid.rows)):
        if r not in used and any(looks_like_value(t) and t.strip() for t in grid.rows[r]):
            reading.stray_rows.append("".join(t for _, t in texts[r]) or f"第 {r + 1} 行")
    return reading


def _has_value_cells(cells: list[str], labels: list[tuple[int, str]]) -> bool:
    """Whether a row has room for figures after its label: a figure, a dash or an empty cell."""
    after = max((c for c, _ in labels), default=-1)
    return any(not t.strip() or looks_like_value(t) for t in cells[after + 1:])


def _values_of(row: list[str]) -> list[str]:
    return [normalize_label(t) for t in row if looks_like_value(t)]


def _match_columns(cols: list[Leaf], header_rows: list[list[str]], width: int, reading: TableReading) -> dict[str, int]:
    """Each official column's grid column: its label is the last of the header texts above it."""
    headers: list[list[str]] = []
    for c in range(width):
        column: list[str] = []
        for row in header_rows:
            text = row[c] if c < len(row) else ""
            if text.strip() and (not column or normalize_label(column[-1]) != normalize_label(text)):
                column.append(text)
        headers.append(column)
    found: dict[str, int] = {}
    taken: set[int] = set()
    for leaf in cols:
        best = None
        for c, column in enumerate(headers):
            if c in taken:
                continue
            m = match_label(column, leaf)
            if m is None:
                continue
            rank = (ancestors_present(column[: m.start], leaf), m.exact)
            if best is None or rank > best[0]:
                best = (rank, c, m)
        if best is None:
            continue
        _, c, m = best
        found[leaf.id] = c
        taken.add(c)
        # the positions a merged header covers belong to the same column
        while c + 1 < width and headers[c + 1] == headers[c]:
            c += 1
            taken.add(c)
        if not m.exact:
            reading.variants.append((m.found, leaf.label))
    return found


def read_blocks_table(table: Table, grid: TableGrid) -> TableReading:
    """Table 二: blocks found by their captions (第二十条第（一）项 …), columns by the header row
    under each caption, rows by their labels (unique across the blocks, so a missing caption
    loses nothing)."""
    reading = TableReading()
    grid = mend_broken_rows(grid, [Leaf(n.id or "", n.label, n.aliases, ()) for b in table.blocks for n in b.rows])
    block_by_caption = {normalize_label(b.caption): b for b in table.blocks}
    block_by_lenient = {lenient(b.caption): b for b in table.blocks}
    current = None
    columns: dict[str, dict[str, int]] = {}
    seen_blocks: set[str] = set()
    found_rows: dict[tuple[str, str], int] = {}
    for r, row in enumerate(grid.rows):
        plain = [t for _, t in row_texts(row)]
        if not plain:
            continue
        joined = "".join(plain)
        block = block_by_caption.get(normalize_label(joined)) or block_by_lenient.get(lenient(joined))
        if block is not None:
            current = block
            seen_blocks.add(block.id)
            if normalize_label(joined) != normalize_label(block.caption):
                reading.variants.append((joined, block.caption))
            continue
        if current is not None and _is_header(plain, table, current):
            columns[current.id] = _block_columns(row, current, reading)
            continue
        owner = _row_owner(plain, table, current)
        if owner is None:
            if any(looks_like_value(t) and t.strip() for t in row):
                reading.stray_rows.append(joined)
            continue
        block, leaf, m = owner
        seen_blocks.add(block.id)
        if (block.id, leaf.id) in found_rows:
            continue
        found_rows[(block.id, leaf.id)] = r
        if not m.exact:
            reading.variants.append((m.found, leaf.label))
        mapping = columns.get(block.id) or _columns_by_order(grid, r, block)
        for col in block.columns:
            c = mapping.get(col.id)
            reading.raw[(block.id, leaf.id, col.id)] = None if c is None else grid.rows[r][c]
            if c is None and col.id not in {x.id for x in reading.missing_columns}:
                reading.missing_columns.append(Leaf(col.id, f"{block.caption} {col.label}", (), ()))
    for block in table.blocks:
        if block.id not in seen_blocks:
            reading.missing_blocks.append(block.caption)
        for node in block.rows:
            if (block.id, node.id or "") not in found_rows:
                if block.id in seen_blocks:
                    reading.missing_rows.append(Leaf(node.id or "", node.label, node.aliases, (block.caption,)))
                for column in block.columns:
                    reading.raw[(block.id, node.id or "", column.id)] = None
    return reading


def _is_header(plain: list[str], table: Table, block) -> bool:
    first = lenient(plain[0])
    return first == lenient(table.row_header) or any(
        lenient(t) in {lenient(c.label) for c in block.columns} for t in plain)


def _block_columns(row: list[str], block, reading: TableReading) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for col in block.columns:
        leaf = Leaf(col.id, col.label, col.aliases, ())
        for c, text in enumerate(row):
            if c in mapping.values() or not text.strip():
                continue
            m = match_label([text], leaf)
            if m:
                mapping[col.id] = c
                if not m.exact:
                    reading.variants.append((m.found, col.label))
                break
    return mapping


def _columns_by_order(grid: TableGrid, r: int, block) -> dict[str, int]:
    """No header row was found for the block: its columns are the value cells after the label,
    in order (each merged cell counted once)."""
    row, origins = grid.rows[r], grid.origins[r]
    label_end = max((c for c, _ in row_texts(row)), default=0)
    starts = [c for c in range(label_end + 1, len(row)) if origins[c]]
    return {col.id: starts[i] for i, col in enumerate(block.columns) if i < len(starts)}


def _row_owner(plain: list[str], table: Table, current):
    """The block and row a data row belongs to: the current block's rows first, then any block's."""
    blocks = ([current] if current is not None else []) + [b for b in table.blocks if b is not current]
    for block in blocks:
        for node in block.rows:
            m = match_label(plain, Leaf(node.id or "", node.label, node.aliases, ()))
            if m:
                return block, node, m
    return None


def table_score(table: Table, grid: TableGrid) -> int:
    """How many of the table's own labels the grid holds: which official table a grid is."""
    seen = {lenient(t) for row in grid.rows for t in row if t.strip()}
    seen |= {lenient("".join(t for _, t in row_texts(r))) for r in grid.rows}
    labels: set[str] = set()
    if table.kind == "blocks":
        for block in table.blocks:
            labels |= {block.caption, *(c.label for c in block.columns), *(r.label for r in block.rows)}
    else:
        for leaf in leaves_of(table.row_tree) + leaves_of(table.column_tree):
            labels |= {leaf.label, *leaf.ancestors}
    return sum(1 for label in labels if label and lenient(label) in seen)
