"""The archive of every agency's years (SQLite), and ``--previous`` meaning this agency's own last year."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner
from helpers import ROOT, valid_document, write_workbook

from compiler.archive import store
from compiler.archive.names import org_key
from compiler.archive.store import Archive, ArchiveError, Entry
from compiler.cli import cli
from compiler.document.blank import with_values


def run(*args, lang="zh", cwd=None):
    env = {"LANG": "en_US.UTF-8" if lang == "en" else "zh_CN.UTF-8"}
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def entry(org="临江区档案局", year=2023, **kw) -> Entry:
    doc = valid_document("2021", year, org)
    return Entry(org=org, year=year, format="2021", status=kw.pop("status", "valid"), source=f"/in/{org}-{year}.xlsx",
                 source_kind="xlsx", document=doc, **kw)


def last_year_with_carry(org: str, carried: int, year: int = 2023) -> dict:
    """A valid document whose 结转下年度继续办理 (自然人) is ``carried``."""
    return with_values(valid_document("2021", year, org), "requests",
                       {"new": {"natural": carried}, "carried_forward": {"natural": carried}})


def this_year_carrying(org: str, carried: int, year: int = 2024) -> dict:
    """A valid document whose 上年结转 (自然人) is ``carried``."""
    return with_values(valid_document("2021", year, org), "requests",
                       {"carried_over": {"natural": carried}, "disclosed": {"natural": carried}})


# --- the store ------------------------------------------------------------------------------------

def test_names_are_compared_without_spaces_and_width(tmp_path):
    assert org_key("临江区 市场监督管理局") == org_key("临江区市场监督管理局") == org_key("临江区市场监督管理局\u3000")
    assert org_key("ＡＢＣ区１号局") == org_key("abc区1号局")
    with Archive(tmp_path / "a.sqlite") as archive:
        archive.put(entry("临江区 档案局"))
        assert archive.find("临江区档案局", 2023).org == "临江区 档案局"
        assert archive.find("临江区档案馆", 2023) is None  # a different name is a different agency


def test_readding_an_agency_and_year_replaces_it_and_returns_the_old_entry(tmp_path):
    with Archive(tmp_path / "a.sqlite") as archive:
        assert archive.put(entry()) is None
        old = archive.put(entry(status="invalid", errors=2))
        assert old is not None and old.status == "valid"
        assert [(e.org, e.year, e.status) for e in archive.entries()] == [("临江区档案局", 2023, "invalid")]


def test_a_failed_write_leaves_the_archive_as_it_was(tmp_path):
    path = tmp_path / "a.sqlite"
    with Archive(path) as archive:
        archive.put(entry("甲局"))
        with pytest.raises(ArchiveError):  # the second entry breaks a constraint half-way through
            archive.put_many([entry("乙局"), entry("丙局", status="not-a-status")])
    with Archive(path) as archive:
        assert [e.org for e in archive.entries()] == ["甲局"]


def test_an_alias_joins_a_renamed_agency_and_loops_are_refused(tmp_path):
    with Archive(tmp_path / "a.sqlite") as archive:
        archive.put(entry("临江区工商行政管理局", 2023))
        assert archive.find("临江区市场监督管理局", 2023) is None
        archive.add_alias("临江区工商行政管理局", "临江区市场监督管理局")
        assert archive.find("临江区市场监督管理局", 2023).org == "临江区工商行政管理局"
        with pytest.raises(ValueError, match="loop"):
            archive.add_alias("临江区市场监督管理局", "临江区工商行政管理局")
        with pytest.raises(ValueError, match="same"):
            archive.add_alias("临江区 档案局", "临江区档案局")


def test_an_archive_of_this_schema_opens_after_an_upgrade_and_a_newer_one_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "a.sqlite"
    with Archive(path) as archive:
        archive.put(entry())
    version = store.schema_version()
    upgraded = [*store.MIGRATIONS, "ALTER TABLE reports ADD COLUMN reviewer TEXT NOT NULL DEFAULT ''"]
    monkeypatch.setattr(store, "MIGRATIONS", upgraded)  # a later version of the tool
    with Archive(path) as archive:
        assert archive.find("临江区档案局", 2023).document["meta"]["year"] == 2023
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == version + 1
    assert "reviewer" in [r[1] for r in db.execute("PRAGMA table_info(reports)")]
    db.close()
    monkeypatch.setattr(store, "MIGRATIONS", upgraded[:version])  # back to this version of the tool
    with pytest.raises(ArchiveError) as refused:
        Archive(path)
    assert refused.value.finding.code == "archive_newer"
    result = run("archive", "list", "--archive", path)
    assert result.exit_code == 2 and "更新版本" in result.stderr


def test_a_file_that_is_not_an_archive_is_refused(tmp_path):
    other = tmp_path / "other.sqlite"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    (tmp_path / "text.sqlite").write_text("hello")
    for path in (other, tmp_path / "text.sqlite"):
        result = run("archive", "list", "--archive", path)
        assert result.exit_code == 2 and "不是可用的年报档案" in result.stderr


WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from compiler.archive.store import Archive, Entry
    path, who, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for i in range(n):
        with Archive(path) as archive:
            archive.put(Entry(org=f"{{who}}局{{i}}", year=2023, format="2021", status="valid",
                              source=f"{{who}}-{{i}}.xlsx", source_kind="xlsx", document={{"n": i, "pad": "x" * 2000}}))
""")


