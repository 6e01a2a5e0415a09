"""LibreOffice recalculates a filled workbook: its formula totals and check cells agree with the compiler."""

import csv
import json
import shutil
import subprocess

import pytest
from helpers import SAMPLES, write_workbook

from compiler.checks.arithmetic import compute_totals
from compiler.document.blank import with_values
from compiler.formats.definition import get_format
from compiler.formats.grid import table_grid
from compiler.workbook.layout import TABLE_LEFT, check_row, grid_position
from compiler.workbook.reader import read_workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
ALL_SHEETS_CSV = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def recalculated(path, tmp_path, sheet):
    out = tmp_path / "csv"
    subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                    "--convert-to", ALL_SHEETS_CSV, "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=180)
    with open(out / f"{path.stem}-{sheet}.csv", encoding="utf-8") as fh:
        return list(csv.reader(fh))


@pytest.fixture(scope="module")
def unbalanced(tmp_path_factory):
    """The 2021 sample with one extra new application for 自然人: the balance must fail in that column."""
    tmp = tmp_path_factory.mktemp("lo")
    document = json.loads((SAMPLES / "sample-2024-临江区市场监督管理局.json").read_text(encoding="utf-8"))
    document = with_values(document, "requests", {"new": {"natural": 39}})
    path = write_workbook(tmp / "unbalanced.xlsx", document)
    return path, recalculated(path, tmp, "依申请公开"), recalculated(path, tmp, "复议诉讼")


def test_formula_totals_equal_the_compilers_totals(unbalanced):
    path, rows, _ = unbalanced
    result = read_workbook(path)
    compute_totals(result.format, result.data)
    table = get_format("2021").tables["requests"]
    for cell in table_grid(table).value_cells():
        r, c = grid_position(cell)
        shown = rows[r - 1][c - 1]
        assert int(shown) == result.data["tables"]["requests"][cell.key[0]][cell.key[1]], cell.key


def test_balance_check_cells_show_the_failing_column(unbalanced):
    _, rows, _ = unbalanced
    grid = table_grid(get_format("2021").tables["requests"])
    checks = rows[check_row(grid, 0) - 1]
    assert checks[TABLE_LEFT - 1].startswith("勾稽检查：一+二=（七）总计+四")
    values = checks[3:10]
    assert values[0] == "✗ 差1"  # 自然人
    assert values[1:6] == ["✓"] * 5
    assert values[6] == "✗ 差1"  # 总计


def test_table_four_group_totals_are_recalculated(unbalanced):
    _, _, rows = unbalanced
    data_row = rows[6]  # worksheet row 7: the one row of figures
    assert data_row[:15] == ["2", "1", "0", "1", "4", "1", "0", "1", "0", "2", "1", "0", "0", "0", "1"]
    assert data_row[15] == "✓"
