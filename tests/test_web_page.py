"""The portal web page (render/web_page.py): accessible tables with scoped headers, escaped text."""

from __future__ import annotations

import pytest
from helpers import valid_document
from lxml import html as lxml_html
from small_table import SMALL, SMALL_VALUES

from compiler.formats.definition import get_format
from compiler.render.context import build_context, fill_grid
from compiler.render.web_page import report_html, table_html


def small_page():
    return lxml_html.fragment_fromstring(table_html(fill_grid(SMALL, SMALL_VALUES)))


def test_table_is_a_focusable_labelled_region_with_a_caption():
    wrap = small_page()
    assert (wrap.tag, wrap.get("class"), wrap.get("role"), wrap.get("tabindex")) == ("div", "table-wrap", "region", "0")
    assert wrap.get("aria-label") == "表 & <小>"
    assert wrap.find("table/caption").text == "表 & <小>"
    assert "&lt;小&gt;" in table_html(fill_grid(SMALL, SMALL_VALUES))


def _cells(section) -> list[list[tuple[str, str, str | None, str | None, str | None]]]:
    return [[(c.tag, c.text_content(), c.get("scope"), c.get("rowspan"), c.get("colspan")) for c in tr]
            for tr in section.iter("tr")]


def test_header_rows_go_in_thead_with_column_scopes():
    assert _cells(small_page().find("table/thead")) == [
        [("th", "项目", "colgroup", "2", "2"), ("th", "甲", "colgroup", None, "2"), ("th", "总计", "col", "2", None)],
        [("th", "A&B", "col", None, None), ("th", "B", "col", None, None)],
    ]


def test_body_rows_have_row_headers_and_values():
    assert _cells(small_page().find("table/tbody")) == [
        [("th", "组<1>", "rowgroup", "2", None), ("th", "一", "row", None, None),
         ("td", "1", None, None, None), ("td", "2", None, None, None), ("td", "3", None, None, None)],
        [("th", "二", "row", None, None),
         ("td", "0", None, None, None), ("td", "10", None, None, None), ("td", "10", None, None, None)],
        [("th", "合计", "row", None, "2"),
         ("td", "1", None, None, None), ("td", "12", None, None, None), ("td", "13", None, None, None)],
    ]


@pytest.mark.parametrize("format_id,table_id,head_rows", [
    ("2021", "active", 0),  # table 二: captions and headers of each block sit in the body
    ("2021", "requests", 3),
    ("2021", "review", 3),
    ("2019", "requests", 3),
])
def test_official_tables_keep_their_header_rows(format_id, table_id, head_rows):
    fmt = get_format(format_id)
    page = lxml_html.fragment_fromstring(
        table_html(fill_grid(fmt.tables[table_id], valid_document(format_id)["tables"][table_id])))
    assert len(page.findall("table/thead/tr")) == head_rows
    assert page.find("table/thead") is None if head_rows == 0 else page.find("table/thead") is not None
    zeros = [td.text_content() for td in page.iter("td")]
    assert zeros and set(zeros) <= {"0", "0.0", "0.00", "0.0000"}  # zeros are written, not left blank


def report(**meta):
    document = valid_document()
    document["meta"].update(meta)
    document["sections"]["overview"] = [
        {"kind": "heading", "text": "工作概述"},
        {"kind": "subheading", "text": "制度建设"},
        {"kind": "paragraph", "text": "第一行\n第二行 <script>alert(1)</script> & 更多"},
        {"kind": "subheading", "text": "平台建设"},
        {"kind": "heading", "text": "主动公开"},
    ]
    return report_html(build_context(get_format("2021"), document))


def test_report_page_head():
    page = lxml_html.document_fromstring(report(org="测试区档案局", date="2025-01-15"))
    assert page.get("lang") == "zh-CN"
    assert page.find("head/meta[@name='viewport']") is not None
    assert page.find("head/title").text == "测试区档案局2024年政府信息公开工作年度报告"
    assert page.find("head/meta[@name='author']").get("content") == "测试区档案局"
    assert page.find("body/main/h1").text_content() == "测试区档案局2024年政府信息公开工作年度报告"
    # the title's lines as the Word report breaks them, each kept whole on a narrow screen
    assert [span.text for span in page.find("body/main/h1")] == ["测试区档案局2024年", "政府信息公开工作年度报告"]


def test_report_page_sections_blocks_and_tables():
    page = lxml_html.document_fromstring(report())
    sections = page.findall("body/main/section")
    assert [s.find("h2").text for s in sections] == [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    overview = sections[0]
    assert [(el.tag, el.text_content()) for el in overview if el.tag != "h2"] == [
        ("h3", "（一）工作概述"),
        ("h4", "1.制度建设"),
        ("p", "第一行\n第二行 <script>alert(1)</script> & 更多"),
        ("h4", "2.平台建设"),
        ("h3", "（二）主动公开"),
    ]
    assert overview.find("p/br") is not None  # a line break inside a paragraph survives
    assert page.find(".//script") is None  # agency text is text, never markup
    assert [len(s.findall(".//table")) for s in sections] == [0, 1, 1, 1, 0, 0]


@pytest.mark.parametrize("meta,signature,contact", [
    ({"date": "2025-01-15", "contact": "电话：0571-12345678"}, ["测试区档案局", "2025年1月15日"],
     "联系方式：电话：0571-12345678"),
    ({"date": "", "contact": ""}, ["测试区档案局"], None),
    ({"date": "2025-03-01", "contact": "<b>地址</b>"}, ["测试区档案局", "2025年3月1日"], "联系方式：<b>地址</b>"),
])
def test_report_page_signature_and_contact(meta, signature, contact):
    page = lxml_html.document_fromstring(report(**meta))
    assert [p.text for p in page.find_class("signature")] == signature
    meta_lines = [p.text_content() for p in page.find_class("meta")]
    assert meta_lines == ([contact] if contact else [])
    assert page.find(".//main/p[@class='meta']/b") is None