def test_two_processes_adding_to_one_archive_at_once(tmp_path):
    path = tmp_path / "shared.sqlite"
    script = WRITER.format(root=str(ROOT))
    procs = [subprocess.Popen([sys.executable, "-c", script, str(path), who, "60"], stderr=subprocess.PIPE)
             for who in ("甲", "乙")]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    with Archive(path) as archive:
        names = {e.org for e in archive.entries()}
    assert names == {f"{who}局{i}" for who in ("甲", "乙") for i in range(60)}


# --- compile archive add / list / alias ---------------------------------------------------------

def test_archive_add_list_and_replace_say_what_happened(tmp_path):
    book = write_workbook(tmp_path / "a.xlsx", valid_document("2021", 2023, "临江区档案局"))
    data = tmp_path / "b.json"
    data.write_text(json.dumps(valid_document("2019", 2020, "临江区财政局"), ensure_ascii=False), encoding="utf-8")
    archive = tmp_path / "年报档案.sqlite"
    result = run("archive", "add", book, data, "--archive", archive)
    assert result.exit_code == 0, result.output + result.stderr
    assert "已加入  临江区档案局 2023 年度（2021 格式，通过）← a.xlsx" in result.output
    again = run("archive", "add", book, "--archive", archive)
    assert again.exit_code == 0 and "替换了原记录" in again.output
    listing = run("archive", "list", "--archive", archive)
    lines = listing.output.splitlines()
    assert lines[0].split()[:4] == ["机关名称", "年度", "格式", "状态"]
    assert any(line.split()[:4] == ["临江区档案局", "2023", "2021", "通过"] and "a.xlsx" in line for line in lines)
    assert any(line.split()[:4] == ["临江区财政局", "2020", "2019", "通过"] and "b.json" in line for line in lines)


def test_archive_add_of_a_missing_file_adds_nothing(tmp_path):
    book = write_workbook(tmp_path / "a.xlsx", valid_document("2021", 2023, "临江区档案局"))
    archive = tmp_path / "x.sqlite"
    result = run("archive", "add", book, tmp_path / "nope.xlsx", "--archive", archive)
    assert result.exit_code == 2 and not archive.exists()


def test_archive_alias_command(tmp_path):
    archive = tmp_path / "x.sqlite"
    result = run("archive", "alias", "临江区工商局", "临江区市场监督管理局", "--archive", archive)
    assert result.exit_code == 0 and "更名为" in result.output
    assert run("archive", "alias", "临江区 工商局", "临江区工商局", "--archive", archive).exit_code == 2
    assert "「临江区工商局」→「临江区市场监督管理局」" in run("archive", "list", "--archive", archive).output


# --- --previous: each agency against its own last year -----------------------------------------

@pytest.fixture
def coordinator(tmp_path):
    """An archive with the 2023 reports of two agencies (one under its old name), and an inbox of
    three 2024 workbooks: one carries over correctly, one wrongly, one has no 2023 in the archive."""
    archive = tmp_path / "年报档案.sqlite"
    last = tmp_path / "last"
    last.mkdir()
    write_workbook(last / "文旅局-2023.xlsx", last_year_with_carry("临江区文化和旅游局", 3))
    write_workbook(last / "工商局-2023.xlsx", last_year_with_carry("临江区工商行政管理局", 5))
    assert run("archive", "add", last, "--archive", archive).exit_code == 0
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(inbox / "文旅局.xlsx", this_year_carrying("临江区文化和旅游局", 3))
    write_workbook(inbox / "市场监管局.xlsx", this_year_carrying("临江区市场监督管理局", 4))  # last year: 5
    write_workbook(inbox / "水利局.xlsx", this_year_carrying("临江区水利局", 7))
    return archive, last, inbox, tmp_path


