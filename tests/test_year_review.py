"""This year against last year as a reviewer reads them: copied text, last year's words left in,
figures that jumped — through the pipeline (``--previous``), ``compile diff`` and its page."""

import pytest
import year_pairs
from click.testing import CliRunner
from helpers import write_workbook

from compiler.cli import cli
from compiler.formats.definition import get_format
from compiler.pipeline import Options, compile_workbook, read_checked
from compiler.review.compare import review
from compiler.review.figures_change import JumpRules, is_jump
from compiler.review.reuse import repeated_share
from compiler.review.stale_year import StaleRules, stale_mentions


def _codes(findings, code):
    return [f for f in findings if f.code == code]


def _compiled(tmp_path, this_year, **options):
    last, this = year_pairs.write_pair(tmp_path, this_year)
    return compile_workbook(this, options=Options(previous=last, **options), write=False)


def _review(tmp_path, this_year):
    last, this = year_pairs.write_pair(tmp_path, this_year)
    return review(read_checked(last)[0], read_checked(this)[0], last.name, with_stale=True)


# --- the measure on known pairs ------------------------------------------------------------------

def test_repeated_share_of_identical_unrelated_and_repunctuated_text():
    text = "严格执行公开前保密审查和合法性审查制度，对拟公开信息实行三审三校。"
    assert repeated_share(text, text) == 1.0
    assert repeated_share(text, "门户网站专栏新增信用监管、食品抽检两个子栏目。") == 0.0
    # spaces, full-width forms and punctuation do not hide a copy
    assert repeated_share("严格执行 公开前保密审查和合法性审查制度；对拟公开信息实行“三审三校”", text) == 1.0


def test_repeat_rate_of_the_known_pairs(tmp_path):
    rates = {}
    for name in ("reused", "year_replaced", "half_edited", "rewritten"):
        folder = tmp_path / name
        folder.mkdir()
        outcome = _review(folder, getattr(year_pairs, name)())
        rates[name] = {s.section_id: s.share for s in outcome.sections} | {"all": outcome.overall}
    assert rates["reused"]["all"] == 1.0
    assert rates["year_replaced"]["all"] > 0.95
    assert rates["half_edited"]["overview"] < 0.35 and rates["half_edited"]["problems"] > 0.95
    assert 0.25 < rates["half_edited"]["all"] < 0.6
    assert rates["rewritten"]["all"] < 0.25
    assert all(share < 0.35 for share in rates["rewritten"].values())


# --- through the pipeline: compile/check with --previous -----------------------------------------

def test_a_reused_workbook_with_only_the_year_changed_is_flagged(tmp_path):
    result = _compiled(tmp_path, year_pairs.reused())
    assert result.ok  # advice, not errors: the report can still be written
    reused = _codes(result.findings, "text_reused")
    assert {f.sheet for f in reused} == {"总体情况", "问题及改进", "其他事项"}
    overview = next(f for f in reused if f.sheet == "总体情况")
    assert overview.cell == "B5" and overview.params["share"] == 100
    assert "与上一年度报告" in overview.message() and "2024年，临江区" in overview.message()
    assert "repeats 100% of last year's report" in overview.message("en")
    stale = _codes(result.findings, "stale_year")
    assert [(f.sheet, f.cell) for f in stale] == [("总体情况", "B5"), ("问题及改进", "B5")]
    assert "2024年，我局政府信息公开工作取得一定成效" in stale[1].message()
    assert result.repeat_rate == 1.0


def test_copied_text_with_the_year_replaced_is_still_copied_but_not_stale(tmp_path):
    result = _compiled(tmp_path, year_pairs.year_replaced())
    assert len(_codes(result.findings, "text_reused")) == 3
    assert not _codes(result.findings, "stale_year")


def test_a_consistent_real_looking_pair_gives_no_warning(tmp_path):
    result = _compiled(tmp_path, year_pairs.rewritten())
    assert result.findings == []
    assert result.repeat_rate is not None and result.repeat_rate < 0.25


