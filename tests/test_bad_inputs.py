"""The corpus of agency mistakes: each case is a valid workbook plus one mistake, with the finding
code and the cell it must point at."""

from __future__ import annotations

import json

import pytest
from helpers import SAMPLES, valid_document, write_workbook
from openpyxl import load_workbook

from compiler.document.blank import with_values
from compiler.pipeline import Options, compile_workbook

# 2021 format, year 2024: table 三 starts on row 7 (一、本年新收), columns D (自然人) … J (总计)


def edited(tmp_path, edits: dict, document: dict | None = None, format_id: str = "2021", year: int = 2024):
    """A valid workbook with ``edits`` ({"sheet!A1": value}) typed over it, as an agency would."""
    path = write_workbook(tmp_path / "book.xlsx", document or valid_document(format_id, year))
    wb = load_workbook(path)
    for where, value in edits.items():
        sheet, cell = where.split("!")
        wb[sheet][cell] = value
    wb.save(path)
    return path


def findings_of(path, **options):
    result = compile_workbook(path, options=Options(**options), write=False)
    return result, {(f.code, f.sheet, f.cell) for f in result.findings}


VALUE_CASES = [
    # (typed value, expected code, is an error)
    ("12", "text_number", False),
    ("１２", "text_number", False),
    (" 12 ", "text_number", False),
    ("12件", "not_a_number", True),
    ("/", "not_a_number", True),
    ("—", "not_a_number", True),
    (-3, "negative", True),
    ("-3", "negative", True),
    (1.5, "not_whole", True),  # a number, but not a whole one
    ("#REF!", "not_a_number", True),
    (None, "blank_as_zero", False),
]


@pytest.mark.parametrize("typed,code,is_error", VALUE_CASES, ids=[repr(c[0]) for c in VALUE_CASES])
def test_values_typed_into_a_count_cell(tmp_path, typed, code, is_error):
    # the same figure in 一、本年新收 and 四、结转 keeps the balance when the value reads as 12
    path = edited(tmp_path, {"依申请公开!D7": typed, "依申请公开!D31": 12 if code == "text_number" else 0})
    result, found = findings_of(path)
    assert (code, "依申请公开", "D7") in found
    assert result.ok is not is_error
    message = next(f for f in result.findings if f.code == code and f.cell == "D7").message()
    assert "一、本年新收政府信息公开申请数量/自然人" in message


def test_number_as_text_is_read_as_the_number(tmp_path):
    path = edited(tmp_path, {"依申请公开!D7": "１２", "依申请公开!D31": 12})
    result, _ = findings_of(path)
    assert result.data["tables"]["requests"]["new"]["natural"] == 12
    assert result.ok


def test_message_quotes_the_value_found(tmp_path):
    result, _ = findings_of(edited(tmp_path, {"依申请公开!D7": "12件"}))
    message = next(f for f in result.findings if f.code == "not_a_number").message()
    assert "「12件」" in message and "整数" in message


def test_amount_with_too_many_decimals(tmp_path):
    result, found = findings_of(edited(tmp_path, {"主动公开!B17": 1.23456}))
    assert ("too_many_decimals", "主动公开", "B17") in found
    assert not result.ok


def test_strict_turns_a_blank_into_an_error(tmp_path):
    path = edited(tmp_path, {"依申请公开!E7": None})
    assert findings_of(path)[0].ok
    assert not findings_of(path, strict=True)[0].ok


def test_balance_names_column_rows_both_sides_and_difference(tmp_path):
    doc = with_values(valid_document(), "requests", {"new": {"commercial": 3}, "disclosed": {"commercial": 2}})
    result, found = findings_of(write_workbook(tmp_path / "b.xlsx", doc))
    assert ("balance", "依申请公开", "E31") in found
    message = next(f for f in result.findings if f.cell == "E31").message()
    for part in ("商业企业", "一、本年新收政府信息公开申请数量", "四、结转下年度继续办理", "= 3", "= 2", "相差 1"):
        assert part in message


