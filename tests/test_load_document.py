"""load_document: one entry point for workbooks, data documents and (later) published reports."""

from __future__ import annotations

import json

import pytest
from helpers import SAMPLE_2021, SEED_WORKBOOK, valid_document, write_workbook

from compiler.document.load import load_document
from compiler.document.model import pointer
from compiler.messages.findings import UnusableFile
from compiler.pipeline import Options, compile_workbook
from compiler.workbook.reader import read_workbook


def _json_of(tmp_path, workbook):
    out = compile_workbook(workbook, tmp_path / "report.docx", Options(outputs=("json",)))
    assert out.ok, out.findings
    return tmp_path / "report.json"


def test_a_workbook_is_read_by_the_workbook_reader(tmp_path):
    loaded = load_document(SAMPLE_2021)
    assert loaded.data == read_workbook(SAMPLE_2021).data
    assert loaded.sources[pointer("meta", "org")].sheet == "基本信息"


@pytest.mark.parametrize("workbook", [SEED_WORKBOOK, SAMPLE_2021], ids=["2019", "2021"])
def test_a_data_document_compiles_like_the_workbook_it_came_from(tmp_path, workbook):
    written = json.loads(_json_of(tmp_path, workbook).read_text(encoding="utf-8"))
    result = compile_workbook(tmp_path / "report.json", tmp_path / "again.docx")
    assert result.ok, result.findings
    assert result.data == written


def test_every_value_of_a_data_document_points_at_its_json_pointer(tmp_path):
    path = _json_of(tmp_path, SAMPLE_2021)
    loaded = load_document(path)
    src = loaded.sources[pointer("tables", "requests", "new", "natural")]
    assert (src.sheet, src.cell) == ("report.json", "/tables/requests/new/natural")
    assert "本年新收" in src.label
    assert loaded.sources[pointer("sections", "overview", 0, "text")].label == "一、总体情况"


def test_a_wrong_value_in_a_data_document_is_named_by_its_pointer(tmp_path):
    path = _json_of(tmp_path, SAMPLE_2021)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["tables"]["requests"]["new"]["natural"] = -3
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = compile_workbook(path, write=False)
    negative = [f for f in result.errors if f.code == "negative"]
    assert [(f.sheet, f.cell) for f in negative] == [("report.json", "/tables/requests/new/natural")]


def test_a_total_edited_by_hand_in_a_data_document_is_an_error(tmp_path):
    path = _json_of(tmp_path, SAMPLE_2021)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["tables"]["requests"]["new"]["total"] += 1
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = compile_workbook(path, write=False)
    assert [f.cell for f in result.errors if f.code == "total_mismatch"] == ["/tables/requests/new/total"]


@pytest.mark.parametrize("content, code", [
    (b"{not json", "json_unreadable"),
    (b'{"tables": {}}', "json_not_document"),
    (b'{"format": "1999"}', "json_format_unknown"),
    (b'{"format": "2021", "meta": {}}', "json_shape"),
], ids=["syntax", "no-format", "unknown-format", "incomplete"])
def test_a_json_file_that_is_no_data_document_is_unusable(tmp_path, content, code):
    path = tmp_path / "data.json"
    path.write_bytes(content)
    with pytest.raises(UnusableFile) as info:
        load_document(path)
    assert info.value.finding.code == code
    assert "data.json" in info.value.finding.message()


def test_a_table_cell_missing_from_a_data_document_is_named(tmp_path):
    doc = valid_document()
    del doc["tables"]["requests"]["new"]["natural"]
    path = tmp_path / "data.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(UnusableFile) as info:
        load_document(path)
    assert "/tables/requests/new/natural" in info.value.finding.message()


def test_a_file_of_no_known_kind_is_unusable_in_one_sentence(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("一些文字", encoding="utf-8")
    with pytest.raises(UnusableFile) as info:
        load_document(path)
    assert info.value.finding.code == "file_not_report"


def test_a_workbook_named_otherwise_is_still_read_as_a_workbook(tmp_path):
    path = write_workbook(tmp_path / "book.xlsx", valid_document())
    renamed = path.rename(tmp_path / "book.dat")
    assert load_document(renamed).data["meta"]["org"] == "测试区档案局"


def test_an_empty_section_of_a_data_document_is_named_by_the_section_pointer(tmp_path):
    path = _json_of(tmp_path, SAMPLE_2021)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["sections"]["overview"] = []
    data["meta"]["org"] = ""
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = compile_workbook(path, write=False)
    places = {f.code: (f.sheet, f.cell) for f in result.findings}
    assert places["section_empty"] == ("report.json", "/sections/overview")
    assert places["required"] == ("report.json", "/meta/org")
