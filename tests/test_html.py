"""--html: a standalone, accessible page with real tables, parsed (not string-searched)."""

import json

import pytest
from helpers import SAMPLE_2021, SEED_WORKBOOK
from lxml import html as lxml_html

from compiler.pipeline import Options, compile_workbook


@pytest.fixture(scope="module", params=["2021", "2019"])
def page(request, tmp_path_factory):
    workbook = SAMPLE_2021 if request.param == "2021" else SEED_WORKBOOK
    out = tmp_path_factory.mktemp("html") / "report.docx"
    result = compile_workbook(workbook, output=out, options=Options(outputs=("html",)))
    assert result.ok
    source = out.with_suffix(".html").read_text(encoding="utf-8")
    return request.param, source, lxml_html.document_fromstring(source)


def test_language_title_and_six_sections(page):
    _, _, doc = page
    assert doc.get("lang") == "zh-CN"
    assert doc.xpath("//meta[@name='viewport']")
    assert doc.xpath("string(//h1)").endswith("年政府信息公开工作年度报告")
    assert [h.text_content() for h in doc.xpath("//h2")] == [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]


def test_tables_are_named_by_their_heading_with_scoped_headers_and_scroll(page):
    _, _, doc = page
    tables = doc.xpath("//table")
    assert len(tables) == 3
    for table in tables:
        assert not table.xpath("caption")  # the h2 above already shows the title: no repeated caption
        heading = doc.get_element_by_id(table.get("aria-labelledby"))
        assert heading.tag == "h2" and heading.getparent() is table.getparent().getparent()
        wrapper = table.getparent()
        assert wrapper.get("aria-labelledby") == table.get("aria-labelledby")
        assert wrapper.get("role") == "region" and wrapper.get("tabindex") == "0"
        assert "table-wrap" in wrapper.get("class")
        for th in table.xpath(".//th"):
            assert th.get("scope") in ("col", "row", "colgroup", "rowgroup")
    assert ".table-wrap { overflow-x: auto" in doc.xpath("string(//style)")


def test_official_spans_in_table_three(page):
    format_id, _, doc = page
    table = doc.xpath("//table")[1]
    corner = table.xpath(".//thead/tr[1]/th[1]")[0]
    assert (corner.get("rowspan"), corner.get("colspan")) == ("3", "3")
    results = table.xpath(".//th[normalize-space()='三、本年度办理结果']")[0]
    assert results.get("rowspan") == ("22" if format_id == "2021" else "20")
    assert results.get("scope") == "rowgroup"
    assert table.xpath(".//th[normalize-space()='法人或其他组织']")[0].get("colspan") == "5"


def test_zeros_are_written_and_values_match(page):
    format_id, _, doc = page
    cells = [td.text_content() for td in doc.xpath("//td")]
    assert "" not in cells
    if format_id == "2019":
        row = doc.xpath("//tr[th[normalize-space()='政府集中采购']]")[0]
        assert [td.text_content() for td in row.xpath("td")] == ["4", "1075.1780"]
    else:
        row = doc.xpath("//tr[th[normalize-space()='一、本年新收政府信息公开申请数量']]")[0]
        assert [td.text_content() for td in row.xpath("td")] == ["38", "9", "0", "1", "2", "0", "50"]


def test_no_word_exported_css(page):
    _, source, _ = page
    assert "mso-" not in source and "<o:p>" not in source


def test_line_breaks_inside_a_paragraph_survive(tmp_path):
    from helpers import valid_document
    doc = valid_document()
    doc["sections"]["overview"] = [{"kind": "paragraph", "text": "第一行\n第二行"}]
    out = tmp_path / "r.docx"
    source = tmp_path / "a.json"  # a data document: in a workbook, Alt+Enter starts a new paragraph
    source.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert compile_workbook(source, output=out, options=Options(outputs=("html",))).ok
    page = lxml_html.document_fromstring(out.with_suffix(".html").read_text(encoding="utf-8"))
    paragraph = page.xpath("//section[1]/p")[0]
    assert paragraph.xpath("br") and paragraph.text_content().replace("\n", "") == "第一行第二行"
