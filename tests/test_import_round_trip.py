"""compile import: our own reports (.docx, portal page, PDF) read back give the data document they came from."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from helpers import SAMPLE_2021, SEED_WORKBOOK

from compiler.cli import cli
from compiler.document.load import load_document
from compiler.pipeline import Options, compile_workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
KINDS = ["docx", "html", pytest.param("pdf", marks=pytest.mark.skipif(SOFFICE is None, reason="no LibreOffice"))]


@pytest.fixture(scope="module", params=["2021", "2019"])
def compiled(request, tmp_path_factory):
    """A sample compiled to .docx, .html, .pdf and the data document (--json)."""
    workbook = SAMPLE_2021 if request.param == "2021" else SEED_WORKBOOK
    out = tmp_path_factory.mktemp(f"report{request.param}") / "report.docx"
    outputs = ("json", "html", "pdf") if SOFFICE else ("json", "html")
    result = compile_workbook(workbook, output=out, options=Options(outputs=outputs))
    expected = [] if request.param == "2021" else ["date_missing"]  # the published seed report is undated
    assert result.ok and [f.code for f in result.findings] == expected, [f.message() for f in result.findings]
    return out


def _expected(compiled, kind: str) -> dict:
    data = json.loads(compiled.with_suffix(".json").read_text(encoding="utf-8"))
    if kind != "html":
        data["meta"]["contact"] = ""  # the Word template (and so its PDF) does not print the 联系方式
    return data


@pytest.mark.parametrize("kind", KINDS)
def test_our_report_imports_back_to_its_data_document(compiled, kind, tmp_path):
    target = tmp_path / "imported.json"
    result = CliRunner().invoke(cli, ["import", str(compiled.with_suffix("." + kind)), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "导入结果：完整" in result.output
    undated = "2019" in compiled.parent.name  # the published seed report carries no 成文日期
    assert ("0 个错误，1 个警告" if undated else "0 个错误，0 个警告") in result.output
    assert json.loads(target.read_text(encoding="utf-8")) == _expected(compiled, kind)


def test_the_portal_page_imports_to_the_same_bytes_as_json(compiled, tmp_path):
    target = tmp_path / "imported.json"
    CliRunner().invoke(cli, ["import", str(compiled.with_suffix(".html")), "-o", str(target)])
    assert target.read_bytes() == compiled.with_suffix(".json").read_bytes()


@pytest.mark.parametrize("kind", KINDS)
def test_every_imported_value_points_at_its_table_row_and_column(compiled, kind):
    loaded = load_document(compiled.with_suffix("." + kind))
    src = loaded.sources["/tables/requests/unavailable_not_held/natural"]
    assert src.sheet == "表三"
    assert src.cell == "（四）无法提供 / 1.本机关不掌握相关政府信息 | 自然人"
    review = loaded.sources["/tables/review/cases/after_upheld"]
    assert (review.sheet, review.cell) == ("表四", "行政诉讼/复议后起诉/结果维持")
    assert loaded.sources["/sections/problems/0/text"].cell == "第1段"


def test_import_to_a_workbook_gives_a_workbook_that_compiles_to_the_same_data(compiled, tmp_path):
    workbook = tmp_path / "from-report.xlsx"
    result = CliRunner().invoke(cli, ["import", str(compiled), "-o", str(workbook)])
    assert result.exit_code == 0, result.output
    again = compile_workbook(workbook, tmp_path / "again.docx", Options(outputs=("json",)))
    assert again.ok, [f.message() for f in again.findings]
    assert json.loads((tmp_path / "again.json").read_text(encoding="utf-8")) == _expected(compiled, "docx")


def test_check_reads_a_published_report_directly(compiled):
    result = CliRunner().invoke(cli, ["check", str(compiled.with_suffix(".html"))])
    assert result.exit_code == 0, result.output
    assert "VALID" in result.output


def test_compiling_a_published_docx_never_overwrites_it(compiled):
    before = compiled.read_bytes()
    result = CliRunner().invoke(cli, [str(compiled)])
    assert result.exit_code == 2
    assert compiled.read_bytes() == before


def test_import_refuses_to_overwrite_an_existing_output(compiled, tmp_path):
    target = tmp_path / "data.json"
    target.write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(compiled), "-o", str(target)])
    assert result.exit_code == 2
    assert target.read_text(encoding="utf-8") == "{}"
