"""Every problem of a workbook in one pass: one bad cell, a moved table, a formula an agency typed
or a line break in a narrative cell never hides the other problems or costs another round trip."""

from __future__ import annotations

import shutil
import subprocess

import pytest
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


# --- formulas an agency typed into input cells ----------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def saved_by_libreoffice(path, tmp_path):
    """The workbook opened and saved again by LibreOffice, which stores each formula's result."""
    out = tmp_path / "saved"
    subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                    "--convert-to", "xlsx", "--outdir", str(out), str(path)], check=True, capture_output=True,
                   timeout=180)
    return out / path.name


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_a_typed_formula_is_read_as_its_saved_result_with_a_warning(tmp_path):
    book = workbook_with(tmp_path, "requests", {"new": {"natural": 121}, "disclosed": {"natural": 121}})
    wb = load_workbook(book)
    wb["依申请公开"]["D7"] = "=100+21"
    wb.save(book)
    result = compile_workbook(saved_by_libreoffice(book, tmp_path), tmp_path / "r.docx")
    assert result.ok, [f.message() for f in result.errors]
    used = [f for f in result.findings if f.code == "formula_value_used"]
    assert [(f.where, f.params["value"]) for f in used] == [("依申请公开!D7", 121)]
    assert "=100+21" in used[0].message() and "121" in used[0].message()
    assert result.data["tables"]["requests"]["new"]["natural"] == 121
    assert result.data["tables"]["requests"]["new"]["total"] == 121  # totals recomputed as ever


def test_a_typed_formula_without_a_saved_result_is_one_clear_error(tmp_path):
    book = workbook_with(tmp_path)
    wb = load_workbook(book)
    wb["依申请公开"]["D7"] = "=100+21"  # openpyxl stores no result, as some tools do
    wb.save(book)
    findings = findings_of(book)
    at_d7 = [f for f in findings if f.where == "依申请公开!D7" and f.is_error]
    assert [f.code for f in at_d7] == ["formula_without_value"]
    assert "=100+21" in at_d7[0].message() and "没有保存可用的计算结果" in at_d7[0].message()
    assert "no usable result" in at_d7[0].message("en")


# --- Alt+Enter in a narrative cell ----------------------------------------------------------------

def test_a_line_break_in_a_narrative_cell_is_a_paragraph_break(tmp_path):
    from helpers import paragraphs

    book = workbook_with(tmp_path)
    wb = load_workbook(book)
    ws = wb["总体情况"]
    row = next(r for r in range(1, 40) if ws.cell(r, 2).value == "本年度认真贯彻落实《条例》。")
    ws.cell(row, 2).value = "第一段，说主动公开。\n第二段，说依申请公开。\r\n\n第三段。"
    ws.cell(row + 1, 1).value, ws.cell(row + 1, 2).value = "正文", "另一格\n也换了行。"
    wb.save(book)
    result = compile_workbook(book, tmp_path / "r.docx")
    assert result.ok, [f.message() for f in result.errors]
    broken = [f for f in result.findings if f.code == "line_break_in_cell"]
    assert [f.where for f in broken] == [f"总体情况!B{row}"]  # the first time on the sheet
    assert [b["text"] for b in result.data["sections"]["overview"]] == [
        "第一段，说主动公开。", "第二段，说依申请公开。", "第三段。", "另一格", "也换了行。"]
    texts = [text for _, text in paragraphs(tmp_path / "r.docx")]
    assert "第二段，说依申请公开。" in texts and "第一段，说主动公开。" in texts
    from helpers import body_xml
    assert not any(p.find(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}br") is not None
                   and "第一段" in "".join(p.itertext()) for p in body_xml(tmp_path / "r.docx").iter(
                       "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"))


# --- rows and columns inserted in any sheet (as Excel and WPS insert them: merges shifted too) -----

def insert_rows(ws, index, amount=1):
    merged = list(ws.merged_cells.ranges)
    for m in merged:
        ws.unmerge_cells(str(m))
    ws.insert_rows(index, amount)
    for m in merged:
        if m.min_row >= index:
            m.shift(0, amount)
        elif m.max_row >= index:
            m.expand(down=amount)
        ws.merge_cells(m.coord)


def insert_cols(ws, index, amount=1):
    merged = list(ws.merged_cells.ranges)
    for m in merged:
        ws.unmerge_cells(str(m))
    ws.insert_cols(index, amount)
    for m in merged:
        if m.min_col >= index:
            m.shift(amount, 0)
        elif m.max_col >= index:
            m.expand(right=amount)
        ws.merge_cells(m.coord)


def filled(tmp_path):
    from helpers import valid_document, write_workbook

    from compiler.document.blank import with_values

    doc = with_values(valid_document(), "review", {"cases": {"review_upheld": 3, "direct_other": 2,
                                                             "after_pending": 1}})
    doc = with_values(doc, "active", {"art20_5": {"licensing": {"decisions": 41}},
                                      "art20_6": {"penalty": {"decisions": 7}}})
    return write_workbook(tmp_path / "book.xlsx", doc)


def test_a_row_inserted_in_the_active_disclosure_table_is_one_warning(tmp_path):
    book = filled(tmp_path)
    wb = load_workbook(book)
    insert_rows(wb["主动公开"], 8)  # above 第二十条第（五）项
    wb.save(book)
    result = compile_workbook(book, write=False)
    sheet = [(f.code, f.where) for f in result.findings if f.sheet == "主动公开"]
    assert sheet == [("row_inserted", "主动公开!A8")]
    assert "请删除第 8 行" in result.findings[0].message()
    active = result.data["tables"]["active"]
    assert active["art20_5"]["licensing"]["decisions"] == 41 and active["art20_6"]["penalty"]["decisions"] == 7
    assert result.ok


def test_a_row_inserted_in_the_basic_information_does_not_move_the_year(tmp_path):
    book = filled(tmp_path)
    wb = load_workbook(book)
    ws = wb["基本信息"]
    insert_rows(ws, 4)
    ws["A4"], ws["B4"] = "统一社会信用代码", "11330100002493180X"
    wb.save(book)
    result = compile_workbook(book, write=False)
    assert result.data["meta"]["year"] == 2024 and result.data["meta"]["date"] == "2025-01-15"
    assert [(f.code, f.where) for f in result.findings] == [("row_inserted", "基本信息!A4")]
    assert result.ok


@pytest.mark.parametrize("sheet,column,letter", [("复议诉讼", 3, "C"), ("复议诉讼", 6, "F"), ("依申请公开", 5, "E")])
def test_a_column_inserted_in_a_table_is_one_warning_and_the_values_are_read(tmp_path, sheet, column, letter):
    book = filled(tmp_path)
    wb = load_workbook(book)
    insert_cols(wb[sheet], column)
    wb.save(book)
    result = compile_workbook(book, write=False)
    on_sheet = [(f.code, f.cell) for f in result.findings if f.sheet == sheet]
    assert on_sheet == [("column_inserted", f"{letter}4")]
    assert f"请删除 {letter} 列" in next(f for f in result.findings if f.sheet == sheet).message()
    cases = result.data["tables"]["review"]["cases"]
    assert (cases["review_upheld"], cases["direct_other"], cases["after_pending"]) == (3, 2, 1)
    assert result.ok


def test_figures_typed_into_an_inserted_column_are_an_error_not_lost(tmp_path):
    book = filled(tmp_path)
    wb = load_workbook(book)
    ws = wb["复议诉讼"]
    insert_cols(ws, 3)
    ws["C5"], ws["C7"] = "结果部分纠正", 4
    wb.save(book)
    result = compile_workbook(book, write=False)
    assert [(f.code, f.where) for f in result.errors] == [("unread_column", "复议诉讼!C5")]  # one, for the column
    assert "C5、C7" in result.errors[0].message() and "删除插入的 C 列" in result.errors[0].message()
