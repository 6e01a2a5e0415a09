"""Rules come from the format files: a column-wise 勾稽关系 works like a row-wise one.

(A format file that names a row or column that does not exist is refused when it is loaded:
see test_format_files.py.)"""

from helpers import valid_document, write_workbook

from compiler.checks.arithmetic import check_balances, compute_totals
from compiler.document.blank import with_values
from compiler.formats.definition import FORMATS_DIR, format_data, format_from_data
from compiler.workbook.reader import read_workbook


def raw_2021():
    return format_data(FORMATS_DIR / "2021.json")


def test_a_column_wise_check_is_checked_in_every_row(tmp_path, monkeypatch):
    raw = raw_2021()
    raw["tables"]["review"]["checks"] = [{"id": "same", "axis": "column", "left": ["review_total"],
                                          "right": ["direct_total"], "label": "复议总计=直接起诉总计"}]
    fmt = format_from_data(raw)
    doc = with_values(valid_document(), "review", {"cases": {"review_upheld": 5}})
    result = read_workbook(write_workbook(tmp_path / "a.xlsx", doc))
    result.format = fmt
    compute_totals(fmt, result.data)
    findings = check_balances(result)
    assert [(f.code, f.sheet, f.cell) for f in findings] == [("balance", "复议诉讼", "J7")]
    assert "复议总计=直接起诉总计" in findings[0].message()
    assert "行政复议/总计 = 5" in findings[0].message()

