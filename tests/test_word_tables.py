"""A filled grid as WordprocessingML (render/word_tables.py): merges, widths, header rows, escaping."""

from __future__ import annotations

import pytest
from lxml import etree
from small_table import SMALL, SMALL_VALUES, small_table

from compiler.document.blank import blank_document
from compiler.formats.definition import Table, get_format
from compiler.formats.grid import table_grid
from compiler.render.context import fill_grid
from compiler.render.word_tables import TEXT_WIDTH, WordTable, column_widths, escape, kept_rows, table_xml

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"

def parsed(xml: str) -> etree._Element:
    return etree.fromstring(f'<root xmlns:w="{W_NS}">{xml}</root>')[0]


def cell_facts(tc) -> tuple[str, int, str | None]:
    """(text, grid span, vMerge) of a <w:tc>."""
    span = tc.find(f"{W}tcPr/{W}gridSpan")
    merge = tc.find(f"{W}tcPr/{W}vMerge")
    vmerge = None if merge is None else merge.get(f"{W}val", "continue")
    return "".join(tc.itertext()), int(span.get(f"{W}val")) if span is not None else 1, vmerge


def rows_of(tbl) -> list[list[tuple[str, int, str | None]]]:
    return [[cell_facts(tc) for tc in tr.iterchildren(f"{W}tc")] for tr in tbl.iterchildren(f"{W}tr")]


@pytest.mark.parametrize("text,escaped", [
    ("A&B", "A&amp;B"),
    ("<w:t>", "&lt;w:t&gt;"),
    ('"引号"', '"引号"'),  # element text: quotes need no escaping
    ("普通文字", "普通文字"),
])
def test_escape(text, escaped):
    assert escape(text) == escaped


def test_small_table_cells_spans_and_merges():
    tbl = parsed(table_xml(fill_grid(SMALL, SMALL_VALUES)))
    assert rows_of(tbl) == [
        [("项目", 2, "restart"), ("甲", 2, None), ("总计", 1, "restart")],
        [("", 2, "continue"), ("A&B", 1, None), ("B", 1, None), ("", 1, "continue")],
        [("组<1>", 1, "restart"), ("一", 1, None), ("1", 1, None), ("2", 1, None), ("3", 1, None)],
        [("", 1, "continue"), ("二", 1, None), ("0", 1, None), ("10", 1, None), ("10", 1, None)],
        [("合计", 2, None), ("1", 1, None), ("12", 1, None), ("13", 1, None)],
    ]


@pytest.mark.parametrize("label,shown", [
    ("一\x07", "一"),  # a control character XML cannot hold would corrupt the .docx
    ("\x00一\x1f", "一"),
    ("甲 & 乙 <丙>", "甲 & 乙 <丙>"),
])
def test_cell_text_is_escaped_and_made_xml_safe(label, shown):
    xml = table_xml(fill_grid(small_table(label), SMALL_VALUES))
    assert rows_of(parsed(xml))[2][1] == (shown, 1, None)


def test_header_rows_repeat_on_each_page_and_no_row_splits():
    tbl = parsed(table_xml(fill_grid(SMALL, SMALL_VALUES)))
    rows = list(tbl.iterchildren(f"{W}tr"))
    assert [tr.find(f"{W}trPr/{W}tblHeader") is not None for tr in rows] == [True, True, False, False, False]
    assert all(tr.find(f"{W}trPr/{W}cantSplit") is not None for tr in rows)


@pytest.mark.parametrize("row,col,bold,align", [
    (0, 0, True, "center"),  # corner, in a header row
    (0, 1, True, "center"),  # column header
    (2, 0, False, "left"),  # row label
    (2, 1, False, "left"),
    (2, 2, False, "center"),  # value
    (4, 0, False, "left"),
])
def test_headers_are_bold_and_kept_with_the_next_row_labels_left_values_centred(row, col, bold, align):
    tbl = parsed(table_xml(fill_grid(SMALL, SMALL_VALUES)))
    tc = list(list(tbl.iterchildren(f"{W}tr"))[row].iterchildren(f"{W}tc"))[col]
    p = tc.find(f"{W}p")
    assert p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "TableText"
    assert p.find(f"{W}pPr/{W}jc").get(f"{W}val") == align
    assert (p.find(f"{W}r/{W}rPr/{W}b") is not None) is bold
    # the small table has a spanning row label and fits on a page: every row but the last keeps with the next
    assert (p.find(f"{W}pPr/{W}keepNext") is not None) is (row < 4)