def summary_units(out):
    return {u["org"]: u for u in json.loads((out / "summary.json").read_text(encoding="utf-8"))["units"]}


def test_a_batch_checks_each_agency_against_its_own_last_year(coordinator):
    archive, _, inbox, tmp = coordinator
    out = tmp / "reports"
    result = run(inbox, "-o", out, "--archive", archive, "--jobs", "2")
    units = summary_units(out)
    assert units["临江区文化和旅游局"]["status"] == "valid" and units["临江区文化和旅游局"]["warnings"] == 0
    # no 2023 of its own (its old name is not joined without an alias): one warning, not a false error
    assert units["临江区市场监督管理局"]["status"] == "valid" and units["临江区市场监督管理局"]["warnings"] == 1
    assert units["临江区水利局"]["status"] == "valid" and units["临江区水利局"]["warnings"] == 1
    assert result.exit_code == 0, result.output + result.stderr
    check = run("check", inbox / "水利局.xlsx", "--previous", "archive", "--archive", archive)
    assert "未找到上一年度报告，跨年度检查未进行" in check.output
    # the valid results went into the archive after the run
    with Archive(archive) as opened:
        assert {(e.org, e.year) for e in opened.entries() if e.year == 2024} == {
            ("临江区文化和旅游局", 2024), ("临江区市场监督管理局", 2024), ("临江区水利局", 2024)}


def test_a_renamed_agency_is_checked_against_its_old_name_through_an_alias(coordinator):
    archive, _, inbox, _ = coordinator
    assert run("archive", "alias", "临江区工商行政管理局", "临江区市场监督管理局", "--archive", archive).exit_code == 0
    result = run("check", inbox / "市场监管局.xlsx", "--previous", "archive", "--archive", archive)
    assert result.exit_code == 1
    assert "previous_mismatch" in result.output and "工商局-2023.xlsx" in result.output


def test_a_folder_of_last_years_reports_matches_each_agency(coordinator):
    _, last, inbox, tmp = coordinator
    out = tmp / "reports"
    result = run(inbox, "-o", out, "--previous", last, "--jobs", "2")
    units = summary_units(out)
    assert units["临江区文化和旅游局"]["warnings"] == 0 and units["临江区水利局"]["warnings"] == 1
    assert all(u["status"] == "valid" for u in units.values()), result.output


def test_one_file_as_previous_in_a_batch_checks_only_its_own_agency(coordinator):
    _, last, inbox, tmp = coordinator
    out = tmp / "reports"
    run(inbox, "-o", out, "--previous", last / "文旅局-2023.xlsx")
    units = summary_units(out)
    assert all(u["status"] == "valid" for u in units.values())
    assert units["临江区文化和旅游局"]["warnings"] == 0


def test_an_explicit_previous_of_another_agency_is_an_error_naming_both(coordinator):
    _, last, inbox, _ = coordinator
    result = run("check", inbox / "水利局.xlsx", "--previous", last / "文旅局-2023.xlsx")
    assert result.exit_code == 1
    assert "「临江区文化和旅游局」2023 年度" in result.output and "「临江区水利局」2024 年度" in result.output


@pytest.mark.parametrize("command", [["check"], ["build"]])
def test_a_missing_previous_path_is_a_bad_argument_and_nothing_is_compiled(coordinator, command):
    _, _, inbox, _ = coordinator
    result = run(*command, inbox / "水利局.xlsx", "--previous", inbox / "nope.xlsx")
    assert result.exit_code == 2 and "nope.xlsx 不存在" in result.stderr
    assert not (inbox / "水利局.docx").exists() and "INVALID" not in result.output


