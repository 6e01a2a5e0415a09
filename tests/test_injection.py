"""Agency text is data: template code, WordprocessingML, XML specials and control characters in any
text field come out of the report literally, and the .docx stays valid.

The corpus below is put, one payload per workbook, into 机关名称, 联系方式 and every narrative field
(总体情况 sub-headings and paragraph, 问题及改进, 其他事项).
"""

import json
import os
import time
import zipfile

import pytest
from docx import Document
from helpers import paragraphs, valid_document, write_workbook
from lxml import etree

from compiler.common.resources import default_template
from compiler.formats.definition import get_format
from compiler.pipeline import Options, compile_workbook
from compiler.render.context import build_context
from compiler.render.word import render_docx, word_table
from compiler.workbook import reader as workbook_reader

PAYLOADS = [
    "{{ 7*7 }}",
    "{% for x in range(3) %}x{% endfor %}",
    "{%p if true %}段落标记{%p endif %}",
    "{# 注释 #}{{ org }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "</w:t></w:r><w:p>",
    '</w:t></w:r></w:p><w:p><w:r><w:t>注入的段落</w:t></w:r></w:p><w:p><w:r><w:t>',
    "& < > \" '",
    "&amp; &lt; &#x41; &#0; &unknown;",
    "<![CDATA[x]]> ]]> <!-- 注释 -->",
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "lol">]>&e;',
    "A&B公司 <统计> “引号” ‘单引号’",
]


def _document_with(payload: str) -> dict:
    doc = valid_document(org=payload)
    doc["meta"]["contact"] = payload
    doc["sections"]["overview"] = [
        {"kind": "heading", "text": payload},
        {"kind": "subheading", "text": payload},
        {"kind": "paragraph", "text": payload},
    ]
    # beside the payload, what sections 五 and 六 must say in substance (checks.narrative)
    doc["sections"]["problems"] = [{"kind": "paragraph", "text": payload},
                                   {"kind": "paragraph", "text": "上一年度年报所提问题已完成整改。"}]
    doc["sections"]["other"] = [{"kind": "paragraph", "text": payload},
                                {"kind": "paragraph", "text": "本年度未收取信息处理费。"}]
    return doc


def _assert_valid_docx(path):
    Document(str(path))  # python-docx opens it
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        for name in zf.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(zf.read(name))  # every part is well-formed XML


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_payload_appears_literally_everywhere(tmp_path, payload):
    book = write_workbook(tmp_path / "book.xlsx", _document_with(payload))
    out = tmp_path / "book.docx"
    result = compile_workbook(book, out, Options(outputs=("json",)))
    assert result.ok, [f.message() for f in result.errors]
    assert result.findings == []
    _assert_valid_docx(out)
    texts = [text for _, text in paragraphs(out)]
    assert texts[0] == f"{payload}2024年政府信息公开工作年度报告"  # title: 机关名称
    assert f"（一）{payload}" in texts  # 小标题
    assert f"1.{payload}" in texts  # 三级标题
    assert texts.count(payload) >= 1 + 3  # 总体情况、问题及改进、其他事项 paragraphs and the signature
    assert not any(text in ("49", "xxx") or text == "注入的段落" for text in texts)
    core = Document(str(out)).core_properties
    assert core.title == texts[0] and core.author == payload
    data = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert data["meta"]["contact"] == payload and data["meta"]["org"] == payload


def test_docxtpl_delimiter_escapes_stay_literal(tmp_path):
    payload = "{_{ a }_} {_% b %_}"
    book = write_workbook(tmp_path / "book.xlsx", _document_with(payload))
    out = tmp_path / "book.docx"
    assert compile_workbook(book, out).ok
    assert payload in [text for _, text in paragraphs(out)]


def test_a_full_excel_cell_of_text(tmp_path):
    """32,767 characters is what one Excel cell holds: a whole cell of text goes through literally."""
    long = ("政府信息公开<&>" * 4000)[:32_767]
    doc = valid_document()
    doc["sections"]["overview"] = [{"kind": "paragraph", "text": long}]
    out = tmp_path / "book.docx"
    result = compile_workbook(write_workbook(tmp_path / "book.xlsx", doc), out)
    assert result.ok
    _assert_valid_docx(out)
    assert long in [text for _, text in paragraphs(out)]


