"""The narrative against the tables (checks/text.py): sentences that state a figure must agree with it."""

from __future__ import annotations

import json

import pytest
from helpers import valid_document, write_workbook

from compiler.checks.arithmetic import compute_totals
from compiler.checks.text import check_text_against_tables
from compiler.document.blank import with_values
from compiler.document.load import read_data_document
from compiler.workbook.reader import read_workbook


def figures(document: dict) -> dict:
    """new 12, withheld 2 (two of its eight rows), litigation 4 (two columns), licensing 30."""
    document = with_values(document, "requests", {
        "new": {"natural": 10, "commercial": 2},
        "disclosed": {"natural": 9},
        "withheld_state_secret": {"natural": 1},
        "withheld_inquiry": {"natural": 1},
    })
    document = with_values(document, "review", {"cases": {"direct_upheld": 1, "after_pending": 3}})
    return with_values(document, "active", {"art20_5": {"licensing": {"decisions": 30}}})


def narrative(*paragraphs: str) -> dict:
    document = figures(valid_document())
    document["sections"]["overview"] = [{"kind": "paragraph", "text": p} for p in paragraphs]
    return document


def from_workbook(tmp_path, document):
    result = read_workbook(write_workbook(tmp_path / "book.xlsx", document))
    compute_totals(result.format, result.data)
    return result


@pytest.mark.parametrize("text", [
    "本年度共收到政府信息公开申请12件。",
    "本年度共收到政府信息公开申请十二件。",  # a count in words
    "本年度新收申请 12 件，予以公开9件。",
    "不予公开2件；行政诉讼4件；行政许可决定30件。",
    "本年度未发生行政复议。",  # no figure stated, none checked
    "全年主动公开信息1200条。",  # a figure no check names
])
def test_sentences_that_agree_with_the_tables_pass(tmp_path, text):
    assert check_text_against_tables(from_workbook(tmp_path, narrative(text))) == []


@pytest.mark.parametrize("text,sentence,phrase,stated,actual,label,table_cell", [
    # 新收 names 一 alone (共收到 is read either way: checks.narrative, text_either_mismatch)
    ("本年度新收政府信息公开申请15件。", "本年度新收政府信息公开申请15件。", "新收政府信息公开申请15件",
     15, 12, "一、本年新收政府信息公开申请数量", "依申请公开!J7"),
    ("本年度新收政府信息公开申请一百零五件。", "本年度新收政府信息公开申请一百零五件。",
     "新收政府信息公开申请一百零五件", 105, 12, "一、本年新收政府信息公开申请数量", "依申请公开!J7"),
    # a figure summed over adjacent rows is named as a range
    ("其中不予公开3件。", "其中不予公开3件。", "不予公开3件", 3, 2, "（三）不予公开", "依申请公开!J11:J18"),
    # a figure summed over two columns of one row is named cell by cell
    ("发生行政诉讼5件。", "发生行政诉讼5件。", "行政诉讼5件", 5, 4, "行政诉讼/总计", "复议诉讼!J7、复议诉讼!O7"),
    # only the sentence that disagrees is quoted
    ("共收到申请12件。行政许可决定31件；其余略。", "行政许可决定31件；", "行政许可决定31件",
     31, 30, "第二十条第（五）项 行政许可/处理决定数量", "主动公开!B10"),
])
def test_a_sentence_that_disagrees_is_a_warning_at_its_paragraph(tmp_path, text, sentence, phrase, stated,
                                                                   actual, label, table_cell):
    findings = check_text_against_tables(from_workbook(tmp_path, narrative(text)))
    assert [(f.code, f.sheet, f.cell, f.is_error) for f in findings] == [("text_mismatch", "总体情况", "B5", False)]
    params = findings[0].params
    assert (params["sentence"], params["phrase"], params["stated"], params["actual"]) == (
        sentence, phrase, stated, actual)
    assert (params["label"], params["table_cell"]) == (label, table_cell)


def test_each_paragraph_is_named_by_its_own_cell(tmp_path):
    findings = check_text_against_tables(from_workbook(tmp_path, narrative(
        "共收到申请12件。", "予以公开8件。", "结转下年度继续办理1件。")))
    assert [(f.cell, f.params["stated"], f.params["actual"]) for f in findings] == [("B6", 8, 9), ("B7", 1, 0)]


def test_every_narrative_section_is_read(tmp_path):
    document = narrative("共收到申请12件。")
    document["sections"]["problems"] = [{"kind": "paragraph", "text": "全年收到申请13件，办理压力较大。"}]
    findings = check_text_against_tables(from_workbook(tmp_path, document))
    assert [(f.sheet, f.cell, f.params["stated"]) for f in findings] == [("问题及改进", "B5", 13)]


def test_outside_a_workbook_the_cells_are_named_by_their_pointers(tmp_path):
    """A data document (or an imported report) has no column letters: each cell is listed."""
    path = tmp_path / "report.json"
    path.write_text(json.dumps(narrative("其中不予公开3件。"), ensure_ascii=False), encoding="utf-8")
    result = read_data_document(path)
    compute_totals(result.format, result.data)
    findings = check_text_against_tables(result)
    assert [(f.code, f.sheet, f.cell) for f in findings] == [
        ("text_mismatch", "report.json", "/sections/overview/0/text")]
    cells = findings[0].params["table_cell"].split("、")
    assert len(cells) == 8
    assert cells[0] == "report.json!/tables/requests/withheld_state_secret/total"
    assert cells[-1] == "report.json!/tables/requests/withheld_inquiry/total"


def test_phrases_that_cannot_be_searched_together_are_each_still_checked(tmp_path):
    """Sentences are passed over by one search for any phrase; patterns that cannot be joined into
    it (the same group name in two of them) are searched one by one."""
    from dataclasses import replace

    result = from_workbook(tmp_path, narrative("发生行政诉讼5件。予以公开8件。"))
    named = [{**check, "pattern": check["pattern"].replace("(\\d+|", "(?P<n>\\d+|", 1)}
             for check in result.format.text_checks]
    result.format = replace(result.format, text_checks=tuple(named))
    found = check_text_against_tables(result)
    assert [(f.params["phrase"], f.params["actual"]) for f in found] == [("行政诉讼5件", 4), ("予以公开8件", 9)]