def test_the_reuse_threshold_is_configurable(tmp_path):
    strict = _compiled(tmp_path, year_pairs.half_edited(), reuse_threshold=0.4)
    assert {f.sheet for f in _codes(strict.findings, "text_reused")} == {"问题及改进", "其他事项"}
    lenient = _compiled(tmp_path, year_pairs.half_edited(), reuse_threshold=1.0)
    assert not _codes(lenient.findings, "text_reused")


def test_stale_year_is_found_without_a_previous_year(tmp_path):
    doc = year_pairs.reused()
    book = write_workbook(tmp_path / "2025.xlsx", doc)
    result = compile_workbook(book, write=False)
    assert len(_codes(result.findings, "stale_year")) == 2
    assert not _codes(result.findings, "text_reused")  # no previous year, nothing to compare


# --- stale years: what counts ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def stale_rules():
    return StaleRules.from_data(get_format("2021").year_review["stale_year"])


@pytest.mark.parametrize("sentence", [
    "2024年，我局认真贯彻落实《条例》。",
    "２０２４年，我局认真贯彻落实《条例》。",
    "二〇二四年，我局认真贯彻落实《条例》。",
    "2024年共收到政府信息公开申请50件。",
    "截至2024年底，现行有效规范性文件12件。",
])
def test_a_mention_of_last_year_meant_as_this_year_is_stale(stale_rules, sentence):
    assert stale_mentions(sentence, 2025, stale_rules)


@pytest.mark.parametrize("sentence", [
    "申请数量较2024年增长12%。",
    "与２０２４年相比，主动公开信息增加。",
    "比二〇二四年减少3件。",
    "2024年度年报所提问题均已整改。",
    "2024年结转的4件申请均已办结。",
    "自2024年以来，我局持续推进标准化建设。",
    "2025年，我局认真贯彻落实《条例》。",
    "2023年，我局开展了专项清理。",  # not last year: a history, not a leftover
])
def test_comparisons_and_references_to_last_year_are_not_stale(stale_rules, sentence):
    assert stale_mentions(sentence, 2025, stale_rules) == []


# --- figure jumps ----------------------------------------------------------------------------------

@pytest.mark.parametrize("before, after, jump", [
    (10, 50, True), (50, 10, True), (10, 49, False), (3, 15, True), (1, 5, False),
    (0, 50, True), (60, 0, True), (0, 49, False), (1256, 1300, False),
])
def test_a_change_beyond_five_times_or_to_and_from_zero_is_a_jump(before, after, jump):
    assert is_jump(before, after, JumpRules.from_data(get_format("2021").year_review["figure_jump"])) is jump


def test_a_figure_jump_names_the_cell_and_both_years(tmp_path):
    doc = year_pairs.rewritten()
    doc["tables"]["active"]["art20_6"]["penalty"]["decisions"] = 41200  # a unit or typing slip
    doc["sections"]["overview"][4]["text"] = doc["sections"]["overview"][4]["text"].replace("380件", "41200件")
    result = _compiled(tmp_path, doc)
    jumps = _codes(result.findings, "figure_jump")
    assert len(jumps) == 1
    assert jumps[0].sheet == "主动公开" and "412" in jumps[0].message() and "41200" in jumps[0].message()
    assert "100.0 倍" in jumps[0].message()


# --- compile diff ----------------------------------------------------------------------------------

def test_compile_diff_prints_the_rates_and_the_findings(tmp_path):
    last, this = year_pairs.write_pair(tmp_path, year_pairs.reused())
    result = CliRunner().invoke(cli, ["diff", str(last), str(this)], env={"LANG": "zh_CN.UTF-8"})
    assert result.exit_code == 0, result.output
    assert "一、总体情况" in result.output and "100% ▲" in result.output
    assert "text_reused" in result.output and "stale_year" in result.output


