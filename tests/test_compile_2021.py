"""Compiling the 2021-format sample: official 2021 tables filled at the right places, and nothing of 2019."""

import pytest
from docx import Document
from helpers import SAMPLE_2021, paragraphs, row_by_label, tables
from test_formats import LABELS_2019_ONLY, LABELS_2021_ONLY, LABELS_BOTH

from compiler.common.resources import default_template
from compiler.pipeline import Options, compile_workbook


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("r2021") / "report.docx"
    result = compile_workbook(SAMPLE_2021, output=out)
    assert result.ok and result.findings == []
    return out


def all_table_texts(docx):
    return {cell["text"] for grid in tables(docx) for row in grid for cell in row}


def test_every_2021_label_and_no_2019_only_label(report):
    texts = all_table_texts(report)
    for label in LABELS_BOTH + LABELS_2021_ONLY:
        assert label in texts, label
    for label in set(LABELS_2019_ONLY) - set(LABELS_BOTH):
        assert label not in texts, label


def test_table_two_values(report):
    active = tables(report)[0]
    assert row_by_label(active, "行政规范性文件") == ["行政规范性文件", "3", "1", "12"]
    assert row_by_label(active, "行政许可") == ["行政许可", "1856", "1856", "1856"]  # one value over 3 grid columns
    assert row_by_label(active, "行政事业性收费")[1] == "12.3456"


def test_table_three_values_and_recomputed_totals(report):
    requests = tables(report)[1]
    assert row_by_label(requests, "一、本年新收政府信息公开申请数量")[3:] == ["38", "9", "0", "1", "2", "0", "50"]
    assert row_by_label(requests, "（七）总计")[3:] == ["38", "9", "0", "1", "2", "0", "50"]
    assert row_by_label(requests, "四、结转下年度继续办理")[3:] == ["3", "1", "0", "0", "0", "0", "4"]
    assert row_by_label(requests, "3.其他")[3:] == ["1", "0", "0", "0", "0", "0", "1"]
    results = next(i for i, row in enumerate(requests) if row[0]["text"] == "三、本年度办理结果")
    span = 1
    while requests[results + span][0]["vmerge"] == "continue":
        span += 1
    assert span == 22


def test_table_four_values(report):
    review = tables(report)[2]
    assert [c["text"] for c in review[3]] == ["2", "1", "0", "1", "4", "1", "0", "1", "0", "2", "1", "0", "0", "0", "1"]


def test_header_rows_repeat_and_rows_do_not_split(report):
    doc = Document(report)
    requests = doc.tables[1]._tbl
    rows = requests.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tr")
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    assert all(r.find(f"{ns}trPr/{ns}tblHeader") is not None for r in rows[:3])
    assert all(r.find(f"{ns}trPr/{ns}tblHeader") is None for r in rows[3:])
    assert all(r.find(f"{ns}trPr/{ns}cantSplit") is not None for r in rows)


def test_five_sub_headings_fee_sentence_and_signature(report):
    paras = paragraphs(report)
    assert [t for s, t in paras if s == "Heading2"] == [
        "（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）政府信息公开平台建设", "（五）监督保障"]
    texts = [t for _, t in paras]
    assert "本年度共发出收费通知1件，实际收取信息处理费200.00元。" in texts
    signature = [t for s, t in paras if s == "Signature"]
    assert signature == ["临江区市场监督管理局", "2025年1月20日"]


def test_two_compiles_give_identical_bytes(tmp_path):
    import time
    import zipfile
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    compile_workbook(SAMPLE_2021, output=a)
    time.sleep(2.1)  # zip timestamps have a 2-second resolution: a clock in the output would show
    compile_workbook(SAMPLE_2021, output=b)
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as zf:
        assert {info.date_time for info in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_document_properties_come_from_the_report(report):
    props = Document(report).core_properties
    assert props.title == "临江区市场监督管理局2024年政府信息公开工作年度报告"
    assert props.author == "临江区市场监督管理局"
    assert props.created.year == 2025 and props.created.month == 1 and props.created.day == 20


def test_a_custom_template_changes_the_fixed_wording(tmp_path):
    doc = Document(default_template("2021"))
    title = doc.paragraphs[0]
    title.runs[0].text = title.runs[0].text + "（送审稿）"
    custom = tmp_path / "custom.docx"
    doc.save(custom)
    out = tmp_path / "out.docx"
    result = compile_workbook(SAMPLE_2021, output=out, options=Options(template=custom))
    assert result.ok
    assert paragraphs(out)[0][1] == "临江区市场监督管理局2024年政府信息公开工作年度报告（送审稿）"
