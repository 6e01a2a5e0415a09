"""The command line's inputs. Whether they make a batch: without importing the batch machinery, which
a single ``compile workbook.xlsx`` never needs (worker processes, the archive, the summary files).
And the list of them that a batch holds for its whole run (``PathList``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import overload

GLOB_CHARS = set("*?[")


def is_batch(args: Iterable[Path]) -> bool:
    """Several inputs, a folder or an unexpanded glob mean a batch; one file keeps the classic compile."""
    args = list(args)
    return len(args) > 1 or any(Path(a).is_dir() or is_glob(a) for a in args)


def is_glob(arg) -> bool:
    return not Path(arg).exists() and bool(GLOB_CHARS & set(str(arg)))


class PathList(Sequence[Path]):
    """Paths kept as text, each made a ``Path`` when asked for. A batch holds its whole list of
    inputs for the whole run, and a ``Path`` costs about 400 bytes (its parts, its interned name):
    2 MB for 5,000 workbooks, where the text costs a quarter of that."""

    def __init__(self, texts: Iterable[str | Path] = ()):
        self._texts = [str(t) for t in texts]

    def __len__(self) -> int:
        return len(self._texts)

    @overload
    def __getitem__(self, index: int) -> Path: ...

    @overload
    def __getitem__(self, index: slice) -> PathList: ...

    def __getitem__(self, index):
        if isinstance(index, slice):
            return PathList(self._texts[index])
        return Path(self._texts[index])

    def __iter__(self):
        return map(Path, self._texts)

    def __repr__(self) -> str:
        return f"PathList({self._texts!r})"
