"""``compile new --from LAST``: next year's workbook starts from last year's report."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from helpers import SAMPLE_2021, SAMPLES, SEED_WORKBOOK, valid_document, write_workbook
from openpyxl import load_workbook

from compiler.archive.next_year import stated_problems
from compiler.archive.reminders import PREVIOUS_PROBLEMS_HEADING, REMINDER_MARK
from compiler.cli import cli
from compiler.document.blank import with_values
from compiler.workbook.reader import read_workbook

SAMPLE_DATA = json.loads((SAMPLES / "sample-2024-临江区市场监督管理局.json").read_text(encoding="utf-8"))


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], env={"LANG": "zh_CN.UTF-8"})


def codes(result) -> set[str]:
    return {f.code for f in result.findings}


@pytest.fixture(scope="module")
def next_2025(tmp_path_factory):
    out = tmp_path_factory.mktemp("next") / "2025.xlsx"
    result = run("new", "--from", SAMPLE_2021, "-o", out)
    assert result.exit_code == 0, result.output
    return out, result.output


def test_name_year_and_contact_come_from_last_year(next_2025):
    path, output = next_2025
    data = read_workbook(path).data
    assert data["meta"]["org"] == "临江区市场监督管理局" and data["meta"]["year"] == 2025
    assert data["meta"]["contact"] == SAMPLE_DATA["meta"]["contact"]
    assert "已生成 临江区市场监督管理局 2025 年度填报表（2021 格式" in output


def test_carry_over_is_prefilled_column_by_column_from_last_years_carried_forward(next_2025):
    path, output = next_2025
    result = read_workbook(path)
    carried = result.data["tables"]["requests"]["carried_over"]
    expected = SAMPLE_DATA["tables"]["requests"]["carried_forward"]
    assert [carried[c] for c in ("natural", "commercial", "research", "nonprofit", "legal_service", "other_org")] == \
        [expected[c] for c in ("natural", "commercial", "research", "nonprofit", "legal_service", "other_org")] == \
        [3, 1, 0, 0, 0, 0]
    assert "unread_data" not in codes(result)  # last year's figures beside the table are not data
    assert "二、上年结转政府信息公开申请数量（来自上年「四、结转下年度继续办理」）" in output


def test_last_years_stock_is_shown_beside_the_input_with_a_live_check(next_2025):
    path, _ = next_2025
    ws = load_workbook(path)["主动公开"]
    assert ws["F5"].value == "上年（2024年）现行有效件数"
    assert ws["F6"].value == "=0" and ws["F7"].value == "=12"  # 规章, 行政规范性文件
    assert ws["G7"].value.startswith("=IF(COUNT(D7)=0,") and "D7=F7+B7-C7" in ws["G7"].value
    assert ws["D7"].value is None  # the agency types this year's stock itself


def test_section_five_lists_last_years_problems_under_its_own_sub_heading(next_2025):
    path, _ = next_2025
    blocks = read_workbook(path).data["sections"]["problems"]
    assert blocks[0] == {"kind": "heading", "text": PREVIOUS_PROBLEMS_HEADING}
    assert [b["text"] for b in blocks[1:3]] == [
        REMINDER_MARK + "政策解读形式较为单一，图解、视频等解读方式运用不多。",
        REMINDER_MARK + "依申请公开答复的规范性有待进一步提高。"]


def test_a_reminder_left_unchanged_is_an_error_and_the_filled_workbook_passes_the_cross_year_check(next_2025, tmp_path):
    path, _ = next_2025
    filled = tmp_path / "filled.xlsx"
    shutil.copy(path, filled)
    result = run("check", filled, "--previous", SAMPLE_2021)
    assert "reminder_left" in result.output
    wb = load_workbook(filled)
    ws = wb["问题及改进"]
    ws["B6"], ws["B7"] = "已丰富政策解读形式，制作图解12期。", "已开展答复文书培训2次。"
    wb["总体情况"]["B6"] = "全年主动公开政府信息1300条。"
    for row in (8, 10, 12, 14):
        wb["总体情况"][f"B{row}"] = "相关工作按要求推进。"
    wb["其他事项"]["B7"] = "无。"
    requests = wb["依申请公开"]
    for col in "DEFGHI":  # each carried-over application answered: disclosed = carried over
        requests[f"{col}9"] = requests[f"{col}8"].value
    for sheet in ("主动公开", "依申请公开", "复议诉讼"):
        for row in wb[sheet].iter_rows():
            for cell in row:
                if type(cell).__name__ != "MergedCell" and cell.value is None and cell.protection.locked is False:
                    cell.value = 0
    wb["主动公开"]["D7"] = 12
    wb.save(filled)
    result = run("check", filled, "--previous", SAMPLE_2021)
    assert result.exit_code == 0, result.output
    assert "previous_mismatch" not in result.output and "stock_discontinuity" not in result.output


def test_2019_format_to_2019_format(tmp_path):
    last = with_values(valid_document("2019", 2019, "临江区财政局"), "requests",
                       {"new": {"natural": 2}, "carried_forward": {"natural": 2}})
    source = write_workbook(tmp_path / "2019.xlsx", last)
    result = run("new", "--from", source, "-o", tmp_path / "2020.xlsx")
    assert result.exit_code == 0, result.output
    data = read_workbook(tmp_path / "2020.xlsx").data
    assert data["format"] == "2019" and data["meta"]["year"] == 2020
    assert data["tables"]["requests"]["carried_over"]["natural"] == 2
    assert "未能带入" not in result.output


def test_across_the_format_change_what_exists_in_both_is_carried_and_the_rest_is_named(tmp_path):
    result = run("new", "--from", SEED_WORKBOOK, "-o", tmp_path / "2021.xlsx")
    assert result.exit_code == 0, result.output
    data = read_workbook(tmp_path / "2021.xlsx").data
    assert data["format"] == "2021" and data["meta"]["year"] == 2021
    assert data["tables"]["requests"]["carried_over"]["natural"] == 0  # carried (the seed carried nothing)
    assert "二、上年结转政府信息公开申请数量（来自上年「四、结转下年度继续办理」）" in result.output
    not_carried = next(line for line in result.output.splitlines() if line.strip().startswith("未能带入"))
    assert "规章的上年现行有效件数" in not_carried and "2019 格式 → 2021 格式" in not_carried
    guide = load_workbook(tmp_path / "2021.xlsx")["填写说明"]
    assert any("未能带入" in str(c.value) for c in guide["A"])


def test_a_folder_of_last_year_gives_one_workbook_per_agency(tmp_path):
    last = tmp_path / "last"
    last.mkdir()
    write_workbook(last / "a-2022.xlsx", valid_document("2021", 2022, "临江区档案局"))
    write_workbook(last / "a-2023.xlsx", valid_document("2021", 2023, "临江区档案局"))
    (last / "b.json").write_text(json.dumps(valid_document("2021", 2023, "临江区水利局"), ensure_ascii=False),
                                 encoding="utf-8")
    result = run("new", "--from", last, "-o", tmp_path / "next")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "next").iterdir()) == ["临江区档案局-2024.xlsx", "临江区水利局-2024.xlsx"]


def test_from_the_archive_by_agency(tmp_path):
    archive = tmp_path / "a.sqlite"
    assert run("archive", "add", SAMPLE_2021, "--archive", archive).exit_code == 0
    result = run("new", "--from", "archive", "--org", "临江区 市场监督管理局", "--archive", archive,
                 "-o", tmp_path / "n.xlsx")
    assert result.exit_code == 0, result.output
    assert read_workbook(tmp_path / "n.xlsx").data["tables"]["requests"]["carried_over"]["natural"] == 3
    missing = run("new", "--from", "archive", "--org", "临江区水利局", "--archive", archive, "-o", tmp_path / "m.xlsx")
    assert missing.exit_code == 2 and "没有「临江区水利局」" in missing.output


def test_a_missing_from_path_is_a_bad_argument(tmp_path):
    result = run("new", "--from", tmp_path / "nope.xlsx", "-o", tmp_path / "n.xlsx")
    assert result.exit_code == 2 and not (tmp_path / "n.xlsx").exists()


@pytest.mark.parametrize("blocks,expected", [
    ([{"kind": "paragraph", "text": "存在不足：一是解读不多；二是答复不规范。针对上述问题，我局将改进。"}],
     ["解读不多。", "答复不规范。"]),
    ([{"kind": "paragraph", "text": "公开标准统一是难点，培训不够。"}], ["公开标准统一是难点，培训不够。"]),
    ([{"kind": "heading", "text": "存在的主要问题"}, {"kind": "paragraph", "text": "栏目更新不及时。"},
      {"kind": "heading", "text": "改进措施"}, {"kind": "paragraph", "text": "建立台账。"}], ["栏目更新不及时。"]),
    ([], []),
])
def test_stated_problems(blocks, expected):
    assert stated_problems(blocks) == expected


def test_libreoffice_shows_the_stock_check_while_the_agency_types(next_2025, tmp_path):
    from test_libreoffice_recalc import SOFFICE, recalculated

    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed")
    path, _ = next_2025
    typed = tmp_path / "typed.xlsx"
    wb = load_workbook(path)
    wb["主动公开"]["B7"], wb["主动公开"]["C7"], wb["主动公开"]["D7"] = 2, 1, 12  # 12 + 2 − 1 should be 13
    wb.save(typed)
    rows = recalculated(typed, tmp_path, "主动公开")
    assert rows[5][5:7] == ["0", "请填写现行有效件数"]  # 规章: nothing typed yet
    assert rows[6][5:7] == ["12", "✗ 按上年应为 13"]


def test_from_a_published_report(tmp_path):
    from compiler.pipeline import compile_workbook

    report = compile_workbook(SAMPLE_2021, output=tmp_path / "2024年报.docx").output
    result = run("new", "--from", report, "-o", tmp_path / "2025.xlsx")
    assert result.exit_code == 0, result.output
    assert "依据 2024 年度 2024年报.docx" in result.output
    data = read_workbook(tmp_path / "2025.xlsx").data
    assert data["tables"]["requests"]["carried_over"]["natural"] == 3
    assert load_workbook(tmp_path / "2025.xlsx")["主动公开"]["F7"].value == "=12"


def test_from_the_whole_archive_one_per_agency_of_the_latest_year(tmp_path):
    archive = tmp_path / "a.sqlite"
    books = tmp_path / "books"
    books.mkdir()
    write_workbook(books / "old-name.xlsx", valid_document("2021", 2023, "临江区工商行政管理局"))
    write_workbook(books / "new-name.xlsx", valid_document("2021", 2024, "临江区市场监督管理局"))
    write_workbook(books / "water.xlsx", valid_document("2021", 2024, "临江区水利局"))
    write_workbook(books / "gone.xlsx", valid_document("2021", 2022, "临江区撤并局"))
    assert run("archive", "add", books, "--archive", archive).exit_code == 0
    assert run("archive", "alias", "临江区工商行政管理局", "临江区市场监督管理局", "--archive", archive).exit_code == 0
    result = run("new", "--from", "archive", "--archive", archive, "-o", tmp_path / "next")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "next").iterdir()) == ["临江区市场监督管理局-2025.xlsx",
                                                                     "临江区水利局-2025.xlsx"]
    assert "未生成  临江区撤并局：档案中最近的是 2022 年度" in result.stderr


def test_a_renamed_agency_gets_next_years_workbook_under_its_new_name(tmp_path):
    archive = tmp_path / "a.sqlite"
    books = tmp_path / "books"
    books.mkdir()
    write_workbook(books / "health.xlsx", valid_document("2021", 2024, "临江区卫生健康局"))
    write_workbook(books / "water.xlsx", valid_document("2021", 2024, "临江区水利局"))
    assert run("archive", "add", books, "--archive", archive).exit_code == 0
    assert run("archive", "alias", "临江区卫生健康局", "临江区卫生健康委员会", "--archive", archive).exit_code == 0
    every = run("new", "--from", "archive", "--archive", archive, "-o", tmp_path / "next")
    assert every.exit_code == 0, every.output
    assert sorted(p.name for p in (tmp_path / "next").iterdir()) == ["临江区卫生健康委员会-2025.xlsx",
                                                                     "临江区水利局-2025.xlsx"]
    renamed = read_workbook(tmp_path / "next" / "临江区卫生健康委员会-2025.xlsx").data["meta"]
    assert (renamed["org"], renamed["year"]) == ("临江区卫生健康委员会", 2025)
    assert "由「临江区卫生健康局」改为「临江区卫生健康委员会」" in every.output
    assert read_workbook(tmp_path / "next" / "临江区水利局-2025.xlsx").data["meta"]["org"] == "临江区水利局"
    for asked in ("临江区卫生健康委员会", "临江区卫生健康局"):  # either name: the agency as it is called now
        one = run("new", "--from", "archive", "--org", asked, "--archive", archive, "-o", tmp_path / f"{asked}.xlsx")
        assert one.exit_code == 0, one.output
        assert read_workbook(tmp_path / f"{asked}.xlsx").data["meta"]["org"] == "临江区卫生健康委员会"
