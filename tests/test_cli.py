"""The compile command, driven through click's CliRunner: exit codes, messages, files written or not."""

import zipfile

import pytest
from click.testing import CliRunner
from helpers import SAMPLE_2021, SEED_WORKBOOK, paragraphs, workbook_with

from compiler import cli as cli_module
from compiler.cli import cli


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args, lang="zh"):
        env = {"LANG": "en_US.UTF-8" if lang == "en" else "zh_CN.UTF-8"}
        return runner.invoke(cli, [str(a) for a in args], env=env)
    return invoke


def test_compiles_a_workbook_to_a_docx_next_to_it(run, tmp_path):
    book = tmp_path / "seed.xlsx"
    book.write_bytes(SEED_WORKBOOK.read_bytes())
    result = run(book)
    assert result.exit_code == 0, result.output
    assert "VALID" in result.output
    out = tmp_path / "seed.docx"
    assert paragraphs(out)[0][1] == "政务服务大数据管理局2020年政府信息公开工作年度报告"


def test_output_option_names_the_report(run, tmp_path):
    out = tmp_path / "report.docx"
    result = run(SAMPLE_2021, "-o", out)
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(out)
    assert f"→ {out}" in result.output


def test_data_error_exits_1_names_the_cell_and_writes_nothing(run, tmp_path):
    book = workbook_with(tmp_path, "requests", {"new": {"natural": 5}})
    result = run(book)
    assert result.exit_code == 1
    assert "INVALID" in result.output
    assert "依申请公开" in result.output and "D31" in result.output
    assert "勾稽关系不成立（自然人列）" in result.output
    assert not (tmp_path / "book.docx").exists()


def test_an_existing_report_is_left_untouched_when_the_workbook_has_errors(run, tmp_path):
    book = workbook_with(tmp_path, "requests", {"new": {"natural": 5}})
    (tmp_path / "book.docx").write_bytes(b"previous report")
    assert run(book).exit_code == 1
    assert (tmp_path / "book.docx").read_bytes() == b"previous report"


def test_unusable_file_exits_2_with_one_sentence(run, tmp_path):
    fake = tmp_path / "data.xlsx"
    fake.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    result = run(fake)
    assert result.exit_code == 2
    assert "不是 Excel 工作簿" in result.output and "另存为 .xlsx" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "data.docx").exists()


def test_missing_file_exits_2(run, tmp_path):
    result = run(tmp_path / "nothing.xlsx")
    assert result.exit_code == 2
    assert "找不到文件" in result.output


def test_check_validates_without_writing(run, tmp_path):
    book = workbook_with(tmp_path)
    result = run("check", book)
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "book.docx").exists()


def test_check_json_report(run, tmp_path):
    import json
    book = workbook_with(tmp_path, "requests", {"new": {"natural": 5}})
    result = run("check", "--json", book)
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report[0]["status"] == "invalid"
    codes = {(f["code"], f["sheet"], f["cell"]) for f in report[0]["findings"]}
    assert ("balance", "依申请公开", "D31") in codes


def test_english_messages_on_request(run, tmp_path):
    book = workbook_with(tmp_path, "requests", {"new": {"natural": 5}})
    result = run("check", "--lang", "en", book)
    assert "Balance does not hold" in result.output


def test_lang_environment_gives_english(run, tmp_path):
    book = workbook_with(tmp_path, "requests", {"new": {"natural": 5}})
    result = run("check", book, lang="en")
    assert "Balance does not hold" in result.output


@pytest.mark.parametrize("year,format_id", [(2020, "2019"), (2024, "2021")])
def test_new_writes_the_standard_workbook_of_the_years_format(run, tmp_path, year, format_id):
    out = tmp_path / "blank.xlsx"
    result = run("new", "--year", year, "--org", "测试局", "-o", out)
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook
    wb = load_workbook(out)
    assert wb["_格式标记"]["B2"].value == format_id
    assert wb["基本信息"]["B3"].value == "测试局"
    assert wb["基本信息"]["B4"].value == year


def test_new_format_option_overrides_the_year(run, tmp_path):
    out = tmp_path / "blank.xlsx"
    assert run("new", "--year", 2024, "--format", "2019", "-o", out).exit_code == 0
    from openpyxl import load_workbook
    assert load_workbook(out)["_格式标记"]["B2"].value == "2019"


def test_new_refuses_to_overwrite_without_force(run, tmp_path):
    out = tmp_path / "blank.xlsx"
    out.write_bytes(b"keep")
    result = run("new", "--year", 2024, "-o", out)
    assert result.exit_code == 2
    assert out.read_bytes() == b"keep"


def test_bad_arguments_exit_2(run):
    assert run("new", "--year", "abc", "-o", "x.xlsx").exit_code == 2


def test_output_may_not_overwrite_the_input(run, tmp_path):
    book = workbook_with(tmp_path)
    before = book.read_bytes()
    result = run(book, "-o", book)
    assert result.exit_code == 2
    assert book.read_bytes() == before


def test_internal_error_is_one_line_and_exit_3(run, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(cli_module, "compile_workbook", broken)
    result = run(workbook_with(tmp_path))
    assert result.exit_code == 3
    assert result.output.splitlines() == [
        "内部错误（RuntimeError）。请把这个工作簿和本消息发给技术支持；加 --debug 可查看详细信息。"]


def test_strict_turns_warnings_into_errors(run, tmp_path):
    doc_path = workbook_with(tmp_path)
    from openpyxl import load_workbook
    wb = load_workbook(doc_path)
    wb["依申请公开"]["D7"] = None  # blank: read as 0 with a warning
    wb.save(doc_path)
    assert run("check", doc_path).exit_code == 0
    assert run("check", "--strict", doc_path).exit_code == 1


def test_an_output_that_cannot_be_written_is_an_error_not_a_crash(run, tmp_path):
    (tmp_path / "r.html").mkdir()  # something in the way of the web page
    result = run(SAMPLE_2021, "-o", tmp_path / "r.docx", "--html")
    assert result.exit_code == 2
    assert "无法写入" in result.output and "r.html" in result.output
    assert "pdf" not in result.output.lower()


def test_an_output_folder_that_cannot_be_created(run, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run(SAMPLE_2021, "-o", blocker / "sub" / "r.docx")
    assert result.exit_code == 2
    assert "无法写入" in result.output
    assert "Traceback" not in result.output and "内部错误" not in result.output


def test_output_must_be_a_docx(run, tmp_path):
    result = run(SAMPLE_2021, "-o", tmp_path / "report.pdf")
    assert result.exit_code == 2
    assert "--pdf" in result.output
    assert not (tmp_path / "report.pdf").exists()


def test_bad_arguments_are_explained_in_chinese(run, tmp_path):
    result = run("new", "--year", 2018, "-o", tmp_path / "x.xlsx")
    assert result.exit_code == 2
    assert result.output.startswith("参数有误：") and "compile new --help" in result.output
