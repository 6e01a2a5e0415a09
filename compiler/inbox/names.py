"""File names made from what agencies typed (机关名称, 年度): safe on every file system.

A name comes out as one path component: no separators, no ``..``, no characters Windows refuses
(``:*?"<>|``), no control characters, no reserved device names (CON, NUL, COM1 …), no leading or
trailing dots and spaces, and at most ``MAX_NAME_BYTES`` bytes of UTF-8, cut at a character boundary.
``inside`` is the last check before writing: the final path must resolve inside the output folder.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from pathlib import Path

MAX_NAME_BYTES = 150  # leaves room for "-2", "-错误报告.txt" and the like within the usual 255-byte limit
FALLBACK = "未命名"

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
_DOTS = re.compile(r"\.{2,}")
_SPACES = re.compile(r"\s+")
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
             *(f"COM{i}" for i in "123456789¹²³"), *(f"LPT{i}" for i in "123456789¹²³")}


def safe_component(text: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """``text`` as a single, portable file-name component (never empty)."""
    name = unicodedata.normalize("NFC", str(text or ""))
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    name = _UNSAFE.sub("_", name)
    name = _DOTS.sub(".", name)
    name = _SPACES.sub(" ", name).strip(" .")
    name = _truncate(name, max_bytes).strip(" .")
    if not name:
        return FALLBACK
    if name.split(".")[0].strip().upper() in _RESERVED:
        name = "_" + name
    return name


def _truncate(text: str, max_bytes: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", errors="ignore")


def report_base(org: str | None, year, fallback: str) -> str:
    """The base name of a unit's outputs: 机关名称-年度, or the workbook's own name when they are blank."""
    org = (org or "").strip()
    if not org:
        return safe_component(fallback)
    if isinstance(year, int):  # the year survives truncation of a very long name
        return safe_component(org, MAX_NAME_BYTES - len(f"-{year}")) + f"-{year}"
    return safe_component(org)


def inside(folder: Path, name: str) -> Path:
    """``folder / name``, refusing anything that would land elsewhere."""
    folder = Path(folder).resolve()
    target = (folder / name).resolve()
    if target.parent != folder:
        raise ValueError(f"unsafe output name {name!r}")
    return target


class OutputFolder:
    """An output folder resolved once, for the many names of a run: ``inside`` without resolving
    the folder again for each name. A name that is one plain component and not a symbolic link
    lands in the folder by construction; anything else (a link, a separator, ``..``) gets the full
    check of ``inside``, with the same result."""

    def __init__(self, folder: Path):
        self.path = Path(folder).resolve()

    def inside(self, name: str) -> Path:
        if name not in ("", ".", "..") and not any(ch in name for ch in _SEPARATORS):
            target = self.path / name
            try:
                if not stat.S_ISLNK(os.lstat(target).st_mode):
                    return target
            except FileNotFoundError:
                return target
            except OSError:
                pass  # unreadable: the full check says what it is
        return inside(self.path, name)


_SEPARATORS = {"\x00", os.sep, *([os.altsep] if os.altsep else [])}


class NameClaims:
    """Names handed out during one run; a second unit with the same base gets ``-2``, ``-3`` …

    Comparison ignores case (Windows and macOS file systems do), so two names never land on one file.
    """

    def __init__(self):
        self._taken: set[str] = set()

    def take(self, names) -> None:
        """Names already in use by this run (the kept outputs of an unchanged workbook)."""
        self._taken |= {n.casefold() for n in names}

    def claim(self, base: str, suffixes: tuple[str, ...]) -> str:
        n = 1
        while True:
            candidate = base if n == 1 else f"{base}-{n}"
            keys = {(candidate + s).casefold() for s in suffixes}
            if not keys & self._taken:
                self._taken |= keys
                return candidate
            n += 1