def test_compile_diff_says_when_the_files_are_not_one_agencys_consecutive_years(tmp_path):
    import copy

    last, this = year_pairs.write_pair(tmp_path, year_pairs.rewritten())
    zh = {"LANG": "zh_CN.UTF-8"}
    in_order = CliRunner().invoke(cli, ["diff", str(last), str(this)], env=zh)
    assert in_order.exit_code == 0 and "注意" not in in_order.output
    swapped = CliRunner().invoke(cli, ["diff", str(this), str(last)], env=zh)
    assert swapped.exit_code == 0, swapped.output  # still compared: a reviewer may want it
    assert "LAST（临江区市场监督管理局-2025.xlsx）是 2025 年度" in swapped.output
    assert "参数顺序是否颠倒" in swapped.output
    other = copy.deepcopy(year_pairs.rewritten())
    other["meta"]["org"] = "临江区教育局"
    neighbour = write_workbook(tmp_path / "临江区教育局-2025.xlsx", other)
    english = CliRunner().invoke(cli, ["--lang", "en", "diff", str(last), str(neighbour)])
    assert "different agencies: LAST is 临江区市场监督管理局, THIS is 临江区教育局" in english.output
    assert "not last year" not in english.output


def test_compile_diff_of_an_unusable_file_exits_2(tmp_path):
    last, _ = year_pairs.write_pair(tmp_path, year_pairs.rewritten())
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    result = CliRunner().invoke(cli, ["diff", str(last), str(fake)], env={"LANG": "zh_CN.UTF-8"})
    assert result.exit_code == 2
    assert "Traceback" not in result.output


# --- the HTML comparison page -----------------------------------------------------------------------

@pytest.fixture
def diff_html(tmp_path):
    def make(this_year) -> "lxml.html.HtmlElement":  # noqa: F821
        from lxml import html
        last, this = year_pairs.write_pair(tmp_path, this_year)
        page = tmp_path / "对照.html"
        result = CliRunner().invoke(cli, ["diff", str(last), str(this), "--html", str(page)],
                                    env={"LANG": "zh_CN.UTF-8"})
        assert result.exit_code == 0, result.output
        return html.fromstring(page.read_bytes()), page
    return make


def test_the_page_summarises_rates_and_figures_at_the_top(diff_html):
    doc, _ = diff_html(year_pairs.half_edited())
    assert doc.get("lang") == "zh-CN"
    summary = doc.get_element_by_id("summary")
    rows = summary.xpath(".//table[@class='reuse']/tbody/tr")
    rates = {row.xpath("string(th)"): row.xpath("string(td[1])") for row in rows}
    problems = rates["五、存在的主要问题及改进情况"]
    assert int(problems.split("%")[0]) >= 95 and "超过" in problems
    assert not rates["一、总体情况"].endswith("（超过）")
    assert "全文" in rates
    figures = summary.xpath(".//table[@class='figures']/tbody/tr/th")
    assert any("予以公开" in th.text_content() for th in figures)
    assert summary.xpath(".//ul[@class='findings']/li[contains(., 'text_reused') or contains(., '相同')]")


def test_the_page_shows_two_columns_with_deletions_and_insertions_marked(diff_html):
    doc, _ = diff_html(year_pairs.half_edited())
    overview = doc.get_element_by_id("section-overview")
    assert [th.text_content() for th in overview.xpath(".//thead/tr/th")] == ["2024 年度", "2025 年度"]
    rows = overview.xpath(".//tbody/tr")
    assert all(len(r.xpath("td")) == 2 for r in rows)
    assert overview.xpath(".//td[1]//del") and overview.xpath(".//td[2]//ins")
    # words marked by element (strike-through / underline), not by colour alone
    assert "line-through" in doc.xpath("string(//style)") and "underline" in doc.xpath("string(//style)")
    problems = doc.get_element_by_id("section-problems")
    assert len(problems.xpath(".//td[@class='copied']/span[@class='badge']")) == 2
    assert [ins.text for ins in problems.xpath(".//ins")] == ["5"]  # only 2024 → 2025 differs
    assert not overview.xpath(".//span[@class='badge']")


