"""Files that are not usable workbooks: one clear sentence each, exit code 2, no output, quickly."""

from __future__ import annotations

import io
import json
import os
import time

import pytest
from click.testing import CliRunner
from helpers import SAMPLE_2021, paragraphs, valid_document, write_workbook
from openpyxl import Workbook, load_workbook

from compiler.cli import cli

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def make_xls(tmp_path):
    path = tmp_path / "report.xls"
    path.write_bytes(OLE2 + b"\x00" * 2048)
    return path


def make_et(tmp_path):
    path = tmp_path / "report.et"
    path.write_bytes(OLE2 + b"\x00" * 2048)
    return path


def make_encrypted(tmp_path):
    import msoffcrypto
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO(SAMPLE_2021.read_bytes())
    path = tmp_path / "report.xlsx"
    with path.open("wb") as out:
        OOXMLFile(plain).encrypt("secret", out)
    with path.open("rb") as fh:  # the real library made a real encrypted workbook: an OLE2 file that
        office = msoffcrypto.OfficeFile(fh)  # msoffcrypto itself recognises as encrypted
        assert office.is_encrypted()
    assert path.read_bytes()[:8] == OLE2
    return path


def make_csv(tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_text("机关名称,年度\n测试局,2024\n", encoding="utf-8")
    return path


def make_word(tmp_path):
    from docx import Document
    path = tmp_path / "report.xlsx"
    Document().save(path)
    return path


def make_truncated(tmp_path):
    path = tmp_path / "report.xlsx"
    data = SAMPLE_2021.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def make_empty(tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"")
    return path


def make_folder(tmp_path):
    path = tmp_path / "report.xlsx"
    path.mkdir()
    return path


def make_missing(tmp_path):
    return tmp_path / "no-such-report.xlsx"


def make_pipe(tmp_path):
    """A named pipe with a workbook's name: refused at once, never waited on for a writer."""
    path = tmp_path / "report.xlsx"
    os.mkfifo(path)
    return path


def make_unrelated(tmp_path):
    path = tmp_path / "report.xlsx"
    wb = Workbook()
    wb.active["A1"] = "工资表"
    wb.save(path)
    return path


def make_unknown_format(tmp_path):
    path = write_workbook(tmp_path / "report.xlsx", valid_document())
    wb = load_workbook(path)
    wb["_格式标记"]["B2"] = "2099"
    wb.save(path)
    return path


CASES = [
    (make_xls, "file_xls", "旧版 Excel（.xls）"),
    (make_et, "file_et", "WPS 表格（.et）"),
    (make_encrypted, "file_encrypted", "设置了打开密码"),
    (make_csv, "file_not_xlsx", "CSV"),
    (make_word, "file_not_xlsx", "Word 文档"),
    (make_truncated, "file_corrupt", "已损坏或不完整"),
    (make_empty, "file_empty", "空文件"),
    (make_missing, "file_missing", "找不到文件"),
    *([(make_pipe, "file_empty", "空文件")] if hasattr(os, "mkfifo") else []),
    (make_unrelated, "file_unrelated", "不是年报填报表"),
    (make_unknown_format, "format_unknown", "格式「2099」未知"),
]


@pytest.mark.parametrize("make,code,phrase", CASES, ids=[c[1] + "-" + c[0].__name__[5:] for c in CASES])
def test_unusable_file_gets_one_sentence_and_exit_2(tmp_path, make, code, phrase):
    path = make(tmp_path)
    started = time.monotonic()
    result = CliRunner().invoke(cli, [str(path), "-o", str(tmp_path / "out.docx")], env={"LANG": "zh_CN.UTF-8"})
    assert time.monotonic() - started < 10
    assert result.exit_code == 2, result.output
    assert phrase in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "out.docx").exists()


@pytest.mark.parametrize("make,code,phrase", CASES, ids=[c[1] for c in CASES])
def test_check_json_reports_the_code(tmp_path, make, code, phrase):
    import json
    result = CliRunner().invoke(cli, ["check", "--json", str(make(tmp_path))], env={"LANG": "zh_CN.UTF-8"})
    assert result.exit_code == 2
    report = json.loads(result.output)
    assert report[0]["status"] == "unusable"
    assert report[0]["findings"][0]["code"] == code


def test_the_files_that_need_saving_again_say_how(tmp_path):
    for make in (make_xls, make_et, make_csv, make_word):
        result = CliRunner().invoke(cli, [str(make(tmp_path))], env={"LANG": "zh_CN.UTF-8"})
        assert "另存为 .xlsx" in result.output


def test_one_unusable_file_does_not_stop_the_others(tmp_path):
    good = write_workbook(tmp_path / "good.xlsx", valid_document())
    bad = make_empty(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    result = CliRunner().invoke(cli, [str(bad), str(good), "-o", str(out)], env={"LANG": "zh_CN.UTF-8"})
    assert result.exit_code == 1  # a batch: not every workbook was compiled
    reports = list(out.glob("*.docx"))
    assert [r.name for r in reports] == ["测试区档案局-2024.docx"]
    assert paragraphs(reports[0])[0][1] == "测试区档案局2024年政府信息公开工作年度报告"
    assert "空文件" in (out / "report-错误报告.txt").read_text(encoding="utf-8-sig")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [(u["source"], u["status"]) for u in summary["units"]] == [(str(bad), "unusable"), (str(good), "valid")]


def test_a_folder_given_where_a_workbook_is_expected(tmp_path):
    """On the command line a folder is an inbox (batch mode); to the pipeline it is not a workbook."""
    from compiler.messages.findings import UnusableFile
    from compiler.pipeline import compile_workbook
    with pytest.raises(UnusableFile) as caught:
        compile_workbook(make_folder(tmp_path))
    assert caught.value.finding.code == "file_is_folder"
    assert "是文件夹" in caught.value.finding.message()
