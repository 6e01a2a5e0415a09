"""Reading many workbooks with the same labels in one process, as a batch does.

Where a table lies and what its labels say is worked out once per distinct set of sheet texts and
reused; these tests pin that each workbook still gets its own figures, places and findings, in the
same order as when it is read first.
"""

from __future__ import annotations

import pytest
from helpers import valid_document, write_workbook
from openpyxl import load_workbook

from compiler.document.blank import with_values
from compiler.document.load import load_document
from compiler.workbook import reader


def _read(path):
    result = load_document(path)
    return (result.data, {p: (s.sheet, s.cell, s.label) for p, s in result.sources.items()},
            [(f.code, f.sheet, f.cell, f.params) for f in result.findings])


def _book(tmp_path, name, values, edit=None):
    path = write_workbook(tmp_path / name, with_values(valid_document(), "requests", values))
    if edit:
        wb = load_workbook(path)
        edit(wb["依申请公开"])
        wb.save(path)
    return path


@pytest.fixture
def fresh_memory(monkeypatch):
    monkeypatch.setattr(reader, "_READINGS", {})


def _insert_row(ws):
    ws.insert_rows(20)


def _odd_label_and_stray_number(ws):
    ws["C12"] = "2.其他法律法规禁止公开"
    ws["M40"] = 7


@pytest.mark.parametrize("edit", [None, _insert_row, _odd_label_and_stray_number], ids=["plain", "row", "odd"])
def test_a_workbook_read_again_gives_the_same_document_places_and_findings(tmp_path, fresh_memory, edit):
    path = _book(tmp_path, "a.xlsx", {"new": {"natural": 4}}, edit)
    first = _read(path)
    assert reader._READINGS  # the second read uses what the first worked out
    assert _read(path) == first


def test_workbooks_with_the_same_labels_keep_their_own_figures_and_findings(tmp_path, fresh_memory):
    a = _book(tmp_path, "a.xlsx", {"new": {"natural": 4}})
    b = _book(tmp_path, "b.xlsx", {"new": {"natural": 9}}, lambda ws: ws.__setitem__("M40", 7))
    data_a, _, found_a = _read(a)
    data_b, _, found_b = _read(b)
    assert len(reader._READINGS) == 3  # one per table sheet, shared by both workbooks
    assert data_a["tables"]["requests"]["new"]["natural"] == 4
    assert data_b["tables"]["requests"]["new"]["natural"] == 9
    assert not any(code == "unread_data" for code, *_ in found_a)
    assert ("unread_data", "依申请公开", "M40") in [(code, sheet, cell) for code, sheet, cell, _ in found_b]


def test_a_moved_table_between_standard_ones_is_read_where_it_is(tmp_path, fresh_memory):
    values = {"new": {"natural": 4}, "carried_forward": {"natural": 5}}
    plain = _book(tmp_path, "plain.xlsx", values)
    moved = _book(tmp_path, "moved.xlsx", values, _insert_row)
    before, moved_read, after = _read(plain), _read(moved), _read(plain)
    assert before == after
    assert moved_read[0] == before[0]  # the same figures, read from their new rows
    assert ("row_inserted", "依申请公开", "A20") in [(c, s, cell) for c, s, cell, _ in moved_read[2]]
    assert moved_read[1]["/tables/requests/carried_forward/natural"][1] != before[1][
        "/tables/requests/carried_forward/natural"][1]


def test_what_is_remembered_stays_bounded(tmp_path, fresh_memory, monkeypatch):
    monkeypatch.setattr(reader, "_READINGS_KEPT", 4)
    for i in range(3):  # each with a different text on the sheet of table 三
        _read(_book(tmp_path, f"{i}.xlsx", {}, lambda ws, i=i: ws.__setitem__("M3", f"备注{i}")))
    assert len(reader._READINGS) == 4
    late = _read(_book(tmp_path, "late.xlsx", {"new": {"natural": 2}}, lambda ws: ws.__setitem__("M3", "备注x")))
    assert late[0]["tables"]["requests"]["new"]["natural"] == 2
