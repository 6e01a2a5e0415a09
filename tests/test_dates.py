"""The 成文日期 against the report year and the statutory deadline (条例第四十九条)."""

import pytest
from click.testing import CliRunner
from helpers import workbook_with

from compiler.cli import cli
from compiler.pipeline import Options, compile_workbook


def _dated(tmp_path, date, **options):
    book = workbook_with(tmp_path, year=2024, date=date)
    return compile_workbook(book, options=Options(**options), write=False)


def _codes(result):
    return [f.code for f in result.findings]


@pytest.mark.parametrize("date", ["2025-01-02", "2025-01-20", "2025-01-31"])
def test_a_report_signed_in_january_of_the_next_year_is_on_time(tmp_path, date):
    assert _dated(tmp_path, date).findings == []


@pytest.mark.parametrize("date", ["2024-12-31", "2024-06-30", "2024-01-15"])
def test_a_report_signed_before_its_year_is_over_is_an_error(tmp_path, date):
    result = _dated(tmp_path, date)
    assert _codes(result) == ["date_before_year_end"] and not result.ok
    finding = result.findings[0]
    assert finding.where == "基本信息!B5" and "2024 年度结束之前" in finding.message()


@pytest.mark.parametrize("date, late", [("2025-02-01", 1), ("2025-03-31", 59), ("2025-12-31", 334)])
def test_a_report_signed_after_31_january_is_late_citing_article_49(tmp_path, date, late):
    result = _dated(tmp_path, date)
    assert _codes(result) == ["date_after_deadline"] and result.ok
    message = result.findings[0].message()
    assert "第四十九条" in message and "2025年1月31日" in message and f"迟 {late} 天" in message
    assert "Article 49" in result.findings[0].message("en")


def test_the_government_report_deadline_is_31_march(tmp_path):
    assert _dated(tmp_path, "2025-03-31", deadline="03-31").findings == []
    late = _dated(tmp_path, "2025-04-01", deadline="03-31")
    assert _codes(late) == ["date_after_deadline"] and "2025年3月31日" in late.findings[0].message()


def test_a_missing_date_is_a_warning(tmp_path):
    result = _dated(tmp_path, "")
    assert _codes(result) == ["date_missing"] and result.ok
    assert result.findings[0].where == "基本信息!B5"


def test_the_deadline_option_takes_month_and_day(tmp_path):
    book = workbook_with(tmp_path, year=2024, date="2025-03-15")
    runner = CliRunner()
    assert "date_after_deadline" in runner.invoke(cli, ["check", str(book)], env={"LANG": "zh_CN.UTF-8"}).output
    quiet = runner.invoke(cli, ["check", str(book), "--deadline", "03-31"], env={"LANG": "zh_CN.UTF-8"})
    assert quiet.exit_code == 0 and "date_after_deadline" not in quiet.output
    bad = runner.invoke(cli, ["check", str(book), "--deadline", "02-30"], env={"LANG": "zh_CN.UTF-8"})
    assert bad.exit_code == 2 and "--deadline" in bad.output
