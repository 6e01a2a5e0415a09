"""The command line as a new user meets it: options anywhere, folders to check, help for a bare
``compile``, click's own errors in Chinese, a default name for ``compile new``, messages that say
the right thing in both languages."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import valid_document, workbook_with, write_workbook
from openpyxl import load_workbook

from compiler.cli import cli


@pytest.fixture
def run(tmp_path):
    """Run ``compile`` in a fresh current folder (so nothing may land there unnoticed)."""
    here = tmp_path / "cwd"
    here.mkdir()

    def invoke(*args, lang="zh"):
        old = os.getcwd()
        os.chdir(here)
        try:
            env = {"LANG": "en_US.UTF-8" if lang == "en" else "zh_CN.UTF-8"}
            return CliRunner().invoke(cli, [str(a) for a in args], env=env)
        finally:
            os.chdir(old)
    invoke.cwd = here
    return invoke


@pytest.mark.parametrize("before", [["--debug"], ["--lang", "en"], ["--lang", "zh", "--debug"]])
def test_options_before_the_subcommand_belong_to_it(run, tmp_path, before):
    book = workbook_with(tmp_path)
    result = run(*before, "check", book)
    assert result.exit_code == 0, result.output
    assert ("VALID  " + str(book)) in result.output
    assert ("error(s)" in result.output) == ("en" in before)
    assert list(run.cwd.iterdir()) == []  # no batch, no summary, no report


def test_options_after_the_subcommand_still_work(run, tmp_path):
    book = workbook_with(tmp_path)
    result = run("check", book, "--lang", "en")
    assert result.exit_code == 0 and "0 error(s)" in result.output


def test_lang_before_the_default_command(run, tmp_path):
    book = workbook_with(tmp_path)
    result = run("--lang", "en", book, "-o", tmp_path / "r.docx")
    assert result.exit_code == 0, result.output
    assert "error(s)" in result.output and (tmp_path / "r.docx").exists()


def test_check_a_folder_checks_every_workbook_and_writes_nothing(run, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(inbox / "a.xlsx", valid_document("2021", 2024, "临江区档案局"))
    write_workbook(inbox / "b.xlsx", valid_document("2019", 2020, "临江区财政局"))
    (inbox / "c.xlsx").write_bytes(b"")
    before = sorted(p.name for p in inbox.iterdir())
    result = run("check", inbox)
    assert result.exit_code == 2  # one unusable file
    assert "VALID  " + str(inbox / "a.xlsx") in result.output
    assert "VALID  " + str(inbox / "b.xlsx") in result.output
    assert "空文件" in result.output
    summary = result.output.split("\n\n")[-1]
    assert re.search(r"a\.xlsx\s+临江区档案局\s+2024\s+2021\s+通过", summary)
    assert re.search(r"c\.xlsx.*无法使用", summary)
    assert sorted(p.name for p in inbox.iterdir()) == before
    assert list(run.cwd.iterdir()) == []


def test_a_bare_compile_prints_the_help(run):
    result = run()
    assert result.exit_code == 0
    assert result.output.startswith("Usage: compile")
    assert "参数有误" not in result.output and "check" in result.output


def test_click_errors_are_in_chinese(run, tmp_path):
    missing = run("new")
    assert missing.exit_code == 2
    assert missing.output.strip() == "参数有误：缺少选项 --year（运行 compile new --help 查看用法）"
    (run.cwd / "x.xlsx").write_bytes(b"")
    exists = run("new", "--year", "2024", "-o", "x.xlsx")
    assert exists.exit_code == 2
    assert "Invalid value" not in exists.output
    assert "参数有误：-o：x.xlsx 已存在；加 --force 覆盖。" in exists.output
    unknown = run("check", "--frmat", "2019", "x.xlsx")
    assert "没有 --frmat 这个选项" in unknown.output and "--format" in unknown.output
    bad_choice = run("check", "--format", "2099", "x.xlsx")
    assert "「2099」不是可选的值" in bad_choice.output
    for result in (missing, exists, unknown, bad_choice):
        assert not re.search(r"[A-Z][a-z]+ (option|value|such)", result.output), result.output
    assert "Missing option '--year'" in run("new", lang="en").output


@pytest.mark.parametrize("org,name", [("临江区市场监督管理局", "临江区市场监督管理局-2024.xlsx"),
                                      ("", "空白-2024.xlsx")])
def test_new_without_output_names_the_workbook_after_the_agency(run, org, name):
    result = run("new", "--year", "2024", *(["--org", org] if org else []))
    assert result.exit_code == 0, result.output
    made = run.cwd / name
    assert [p.name for p in run.cwd.iterdir()] == [name]
    assert load_workbook(made)["基本信息"]["B3"].value == (org or None)


def test_a_fraction_in_a_count_cell_says_a_whole_number_is_needed(tmp_path):
    from compiler.pipeline import compile_workbook

    book = workbook_with(tmp_path)
    wb = load_workbook(book)
    wb["依申请公开"]["D7"] = 2.5
    wb.save(book)
    finding = next(f for f in compile_workbook(book, write=False).findings if f.where == "依申请公开!D7"
                   and f.is_error)
    assert finding.code == "not_whole"
    assert "应为整数" in finding.message() and "请改为数字" not in finding.message()
    assert "whole number" in finding.message("en")


def test_the_renamed_sheet_hint_in_english(run, tmp_path):
    book = workbook_with(tmp_path)
    wb = load_workbook(book)
    wb["依申请公开"].title = "依申请公开情况"
    wb.save(book)
    english = run("check", book, lang="en").output
    assert "renamed to '依申请公开情况'?" in english
    assert "是否被改名为「依申请公开情况」" in run("check", book).output


def test_english_messages_carry_english_details(run, tmp_path):
    import zipfile

    book = workbook_with(tmp_path)
    hostile = tmp_path / "hostile.xlsx"
    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(hostile, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/workbook.xml":
                data = b'<!DOCTYPE x [<!ENTITY a "a">]>' + data
            zout.writestr(info, data)
    result = run("check", hostile, lang="en")
    assert result.exit_code == 2
    assert "declares entities" in result.output
    assert not re.search("[\u4e00-\u9fff]", result.output.replace(str(hostile), "")), result.output


def test_nothing_lands_in_the_current_folder_by_accident(run, tmp_path):
    """The old rewrite made ``compile --debug check x`` a batch writing summary files into ``.``."""
    book = workbook_with(tmp_path)
    run("--debug", "check", book)
    run("--lang", "en", "check", book)
    assert sorted(Path(p).name for p in run.cwd.iterdir()) == []


# --- --format: new, check and compile agree -------------------------------------------------------

def test_a_format_chosen_for_another_year_is_accepted_everywhere_with_a_warning(run, tmp_path):
    from compiler.pipeline import new_workbook

    made = run("new", "--year", "2024", "--format", "2019", "-o", tmp_path / "blank.xlsx")
    assert made.exit_code == 0 and "通常使用 2021 格式" in made.output
    book = new_workbook(2024, tmp_path / "w.xlsx", format_id="2019", document=valid_document("2019", 2024))
    for args in (["check", book], ["check", book, "--format", "2019"]):
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert "format_year_override" in result.output and "format_year_mismatch" not in result.output
    result = run(book, "-o", tmp_path / "w.docx", "--format", "2019")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "w.docx").exists()


def test_a_format_other_than_the_workbooks_own_is_one_sentence(run, tmp_path):
    book = write_workbook(tmp_path / "w.xlsx", valid_document("2019", 2020))
    result = run("check", book, "--format", "2021")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "无法使用  本填报表是 2019 格式，不能按 --format 2021 读取。请去掉 --format（将按 2019 格式读取），"
        "或用 compile new --format 2021 生成新表后重新填写。"]
    assert run(book, "--format", "2021", "-o", tmp_path / "w.docx").exit_code == 2
    assert not (tmp_path / "w.docx").exists()


def test_a_workbook_whose_year_picked_its_format_still_gets_the_error(tmp_path):
    from compiler.pipeline import compile_workbook

    book = write_workbook(tmp_path / "w.xlsx", valid_document("2021", 2024))
    wb = load_workbook(book)
    wb["基本信息"]["B4"] = 2020  # a year of the other format, typed over: no --format chose this
    wb.save(book)
    codes = [f.code for f in compile_workbook(book, write=False).errors]
    assert "format_year_mismatch" in codes
