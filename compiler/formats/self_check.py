"""A format file checks itself: first its shape (``format.schema.json``), then what refers to what.

The shape check catches a misspelt key, a section kind or value type that does not exist, a missing
heading. The reference check catches what a schema cannot: a rule, figure, section or cross-year
check that names a table, block, row or column the format does not have; a ``{placeholder}`` that
names no figure or field; a narrative phrase whose regex has no group for the number. Each problem
is given as (place in the resolved document, what is expected); the loader turns the place back
into the file and pointer the author has to edit.
"""

from __future__ import annotations

import json
import re
import string
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when a check runs, not at start-up (a pass is remembered: see ``checked``)
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

SCHEMA_FILE = Path(__file__).parent / "format.schema.json"

Place = tuple
Found = tuple[Place, str]  # where, and what is wrong there


@cache
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    # The schema itself is checked against the metaschema by a test, not at every start (60 ms).
    return Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def _one_of(values) -> str:
    return ", ".join(str(v) for v in values)


def _json_type(value) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "true/false", type(None): "null",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def _explain(error: ValidationError) -> Found:
    """A schema error said as what is expected, at the place it concerns."""
    place = tuple(error.absolute_path)
    kind, schema, instance, wanted = error.validator, error.schema, error.instance, error.validator_value
    if kind == "additionalProperties" and isinstance(instance, dict) and isinstance(schema, dict):
        allowed = list(schema.get("properties", {}))
        extra = [key for key in instance if key not in allowed]
        if len(extra) == 1:
            return place + (extra[0],), f"unknown key {extra[0]!r}; expected one of: {_one_of(allowed)}"
        return place, f"unknown keys {extra}; expected one of: {_one_of(allowed)}"
    if kind == "required" and isinstance(wanted, list) and isinstance(instance, dict):
        absent = [key for key in wanted if key not in instance]
        return place, f"missing key {absent[0]!r} (required here: {_one_of(wanted)})"
    if kind == "enum" and isinstance(wanted, list):
        return place, f"{instance!r} is not allowed; expected one of: {_one_of(wanted)}"
    if kind == "const":
        return place, f"expected {wanted!r}, found {instance!r}"
    if kind == "type":
        expected = wanted if isinstance(wanted, list) else [wanted]
        return place, f"expected {' or '.join(map(str, expected))}, found {_json_type(instance)} {instance!r}"[:200]
    if kind == "propertyNames":
        return place, f"{instance!r} is not allowed as a name here: {error.message}"
    return place, error.message


def shape_problems(raw: object) -> list[Found]:
    """Every way ``raw`` departs from format.schema.json, in document order."""
    errors = sorted(_validator().iter_errors(raw), key=lambda e: [str(p) for p in e.absolute_path])
    return [_explain(e) for e in errors]


# --- references -----------------------------------------------------------------------------

def _leaf_ids(nodes: list) -> list[str]:
    out = []
    for node in nodes:
        if node.get("children"):
            out += _leaf_ids(node["children"])
        elif "id" in node:
            out.append(node["id"])
    return out


def _unknown(kind: str, name: object, known, where: str = "") -> str:
    place = f" in {where}" if where else ""
    return f"unknown {kind} {name!r}{place}; expected one of: {_one_of(known) or '(none)'}"


