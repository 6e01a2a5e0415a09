"""The narrative rules reviewers apply, each with sentences it must catch and sentences it must
let pass (several phrasings: Arabic, Chinese and full-width numerals), on real workbooks."""

import pytest
from helpers import valid_document, write_workbook

from compiler.document.blank import with_values
from compiler.pipeline import compile_workbook

# 30 new applications and 2 carried over; answered: 20 disclosed, 7 partly, 3 withheld; 2 carried forward
REQUESTS = {
    "new": {"natural": 30}, "carried_over": {"natural": 2},
    "disclosed": {"natural": 20}, "partly_disclosed": {"natural": 7}, "withheld_third_party": {"natural": 3},
    "carried_forward": {"natural": 2},
}


def _findings(tmp_path, overview=None, problems=None, other=None, fields=None, requests=None, format_id="2021",
              year=2024, tables=()):
    doc = with_values(valid_document(format_id, year), "requests", requests or REQUESTS)
    for table, values in tables:
        doc = with_values(doc, table, values)
    if overview is not None:
        doc["sections"]["overview"] = [{"kind": "paragraph", "text": overview}]
    if problems is not None:
        doc["sections"]["problems"] = [{"kind": "paragraph", "text": problems}]
    if other is not None:
        doc["sections"]["other"] = [{"kind": "paragraph", "text": other}]
    doc["fields"].update(fields or {})
    result = compile_workbook(write_workbook(tmp_path / "book.xlsx", doc), write=False)
    return result.findings


def _codes(findings):
    return [f.code for f in findings]


# --- combined figures: the sum, never each ---------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "予以公开及部分公开27件。",
    "予以公开和部分公开共二十七件。",
    "予以公开、部分公开合计２７件。",
    "办理答复30件，其中予以公开20件、部分公开7件、不予公开3件。",
])
def test_a_combined_figure_equal_to_the_sum_passes(tmp_path, sentence):
    assert _findings(tmp_path, overview=sentence) == []


@pytest.mark.parametrize("sentence, stated", [
    ("予以公开及部分公开20件。", 20),
    ("予以公开和部分公开共二十件。", 20),
    ("予以公开、部分公开合计２８件。", 28),
])
def test_a_combined_figure_is_compared_with_the_sum(tmp_path, sentence, stated):
    findings = _findings(tmp_path, overview=sentence)
    assert _codes(findings) == ["text_sum_mismatch"]  # and not two claims about each figure
    message = findings[0].message()
    assert f"「{sentence.rstrip('。')}」" in message and "（一）予以公开」20 + 「（二）部分公开」7" in message
    assert "合计为 27 件" in message and findings[0].where == "总体情况!B5"


def test_a_list_after_qizhong_checks_each_figure(tmp_path):
    findings = _findings(tmp_path, overview="办理答复30件，其中予以公开20件、部分公开8件。")
    assert _codes(findings) == ["text_mismatch"] and "部分公开8件" in findings[0].message()


# --- 收办 (一 + 二) and 共收到 (either reading) ---------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "收办政府信息公开申请案件32件。", "收办申请案件三十二件。", "收办政府信息公开申请３２件。",
    "全年共收到政府信息公开申请30件。", "共收到申请三十二件。", "共收到公开申请３０件。",
])
def test_received_wordings_that_match_a_reading_pass(tmp_path, sentence):
    assert _findings(tmp_path, overview=sentence) == []


@pytest.mark.parametrize("sentence", ["收办政府信息公开申请案件30件。", "收办申请案件三十件。", "收办申请３０件。"])
def test_shoubanis_new_plus_carried_over(tmp_path, sentence):
    findings = _findings(tmp_path, overview=sentence)
    assert _codes(findings) == ["text_mismatch"] and "32 件" in findings[0].message()


@pytest.mark.parametrize("sentence", [
    "全年共收到政府信息公开申请31件。", "共收到申请三十一件。", "共收到公开申请３１件。"])
def test_gongshoudao_matching_neither_reading_names_both(tmp_path, sentence):
    findings = _findings(tmp_path, overview=sentence)
    assert _codes(findings) == ["text_either_mismatch"]
    message = findings[0].message()
    assert "本年新收政府信息公开申请数量」30 件" in message and "上年结转之和」32 件" in message
    assert "依申请公开!J7" in message


# --- percentages, to one decimal ---------------------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "予以公开20件，占66.7%。",  # of the 30 answered
    "予以公开二十件，占全部申请的62.5%。",  # of 新收 + 结转 (32)
    "部分公开７件，占２３.３％。",
])
def test_a_percentage_of_one_of_the_totals_passes(tmp_path, sentence):
    assert _findings(tmp_path, overview=sentence) == []


