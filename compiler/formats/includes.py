"""Reading a format file with its ``$include`` references resolved.

The two official formats repeat whole blocks verbatim (table 四, table 三's columns and checks, the
narrative phrases, the summary sentence). Each such block lives once in ``shared/*.json`` and a
format file points at it:

- ``{"$include": "shared/review-table.json"}`` — the object (or any value) is replaced by that file's
  content; ``"shared/x.json#/a/b"`` picks a part of it by JSON Pointer.
- ``{"$include": "…", "rows": […]}`` — an included *object* plus keys of its own; a key may not be both
  included and written here (one source of truth).
- an array item ``{"$include": "…"}`` whose target is an array is spliced in place, so a format can
  add items of its own before or after the shared ones.

Paths are relative to the file that holds the reference and must stay inside the formats folder.
The result keeps, for every place in it, where it came from (file and pointer), so a mistake found
later is reported in the file the author has to edit.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NoReturn, cast

from compiler.formats.problems import FormatDefinitionError, Problem, json_pointer

INCLUDE = "$include"

Place = tuple  # a place inside a JSON document: its keys and indexes, from the root


class Origins(dict):
    """Resolved place → (file, place in that file, note). Looks up the nearest recorded ancestor."""

    def problem(self, place: Place, message: str) -> Problem:
        for cut in range(len(place), -1, -1):
            if place[:cut] in self:
                file, source, note = self[place[:cut]]
                return Problem(file, json_pointer(source + tuple(place[cut:])), message, note)
        raise AssertionError("the root of a document always has an origin")


def read_json(file: Path) -> object:
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise FormatDefinitionError([Problem(file, f"line {err.lineno} column {err.colno}",
                                             f"not valid JSON ({err.msg})")]) from None
    except (OSError, UnicodeDecodeError) as err:
        raise FormatDefinitionError([Problem(file, "/", f"cannot be read ({err})")]) from None


def resolve_file(file: Path, root: Path) -> tuple[object, Origins]:
    """The document in ``file`` with every ``$include`` replaced, and where each part came from."""
    origins = Origins()
    resolver = _Resolver(root.resolve(), origins)
    value = resolver.value(read_json(file), file, (), (), note="", chain=(file.resolve(),))
    return value, origins


class _Resolver:
    def __init__(self, root: Path, origins: Origins):
        self.root = root
        self.origins = origins
        self.cache: dict[Path, object] = {}

    def fail(self, file: Path, source: Place, message: str) -> NoReturn:
        raise FormatDefinitionError([Problem(file, json_pointer(source), message)])

    def target(self, ref: object, file: Path, source: Place, chain: tuple[Path, ...]):
        """What ``ref`` (written at ``source`` in ``file``) points at: (file, place, raw value)."""
        where = source + (INCLUDE,)
        if not isinstance(ref, str) or not ref:
            raise FormatDefinitionError([Problem(file, json_pointer(where),
                                                 'expected a relative file name such as "shared/review-table.json"')])
        name, _, fragment = ref.partition("#")
        target = (file.parent / name).resolve()
        if not target.is_relative_to(self.root):
            self.fail(file, where, f"{ref!r} points outside the formats folder {self.root}")
        if not target.is_file():
            self.fail(file, where, f"no such file {name!r} (looked for {target})")
        if target in chain:
            self.fail(file, where, f"{ref!r} includes itself (through {' → '.join(p.name for p in chain)})")
        if target not in self.cache:
            self.cache[target] = read_json(target)
        if fragment and not fragment.startswith("/"):
            self.fail(file, where, f"the part after # must be a JSON Pointer such as #/columns, not #{fragment}")
        value, place = self.cache[target], cast(Place, ())
        for token in fragment.split("/")[1:] if fragment else ():
            key = token.replace("~1", "/").replace("~0", "~")
            if isinstance(value, dict) and key in value:
                value, place = value[key], place + (key,)
            elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
                value, place = value[int(key)], place + (int(key),)
            else:
                self.fail(file, where, f"{name} has nothing at #{fragment}")
        return target, place, value

    def value(self, raw, file: Path, source: Place, place: Place, note: str, chain: tuple[Path, ...]):
        self.origins[place] = (file, source, note)
        if isinstance(raw, list):
            return self.items(raw, file, source, place, note, chain)
        if not isinstance(raw, dict):
            return raw
        if INCLUDE not in raw:
            return {k: self.value(v, file, source + (k,), place + (k,), note, chain) for k, v in raw.items()}
        target_file, target_place, target_raw = self.target(raw[INCLUDE], file, source, chain)
        here = f"included at {file.name} {json_pointer(source)}"
        resolved = self.value(target_raw, target_file, target_place, place, here, chain + (target_file,))
        own = {k: v for k, v in raw.items() if k != INCLUDE}
        if own and not isinstance(resolved, dict):
            self.fail(file, source, f"keys {sorted(own)} beside {INCLUDE}, but {raw[INCLUDE]!r} is not an object")
        for key, item in own.items():
            if key in resolved:
                self.fail(file, source + (key,),
                          f"{key!r} is already included from {raw[INCLUDE]!r}; write it in one place only")
            resolved[key] = self.value(item, file, source + (key,), place + (key,), note, chain)
        return resolved

    def items(self, raw: list, file: Path, source: Place, place: Place, note: str, chain):
        out: list = []
        for index, item in enumerate(raw):
            if isinstance(item, dict) and set(item) == {INCLUDE}:
                target_file, target_place, target_raw = self.target(item[INCLUDE], file, source + (index,), chain)
                if isinstance(target_raw, list):  # splice the shared items in place
                    here = f"included at {file.name} {json_pointer(source + (index,))}"
                    for offset, shared in enumerate(target_raw):
                        out.append(self.value(shared, target_file, target_place + (offset,), place + (len(out),),
                                              here, chain + (target_file,)))
                    continue
            out.append(self.value(item, file, source + (index,), place + (len(out),), note, chain))
        return out
