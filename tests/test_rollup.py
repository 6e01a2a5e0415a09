"""Roll-up: cell-by-cell sums of tables 二, 三 and 四 over the valid workbooks of one year."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from helpers import valid_document, write_workbook
from openpyxl import load_workbook

from compiler.cli import cli
from compiler.document.blank import with_values
from compiler.formats.definition import get_format
from compiler.inbox.rollup import UNITS_SHEET, Unit, sum_documents
from compiler.pipeline import validate_workbook


def run(*args, lang="zh"):
    env = {"LANG": "en_US.UTF-8" if lang == "en" else "zh_CN.UTF-8"}
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def unit_doc(org, requests=None, review=None, active=None, fmt="2021", year=2024):
    doc = valid_document(fmt, year, org)
    for table, values in (("requests", requests), ("review", review), ("active", active)):
        if values:
            doc = with_values(doc, table, values)
    return doc


# three balanced units: 一(new)+二(carried_over) = results + carried_forward, per column
UNIT_A = dict(requests={"new": {"natural": 5, "commercial": 2}, "carried_over": {"natural": 1},
                        "disclosed": {"natural": 4, "commercial": 2}, "carried_forward": {"natural": 2}},
              review={"cases": {"review_upheld": 1, "direct_pending": 2}},
              active={"art20_1": {"rules": {"issued": 3, "in_force": 10}},
                      "art20_8": {"admin_fees": {"fee_amount": 0.1}}})
UNIT_B = dict(requests={"new": {"natural": 7, "research": 1}, "withheld_state_secret": {"natural": 1},
                        "unavailable_not_held": {"natural": 6, "research": 1}},
              review={"cases": {"review_upheld": 2, "after_corrected": 1}},
              active={"art20_1": {"rules": {"issued": 1, "in_force": 4}},
                      "art20_8": {"admin_fees": {"fee_amount": 0.2}}})
UNIT_C = dict(requests={"carried_over": {"other_org": 3}, "other_other": {"other_org": 3}},
              active={"art20_6": {"penalty": {"decisions": 12}}})


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    box = tmp_path_factory.mktemp("inbox")
    write_workbook(box / "a.xlsx", unit_doc("临江区档案局", **UNIT_A))
    write_workbook(box / "b.xlsx", unit_doc("临江区财政局", **UNIT_B))
    write_workbook(box / "c.xlsx", unit_doc("临江区水利局", **UNIT_C))
    write_workbook(box / "d.xlsx", unit_doc("临江区教育局", requests={"new": {"natural": 5}}))  # unbalanced
    (box / "x.xlsx").write_text("not a workbook", encoding="utf-8")
    return box


@pytest.fixture(scope="module")
def rolled(inbox, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "汇总.xlsx"
    result = run("rollup", inbox, "-o", out, "--org", "临江区人民政府", "--jobs", "2")
    return result, out


def test_rollup_writes_and_lists_exclusions(rolled):
    result, out = rolled
    assert result.exit_code == 1, result.output  # written, but two units were left out
    assert "已汇总 3 个单位（2024 年度，2021 格式）" in result.output
    assert "d.xlsx" in result.output and "x.xlsx" in result.output
    assert out.exists()


def test_rollup_equals_hand_computed_sums_and_balances(rolled):
    _, out = rolled
    read, findings = validate_workbook(out)
    assert read.data["meta"] == {**read.data["meta"], "org": "临江区人民政府", "year": 2024}
    # 勾稽关系 and totals hold by construction: the only complaints are about the empty narrative
    assert {f.code for f in findings if f.is_error} <= {"section_empty"}
    requests, review, active = (read.data["tables"][t] for t in ("requests", "review", "active"))
    assert requests["new"]["natural"] == 5 + 7 and requests["new"]["total"] == 5 + 2 + 7 + 1
    assert requests["carried_over"]["total"] == 1 + 3
    assert requests["results_total"]["total"] == (4 + 2) + (1 + 6 + 1) + 3
    assert requests["carried_forward"]["natural"] == 2
    assert review["cases"]["review_upheld"] == 3 and review["cases"]["review_total"] == 3
    assert review["cases"]["direct_total"] == 2 and review["cases"]["after_total"] == 1
    assert active["art20_1"]["rules"] == {"issued": 4, "repealed": 0, "in_force": 14}
    assert active["art20_6"]["penalty"]["decisions"] == 12
    assert active["art20_8"]["admin_fees"]["fee_amount"] == pytest.approx(0.3)


def test_units_sheet_lists_included_and_excluded(rolled):
    _, out = rolled
    ws = load_workbook(out, read_only=True)[UNITS_SHEET]
    rows = [[c for c in r if c is not None] for r in ws.iter_rows(values_only=True)]
    text = "\n".join(" ".join(map(str, r)) for r in rows)
    for org in ("临江区档案局", "临江区财政局", "临江区水利局"):
        assert org in text
    assert "临江区教育局" in text and "勾稽关系不成立" in text and "不是 Excel 工作簿" in text
    total = next(r for r in rows if r and r[0] == "合计")
    assert total[1:4] == ["3 个单位", 2024, "2021"] and total[4] == 15  # 本年新收申请 总计


def test_rolled_up_workbook_compiles_once_narrative_is_written(rolled, tmp_path):
    _, out = rolled
    read, _ = validate_workbook(out)
    doc = valid_document("2021", 2024, "临江区人民政府")
    doc["tables"] = read.data["tables"]
    book = write_workbook(tmp_path / "filled.xlsx", doc)
    result = run(book, "-o", tmp_path / "r.docx")
    assert result.exit_code == 0, result.output


def test_same_org_and_year_twice_is_refused_naming_both(inbox, tmp_path):
    box = tmp_path / "dup"
    box.mkdir()
    for name in ("a.xlsx", "b.xlsx"):
        (box / name).write_bytes((inbox / name).read_bytes())
    (box / "a-copy.xlsx").write_bytes((inbox / "a.xlsx").read_bytes())
    result = run("rollup", box, "-o", tmp_path / "r.xlsx", "--jobs", "1")
    assert result.exit_code == 1
    assert "临江区档案局" in result.output and "a.xlsx" in result.output and "a-copy.xlsx" in result.output
    assert not (tmp_path / "r.xlsx").exists()


def test_mixed_years_are_refused_unless_a_year_is_chosen(inbox, tmp_path):
    box = tmp_path / "mixed"
    box.mkdir()
    (box / "a.xlsx").write_bytes((inbox / "a.xlsx").read_bytes())
    write_workbook(box / "old.xlsx", unit_doc("临江区财政局", fmt="2019", year=2020))
    result = run("rollup", box, "-o", tmp_path / "r.xlsx", "--jobs", "1")
    assert result.exit_code == 1 and "不同年度或格式" in result.output and "old.xlsx" in result.output
    assert not (tmp_path / "r.xlsx").exists()
    result = run("rollup", box, "-o", tmp_path / "r.xlsx", "--year", "2024", "--jobs", "1", lang="en")
    assert result.exit_code == 1 and "Rolled up 1 unit(s)" in result.output and "old.xlsx" in result.output
    assert (tmp_path / "r.xlsx").exists()
    again = run("rollup", box, "-o", tmp_path / "r.xlsx", "--year", "2024")
    assert again.exit_code == 2 and "--force" in again.output


def test_amounts_sum_exactly_and_2019_format_sums():
    fmt = get_format("2019")
    units = []
    for amount in (0.1, 0.2, 0.0001):
        doc = with_values(valid_document("2019", 2020, "x"), "active",
                          {"art20_9": {"central_procurement": {"amount": amount, "projects": 1}},
                           "art20_5": {"licensing": {"change": -2}}})
        units.append(Unit(source="s", org="x", year=2020, format="2019", tables=doc["tables"], fields=doc["fields"]))
    summed = sum_documents(fmt, 2020, "汇总", units)
    assert summed["tables"]["active"]["art20_9"]["central_procurement"] == {"projects": 3, "amount": 0.3001}
    assert summed["tables"]["active"]["art20_5"]["licensing"]["change"] == -6