def _placeholders(template: str) -> list[str] | str:
    """The ``{names}`` in a sentence, or why the sentence cannot be filled in."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as err:
        return f"not a valid sentence template ({err}); write {{name}} for a value, {{{{ }}}} for a brace"
    names = []
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not re.fullmatch(r"\w+", name) or spec or conversion:
            return f"{{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}} " \
                   "is not a plain {name} placeholder"
        names.append(name)
    return names


class _References:
    """Collects what names what in one format, reporting every name that points nowhere."""

    def __init__(self, raw: dict):
        self.raw = raw
        self.tables: dict = raw.get("tables", {})
        self.found: list[Found] = []

    def add(self, place: Place, message: str) -> None:
        self.found.append((place, message))

    def grid_ids(self, table_id: str) -> dict[str, list[str]]:
        table = self.tables[table_id]
        return {"row": _leaf_ids(table.get("rows", [])), "column": _leaf_ids(table.get("columns", []))}

    def block(self, table_id: str, block_id: str) -> dict | None:
        return next((b for b in self.tables[table_id].get("blocks", []) if b["id"] == block_id), None)

    def table(self, place: Place, table_id: str, kind: str | None = None) -> bool:
        """Whether ``table_id`` names a table (of ``kind``, when given); reported where it does not."""
        if table_id not in self.tables:
            self.add(place, _unknown("table", table_id, self.tables))
            return False
        if kind and self.tables[table_id]["kind"] != kind:
            self.add(place, f"table {table_id!r} is a {self.tables[table_id]['kind']} table; expected a {kind} table")
            return False
        return True

    def ids(self, place: Place, names, known, kind: str, where: str) -> None:
        for index, name in enumerate(names):
            if name not in known:
                self.add(place + (index,), _unknown(kind, name, known, where))

    def run(self) -> list[Found]:
        self.unique_ids()
        self.table_rules()
        self.sections()
        self.figures()
        self.text_checks()
        self.summary_sentence()
        self.previous_year_checks()
        return self.found

    def unique_ids(self) -> None:
        for key in ("id", "sheet"):
            seen: set = set()
            for index, section in enumerate(self.raw["sections"]):
                if section[key] in seen:
                    self.add(("sections", index, key), f"{key} {section[key]!r} is used by an earlier section too")
                seen.add(section[key])
        for table_id, table in self.tables.items():
            groups = ({"row": [b["id"] for b in table["blocks"]]} if table["kind"] == "blocks"
                      else self.grid_ids(table_id))
            for axis, names in groups.items():
                repeated = sorted({n for n in names if names.count(n) > 1})
                if repeated:
                    what = "block" if table["kind"] == "blocks" else axis
                    self.add(("tables", table_id), f"{what} id(s) {repeated} used more than once")

    def table_rules(self) -> None:
        """Derived totals and 勾稽 checks name rows (axis "row") or columns (axis "column") of their table."""
        for table_id, table in self.tables.items():
            if table["kind"] != "grid":
                continue
            ids = self.grid_ids(table_id)
            for group, sides in (("derived", ("target", "terms")), ("checks", ("left", "right"))):
                for index, rule in enumerate(table.get(group, [])):
                    here, axis = ("tables", table_id, group, index), rule["axis"]
                    for side in sides:
                        if isinstance(rule[side], str):
                            if rule[side] not in ids[axis]:
                                self.add(here + (side,), _unknown(axis, rule[side], ids[axis], table_id))
                        else:
                            self.ids(here + (side,), rule[side], ids[axis], axis, table_id)

    def sections(self) -> None:
        for index, section in enumerate(self.raw["sections"]):
            if section["kind"] == "table":
                self.table(("sections", index, "table"), section["table"])
            elif "table" in section:
                self.add(("sections", index, "table"), "a narrative section has no table; remove the key")
            if "fields_sentence" in section:
                names = _placeholders(section["fields_sentence"])
                known = [f["id"] for f in section.get("fields", [])]
                if isinstance(names, str):
                    self.add(("sections", index, "fields_sentence"), names)
                else:
                    for name in names:
                        if name not in known:
                            self.add(("sections", index, "fields_sentence"),
                                     f"{{{name}}} names no field of this section; expected one of: "
                                     f"{_one_of(known) or '(no fields)'}")

    def cells(self, place: Place, spec: dict) -> None:
        """A figure's or check's table, block, rows and columns all exist."""
        if not self.table(place + ("table",), spec["table"]):
            return
        table_id = spec["table"]
        if self.tables[table_id]["kind"] == "blocks":
            if "block" not in spec:
                self.add(place, f"table {table_id!r} is made of blocks; expected a key 'block' naming one")
                return
            block = self.block(table_id, spec["block"])
            if block is None:
                known = [b["id"] for b in self.tables[table_id]["blocks"]]
                self.add(place + ("block",), _unknown("block", spec["block"], known, table_id))
                return
            rows, columns = _leaf_ids(block["rows"]), [c["id"] for c in block["columns"]]
            where = f"{table_id}/{spec['block']}"
        else:
            if "block" in spec:
                self.add(place + ("block",), f"table {table_id!r} has no blocks; remove the key")
            ids = self.grid_ids(table_id)
            rows, columns, where = ids["row"], ids["column"], table_id
        self.ids(place + ("rows",), spec["rows"], rows, "row", where)
        self.ids(place + ("columns",), spec["columns"], columns, "column", where)

    def figures(self) -> None:
        for name, spec in self.raw.get("figures", {}).items():
            self.cells(("figures", name), spec)

    def text_checks(self) -> None:
        figures = self.raw.get("figures", {})
        for index, check in enumerate(self.raw.get("text_checks", [])):
            if check["figure"] not in figures:
                self.add(("text_checks", index, "figure"), _unknown("figure", check["figure"], figures))
            try:
                groups = re.compile(check["pattern"]).groups
            except re.error as err:
                self.add(("text_checks", index, "pattern"), f"not a valid regular expression ({err})")
                continue
            if groups < 1:
                self.add(("text_checks", index, "pattern"),
                         "the pattern has no capture group; expected one group (…) around the number, "
                         "e.g. (\\d+|[零〇一二三四五六七八九十百千万两]+)\\s*件 — use (?:…) for other groups")

    def summary_sentence(self) -> None:
        names = _placeholders(self.raw.get("summary_sentence", ""))
        if isinstance(names, str):
            self.add(("summary_sentence",), names)
            return
        figures = self.raw.get("figures", {})
        for name in names:
            if name not in figures:
                self.add(("summary_sentence",), f"{{{name}}} names no figure; expected one of: {_one_of(figures)}")

    def previous_year_checks(self) -> None:
        for index, check in enumerate(self.raw.get("previous_year_checks", [])):
            here: Place = ("previous_year_checks", index)
            if check["kind"] == "equal":
                for side in ("current", "previous"):
                    ref = check[side]
                    if self.table(here + (side, "table"), ref["table"], "grid"):
                        rows = self.grid_ids(ref["table"])["row"]
                        if ref["row"] not in rows:
                            self.add(here + (side, "row"), _unknown("row", ref["row"], rows, ref["table"]))
            elif check["kind"] == "continuity":
                if not self.table(here + ("table",), check["table"], "blocks"):
                    continue
                block = self.block(check["table"], check["block"])
                if block is None:
                    known = [b["id"] for b in self.tables[check["table"]]["blocks"]]
                    self.add(here + ("block",), _unknown("block", check["block"], known, check["table"]))
                    continue
                where = f"{check['table']}/{check['block']}"
                self.ids(here + ("rows",), check["rows"], _leaf_ids(block["rows"]), "row", where)
                columns = [c["id"] for c in block["columns"]]
                for key in ("stock", "added", "removed"):
                    if check[key] not in columns:
                        self.add(here + (key,), _unknown("column", check[key], columns, where))


def reference_problems(raw: dict) -> list[Found]:
    """Every name in a well-shaped format that points at nothing (run after :func:`shape_problems`)."""
    return _References(raw).run()