def test_previous_archive_without_an_archive_is_a_bad_argument(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    book = write_workbook(tmp_path / "a.xlsx", valid_document())
    result = run("check", book, "--previous", "archive")
    assert result.exit_code == 2 and "年报档案.sqlite 不存在" in result.stderr


def test_published_reports_of_last_year_serve_as_previous(coordinator):
    from compiler.pipeline import compile_workbook

    _, last, inbox, tmp = coordinator
    published = tmp / "published"
    published.mkdir()
    for book in last.iterdir():
        compile_workbook(book, output=published / book.with_suffix(".docx").name)
    wrong = run("check", inbox / "市场监管局.xlsx", "--previous", published)
    assert "未找到上一年度报告" in wrong.output  # its 2023 is under the old name, not joined without an alias
    right = run("check", inbox / "文旅局.xlsx", "--previous", published)
    assert right.exit_code == 0 and "跨年度" not in right.output
    mismatch = run("check", inbox / "文旅局.xlsx", "--previous", published / "工商局-2023.docx")
    assert mismatch.exit_code == 1 and "「临江区工商行政管理局」2023 年度" in mismatch.output


def test_archive_messages_in_english(tmp_path):
    book = write_workbook(tmp_path / "a.xlsx", valid_document("2021", 2023, "临江区档案局"))
    archive = tmp_path / "a.sqlite"
    added = run("archive", "add", book, "--archive", archive, lang="en")
    assert "added  临江区档案局 2023 (2021, valid) ← a.xlsx" in added.output
    listing = run("archive", "list", "--archive", archive, lang="en")
    assert listing.output.splitlines()[0].split()[:3] == ["Organisation", "Year", "Format"]
    missing = run("check", book, "--previous", tmp_path / "nope", lang="en")
    assert missing.exit_code == 2 and "does not exist" in missing.stderr


KILLER = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {root!r})
    from compiler.archive import store
    calls = []
    def dying_clock():
        calls.append(1)
        if len(calls) == 2:  # the second entry of the transaction: the process is killed mid-write
            os.kill(os.getpid(), signal.SIGKILL)
        return "2025-01-01T00:00:00+00:00"
    store._now = dying_clock
    with store.Archive(sys.argv[1]) as archive:
        archive.put_many([store.Entry(org=name, year=2024, format="2021", status="valid", source="x.xlsx",
                                      source_kind="xlsx", document={{}}) for name in ("乙局", "丙局")])
""")


def test_a_process_killed_mid_write_loses_nothing(tmp_path):
    path = tmp_path / "a.sqlite"
    with Archive(path) as archive:
        archive.put(entry("甲局"))
    killed = subprocess.run([sys.executable, "-c", KILLER.format(root=str(ROOT)), str(path)], capture_output=True)
    assert killed.returncode == -9
    with Archive(path) as archive:  # the half-done transaction is rolled back on the next open
        assert [e.org for e in archive.entries()] == ["甲局"]
        archive.put(entry("丁局"))
        assert {e.org for e in archive.entries()} == {"甲局", "丁局"}


def test_archive_list_as_a_grid_of_agencies_and_years(coordinator):
    archive, _, inbox, tmp = coordinator
    run(inbox, "-o", tmp / "reports", "--archive", archive)
    run("archive", "alias", "临江区工商行政管理局", "临江区市场监督管理局", "--archive", archive)
    lines = run("archive", "list", "--grid", "--archive", archive).output.splitlines()
    assert lines[0].split() == ["机关名称", "2023", "2024"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:4]}
    assert rows == {"临江区市场监督管理局": ["通过", "通过"], "临江区文化和旅游局": ["通过", "通过"],
                    "临江区水利局": ["—", "通过"]}


def test_an_alias_whose_old_name_is_not_archived_says_so_with_similar_names(tmp_path):
    archive = tmp_path / "x.sqlite"
    books = tmp_path / "books"
    books.mkdir()
    write_workbook(books / "a.xlsx", valid_document("2021", 2024, "临江区工商行政管理局"))
    assert run("archive", "add", books, "--archive", archive).exit_code == 0
    typo = run("archive", "alias", "临江区工商行政管里局", "临江区市场监督管理局", "--archive", archive)
    assert typo.exit_code == 0  # recorded all the same: the old name's reports may be added later
    assert "档案中还没有「临江区工商行政管里局」名下的报告" in typo.output and "临江区工商行政管理局" in typo.output
    right = run("archive", "alias", "临江区工商行政管理局", "临江区市场监督管理局", "--archive", archive)
    assert right.exit_code == 0 and "还没有" not in right.output
