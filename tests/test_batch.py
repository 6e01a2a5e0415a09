"""Batch compile: a folder, several files or a glob; parallel; safe names; summary and error reports."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from helpers import valid_document, write_workbook

from compiler.cli import cli
from compiler.document.blank import with_values
from compiler.inbox.batch import expand_inputs, is_batch
from compiler.inbox.names import NameClaims, OutputFolder, inside, report_base, safe_component


def run(*args, lang="zh"):
    env = {"LANG": "en_US.UTF-8" if lang == "en" else "zh_CN.UTF-8"}
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    """Two valid workbooks (one 2019-format), one invalid, two unusable, one lock file to ignore."""
    box = tmp_path_factory.mktemp("inbox")
    write_workbook(box / "a.xlsx", valid_document("2021", 2024, "临江区档案局"))
    write_workbook(box / "b.xlsx", valid_document("2019", 2020, "临江区财政局"))
    write_workbook(box / "c.xlsx", with_values(valid_document("2021", 2024, "临江区水利局"),
                                               "requests", {"new": {"natural": 5}}))
    (box / "x.xlsx").write_text("机关名称,年度\n", encoding="utf-8")
    (box / "empty.xlsx").write_bytes(b"")
    (box / "~$a.xlsx").write_bytes(b"lock")
    (box / "notes.txt").write_text("not a workbook")
    return box


@pytest.fixture(scope="module")
def compiled(inbox, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    result = run(inbox, "-o", out, "--jobs", "2")
    return result, out


def read_summary(out: Path) -> list[dict]:
    raw = (out / "summary.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "summary.csv must carry a BOM for Excel"
    return list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))


def test_inbox_compiles_every_workbook_and_exits_1(compiled):
    result, out = compiled
    assert result.exit_code == 1, result.output
    rows = read_summary(out)
    assert [r["工作簿"] for r in rows] == ["a.xlsx", "b.xlsx", "c.xlsx", "empty.xlsx", "x.xlsx"]
    status = {r["工作簿"]: r["状态"] for r in rows}
    assert status == {"a.xlsx": "通过", "b.xlsx": "通过", "c.xlsx": "有错误",
                      "empty.xlsx": "无法使用", "x.xlsx": "无法使用"}
    assert "共 5 个工作簿：通过 2，有错误 1，无法使用 2" in result.output
    assert "Traceback" not in result.output


def test_reports_are_named_from_org_and_year_and_open_in_word(compiled):
    _, out = compiled
    for name, org in (("临江区档案局-2024.docx", "临江区档案局"), ("临江区财政局-2020.docx", "临江区财政局")):
        doc = Document(out / name)
        assert any(org in p.text for p in doc.paragraphs)
    rows = {r["工作簿"]: r for r in read_summary(out)}
    assert rows["a.xlsx"]["输出文件"] == "临江区档案局-2024.docx"
    assert rows["b.xlsx"]["格式"] == "2019" and rows["a.xlsx"]["格式"] == "2021"
    assert not list(out.glob(".compile-staging-*")), "the staging folder is removed"


def test_invalid_and_unusable_workbooks_get_error_reports(compiled):
    _, out = compiled
    report = (out / "临江区水利局-2024-错误报告.txt").read_text(encoding="utf-8-sig")
    assert "依申请公开" in report and "D31" in report and "勾稽关系不成立" in report
    assert "重新报送" in report
    assert not (out / "临江区水利局-2024.docx").exists()
    assert "不是 Excel 工作簿" in (out / "x-错误报告.txt").read_text(encoding="utf-8-sig")
    assert "空文件" in (out / "empty-错误报告.txt").read_text(encoding="utf-8-sig")


def test_summary_json_matches(compiled):
    _, out = compiled
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["total"], summary["valid"], summary["invalid"], summary["unusable"]) == (5, 2, 1, 2)
    unit = summary["units"][2]
    assert unit["org"] == "临江区水利局" and unit["year"] == 2024 and unit["errors"] == 2
    assert unit["error_report"] == "临江区水利局-2024-错误报告.txt"


def test_batch_output_is_byte_identical_to_a_single_compile(compiled, inbox, tmp_path):
    _, out = compiled
    single = tmp_path / "single.docx"
    assert run(inbox / "a.xlsx", "-o", single).exit_code == 0
    assert (out / "临江区档案局-2024.docx").read_bytes() == single.read_bytes()


def test_existing_files_are_not_overwritten_without_force(inbox, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "临江区档案局-2024.docx").write_bytes(b"keep me")
    result = run(inbox / "a.xlsx", inbox / "b.xlsx", "-o", out, "--jobs", "1")
    assert result.exit_code == 1
    assert (out / "临江区档案局-2024.docx").read_bytes() == b"keep me"
    assert "已跳过" in result.output and "--force" in result.output
    assert (out / "临江区财政局-2020.docx").exists()
    result = run(inbox / "a.xlsx", inbox / "b.xlsx", "-o", out, "--jobs", "1", "--force")
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(out / "临江区档案局-2024.docx")


def test_glob_and_several_files(inbox, tmp_path):
    result = run(str(inbox / "[ab].xlsx"), "-o", tmp_path / "g", "--jobs", "2", lang="en")
    assert result.exit_code == 0, result.output
    assert "2 workbook(s): 2 valid" in result.output
    assert {p.name for p in (tmp_path / "g").glob("*.docx")} == {"临江区档案局-2024.docx", "临江区财政局-2020.docx"}
    assert is_batch([inbox]) and is_batch([inbox / "a.xlsx", inbox / "b.xlsx"]) and not is_batch([inbox / "a.xlsx"])
    assert [p.name for p in expand_inputs([inbox, inbox / "a.xlsx"])] == [
        "a.xlsx", "b.xlsx", "c.xlsx", "empty.xlsx", "x.xlsx"]


def test_no_workbooks_is_a_bad_argument(tmp_path):
    (tmp_path / "empty_dir").mkdir()
    result = run(tmp_path / "empty_dir", "-o", tmp_path / "o")
    assert result.exit_code == 2
    assert "没有找到" in result.output


HOSTILE = ["../../etc/x", "a/b", "CON", "nul.txt", "机" * 200, 'a:*?"<>|b', "..", "  . ", "x\\..\\y", "com1"]


@pytest.mark.parametrize("name", HOSTILE)
def test_safe_component_stays_one_harmless_name(name, tmp_path):
    safe = safe_component(name)
    assert safe and "/" not in safe and "\\" not in safe and ".." not in safe
    assert not set(':*?"<>|') & set(safe)
    assert len(safe.encode("utf-8")) <= 150
    assert safe.split(".")[0].upper() not in {"CON", "NUL", "COM1"}
    assert inside(tmp_path, safe + "-2024.docx").parent == tmp_path.resolve()


def test_the_output_folder_resolved_once_places_names_as_inside_does(tmp_path):
    folder = OutputFolder(tmp_path)
    (tmp_path / "sibling.docx").write_bytes(b"")
    (tmp_path / "to-sibling.docx").symlink_to(tmp_path / "sibling.docx")
    (tmp_path / "escape.docx").symlink_to(tmp_path.parent / "elsewhere.docx")
    for name in ["机关-2024.docx", "to-sibling.docx", "sibling.docx", *(safe_component(n) for n in HOSTILE)]:
        assert folder.inside(name) == inside(tmp_path, name)
    assert folder.inside("to-sibling.docx").name == "sibling.docx"  # a link is followed, as inside does
    for name in ["escape.docx", "../x.docx", "a/b.docx", "..", ""]:
        with pytest.raises(ValueError):
            folder.inside(name)


def test_collisions_get_numbered_ignoring_case():
    claims = NameClaims()
    assert claims.claim("Org-2024", (".docx",)) == "Org-2024"
    assert claims.claim("org-2024", (".docx",)) == "org-2024-2"
    assert claims.claim("Org-2024", (".txt",)) == "Org-2024"
    assert report_base("", 2024, "book") == "book"


def test_hostile_org_names_write_inside_the_output_folder(tmp_path):
    box = tmp_path / "in"
    box.mkdir()
    for i, org in enumerate(["../../evil", "a/b", "CON", "机" * 120, 'q:*?"<>|', "../../evil"]):
        write_workbook(box / f"{i}.xlsx", valid_document("2021", 2024, org))
    out = tmp_path / "out"
    result = run(box, "-o", out, "--jobs", "2")
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.iterdir())
    assert len([n for n in written if n.endswith(".docx")]) == 6
    assert "_._evil-2024.docx" in written and "_._evil-2024-2.docx" in written
    assert "_CON-2024.docx" in written and "a_b-2024.docx" in written and "q_-2024.docx" in written
    assert "机" * 48 + "-2024.docx" in written
    assert all(p.parent == out for p in tmp_path.rglob("*.docx"))
    assert not (tmp_path / "evil-2024.docx").exists()


# --- the fast paths give exactly what the reference libraries give -----------------------------

def test_prepared_template_renders_the_same_bytes_as_plain_docxtpl(inbox):
    from compiler.common.resources import default_template
    from compiler.pipeline import validate_workbook
    from compiler.render.context import build_context
    from compiler.render.word import render_docx, render_docx_plain, word_table

    for name in ("a.xlsx", "b.xlsx"):
        read, _ = validate_workbook(inbox / name)
        context = build_context(read.format, read.data, tables_as=word_table)
        template = default_template(read.format.id)
        assert render_docx(template, context) == render_docx_plain(template, context)
        assert render_docx(template, context) == render_docx(template, context)


def test_lean_reader_reads_what_openpyxl_reads(inbox):
    from helpers import SAMPLE_2021, SEED_WORKBOOK

    from compiler.workbook.fast_xlsx import FastWorkbook
    from compiler.workbook.opening import _open_openpyxl, open_workbook, sheet_values

    for path in (inbox / "a.xlsx", inbox / "b.xlsx", SAMPLE_2021, SEED_WORKBOOK):
        fast, reference = open_workbook(path), _open_openpyxl(path)
        try:
            assert isinstance(fast, FastWorkbook)
            assert fast.sheetnames == reference.sheetnames
            for name in reference.sheetnames:
                assert sheet_values(fast[name]) == sheet_values(reference[name]), (path.name, name)
        finally:
            fast.close()
            reference.close()


def test_lean_reader_hands_shared_formulas_to_openpyxl(tmp_path):
    from openpyxl import Workbook

    from compiler.workbook.opening import open_workbook, sheet_values

    wb = Workbook()
    wb.active.title = "s"
    wb.active["A1"], wb.active["A2"] = 1, "=A1+1"
    wb.save(tmp_path / "f.xlsx")
    with zipfile.ZipFile(tmp_path / "f.xlsx") as src, zipfile.ZipFile(tmp_path / "g.xlsx", "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<f>A1+1</f>", b'<f t="shared" ref="A2" si="0">A1+1</f>')
            dst.writestr(info, data)
    book = open_workbook(tmp_path / "g.xlsx")
    try:
        assert sheet_values(book["s"]) == {(1, 1): 1, (2, 1): "=A1+1"}
    finally:
        book.close()


def test_formula_typed_as_org_name_stays_inert_in_summary_and_rollup(tmp_path):
    from openpyxl import load_workbook

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    formula = '=HYPERLINK("http://example.invalid","点此")'
    write_workbook(inbox / "good.xlsx", valid_document(org="临江区档案局"))
    write_workbook(inbox / "evil.xlsx", valid_document(org=formula))
    runner = CliRunner()
    result = runner.invoke(cli, [str(inbox), "-o", str(tmp_path / "out"), "--jobs", "1"], env={"LANG": "zh_CN.UTF-8"})
    assert result.exit_code == 1
    with open(tmp_path / "out" / "summary.csv", encoding="utf-8-sig") as fh:
        orgs = [row[1] for row in csv.reader(fh)]
    assert "'" + formula in orgs and formula not in orgs
    rolled = tmp_path / "roll.xlsx"
    result = runner.invoke(cli, ["rollup", str(inbox), "-o", str(rolled), "--jobs", "1"], env={"LANG": "zh_CN.UTF-8"})
    assert rolled.exists()
    units = load_workbook(rolled)["汇总单位"]
    cells = [c for row in units.iter_rows() for c in row if c.value == formula]
    assert cells and all(c.data_type == "s" for c in cells)


def test_lean_reader_number_format_rules_match_openpyxl():
    from openpyxl.styles.numbers import (
        BUILTIN_FORMATS,
        is_date_format,
        is_timedelta_format,
    )
    from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel

    from compiler.workbook import fast_xlsx as xlsx_fast
    for number, code in BUILTIN_FORMATS.items():
        assert (number in xlsx_fast.DATE_BUILTINS) == is_date_format(code), (number, code)
        assert (number in xlsx_fast.TIMEDELTA_BUILTINS) == is_timedelta_format(code), (number, code)
    for code in ['yyyy"年"m"月"d"日"', "0", "0.0000", "0.####", "General", "[$-804]yyyy年m月d日", "[Red]0.00",
                 "[h]:mm:ss", '"days"0', "mm:ss.0", "@", "_(* #,##0_)", 'yyyy\\-mm\\-dd']:
        assert xlsx_fast.is_date_format(code) == is_date_format(code), code
        assert xlsx_fast.is_timedelta_format(code) == is_timedelta_format(code), code
    for serial in (1, 59, 60, 61, 45677, 45677.5, 45677.999988, 0.25, 0.5):
        for epoch in (WINDOWS_EPOCH, MAC_EPOCH):
            assert xlsx_fast.from_excel(serial, epoch) == from_excel(serial, epoch), (serial, epoch)
    assert xlsx_fast.coordinate_to_tuple("AB12") == (12, 28)


def test_progress_lines_for_a_log_come_in_bursts_with_the_same_text():
    from compiler.inbox.batch import BatchRow, ProgressLines, progress_line

    rows = [BatchRow(index=i, source=f"inbox/{i}.xlsx", status="valid", output=f"局{i}-2024.docx") for i in range(5)]
    one_by_one = [progress_line(row, i + 1, 5, "zh") for i, row in enumerate(rows)]
    for every, calls in ((3600.0, 1), (0.0, 5)):
        handed: list[str] = []
        progress = ProgressLines("zh", handed.append, every=every)
        for i, row in enumerate(rows):
            progress(row, i + 1, 5)
        progress.flush()
        assert len(handed) == calls
        assert "\n".join(handed) == "\n".join(one_by_one)