@pytest.mark.parametrize("where,value", [("依申请公开!J7", 99), ("依申请公开!D30", 7), ("复议诉讼!E7", 5)])
def test_a_typed_total_that_disagrees_with_its_parts(tmp_path, where, value):
    result, found = findings_of(edited(tmp_path, {where: value}))
    sheet, cell = where.split("!")
    assert ("total_mismatch", sheet, cell) in found
    assert not result.ok


def test_a_typed_total_that_agrees_is_accepted(tmp_path):
    result, _ = findings_of(edited(tmp_path, {"依申请公开!J7": 0, "复议诉讼!E7": 0}))
    assert result.ok


def test_narrative_number_that_contradicts_the_table(tmp_path):
    doc = valid_document()
    doc["sections"]["overview"] = [{"kind": "paragraph", "text": "全年共收到政府信息公开申请5件，予以公开0件。"}]
    result, found = findings_of(write_workbook(tmp_path / "t.xlsx", doc))
    # 「共收到」 is read as 新收 or as 新收 + 上年结转: the message names both
    assert ("text_either_mismatch", "总体情况", "B5") in found
    assert result.ok  # a warning: the agency decides which one is right
    message = next(f for f in result.findings if f.code == "text_either_mismatch").message()
    assert "全年共收到政府信息公开申请5件" in message and "依申请公开!J7" in message


def test_narrative_numbers_that_match_raise_nothing(tmp_path):
    doc = with_values(valid_document(), "review", {"cases": {"review_upheld": 2, "direct_pending": 1}})
    doc["sections"]["overview"] = [{"kind": "paragraph", "text": "被申请行政复议2件，提起行政诉讼1件。"}]
    result, _ = findings_of(write_workbook(tmp_path / "t.xlsx", doc))
    assert result.findings == []


def test_previous_year_carry_over_must_match(tmp_path):
    last = with_values(valid_document(year=2023), "requests",
                       {"new": {"natural": 3}, "carried_forward": {"natural": 3}})
    last_path = write_workbook(tmp_path / "2023.xlsx", last)
    this_path = write_workbook(tmp_path / "2024.xlsx", valid_document())
    result, found = findings_of(this_path, previous=last_path)
    assert ("previous_mismatch", "依申请公开", "D8") in found
    assert not result.ok
    fixed = with_values(valid_document(), "requests", {"carried_over": {"natural": 3}, "disclosed": {"natural": 3}})
    result, _ = findings_of(write_workbook(tmp_path / "2024b.xlsx", fixed), previous=last_path)
    assert result.ok and result.findings == []


def test_previous_year_stock_of_documents_is_a_warning(tmp_path):
    last = with_values(valid_document(year=2023), "active", {"art20_1": {"normative_documents": {"in_force": 10}}})
    this = with_values(valid_document(), "active",
                       {"art20_1": {"normative_documents": {"issued": 2, "repealed": 1, "in_force": 12}}})
    result, found = findings_of(write_workbook(tmp_path / "b.xlsx", this),
                                previous=write_workbook(tmp_path / "a.xlsx", last))
    assert ("stock_discontinuity", "主动公开", "D7") in found
    assert result.ok


def test_previous_workbook_of_the_wrong_year_is_an_error_naming_both_years(tmp_path):
    old = write_workbook(tmp_path / "2022.xlsx", valid_document(year=2022))
    result, found = findings_of(write_workbook(tmp_path / "2024.xlsx", valid_document()), previous=old)
    assert ("previous_other_report", "基本信息", "B4") in found
    message = next(f for f in result.findings if f.code == "previous_other_report").message()
    assert "2022 年度" in message and "2024 年度" in message and not result.ok


COMPLETENESS_CASES = [
    ({"基本信息!B3": None}, "required", "基本信息", "B3"),
    ({"基本信息!B4": None}, "required", "基本信息", "B4"),
    ({"基本信息!B4": 2035}, "year_invalid", "基本信息", "B4"),
    ({"基本信息!B4": "二〇二四"}, "year_invalid", "基本信息", "B4"),
    ({"基本信息!B5": "明年一月"}, "date_invalid", "基本信息", "B5"),
    ({"总体情况!B5": None}, "section_empty", "总体情况", "B5"),
    ({"问题及改进!B5": None}, "section_empty", "问题及改进", "B5"),
]


