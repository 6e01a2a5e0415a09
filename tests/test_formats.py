"""The format definitions hold the official wording, and the schema files agree with them."""

import json

import pytest

from compiler.checks.schema import build_schema
from compiler.common.resources import schemas_dir
from compiler.formats.definition import UnknownFormat, format_for_year, get_format
from compiler.formats.grid import table_grid

LABELS_2021_ONLY = [
    "本年制发件数", "本年废止件数", "现行有效件数", "行政规范性文件", "本年处理决定数量", "本年收费金额（单位：万元）",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他",
]
LABELS_2019_ONLY = [
    "本年新制作数量", "本年新公开数量", "对外公开总数量", "规范性文件", "上一年项目数量", "本年增/减", "处理决定数量",
    "其他对外管理服务事项", "第二十条第（九）项", "政府集中采购", "采购项目数量",
]
LABELS_BOTH = [
    "第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项", "信息内容", "规章",
    "行政许可", "行政处罚", "行政强制", "行政事业性收费",
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况", "自然人",
    "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计",
    "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "三、本年度办理结果", "（一）予以公开",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "（三）不予公开", "1.属于国家秘密",
    "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益", "5.属于三类内部事务信息",
    "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项", "（四）无法提供", "1.本机关不掌握相关政府信息",
    "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确", "（五）不予处理", "1.信访举报投诉类申请", "2.重复申请",
    "3.要求提供公开出版物", "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息", "（六）其他处理",
    "（七）总计", "四、结转下年度继续办理", "行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结",
    "未经复议直接起诉", "复议后起诉",
]


def labels_of(format_id: str) -> set[str]:
    fmt = get_format(format_id)
    return {cell.text for table in fmt.tables.values() for cell in table_grid(table).cells if cell.text}


@pytest.mark.parametrize("format_id,own,other", [("2019", LABELS_2019_ONLY, LABELS_2021_ONLY),
                                                 ("2021", LABELS_2021_ONLY, LABELS_2019_ONLY)])
def test_each_format_holds_its_official_labels_and_none_of_the_others(format_id, own, other):
    labels = labels_of(format_id)
    for label in LABELS_BOTH + own:
        assert label in labels, label
    for label in set(other) - set(LABELS_BOTH) - set(own):
        assert label not in labels, label


def test_the_six_headings():
    for format_id in ("2019", "2021"):
        headings = [s.heading for s in get_format(format_id).sections]
        assert headings == ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
                            "六、其他需要报告的事项"]


@pytest.mark.parametrize("year,expected", [(2019, "2019"), (2020, "2019"), (2021, "2021"), (2025, "2021")])
def test_the_year_picks_the_format(year, expected):
    assert format_for_year(year).id == expected


def test_years_before_2019_have_no_format():
    with pytest.raises(UnknownFormat):
        format_for_year(2018)


@pytest.mark.parametrize("format_id,rows,results_span", [("2019", 23, 20), ("2021", 25, 22)])
def test_table_three_shape(format_id, rows, results_span):
    table = get_format(format_id).tables["requests"]
    grid = table_grid(table)
    assert grid.height - grid.header_rows == rows
    results = next(c for c in grid.cells if c.text == "三、本年度办理结果")
    assert results.rowspan == results_span
    corner = next(c for c in grid.cells if c.role == "corner")
    assert (corner.rowspan, corner.colspan) == (3, 3)


@pytest.mark.parametrize("format_id", ["2019", "2021"])
def test_schema_files_match_the_definitions(format_id):
    on_disk = json.loads((schemas_dir() / f"{format_id}.schema.json").read_text(encoding="utf-8"))
    assert on_disk == build_schema(get_format(format_id))
