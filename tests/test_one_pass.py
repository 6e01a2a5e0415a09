"""Every problem of a workbook in one pass: one bad cell, a moved table, a formula an agency typed
or a line break in a narrative cell never hides the other problems or costs another round trip."""

from __future__ import annotations

from helpers import workbook_with
from openpyxl import load_workbook

from compiler.pipeline import compile_workbook


def findings_of(path, **options):
    from compiler.pipeline import Options
    return compile_workbook(path, write=False, options=Options(**options)).findings


def test_one_unreadable_cell_leaves_out_only_the_rules_that_use_it(tmp_path):
    book = workbook_with(tmp_path, "requests", {"new": {"natural": 5}})  # column D does not balance
    wb = load_workbook(book)
    wb["依申请公开"]["E7"] = "3件"
    wb.save(book)
    findings = findings_of(book)
    codes = [(f.code, f.where) for f in findings]
    assert ("not_a_number", "依申请公开!E7") in codes
    assert ("balance", "依申请公开!D31") in codes  # column D, which E7 does not touch, is checked
    skipped = [f for f in findings if f.code == "balance_skipped"]
    assert len(skipped) == 1  # said once
    assert skipped[0].where == "依申请公开!E7"
    assert skipped[0].params["count"] == 2  # column E and the 总计 column, which adds E
    assert "依申请公开!E7" in skipped[0].message()
    assert not any(f.code == "balance" and f.cell.startswith(("E", "J")) for f in findings)
