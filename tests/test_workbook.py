"""The standard workbook: official labels, locked labels, validated inputs, formula totals, marker;
and the round trip document → workbook → document."""

import json

import pytest
from helpers import SAMPLES, valid_document, write_workbook
from openpyxl import load_workbook
from test_formats import LABELS_2019_ONLY, LABELS_2021_ONLY, LABELS_BOTH

from compiler.checks.arithmetic import compute_totals
from compiler.document.blank import with_values
from compiler.formats.definition import get_format
from compiler.formats.grid import table_grid
from compiler.workbook.layout import MARKER_SHEET, address, grid_position
from compiler.workbook.reader import read_workbook
from compiler.workbook.writer import save_workbook

SHEETS = ["填写说明", "基本信息", "总体情况", "主动公开", "依申请公开", "复议诉讼", "问题及改进", "其他事项"]


@pytest.fixture(scope="module", params=["2019", "2021"])
def blank(request, tmp_path_factory):
    format_id = request.param
    path = tmp_path_factory.mktemp("blank") / f"blank-{format_id}.xlsx"
    save_workbook(get_format(format_id), 2020 if format_id == "2019" else 2024, path, org="测试局")
    return format_id, load_workbook(path)


def test_sheets_in_order_and_a_hidden_marker(blank):
    format_id, wb = blank
    assert wb.sheetnames == SHEETS + [MARKER_SHEET]
    marker = wb[MARKER_SHEET]
    assert marker.sheet_state == "hidden"
    assert marker["B2"].value == format_id
    assert marker["B3"].value == 1


def test_every_official_label_is_in_the_blank_workbook(blank):
    format_id, wb = blank
    texts = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    own = LABELS_2019_ONLY if format_id == "2019" else LABELS_2021_ONLY
    for label in LABELS_BOTH + own:
        assert label in texts, label


def test_inputs_unlocked_labels_locked_totals_are_formulas(blank):
    format_id, wb = blank
    fmt = get_format(format_id)
    ws = wb["依申请公开"]
    assert ws.protection.sheet is True
    assert ws.protection.password is None
    for cell in table_grid(fmt.tables["requests"]).cells:
        target = ws.cell(*grid_position(cell))
        if cell.role != "value":
            assert target.protection.locked, cell
        elif cell.derived:
            assert str(target.value).startswith("=SUM("), cell
            assert target.protection.locked
        else:
            assert not target.protection.locked, cell


def test_count_cells_carry_whole_number_validation(blank):
    format_id, wb = blank
    ws = wb["依申请公开"]
    natural_new = address(*grid_position(next(c for c in table_grid(get_format(format_id).tables["requests"]).cells
                                              if c.key == ("new", "natural"))))
    rules = [dv for dv in ws.data_validations.dataValidation if natural_new in dv.sqref]
    assert len(rules) == 1
    assert (rules[0].type, rules[0].operator, rules[0].formula1) == ("whole", "greaterThanOrEqual", "0")


def test_amount_cells_carry_decimal_validation(blank):
    format_id, wb = blank
    ws = wb["主动公开"]
    assert any(dv.type == "decimal" for dv in ws.data_validations.dataValidation)


def test_the_balance_check_row_sits_under_table_three(blank):
    _, wb = blank
    ws = wb["依申请公开"]
    checks = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("勾稽检查")]
    assert any("一+二=（七）总计+四" in c.value for c in checks)
    row = next(c.row for c in checks if "一+二" in c.value)
    assert all(str(ws.cell(row, col).value).startswith("=IF(") for col in range(4, 11))


def test_2021_overview_comes_with_the_five_customary_sub_headings():
    wb = load_workbook(SAMPLES / "blank-2021.xlsx")
    ws = wb["总体情况"]
    headings = [ws.cell(r, 2).value for r in range(1, 40) if ws.cell(r, 1).value == "小标题"]
    assert headings == ["主动公开", "依申请公开", "政府信息管理", "政府信息公开平台建设", "监督保障"]


@pytest.mark.parametrize("sample", ["seed-2020-政务服务大数据管理局", "sample-2024-临江区市场监督管理局"])
def test_round_trip_document_workbook_document(tmp_path, sample):
    document = json.loads((SAMPLES / f"{sample}.json").read_text(encoding="utf-8"))
    path = write_workbook(tmp_path / "round.xlsx", document)
    result = read_workbook(path)
    compute_totals(result.format, result.data)
    expected = json.loads(json.dumps(document))
    compute_totals(get_format(document["format"]), expected)
    assert result.data == expected
    assert result.findings == []


def test_a_filled_value_is_read_from_the_cell_it_was_typed_in(tmp_path):
    doc = with_values(valid_document(), "requests", {"new": {"research": 7}, "carried_forward": {"research": 7}})
    result = read_workbook(write_workbook(tmp_path / "a.xlsx", doc))
    assert result.data["tables"]["requests"]["new"]["research"] == 7
    assert result.sources["/tables/requests/new/research"].sheet == "依申请公开"
    assert result.sources["/tables/requests/new/research"].cell == "F7"
