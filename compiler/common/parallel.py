"""Mapping a function over tasks in worker processes, in input order and with bounded memory.

Both the batch and the roll-up need it; it knows nothing of workbooks.

A worker process can die under a task (killed, out of memory, a crash in C code). The standard
pool then fails every task still in it with ``BrokenProcessPool`` and refuses new ones. Here the
pool is restarted instead: tasks that had already finished keep their results, the task at the
head of the queue is run again alone in a fresh process (so a task that kills its worker is found
and reported through ``on_crash``, and one whose worker was killed from outside simply succeeds),
and every other task goes to the new pool.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool


def _pool_context():
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")  # workers inherit the imported compiler: cheap start-up
    return multiprocessing.get_context()


def _pool(jobs: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=jobs, mp_context=_pool_context())


def ordered_map(func: Callable, tasks: Iterable, jobs: int,
                on_crash: Callable[[object, BaseException], object] | None = None) -> Iterator:
    """``func`` over ``tasks`` in ``jobs`` processes, yielding results in task order.

    At most a few tasks per worker are in flight, so memory does not grow with the number of tasks.
    ``jobs == 1`` runs in this process (no pool at all). A task whose worker died (even when run
    again alone) gives ``on_crash(task, exc)`` instead of a result, and the other tasks go on in a
    new pool; without ``on_crash`` the exception propagates.
    """
    if jobs <= 1:
        for task in tasks:
            yield func(task)
        return
    window = jobs * 4
    tasks = iter(tasks)
    pool = _pool(jobs)
    pending: deque[tuple[object, Future]] = deque()

    def submit(task) -> Future:
        try:
            return pool.submit(func, task)
        except BrokenProcessPool as exc:  # broken under an earlier task: run again after the restart
            failed: Future = Future()
            failed.set_exception(exc)
            return failed

    try:
        for task in tasks:
            pending.append((task, submit(task)))
            if len(pending) >= window:
                break
        while pending:
            task, future = pending.popleft()
            try:
                result = future.result()
            except BrokenProcessPool:
                if on_crash is None:
                    raise
                pool.shutdown(wait=True)
                result = _alone(func, task, on_crash)
                pool = _pool(jobs)
                pending = deque((t, f if _finished(f) else submit(t)) for t, f in pending)
            except Exception as exc:  # the task could not be sent or its result not returned
                if on_crash is None:
                    raise
                result = on_crash(task, exc)
            following = next(tasks, None)
            if following is not None:
                pending.append((following, submit(following)))
            yield result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _finished(future: Future) -> bool:
    """Done before the pool broke (with a result or the task's own error): nothing to run again."""
    return future.done() and not future.cancelled() and not isinstance(future.exception(), BrokenProcessPool)


def _alone(func: Callable, task, on_crash: Callable):
    """Run ``task`` again in a process of its own: its own result, or ``on_crash`` if it dies again."""
    with _pool(1) as pool:
        try:
            return pool.submit(func, task).result()
        except Exception as exc:
            return on_crash(task, exc)
