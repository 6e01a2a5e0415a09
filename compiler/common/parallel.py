"""Mapping a function over tasks in worker processes, in input order and with bounded memory.

Both the batch and the roll-up need it; it knows nothing of workbooks.

The workers are plain processes, each joined to this one by a pipe: a task goes down as one pickled
message, its result comes back as one. Every worker holds the task it runs and the next one, so it
never waits for this process; a task goes to whichever worker asks first, and results are put back
in task order here. No threads, no queues, no locks: on a machine where the workers and this
process share the cores, every millisecond this process spends per task is taken from a worker.

A worker process can die under a task (killed, out of memory, a crash in C code). Since each worker
runs its tasks in the order it got them, the task it was running is known: that task is run again
alone in a fresh process (so a task that kills its worker is found and reported through
``on_crash``, and one whose worker was killed from outside simply succeeds), the tasks it held next
go to the other workers, and tasks that had already finished keep their results.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator

AHEAD = 2  # tasks a worker holds: the one it runs and the next
WINDOW = 8  # per worker: how far results may run ahead of the oldest task not yet yielded
LARGE = 4 * 1024  # bytes: a larger task goes only to an idle worker, so a send never waits on a busy one (8 KB pipes)


def ordered_map(func: Callable, tasks: Iterable, jobs: int,
                on_crash: Callable[[object, BaseException], object] | None = None) -> Iterator:
    """``func`` over ``tasks`` in ``jobs`` processes, yielding results in task order.

    At most a few tasks per worker are in flight, so memory does not grow with the number of tasks.
    ``jobs == 1`` runs in this process (no workers at all). A task whose worker died (even when run
    again alone) gives ``on_crash(task, exc)`` instead of a result, and so does a task that raised
    or could not be sent or returned; without ``on_crash`` the exception propagates.
    """
    if jobs <= 1:
        for task in tasks:
            yield func(task)
        return
    yield from _Pool(func, jobs, on_crash).map(tasks)


def _context():
    import multiprocessing

    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")  # workers inherit the imported compiler: cheap start-up
    return multiprocessing.get_context()


def _serve(func: Callable, conn, inherited: tuple[int, ...] = ()) -> None:
    """A worker: tasks in, results out, until this process's end of the pipe closes.

    A forked worker starts with copies of the other ends of its own pipe and of its siblings'
    pipes (``inherited``): closed at once, so that a pipe closes when its two owners let go."""
    for fd in inherited:
        try:
            os.close(fd)
        except OSError:
            pass
    _keep_freed_heap()
    while True:
        try:
            payload = conn.recv_bytes()
        except (EOFError, OSError):
            return
        try:
            reply = (True, func(pickle.loads(payload)))  # noqa: S301 - our own process sent it
        except Exception as exc:  # noqa: BLE001 - the task's own failure goes back with it
            reply = (False, exc)
        try:
            data = pickle.dumps(reply, pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - a result that cannot be sent back
            data = pickle.dumps((False, _sendable(exc)), pickle.HIGHEST_PROTOCOL)
        try:
            conn.send_bytes(data)
        except OSError:  # no one is listening any more (the run stopped early)
            return


KEEP_FREED_HEAP = 64 * 1024 * 1024  # bytes of freed memory at the top of a worker's heap it keeps for the next task
_M_TRIM_THRESHOLD = -1  # glibc's mallopt parameter


def _keep_freed_heap() -> None:
    """The C library gives the top of the heap back to the system as soon as 128 KB of it are free;
    a worker running one task after another then takes the same memory back page by page (about 80
    page faults and 0.2 ms of system time per report, measured). A worker keeps it instead. The
    process that hands out the tasks is left as it is; anything but glibc is left alone."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (ImportError, OSError, AttributeError):
        return
    mallopt(_M_TRIM_THRESHOLD, KEEP_FREED_HEAP)


def _sendable(exc: BaseException) -> BaseException:
    try:
        pickle.dumps(exc)
        return exc
    except Exception:  # noqa: BLE001
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def _died() -> BaseException:
    from concurrent.futures.process import BrokenProcessPool

    return BrokenProcessPool("a worker process died under this task")