def test_the_page_tables_show_changed_cells_with_last_year_and_the_delta(diff_html):
    doc, _ = diff_html(year_pairs.rewritten())
    requests = doc.get_element_by_id("section-requests")
    changed = requests.xpath(".//td[contains(@class, 'changed')]")
    assert changed and all("上年" in td.text_content() for td in changed)
    texts = [td.text_content() for td in changed]
    assert any(t.startswith("60") and "50" in t and "+10" in t for t in texts)  # new applications, total column
    assert requests.xpath(".//caption") and requests.xpath(".//th[@scope='col']")
    active = doc.get_element_by_id("section-active")
    assert any("−32" in td.text_content() for td in active.xpath(".//td[contains(@class, 'changed')]"))


CHROMIUM = "/usr/bin/chromium"


def _console_errors(page) -> list[str]:
    import subprocess
    run = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr",
                          "--v=0", "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=60)
    return [line for line in run.stderr.splitlines() if "CONSOLE" in line]


@pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason="Chromium is not installed")
def test_the_page_loads_in_chromium_without_console_errors(diff_html, tmp_path):
    _, page = diff_html(year_pairs.reused())
    broken = tmp_path / "broken.html"
    broken.write_text("<!DOCTYPE html><html><body><script>undefinedFunction()</script></body></html>")
    assert _console_errors(broken), "the console-error probe must see a broken page"
    assert _console_errors(page) == []


def test_check_takes_the_reuse_threshold_in_percent(tmp_path):
    last, this = year_pairs.write_pair(tmp_path, year_pairs.half_edited())
    runner = CliRunner()
    base = ["check", str(this), "--previous", str(last)]
    assert "text_reused" in runner.invoke(cli, base, env={"LANG": "zh_CN.UTF-8"}).output
    quiet = runner.invoke(cli, [*base, "--reuse-threshold", "100"], env={"LANG": "zh_CN.UTF-8"})
    assert quiet.exit_code == 0 and "text_reused" not in quiet.output


def test_the_batch_summary_gives_each_agency_its_repeat_rate(tmp_path):
    import csv

    from compiler.inbox.batch import run_batch
    last, this = year_pairs.write_pair(tmp_path, year_pairs.reused())
    outcome = run_batch([this], tmp_path / "out", Options(previous=last), jobs=1)
    assert outcome.rows[0].repeat_rate == 1.0
    with open(outcome.summary_csv, encoding="utf-8-sig") as fh:
        head, row = list(csv.reader(fh))
    assert row[head.index("与上年重复率")] == "100%"
    without = run_batch([this], tmp_path / "out2", Options(), jobs=1)
    assert without.rows[0].repeat_rate is None


def test_a_sum_of_other_figures_is_not_reported_as_a_jump_twice(tmp_path):
    doc = year_pairs.rewritten()
    doc["tables"]["requests"]["new"]["natural"] += 400  # 60 → 460 new applications (and so 一 + 二)
    doc["tables"]["requests"]["disclosed"]["natural"] += 400
    outcome = _review(tmp_path, doc)
    jumps = {c.name for c in outcome.figures if c.jump}
    assert {"new", "disclosed", "results_total"} <= jumps and "received_total" not in jumps
    assert next(c for c in outcome.figures if c.name == "received_total").current == 464


def test_a_workbook_with_errors_is_told_that_last_year_is_compared_once_they_are_fixed(tmp_path):
    from openpyxl import load_workbook

    last, this = year_pairs.write_pair(tmp_path, year_pairs.reused())
    wb = load_workbook(this)
    wb["依申请公开"]["D7"] = "3件"
    wb.save(this)
    result = compile_workbook(this, options=Options(previous=last), write=False)
    assert not result.ok and not _codes(result.findings, "text_reused")  # held back until the errors go
    held = _codes(result.findings, "previous_held_back")
    assert len(held) == 1 and held[0].params["count"] == len(result.errors)
    assert (held[0].sheet, held[0].cell) == ("基本信息", "B4")
    assert "未做跨年度核对" in held[0].message() and "Check again" in held[0].message("en")
    clean = _compiled(tmp_path / "clean", year_pairs.reused())
    assert not _codes(clean.findings, "previous_held_back")
