"""ordered_map: worker processes joined by pipes, results in task order, crashes survived."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from concurrent.futures.process import BrokenProcessPool

import pytest

from compiler.common.parallel import ordered_map


def _late_for_even(n: int) -> int:
    time.sleep(0.02 if n % 2 == 0 else 0)  # the other worker finishes first
    return n * 10


def _refuse_five(n: int) -> int:
    if n == 5:
        raise ValueError("five")
    return n


def _die_on_three(n: int) -> int:
    if n == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return n


def _slow(n: int) -> int:
    time.sleep(0.005)
    return n


def test_results_come_back_in_task_order_whichever_worker_finishes_first():
    assert list(ordered_map(_late_for_even, range(20), jobs=2)) == [n * 10 for n in range(20)]


def test_a_task_that_raises_goes_to_on_crash_and_the_others_still_run():
    results = list(ordered_map(_refuse_five, range(8), jobs=2, on_crash=lambda task, exc: f"{task}: {exc}"))
    assert results == [0, 1, 2, 3, 4, "5: five", 6, 7]


def test_without_on_crash_a_task_error_propagates_after_the_results_before_it():
    seen = []
    with pytest.raises(ValueError, match="five"):
        for result in ordered_map(_refuse_five, range(8), jobs=2):
            seen.append(result)
    assert seen == [0, 1, 2, 3, 4]


def test_without_on_crash_a_dead_worker_propagates_as_a_broken_pool():
    with pytest.raises(BrokenProcessPool):
        list(ordered_map(_die_on_three, range(8), jobs=2))


def test_workers_killed_between_tasks_are_replaced():
    results = []
    for n, result in enumerate(ordered_map(_slow, range(40), jobs=2, on_crash=lambda task, exc: "crashed")):
        results.append(result)
        if n in (5, 20):
            for worker in multiprocessing.active_children():
                os.kill(worker.pid, signal.SIGKILL)
    assert results == list(range(40))


def _shout(text: str) -> str:
    return text.upper()


def test_large_tasks_and_results_pass_without_blocking():
    texts = [f"{n}" * 50_000 for n in range(12)]  # each larger than any pipe's buffer
    assert list(ordered_map(_shout, texts, jobs=2)) == [t.upper() for t in texts]


def test_stopping_early_leaves_no_worker_behind():
    results = ordered_map(_slow, range(100), jobs=2)
    assert next(results) == 0
    results.close()
    assert multiprocessing.active_children() == []
