"""Mapping a function over tasks in worker processes, in input order and with bounded memory.

Both the batch and the roll-up need it; it knows nothing of workbooks.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor


def _pool_context():
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")  # workers inherit the imported compiler: cheap start-up
    return multiprocessing.get_context()


def ordered_map(func: Callable, tasks: Iterable, jobs: int,
                on_crash: Callable[[object, BaseException], object] | None = None) -> Iterator:
    """``func`` over ``tasks`` in ``jobs`` processes, yielding results in task order.

    At most a few tasks per worker are in flight, so memory does not grow with the number of tasks.
    ``jobs == 1`` runs in this process (no pool at all). A task whose worker died gives
    ``on_crash(task, exc)`` instead of a result (without ``on_crash`` the exception propagates).
    """
    if jobs <= 1:
        for task in tasks:
            yield func(task)
        return
    window = jobs * 4
    tasks = iter(tasks)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=_pool_context()) as pool:
        pending: deque = deque()
        for task in tasks:
            pending.append((task, pool.submit(func, task)))
            if len(pending) >= window:
                break
        while pending:
            task, future = pending.popleft()
            try:
                result = future.result()
            except Exception as exc:  # a worker died (e.g. killed); report this task, keep going
                if on_crash is None:
                    raise
                result = on_crash(task, exc)
            following = next(tasks, None)
            if following is not None:
                pending.append((following, pool.submit(func, following)))
            yield result