def test_a_100000_character_paragraph_renders(tmp_path):
    """Beyond one cell (e.g. a data document from elsewhere): the renderer copes, quickly."""
    long = ("政府信息公开<&>{{ x }}" * 6000)[:100_000]
    doc = valid_document()
    doc["sections"]["overview"] = [{"kind": "paragraph", "text": long}]
    fmt = get_format("2021")
    started = time.perf_counter()
    data = render_docx(default_template("2021"), build_context(fmt, doc, tables_as=word_table))
    assert time.perf_counter() - started < 10
    out = tmp_path / "long.docx"
    out.write_bytes(data)
    _assert_valid_docx(out)
    assert long in [text for _, text in paragraphs(out)]


def test_tabs_and_line_breaks_become_word_tabs_and_breaks(tmp_path):
    doc = valid_document()
    doc["sections"]["overview"] = [{"kind": "paragraph", "text": "第一行\n第二行\t制表"}]
    out = tmp_path / "book.docx"
    source = tmp_path / "book.json"  # a data document: in a workbook, Alt+Enter starts a new paragraph
    source.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert compile_workbook(source, out).ok
    _assert_valid_docx(out)
    assert "第一行第二行制表" in [text for _, text in paragraphs(out)]
    with zipfile.ZipFile(out) as zf:
        body = zf.read("word/document.xml").decode()
    assert "<w:br/>" in body and "<w:tab/>" in body


def test_control_characters_are_removed_with_a_warning_naming_the_cell(tmp_path, monkeypatch):
    """XML cannot hold them: they are removed and the warning names the cell they were in. (openpyxl
    hands them over only once decoded from Excel's _xHHHH_ escapes, so the read is patched here.)"""
    real = workbook_reader.sheet_values

    def with_controls(ws):
        values = real(ws)
        if ws.title == "基本信息":
            values[(3, 2)] = "临江区\x01档案局\x07"
        if ws.title == "总体情况":
            first = min(r for (r, c) in values if c == 2 and r > 4)
            values[(first, 2)] = "正文\x0b内容\x1f\ufffe结束"
        return values

    monkeypatch.setattr(workbook_reader, "sheet_values", with_controls)
    book = write_workbook(tmp_path / "book.xlsx", valid_document())
    out = tmp_path / "book.docx"
    result = compile_workbook(book, out)
    assert result.ok
    warnings = {(f.sheet, f.cell): f for f in result.warnings if f.code == "control_characters"}
    assert ("基本信息", "B3") in warnings
    assert warnings[("基本信息", "B3")].params["count"] == 2
    assert "控制字符（2 个）" in warnings[("基本信息", "B3")].message()
    overview = [f for (sheet, _), f in warnings.items() if sheet == "总体情况"]
    assert len(overview) == 1 and overview[0].params["count"] == 3
    _assert_valid_docx(out)
    texts = [text for _, text in paragraphs(out)]
    assert texts[0] == "临江区档案局2024年政府信息公开工作年度报告"
    assert "正文内容结束" in texts


def test_excel_escaped_control_characters_are_decoded_and_removed(tmp_path):
    doc = valid_document(org="临江区_x0001_档案局")
    result = compile_workbook(write_workbook(tmp_path / "book.xlsx", doc), tmp_path / "book.docx")
    assert [f.cell for f in result.warnings if f.code == "control_characters"] == ["B3"]


def test_compiling_never_changes_the_agency_workbook(tmp_path):
    book = write_workbook(tmp_path / "book.xlsx", _document_with(PAYLOADS[0]))
    past = time.time() - 3600
    os.utime(book, (past, past))
    before, stat = book.read_bytes(), book.stat()
    result = compile_workbook(book, tmp_path / "book.docx", Options(outputs=("json",)))
    assert result.ok
    after = book.stat()
    assert book.read_bytes() == before
    assert after.st_mtime_ns == stat.st_mtime_ns and after.st_size == stat.st_size
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.docx", "book.json", "book.xlsx"]
