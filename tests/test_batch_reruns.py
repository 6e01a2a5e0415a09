"""A coordinator's batch run again and again: a crashed worker, a corrected workbook, a fixed error —
the outputs always reflect the inbox as it is now."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import signal
from pathlib import Path

from helpers import tables, valid_document, write_workbook

from compiler.common.parallel import ordered_map
from compiler.document.blank import with_values
from compiler.inbox.batch import run_batch


def _double_or_die(n: int) -> int:
    if n == 3:
        os.kill(os.getpid(), signal.SIGKILL)  # a worker that dies under this task, every time
    return n * 2


def test_a_task_that_kills_its_worker_is_reported_and_the_others_still_run():
    crashed = []
    results = list(ordered_map(_double_or_die, range(12), jobs=2,
                               on_crash=lambda task, exc: crashed.append(task) or "crashed"))
    assert results == [0, 2, 4, "crashed", *[n * 2 for n in range(4, 12)]]
    assert crashed == [3]


def test_a_batch_survives_a_worker_killed_mid_run(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    sources = [write_workbook(inbox / f"{i}.xlsx", valid_document("2021", 2024, f"临江区第{i}局")) for i in range(8)]
    killed = []

    def kill_a_worker(row, done, total):
        if not killed:
            worker = multiprocessing.active_children()[0]
            os.kill(worker.pid, signal.SIGKILL)
            killed.append(worker.pid)

    outcome = run_batch(sources, out, jobs=2, on_row=kill_a_worker)
    assert killed
    assert [r.status for r in outcome.rows] == ["valid"] * 8  # every workbook compiled, in order
    assert sorted(p.name for p in out.glob("*.docx")) == sorted(f"临江区第{i}局-2024.docx" for i in range(8))
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["valid"] == 8 and (out / "summary.csv").exists()


def test_a_workbook_whose_worker_dies_is_one_internal_error_row():
    from concurrent.futures.process import BrokenProcessPool

    from compiler.inbox.batch import CompileTask, Options, _crashed

    row = _crashed(CompileTask(4, "inbox/局.xlsx", "", Options(), "zh"), BrokenProcessPool("gone"))
    assert (row.index, row.status, row.errors) == (4, "failed", 1)
    assert row.message.startswith("内部错误（BrokenProcessPool）")


# --- re-running after a fix -----------------------------------------------------------------------

def _units(out):
    return {Path(u["source"]).name: u for u in json.loads((out / "summary.json").read_text(encoding="utf-8"))["units"]}


def _listing(out):
    return sorted(p.name for p in out.iterdir())


def test_a_rerun_reflects_the_inbox_as_it_is_now(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    a, b = inbox / "a.xlsx", inbox / "b.xlsx"
    bad = with_values(valid_document("2021", 2024, "临江区档案局"), "requests", {"new": {"natural": 5}})
    write_workbook(a, bad)
    write_workbook(b, valid_document("2021", 2024, "临江区财政局"))
    sources = [a, b]

    first = run_batch(sources, out, jobs=1)
    assert [r.status for r in first.rows] == ["invalid", "valid"]
    assert _listing(out) == ["summary.csv", "summary.json", "临江区档案局-2024-错误报告.txt", "临江区财政局-2024.docx"]
    assert _units(out)["a.xlsx"]["sha256"] == hashlib.sha256(a.read_bytes()).hexdigest()

    # the agency sends a corrected a.xlsx: its error report goes, its report comes
    write_workbook(a, valid_document("2021", 2024, "临江区档案局"))
    kept = (out / "临江区财政局-2024.docx").stat().st_mtime_ns
    second = run_batch(sources, out, jobs=1)
    assert [(r.status, r.reused) for r in second.rows] == [("valid", False), ("valid", True)]
    assert _listing(out) == ["summary.csv", "summary.json", "临江区档案局-2024.docx", "临江区财政局-2024.docx"]
    assert (out / "临江区财政局-2024.docx").stat().st_mtime_ns == kept  # unchanged: not compiled again
    assert "未改动" in (out / "summary.csv").read_text(encoding="utf-8-sig")

    # b.xlsx changes: its report is replaced, not skipped with stale figures
    changed = with_values(valid_document("2021", 2024, "临江区财政局"), "requests",
                          {"new": {"natural": 7}, "disclosed": {"natural": 7}})
    write_workbook(b, changed)
    third = run_batch(sources, out, jobs=1)
    assert [(r.status, r.reused) for r in third.rows] == [("valid", True), ("valid", False)]
    figures = [c["text"] for row in tables(out / "临江区财政局-2024.docx")[1] for c in row]
    assert "7" in figures

    # a.xlsx breaks again: the report with its old figures goes, the error report is back
    write_workbook(a, bad)
    fourth = run_batch(sources, out, jobs=1)
    assert [r.status for r in fourth.rows] == ["invalid", "valid"]
    assert _listing(out) == ["summary.csv", "summary.json", "临江区档案局-2024-错误报告.txt", "临江区财政局-2024.docx"]

    # --force rebuilds everything
    forced = run_batch(sources, out, jobs=1, force=True)
    assert [r.reused for r in forced.rows] == [False, False]


def test_other_options_rebuild_what_an_earlier_run_wrote(tmp_path):
    from compiler.pipeline import Options

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    book = write_workbook(inbox / "a.xlsx", valid_document("2021", 2024, "临江区档案局"))
    run_batch([book], out, jobs=1)
    again = run_batch([book], out, Options(outputs=("json",)), jobs=1)
    assert not again.rows[0].reused
    assert (out / "临江区档案局-2024.json").exists()


def test_a_file_the_last_run_did_not_write_is_still_not_overwritten(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    out.mkdir()
    book = write_workbook(inbox / "a.xlsx", valid_document("2021", 2024, "临江区档案局"))
    (out / "临江区档案局-2024.docx").write_bytes(b"someone else's")
    row = run_batch([book], out, jobs=1).rows[0]
    assert row.status == "skipped"
    assert (out / "临江区档案局-2024.docx").read_bytes() == b"someone else's"


# --- the error report the coordinator e-mails to the agency ------------------------------------------

def test_the_error_report_is_written_for_a_clerk(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    book = write_workbook(inbox / "a.xlsx", with_values(valid_document("2021", 2024, "临江区档案局"),
                                                        "requests", {"new": {"natural": 5}}))
    run_batch([book], out, jobs=1)
    text = (out / "临江区档案局-2024-错误报告.txt").read_text(encoding="utf-8-sig")
    assert "INVALID" not in text and "VALID" not in text
    assert "错误:" not in text and "balance" not in text
    assert str(tmp_path) not in text and "a.xlsx" in text
    assert "依申请公开  D31" in text and "勾稽关系不成立" in text
    assert "黄色单元格" in text


def test_an_unusable_file_gets_advice_that_fits(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    old = inbox / "旧表.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048)
    run_batch([old], out, jobs=1)
    text = (out / "旧表-错误报告.txt").read_text(encoding="utf-8-sig")
    assert "另存为 .xlsx" in text.splitlines()[-1]
    assert "黄色单元格" not in text
    assert str(tmp_path) not in text and "「旧表.xls」是旧版 Excel" in text
    assert "file_xls" not in text and "UNUSABLE" not in text
