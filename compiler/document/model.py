"""The data document, where its values came from, and the one way to walk it by path.

A document is plain JSON-able data (what ``--json`` prints and ``schemas/`` describes), the same
whatever it was read from. Beside it, ``sources`` maps each value's JSON pointer to a place a person
can find (a sheet and cell today; a table row and column for a published report), so the checks can
point at the value without knowing what kind of file held it. A reader may also record the place of
a whole part (``/meta``, ``/sections/<id>``): a check that has no value to point at (a section left
empty, a required field never given) names that place instead (``ReadResult.locate``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compiler.formats.definition import Format
from compiler.messages.findings import Finding

# the kinds of narrative block a section holds, in the order the workbook offers them
BLOCK_KINDS = ("heading", "subheading", "paragraph", "summary")


@dataclass(frozen=True)
class MetaField:
    """One of the facts about the report itself (``data["meta"]``)."""

    id: str
    label: str
    required: bool
    hint: str


META_FIELDS = (
    MetaField("org", "机关名称", True, "报告机关的全称，将用于报告标题和落款"),
    MetaField("year", "年度", True, "报告所属年度，如 2024"),
    MetaField("date", "成文日期", False, "报告落款日期，如 2025年1月20日"),
    MetaField("contact", "联系方式", False, "可选：公开工作机构的地址、电话"),
)


@dataclass(frozen=True)
class Source:
    """A place a person can find: ``sheet`` and ``cell`` of a workbook, or for another kind of
    source any two names that say the same (a table and its row/column, a part and a paragraph)."""

    sheet: str
    cell: str
    label: str


@dataclass
class ReadResult:
    format: Format
    data: dict
    sources: dict[str, Source] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    typed_totals: dict[str, object] = field(default_factory=dict)
    # values that could not be read at all (a published report missing a row): None in ``data``
    unread: set[str] = field(default_factory=set)
    year_review: Any = None  # the comparison with last year (review.compare.Review), when one was made
    # the format was chosen explicitly (--format), so a year outside it is a warning, not an error
    format_explicit: bool = False

    def note(self, code: str, pointer: str | None = None, sheet: str = "", cell: str = "", **params) -> None:
        if pointer is not None:
            src = self.sources[pointer]
            sheet, cell = src.sheet, src.cell
            params.setdefault("label", src.label)
        self.findings.append(Finding(code, sheet, cell, params))

    def locate(self, ptr: str) -> Source | None:
        """Where the value at ``ptr`` came from or, when it has no place of its own, where the
        nearest enclosing part did (``/meta/org`` → ``/meta``); None when nothing is known."""
        parts = list(_parts(ptr))
        while True:
            src = self.sources.get(pointer(*parts))
            if src is not None or not parts:
                return src
            parts.pop()

    def place(self, ptr: str) -> tuple[str, str]:
        """``(sheet, cell)`` of ``locate(ptr)``; two empty strings when nothing is known."""
        src = self.locate(ptr)
        return (src.sheet, src.cell) if src else ("", "")


def pointer(*parts) -> str:
    return "/" + "/".join(str(p) for p in parts)


_MISSING: Any = object()


def get_path(document: Any, path: str | tuple | list, default: Any = _MISSING) -> Any:
    """The value at ``path`` (a JSON pointer string or a sequence of keys).

    Without ``default`` a missing key raises KeyError (IndexError for a list); with it, anything
    missing on the way (or a value where a dictionary was expected) gives ``default``."""
    node = document
    for part in _parts(path):
        try:
            node = node[int(part)] if isinstance(node, list) else node[part]
        except (KeyError, IndexError, TypeError, ValueError):
            if default is _MISSING:
                raise
            return default
    return node


def set_path(document: Any, path: str | tuple | list, value: Any, create: bool = False) -> None:
    """Set the value at ``path``; with ``create``, missing dictionaries on the way are made."""
    parts = _parts(path)
    if not parts:
        raise ValueError("set_path needs a non-empty path")
    node = document
    for part in parts[:-1]:
        if isinstance(node, list):
            node = node[int(part)]
        elif create:
            node = node.setdefault(part, {})
        else:
            node = node[part]
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def _parts(path: str | tuple | list) -> list | tuple:
    """The keys of a path. A pointer string is split on ``/`` and its tokens unescaped as JSON
    Pointer says (``~1`` is ``/``, ``~0`` is ``~``); a tuple of keys is taken as it is."""
    if isinstance(path, str):
        stripped = path.strip("/")
        return [p.replace("~1", "/").replace("~0", "~") for p in stripped.split("/")] if stripped else []
    return path if isinstance(path, (tuple, list)) else list(path)