@pytest.mark.parametrize("edits,code,sheet,cell", COMPLETENESS_CASES,
                         ids=[c[1] + "-" + c[3] for c in COMPLETENESS_CASES])
def test_completeness(tmp_path, edits, code, sheet, cell):
    result, found = findings_of(edited(tmp_path, edits))
    assert (code, sheet, cell) in found
    assert not result.ok


def test_section_six_may_be_just_none(tmp_path):
    doc = valid_document()
    doc["sections"]["other"] = [{"kind": "paragraph", "text": "无。"}]
    assert findings_of(write_workbook(tmp_path / "a.xlsx", doc))[0].ok


def test_2019_format_workbook_for_a_2021_year(tmp_path):
    result, found = findings_of(edited(tmp_path, {"基本信息!B4": 2023}, format_id="2019", year=2020))
    assert ("format_year_mismatch", "基本信息", "B4") in found
    message = next(f for f in result.findings if f.code == "format_year_mismatch").message()
    assert "2021 格式" in message and "compile new --year 2023" in message


def test_renamed_sheet_suggests_the_expected_name(tmp_path):
    path = write_workbook(tmp_path / "a.xlsx", valid_document())
    wb = load_workbook(path)
    wb["依申请公开"].title = "依申请公开表"
    wb.save(path)
    result, found = findings_of(path)
    assert ("missing_sheet", "依申请公开", "") in found
    message = next(f for f in result.findings if f.code == "missing_sheet").message()
    assert "依申请公开表" in message


def test_an_edited_label_is_an_error_at_its_cell(tmp_path):
    result, found = findings_of(edited(tmp_path, {"依申请公开!A7": "新收申请"}))
    assert ("label_changed", "依申请公开", "A7") in found
    assert not result.ok


@pytest.mark.parametrize("variant", ["2.其他法律法规禁止公开", "2. 其他法律行政法规禁止公开",
                                     "2．其他法律行政法规禁止公开"])
def test_label_variants_are_read_with_a_warning(tmp_path, variant):
    result, found = findings_of(edited(tmp_path, {"依申请公开!C12": variant}))
    assert ("label_variant", "依申请公开", "C12") in found
    assert result.ok


def test_a_row_inserted_inside_table_three_is_read_by_labels(tmp_path):
    doc = with_values(valid_document(), "requests", {"new": {"natural": 4}, "carried_forward": {"natural": 4}})
    path = write_workbook(tmp_path / "a.xlsx", doc)
    wb = load_workbook(path)
    ws = wb["依申请公开"]
    ws.insert_rows(20)  # a blank row inside （四）无法提供
    wb.save(path)
    result, found = findings_of(path)
    assert result.data["tables"]["requests"]["carried_forward"]["natural"] == 4
    # the 12 rows below moved because of it: one warning names the inserted row, not each moved one
    assert [(f.code, f.where) for f in result.findings if not f.code.startswith("blank")] == [
        ("row_inserted", "依申请公开!A20")]
    assert "请删除第 20 行" in result.findings[0].message()
    assert result.ok


def test_a_row_inserted_near_the_end_is_one_warning_per_row(tmp_path):
    path = write_workbook(tmp_path / "a.xlsx", valid_document())
    wb = load_workbook(path)
    wb["依申请公开"].insert_rows(31)  # before 四、结转下年度继续办理
    wb.save(path)
    result, found = findings_of(path)
    assert ("row_inserted", "依申请公开", "A31") in found
    assert not any(code.startswith("row_moved") for code, _, _ in found)
    assert result.ok


def test_a_table_typed_all_as_text_gives_one_warning(tmp_path):
    edits = {f"依申请公开!{col}7": "0" for col in "DEFGHI"}
    result, found = findings_of(edited(tmp_path, edits))
    assert ("text_number_many", "依申请公开", "D7") in found
    assert not any(code == "text_number" for code, _, _ in found)


def test_rows_inserted_above_a_table_are_read_by_labels(tmp_path):
    doc = with_values(valid_document(), "review", {"cases": {"review_upheld": 3}})
    path = write_workbook(tmp_path / "a.xlsx", doc)
    wb = load_workbook(path)
    wb["复议诉讼"].insert_rows(3, amount=2)
    wb.save(path)
    result, found = findings_of(path)
    assert result.data["tables"]["review"]["cases"]["review_upheld"] == 3
    assert ("table_moved", "复议诉讼", "A6") in found
    assert result.ok


