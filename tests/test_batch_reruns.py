"""A coordinator's batch run again and again: a crashed worker, a corrected workbook, a fixed error —
the outputs always reflect the inbox as it is now."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal

from helpers import valid_document, write_workbook

from compiler.common.parallel import ordered_map
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
