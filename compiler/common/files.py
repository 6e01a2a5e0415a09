"""Writing outputs atomically: a reader never sees a half-written report, and a failure keeps the old one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it into place: never a half-written file."""
    def write(fd: int) -> None:
        view = memoryview(data)
        while view:  # os.write: no file object (and its terminal check and seek) for one write
            view = view[os.write(fd, view):]

    _write_beside(Path(path), write)


def write_atomic_streamed(path: Path, chunks: Iterable[bytes]) -> None:
    """``write_atomic`` for content made piece by piece (the batch's summary files, written from
    their spool so that memory does not grow with the inbox); the pieces are buffered."""
    def write(fd: int) -> None:
        with open(fd, "wb", closefd=False) as fh:
            for chunk in chunks:
                fh.write(chunk)

    _write_beside(Path(path), write)


def _write_beside(path: Path, write: Callable[[int], None]) -> None:
    """A temporary file beside ``path`` (its folder made only when missing), filled by ``write``,
    given the permissions of any other new file and renamed into place; removed on any failure."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        try:
            write(fd)
        finally:
            os.close(fd)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; an output should look like any other file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
