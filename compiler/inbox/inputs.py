"""Whether the command line's inputs make a batch: without importing the batch machinery, which a
single ``compile workbook.xlsx`` never needs (worker processes, the archive, the summary files)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

GLOB_CHARS = set("*?[")


def is_batch(args: Iterable[Path]) -> bool:
    """Several inputs, a folder or an unexpanded glob mean a batch; one file keeps the classic compile."""
    args = list(args)
    return len(args) > 1 or any(Path(a).is_dir() or is_glob(a) for a in args)


def is_glob(arg) -> bool:
    return not Path(arg).exists() and bool(GLOB_CHARS & set(str(arg)))
