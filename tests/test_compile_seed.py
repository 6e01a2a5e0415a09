"""Compiling the seed sample reproduces the seed report (tests/golden/seed-2020.txt)."""

import re

import pytest
from helpers import ROOT, SEED_WORKBOOK, paragraphs, row_by_label, tables

from compiler.pipeline import compile_workbook

GOLDEN = (ROOT / "tests" / "golden" / "seed-2020.txt").read_text(encoding="utf-8")


def golden_section(number: str) -> list[str]:
    """The non-empty lines of one section of the seed, without its heading."""
    start = re.search(rf"^#+ {number}、.*$", GOLDEN, re.M)
    nxt = re.search(r"^#+ [一二三四五六]、", GOLDEN[start.end():], re.M)
    body = GOLDEN[start.end(): start.end() + nxt.start()] if nxt else GOLDEN[start.end():]
    return [line.lstrip("# ").strip() for line in body.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def seed_docx(tmp_path_factory):
    out = tmp_path_factory.mktemp("seed") / "seed.docx"
    result = compile_workbook(SEED_WORKBOOK, output=out)
    assert result.ok, [f.message() for f in result.errors]
    # the published report carries no 成文日期: the one thing to say about it
    assert [f.code for f in result.findings] == ["date_missing"]
    return out


def test_title_and_the_six_headings(seed_docx):
    paras = paragraphs(seed_docx)
    assert paras[0] == ("Title", "政务服务大数据管理局2020年政府信息公开工作年度报告")
    headings = [text for style, text in paras if style == "Heading1"]
    assert headings == [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
    ]


@pytest.mark.parametrize("section", ["一", "五", "六"])
def test_every_narrative_line_of_the_seed_is_in_the_report(seed_docx, section):
    texts = [text for _, text in paragraphs(seed_docx)]
    lines = golden_section(section)
    assert lines
    for line in lines:
        assert line in texts, line


def test_sub_headings_are_level_two_headings_in_order(seed_docx):
    subs = [text for style, text in paragraphs(seed_docx) if style == "Heading2"]
    assert subs == ["（一）加强组织领导", "（二）加强制度保障", "（三）主动公开政务信息情况", "（四）其他信息公开情况"]


def test_table_two_carries_the_procurement_figures_with_four_decimals(seed_docx):
    active = tables(seed_docx)[0]
    assert row_by_label(active, "政府集中采购") == ["政府集中采购", "4", "1075.1780", "1075.1780"]
    assert row_by_label(active, "信息内容")[:3] == ["信息内容", "本年新制作数量", "本年新公开数量"]
    assert any(row[0]["text"] == "采购总金额（单位：万元，保留4位小数）" or
               any(c["text"] == "采购总金额（单位：万元，保留4位小数）" for c in row) for row in active)
    for label in ("规章", "规范性文件", "行政许可", "其他对外管理服务事项", "行政处罚", "行政强制", "行政事业性收费"):
        assert set(row_by_label(active, label)[1:]) == {"0"}, label


def test_table_three_uses_official_labels_and_all_zero(seed_docx):
    requests = tables(seed_docx)[1]
    texts = {cell["text"] for row in requests for cell in row}
    assert "2.其他法律行政法规禁止公开" in texts
    assert "2.其他法律法规禁止公开" not in texts
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in texts
    assert "（六）其他处理" in texts
    for row in requests[3:]:
        assert [c["text"] for c in row[3:]] == ["0"] * 7


def test_table_three_header_merges_as_the_official_table(seed_docx):
    requests = tables(seed_docx)[1]
    corner = requests[0][0]
    assert corner["text"] == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert corner["span"] == 3 and corner["vmerge"] == "restart"
    assert [r[0]["vmerge"] for r in requests[1:3]] == ["continue", "continue"]
    assert requests[0][3]["text"] == "申请人情况" and requests[0][3]["span"] == 7
    assert [c["text"] for c in requests[2][3:]] == [
        "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]
    # 三、本年度办理结果 spans the 20 result rows of the 2019 format
    results = [i for i, row in enumerate(requests) if row[0]["text"] == "三、本年度办理结果"]
    assert len(results) == 1
    start = results[0]
    continued = 0
    for row in requests[start + 1:]:
        if row[0]["vmerge"] != "continue":
            break
        continued += 1
    assert continued + 1 == 20


def test_table_four_has_fifteen_zero_values_under_three_header_rows(seed_docx):
    review = tables(seed_docx)[2]
    assert len(review) == 4
    assert review[0][0]["text"] == "行政复议" and review[0][0]["span"] == 5
    assert review[0][5]["text"] == "行政诉讼" and review[0][5]["span"] == 10
    assert review[1][5]["text"] == "未经复议直接起诉" and review[1][10]["text"] == "复议后起诉"
    assert [c["text"] for c in review[3]] == ["0"] * 15