WARNING_CASES = [
    ({"总体情况!A5": "段落"}, "unknown_block_kind", "总体情况", "A5"),  # read as a paragraph
    ({"基本信息!B5": "2023年1月20日"}, "date_implausible", "基本信息", "B5"),  # a 2024 report dated 2023
]


@pytest.mark.parametrize("edits,code,sheet,cell", WARNING_CASES, ids=[c[1] for c in WARNING_CASES])
def test_warnings_that_do_not_block_the_report(tmp_path, edits, code, sheet, cell):
    result, found = findings_of(edited(tmp_path, edits))
    assert (code, sheet, cell) in found
    assert result.ok


def test_summary_type_writes_the_generated_sentence(tmp_path):
    doc = json.loads((SAMPLES / "sample-2024-临江区市场监督管理局.json").read_text(encoding="utf-8"))
    doc["sections"]["overview"].append({"kind": "summary", "text": ""})
    out = tmp_path / "r.docx"
    result = compile_workbook(write_workbook(tmp_path / "s.xlsx", doc), output=out)
    assert result.ok
    from helpers import paragraphs
    assert ("本年度共新收政府信息公开申请50件，上年结转4件；办理答复50件，其中予以公开22件，部分公开5件，不予公开4件，"
            "无法提供13件，不予处理4件，其他处理2件；结转下年度继续办理4件。") in [t for _, t in paragraphs(out)]


@pytest.mark.parametrize("where", ["基本信息!B3", "总体情况!B5"])
def test_a_formula_where_text_belongs(tmp_path, where):
    result, found = findings_of(edited(tmp_path, {where: '=HYPERLINK("http://example.invalid","点此")'}))
    sheet, cell = where.split("!")
    assert ("formula_in_text", sheet, cell) in found
    assert not result.ok


def test_a_figure_summed_over_rows_names_the_whole_range(tmp_path):
    doc = with_values(valid_document(), "requests", {"new": {"natural": 3}, "withheld_process": {"natural": 3}})
    doc["sections"]["overview"] = [{"kind": "paragraph", "text": "不予公开2件。"}]
    result, _ = findings_of(write_workbook(tmp_path / "t.xlsx", doc))
    message = next(f for f in result.findings if f.code == "text_mismatch").message()
    assert "依申请公开!J11:J18" in message and "为 3 件" in message


def test_overview_with_only_headings_and_the_generated_summary_is_empty(tmp_path):
    doc = valid_document()
    doc["sections"]["overview"] = [{"kind": "heading", "text": "依申请公开"}, {"kind": "summary", "text": ""}]
    _, found = findings_of(write_workbook(tmp_path / "t.xlsx", doc))
    assert ("section_empty", "总体情况", "B5") in found


def test_figures_typed_in_an_inserted_row_are_an_error_not_lost(tmp_path):
    path = write_workbook(tmp_path / "a.xlsx", valid_document())
    wb = load_workbook(path)
    ws = wb["依申请公开"]
    ws.insert_rows(10)
    ws["B10"] = "（一）予以公开（续）"
    for col in "DEF":
        ws[f"{col}10"] = 1
    wb.save(path)
    result, found = findings_of(path)
    assert ("unread_data", "依申请公开", "B10") in found
    assert not result.ok
    message = next(f for f in result.findings if f.code == "unread_data").message()
    assert "第 10 行" in message and "D10" in message


@pytest.mark.parametrize("where", ["依申请公开!L7", "依申请公开!D40", "主动公开!F6", "复议诉讼!D12"])
def test_a_number_outside_the_official_cells_is_an_error(tmp_path, where):
    result, found = findings_of(edited(tmp_path, {where: 5}))
    sheet, cell = where.split("!")
    assert ("unread_data", sheet, cell) in found
    assert not result.ok


