"""The user's cache folder: work done once on this machine and reused by every later run.

Only derived data goes here (what a format's self-check concluded, a Word template prepared for
rendering), each entry named by a hash of everything it was derived from, so a changed input
never meets a stale entry. Deleting the folder only makes the next run slower. When there is no
usable folder (a read-only home, a locked-down account) nothing is cached and nothing fails.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

APP = "gov-info-report-compiler"


def cache_root() -> Path:
    """``$XDG_CACHE_HOME`` (or the platform's usual place) / gov-info-report-compiler."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        if sys.platform == "win32":
            base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        elif sys.platform == "darwin":
            base = str(Path.home() / "Library" / "Caches")
        else:
            base = str(Path.home() / ".cache")
    return Path(base) / APP


def read_entry(kind: str, key: str) -> bytes | None:
    try:
        return (cache_root() / kind / key).read_bytes()
    except OSError:
        return None


def has_entry(kind: str, key: str) -> bool:
    try:
        return (cache_root() / kind / key).is_file()
    except OSError:
        return False


def write_entry(kind: str, key: str, data: bytes) -> None:
    """Store an entry atomically (a reader never sees half of one); any failure is ignored."""
    folder = cache_root() / kind
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, folder / key)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass
