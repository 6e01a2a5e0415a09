"""This year against last year (checks/previous_year.py): carried-over requests and the stock of rules."""

from __future__ import annotations

import pytest
from helpers import valid_document, write_workbook

from compiler.checks.arithmetic import compute_totals
from compiler.checks.previous_year import check_previous_year
from compiler.document.blank import with_values
from compiler.workbook.reader import read_workbook

REQUESTS_OK = {"requests": {"carried_over": {"natural": 2, "research": 1}}}
LAST_OK = {"requests": {"carried_forward": {"natural": 2, "research": 1}}}


def read_back(tmp_path, name: str, values: dict, format_id: str = "2021", year: int = 2024):
    document = valid_document(format_id, year)
    for table_id, table_values in values.items():
        document = with_values(document, table_id, table_values)
    result = read_workbook(write_workbook(tmp_path / name, document))
    compute_totals(result.format, result.data)
    return result


def findings_for(tmp_path, this: dict, last: dict, last_format: str = "2021", last_year: int = 2023,
                 this_year: int = 2024):
    current = read_back(tmp_path, "this.xlsx", this, year=this_year)
    previous = read_back(tmp_path, "last.xlsx", last, last_format, last_year)
    return check_previous_year(current, previous, "last.xlsx")


RULES = {"art20_1": {"rules": {"issued": 3, "repealed": 1, "in_force": 12},
                     "normative_documents": {"issued": 0, "repealed": 2, "in_force": 5}}}
LAST_RULES = {"art20_1": {"rules": {"in_force": 10}, "normative_documents": {"in_force": 7}}}


@pytest.mark.parametrize("this,last,expected", [
    # what last year carried forward is what this year carried over, column by column
    (REQUESTS_OK, LAST_OK, []),
    ({}, {}, []),
    ({"requests": {"carried_over": {"natural": 3, "research": 1}}}, LAST_OK,
     [("previous_mismatch", "D8"), ("previous_mismatch", "J8")]),  # the column and its 总计
    ({"requests": {"carried_over": {"natural": 2}}}, LAST_OK,
     [("previous_mismatch", "F8"), ("previous_mismatch", "J8")]),
    ({"requests": {"carried_over": {"natural": 2, "research": 1}}},
     {"requests": {"carried_forward": {"natural": 1, "research": 2}}},
     [("previous_mismatch", "D8"), ("previous_mismatch", "F8")]),  # totals equal, columns not
    # in force = last year's in force + issued − repealed
    ({"active": RULES}, {"active": LAST_RULES}, []),
    ({"active": {"art20_1": {"rules": {"issued": 3, "repealed": 1, "in_force": 11}}}},
     {"active": {"art20_1": {"rules": {"in_force": 10}}}}, [("stock_discontinuity", "D6")]),
    ({"active": {"art20_1": {"normative_documents": {"issued": 1, "in_force": 1}}}},
     {"active": {"art20_1": {"normative_documents": {"in_force": 7}}}}, [("stock_discontinuity", "D7")]),
])
def test_checks_against_last_year(tmp_path, this, last, expected):
    findings = findings_for(tmp_path, this, last)
    assert [(f.code, f.cell) for f in findings] == expected


def test_a_mismatch_names_both_rows_both_figures_and_last_years_file(tmp_path):
    findings = findings_for(tmp_path, {"requests": {"carried_over": {"natural": 3}}},
                            {"requests": {"carried_forward": {"natural": 2}}})
    first = findings[0]
    assert (first.sheet, first.cell, first.is_error) == ("依申请公开", "D8", True)
    assert first.params == {
        "label": "二、上年结转政府信息公开申请数量",
        "column": "自然人",
        "current": 3,
        "previous": 2,
        "previous_label": "四、结转下年度继续办理",
        "file": "last.xlsx",
    }


def test_a_stock_that_does_not_follow_is_a_warning_with_the_sum(tmp_path):
    findings = findings_for(tmp_path, {"active": {"art20_1": {"rules": {"issued": 3, "repealed": 1,
                                                                          "in_force": 11}}}},
                            {"active": {"art20_1": {"rules": {"in_force": 10}}}})
    assert [(f.sheet, f.cell, f.is_error) for f in findings] == [("主动公开", "D6", False)]
    assert findings[0].params == {"label": "规章", "current": 11, "previous": 10, "added": 3, "removed": 1,
                                  "expected": 12, "file": "last.xlsx"}


def test_a_workbook_of_another_year_is_named_and_nothing_else_is_compared(tmp_path):
    findings = findings_for(tmp_path, {"requests": {"carried_over": {"natural": 9}}}, LAST_OK, last_year=2022)
    assert [(f.code, f.sheet, f.cell) for f in findings] == [("previous_not_last_year", "基本信息", "B4")]
    assert findings[0].params == {"file": "last.xlsx", "previous": 2022, "year": 2024}


def test_last_years_older_format_is_compared_where_it_has_the_figure(tmp_path):
    """A 2021-format report after a 2019-format one: the carried requests are compared; the 2019
    format has no stock of rules in force, so continuity is not checked."""
    this = {"requests": {"carried_over": {"natural": 4}}, "active": RULES}
    findings = findings_for(tmp_path, this, {"requests": {"carried_forward": {"natural": 3}}},
                            last_format="2019", last_year=2020, this_year=2021)
    assert [(f.code, f.cell, f.params["previous"]) for f in findings] == [
        ("previous_mismatch", "D8", 3), ("previous_mismatch", "J8", 3)]