def test_text_beside_the_narrative_column_is_an_error(tmp_path):
    result, found = findings_of(edited(tmp_path, {"总体情况!C5": "这段写错了列"}))
    assert ("unread_text", "总体情况", "C5") in found
    assert not result.ok


@pytest.mark.parametrize("typed,expected", [("2025年1月20日", "2025-01-20"), ("2025.1.20", "2025-01-20"),
                                            ("20250120", "2025-01-20"), ("二〇二五年一月二十日", "2025-01-20"),
                                            ("二〇二五年十二月三十一日", "2025-12-31")])
def test_dates_as_agencies_write_them(tmp_path, typed, expected):
    result, _ = findings_of(edited(tmp_path, {"基本信息!B5": typed}))
    assert result.data["meta"]["date"] == expected
    assert result.ok


def test_org_name_typed_with_spaces_and_line_breaks(tmp_path):
    result, found = findings_of(edited(tmp_path, {"基本信息!B3": "  临江区 市场\n监督管理局 "}))
    assert result.data["meta"]["org"] == "临江区市场监督管理局"
    assert ("org_whitespace", "基本信息", "B3") in found


def test_a_sub_heading_left_without_text_is_a_warning(tmp_path):
    doc = valid_document()
    doc["sections"]["overview"] = [{"kind": "heading", "text": "主动公开"}, {"kind": "paragraph", "text": "正文。"},
                                   {"kind": "heading", "text": "监督保障"}]
    result, found = findings_of(write_workbook(tmp_path / "h.xlsx", doc))
    assert ("heading_without_text", "总体情况", "B7") in found
    assert ("heading_without_text", "总体情况", "B5") not in found
    assert result.ok


def test_a_lock_file_is_named_for_what_it_is(tmp_path):
    from compiler.messages.findings import UnusableFile
    lock = tmp_path / "~$book.xlsx"
    lock.write_bytes(b"\x00" * 165)
    with pytest.raises(UnusableFile) as caught:
        compile_workbook(lock)
    assert caught.value.finding.code == "file_lock"


def test_a_deleted_row_is_named_as_missing(tmp_path):
    path = write_workbook(tmp_path / "a.xlsx", valid_document())
    wb = load_workbook(path)
    wb["依申请公开"].delete_rows(15)  # 5.属于三类内部事务信息
    wb.save(path)
    result, found = findings_of(path)
    assert ("label_out_of_place", "依申请公开", "C15") in found
    message = next(f for f in result.findings if f.code == "label_out_of_place").message()
    assert "「5.属于三类内部事务信息」行可能被删除" in message
    assert not result.ok


@pytest.mark.parametrize("sentence,code_expected", [
    ("全年共收到政府信息公开申请五十件。", True),  # the table says 0
    ("全年共收到政府信息公开申请零件。", False),
    ("作出行政处罚决定412件。", True),
])
def test_numbers_in_words_and_table_two_figures_are_checked(tmp_path, sentence, code_expected):
    doc = valid_document()
    doc["sections"]["overview"] = [{"kind": "paragraph", "text": sentence}]
    result, found = findings_of(write_workbook(tmp_path / "t.xlsx", doc))
    # 「共收到…申请」 is read either as 新收 or as 新收 + 上年结转 (text_either_mismatch)
    code = "text_either_mismatch" if "共收到" in sentence else "text_mismatch"
    assert ((code, "总体情况", "B5") in found) is code_expected
    if "行政处罚" in sentence:
        assert "主动公开!B13" in next(f for f in result.findings if f.code == "text_mismatch").message()


def test_english_messages_list_cells_with_english_commas(tmp_path):
    blanks = {f"依申请公开!{c}9": None for c in "DEFGHI"} | {"依申请公开!D10": None, "依申请公开!E10": None}
    unreadable = {"依申请公开!D7": "3件", "依申请公开!E7": "两件"}
    result, _ = findings_of(edited(tmp_path, blanks | unreadable))
    listed = [f for f in result.findings if f.code in ("blank_as_zero_many", "balance_skipped")]
    assert {f.code for f in listed} == {"blank_as_zero_many", "balance_skipped"}
    for f in listed:
        assert "、" not in f.message("en") and ", " in f.message("en"), f.message("en")
        assert "、" in f.message("zh")