class _Worker:
    def __init__(self, context, func: Callable, siblings: Iterable[_Worker] = ()):
        self.conn, child_end = context.Pipe()
        inherited = ((self.conn.fileno(), *(w.conn.fileno() for w in siblings if not w.conn.closed))
                     if context.get_start_method() == "fork" else ())
        self.process = context.Process(target=_serve, args=(func, child_end, inherited))
        self.process.start()
        child_end.close()  # only the worker holds it now: its death closes the pipe
        self.held: deque[int] = deque()  # the tasks sent, in the order the worker runs them
        self.alone = False  # running one task again after a crash, with nothing else given

    def room(self) -> bool:
        return not self.held if self.alone else len(self.held) < AHEAD

    def send(self, index: int, payload: bytes) -> None:
        self.conn.send_bytes(payload)
        self.held.append(index)

    def stop(self) -> None:
        self.conn.close()  # the worker finishes its task, finds the pipe closed and ends
        self.process.join()


class _Pool:
    def __init__(self, func: Callable, jobs: int, on_crash: Callable | None):
        self.func, self.jobs, self.on_crash = func, jobs, on_crash
        self.context = _context()

    def map(self, tasks: Iterable) -> Iterator:
        from multiprocessing.connection import wait

        source = iter(tasks)
        given: dict[int, object] = {}  # index → task, from its sending until its result is yielded
        payloads: dict[int, bytes] = {}  # index → pickled task, until its result comes back
        finished: dict[int, tuple[bool, object]] = {}  # index → (ok, result or exception)
        unsent: deque[int] = deque()  # tasks to send (again, after a crash: oldest first)
        taken = head = 0
        exhausted = False
        workers: list[_Worker] = []

        def take() -> int | None:
            nonlocal taken, exhausted
            if unsent:
                return unsent.popleft()
            while not exhausted and taken < head + self.jobs * WINDOW:
                try:
                    task = next(source)
                except StopIteration:
                    exhausted = True
                    break
                index, taken = taken, taken + 1
                given[index] = task
                try:
                    payloads[index] = pickle.dumps(task, pickle.HIGHEST_PROTOCOL)
                except Exception as exc:  # noqa: BLE001 - the task cannot be sent: its own failure
                    finished[index] = (False, exc)
                    continue
                return index
            return None

        def dispatch() -> None:
            sent = True
            while sent:  # one task per worker and round, so neighbouring tasks run side by side
                sent = False
                for worker in workers:
                    if not worker.room():
                        continue
                    index = take()
                    if index is None:
                        return
                    if worker.held and len(payloads[index]) > LARGE:
                        unsent.appendleft(index)
                        continue
                    try:
                        worker.send(index, payloads[index])
                    except OSError:  # it died idle: the task waits for the replacement
                        unsent.appendleft(index)
                        lost(worker)
                        continue
                    sent = True

        def lost(worker: _Worker) -> None:
            """A worker died: its task is run again alone, the ones it held next go to the others."""
            culprit = worker.held.popleft() if worker.held else None
            rest = list(worker.held)
            worker.held.clear()
            worker.stop()
            replacement = _Worker(self.context, self.func, [w for w in workers if w is not worker])
            workers[workers.index(worker)] = replacement
            unsent.extendleft(reversed(rest))
            if culprit is None:
                return
            if worker.alone or self.on_crash is None:
                finished[culprit] = (False, _died())
                payloads.pop(culprit, None)
            else:
                replacement.alone = True
                replacement.send(culprit, payloads[culprit])

        def receive(worker: _Worker, ended: bool) -> None:
            while worker.held and worker.conn.poll():
                try:
                    data = worker.conn.recv_bytes()
                except (EOFError, OSError):  # the worker is gone (what it sent before is read above)
                    lost(worker)
                    return
                index = worker.held.popleft()
                finished[index] = pickle.loads(data)  # noqa: S301 - our own worker sent it
                payloads.pop(index, None)
                worker.alone = False
            if ended:  # the process is gone and everything it sent has been read
                lost(worker)

        try:
            for _ in range(self.jobs):
                workers.append(_Worker(self.context, self.func, workers))
            while True:
                dispatch()
                while head in finished:
                    ok, value = finished.pop(head)
                    task = given.pop(head)
                    head += 1
                    if not ok:
                        if self.on_crash is None:
                            raise value  # type: ignore[misc]
                        value = self.on_crash(task, value)
                    yield value
                    dispatch()
                if exhausted and not unsent and head == taken:
                    return
                busy = [w for w in workers if w.held]
                if not busy:
                    raise RuntimeError("ordered_map: tasks left but none in flight")
                ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
                for worker in busy:
                    if worker.conn in ready or worker.process.sentinel in ready:
                        receive(worker, worker.process.sentinel in ready)
        finally:
            for worker in workers:
                worker.stop()