def test_a_table_too_long_for_a_page_keeps_only_its_groups_together():
    fmt = get_format("2021")
    values = blank_document(fmt, 2024)["tables"]["requests"]
    filled = fill_grid(fmt.tables["requests"], values)
    assert kept_rows(filled, column_widths(filled)) == set(range(filled.grid.height - 1))  # fits: kept whole
    long_labels = Table("long", "grid", "长表", {
        "corner": "项目", "columns": [{"id": "a", "label": "数量"}],
        "rows": [{"label": f"（{i}）分组", "children": [{"id": f"g{i}r{j}", "label": "甲乙丙丁" * 12}
                                                   for j in range(3)]} for i in range(12)]})
    filled = fill_grid(long_labels, {f"g{i}r{j}": {"a": 0} for i in range(12) for j in range(3)})
    kept = kept_rows(filled, column_widths(filled))
    header = filled.grid.header_rows
    assert kept == {header + 3 * i + j for i in range(12) for j in range(2)}  # each group, not across groups


def test_blocks_table_captions_span_the_width_and_are_left_aligned():
    fmt = get_format("2021")
    table = fmt.tables["active"]
    tbl = parsed(table_xml(fill_grid(table, blank_document(fmt, 2024)["tables"]["active"])))
    first = rows_of(tbl)[0]
    assert first == [(table.blocks[0].caption, 1 + table.value_columns, None)]
    jc = tbl.find(f"{W}tr/{W}tc/{W}p/{W}pPr/{W}jc")
    assert jc.get(f"{W}val") == "left"


@pytest.mark.parametrize("format_id", ["2019", "2021"])
@pytest.mark.parametrize("table_id", ["active", "requests", "review"])
def test_every_official_table_is_a_square_grid_with_widths_summing_to_the_text_width(format_id, table_id):
    fmt = get_format(format_id)
    table = fmt.tables[table_id]
    filled = fill_grid(table, blank_document(fmt, 2024)["tables"][table_id])
    grid = table_grid(table)
    tbl = parsed(table_xml(filled))
    rows = rows_of(tbl)
    assert len(rows) == grid.height
    assert all(sum(span for _, span, _ in row) == grid.width for row in rows)
    restarts = sum(1 for row in rows for _, _, merge in row if merge == "restart")
    continues = sum(1 for row in rows for _, _, merge in row if merge == "continue")
    assert restarts == sum(1 for c in grid.cells if c.rowspan > 1)
    assert continues == sum(c.rowspan - 1 for c in grid.cells)
    widths = [int(g.get(f"{W}w")) for g in tbl.iter(f"{W}gridCol")]
    assert widths == column_widths(filled) and sum(widths) == TEXT_WIDTH
    assert tbl.find(f"{W}tblPr/{W}tblW").get(f"{W}w") == str(TEXT_WIDTH)


@pytest.mark.parametrize("table,values,widths", [
    # one label column gets 1.6 shares, each value column one: 8845 × 1.6 / 4.6 …, rounding to the last
    (get_format("2021").tables["active"], None, [3076, 1922, 1922, 1925]),
    # two label columns: the outer one as wide as its longest word (组, <1>: 1.5 characters of 210 twips,
    # plus 154 of cell margins), each value column two characters, the inner label column the rest
    (SMALL, SMALL_VALUES, [469, 6654, 574, 574, 574]),
])
def test_column_widths(table, values, widths):
    if values is None:
        values = blank_document(get_format("2021"), 2024)["tables"][table.id]
    assert column_widths(fill_grid(table, values)) == widths


def test_table_without_row_labels_shares_the_width_evenly():
    fmt = get_format("2021")
    widths = column_widths(fill_grid(fmt.tables["review"], blank_document(fmt, 2024)["tables"]["review"]))
    assert len(widths) == 15 and set(widths[:-1]) == {589} and widths[-1] == 8845 - 589 * 14


def test_word_table_renders_itself_as_trusted_xml():
    filled = fill_grid(SMALL, SMALL_VALUES)
    table = WordTable(filled)
    assert table.title == "表 & <小>"
    assert table.__html__() == str(table) == table_xml(filled)