@pytest.mark.parametrize("sentence", [
    "予以公开20件，占70.0%。", "予以公开二十件，占总数的66.6%。", "部分公开７件，占２５％。"])
def test_a_percentage_of_no_total_is_caught(tmp_path, sentence):
    findings = _findings(tmp_path, overview=sentence)
    assert _codes(findings) == ["text_percent_mismatch"]
    assert "（七）总计」30 件的" in findings[0].message()


# --- section 五 in substance -------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["无。", "暂无", "有待提高。"])
def test_section_five_empty_in_substance_is_a_warning(tmp_path, text):
    findings = _findings(tmp_path, problems=text)
    assert _codes(findings) == ["problems_empty"] and findings[0].where == "问题及改进!B5"


@pytest.mark.parametrize("text", [
    "政策解读形式较为单一。上一年度年报所提问题已全部整改。",
    "依申请公开答复规范性不足，将加强培训；上年度提出的问题已完成整改。",
    "基层公开不够及时。针对上一年度年报所提问题，已建立台账逐项落实。",
])
def test_section_five_with_problems_and_rectification_passes(tmp_path, text):
    assert _findings(tmp_path, problems=text) == []


def test_the_2021_format_asks_how_last_years_problems_were_rectified(tmp_path):
    text = "政策解读形式较为单一，依申请公开答复规范性有待提高。"
    assert _codes(_findings(tmp_path, problems=text)) == ["rectification_missing"]
    assert _findings(tmp_path, problems=text, format_id="2019", year=2020) == []


def test_a_long_section_five_is_quoted_with_an_ellipsis_where_it_is_cut(tmp_path):
    text = ("一是主动公开的深度和广度有待加强；二是依申请公开答复的规范性有待提高；"
            "三是基层公开不够及时，需要进一步改进。")
    finding = _findings(tmp_path, problems=text)[0]
    assert finding.code == "rectification_missing"
    assert f"（「{text[:40]}…」）" in finding.message()


# --- fees and section 六 -----------------------------------------------------------------------------

def test_fees_charged_while_section_six_says_none(tmp_path):
    findings = _findings(tmp_path, other="无。", fields={"fee_notices": 1, "fee_collected": 200})
    assert _codes(findings) == ["fees_not_reported"]
    assert "收费通知 1 件" in findings[0].message() and findings[0].sheet == "其他事项"


def test_unpaid_fee_applications_in_table_three_need_a_word_on_fees(tmp_path):
    requests = {**REQUESTS, "withheld_third_party": {"natural": 2}, "other_unpaid_fee": {"natural": 1}}
    assert _codes(_findings(tmp_path, other="无。", requests=requests)) == ["fees_not_reported"]


@pytest.mark.parametrize("text, amount, caught", [
    ("本年度收取信息处理费300元。", 200, True),
    ("共收取信息处理费２００元。", 200, False),
    ("实际收取信息处理费200.00元，均已上缴。", 200, False),
])
def test_an_amount_in_section_six_is_compared_with_the_field(tmp_path, text, amount, caught):
    findings = _findings(tmp_path, other=text, fields={"fee_notices": 1, "fee_collected": amount})
    assert (_codes(findings) == ["fee_amount_mismatch"]) is caught
    assert caught or findings == []


def test_the_2021_format_wants_a_word_on_fees_even_when_none(tmp_path):
    assert _codes(_findings(tmp_path, other="无。")) == ["fees_not_mentioned"]
    assert _findings(tmp_path, other="本年度未收取信息处理费。") == []
    assert _findings(tmp_path, other="无。", format_id="2019", year=2020) == []


# --- text checks are not hidden behind other errors ---------------------------------------------------

def test_text_checks_run_while_a_balance_is_wrong(tmp_path):
    unbalanced = {**REQUESTS, "new": {"natural": 31}}  # 31 + 2 ≠ 30 + 2
    findings = _findings(tmp_path, overview="予以公开21件。", requests=unbalanced)
    assert "balance" in _codes(findings) and "text_mismatch" in _codes(findings)


def test_text_checks_on_a_readable_table_run_while_another_table_has_a_bad_cell(tmp_path):
    doc = with_values(valid_document(), "requests", REQUESTS)
    doc = with_values(doc, "active", {"art20_6": {"penalty": {"decisions": "很多"}}})
    doc["sections"]["overview"] = [{"kind": "paragraph", "text": "予以公开21件。作出行政处罚决定5件。"}]
    result = compile_workbook(write_workbook(tmp_path / "book.xlsx", doc), write=False)
    codes = _codes(result.findings)
    assert not result.ok and codes.count("text_mismatch") == 1  # 予以公开 checked; 行政处罚 unreadable, left out
    assert "予以公开21件" in next(f for f in result.findings if f.code == "text_mismatch").message()
