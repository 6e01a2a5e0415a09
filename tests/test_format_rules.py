"""Rules come from the format files: a column-wise 勾稽关系 works like a row-wise one, and a format
file that names a row or column that does not exist is refused when it is loaded."""

import copy
import json

import pytest
from helpers import valid_document, write_workbook

from compiler.checks.arithmetic import check_balances, compute_totals
from compiler.document.blank import with_values
from compiler.formats.definition import (
    FORMATS_DIR,
    FormatDefinitionError,
    _format,
    _validate,
)
from compiler.workbook.reader import read_workbook


def raw_2021():
    return json.loads((FORMATS_DIR / "2021.json").read_text(encoding="utf-8"))


def test_a_column_wise_check_is_checked_in_every_row(tmp_path, monkeypatch):
    raw = raw_2021()
    raw["tables"]["review"]["checks"] = [{"id": "same", "axis": "column", "left": ["review_total"],
                                          "right": ["direct_total"], "label": "复议总计=直接起诉总计"}]
    fmt = _format(raw)
    _validate(fmt)
    doc = with_values(valid_document(), "review", {"cases": {"review_upheld": 5}})
    result = read_workbook(write_workbook(tmp_path / "a.xlsx", doc))
    result.format = fmt
    compute_totals(fmt, result.data)
    findings = check_balances(result)
    assert [(f.code, f.sheet, f.cell) for f in findings] == [("balance", "复议诉讼", "J7")]
    assert "复议总计=直接起诉总计" in findings[0].message()
    assert "行政复议/总计 = 5" in findings[0].message()


@pytest.mark.parametrize("break_it,phrase", [
    (lambda raw: raw["tables"]["requests"]["checks"][0].update(axis="diagonal"), "unknown axis"),
    (lambda raw: raw["tables"]["requests"]["derived"][0]["terms"].append("no_such_row"), "no_such_row"),
    (lambda raw: raw["tables"]["requests"]["checks"][0]["left"].append("natural"), "natural"),
    (lambda raw: raw["figures"]["new"]["rows"].append("nowhere"), "figure 'new'"),
    (lambda raw: raw["text_checks"].append({"figure": "nothing", "pattern": "x"}), "nothing"),
])
def test_a_format_file_that_contradicts_itself_is_refused(break_it, phrase):
    raw = copy.deepcopy(raw_2021())
    break_it(raw)
    with pytest.raises(FormatDefinitionError, match=phrase):
        _validate(_format(raw))
