"""The data document and where its values came from.

A document is plain JSON-able data (what ``--json`` prints and ``schemas/`` describes), the same
whatever it was read from. Beside it, ``sources`` maps each value's JSON pointer to a place a person
can find (a sheet and cell today; a table row and column for a published report), so the checks can
point at the value without knowing what kind of file held it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compiler.formats.definition import Format
from compiler.messages.findings import Finding


@dataclass(frozen=True)
class Source:
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

    def note(self, code: str, pointer: str | None = None, sheet: str = "", cell: str = "", **params) -> None:
        if pointer is not None:
            src = self.sources[pointer]
            sheet, cell = src.sheet, src.cell
            params.setdefault("label", src.label)
        self.findings.append(Finding(code, sheet, cell, params))


def pointer(*parts) -> str:
    return "/" + "/".join(str(p) for p in parts)


def get_path(document: Any, path: str | tuple | list) -> Any:
    """The value at ``path`` (a JSON pointer string or a sequence of keys); KeyError if absent."""
    node = document
    for part in _parts(path):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def set_path(document: Any, path: str | tuple | list, value: Any, create: bool = False) -> None:
    """Set the value at ``path``; with ``create``, missing dictionaries on the way are made."""
    parts = _parts(path)
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


def _parts(path: str | tuple | list) -> list:
    if isinstance(path, str):
        return [p for p in path.strip("/").split("/")] if path.strip("/") else []
    return list(path)
