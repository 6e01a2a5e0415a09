"""A JSON Schema compiled into Python checks: is this document valid, yes or no, in a fraction of the time.

Every report is validated against ``schemas/<format>.schema.json``. jsonschema walks the schema for
each value it meets (about 1.5 ms per report, and 80 ms to import), while almost every document
is valid. So the schema is compiled once, here, into nested closures that answer only "valid or
not"; when the answer is "not", ``checks.schema`` asks jsonschema itself for the errors, so every
message is still jsonschema's. The two must agree on every document: a test mutates documents
every way the keywords allow and compares.

Only the keywords our schemas use are compiled, with Draft 2020-12 semantics (``integer`` takes
3.0 but not True; ``minimum`` and ``pattern`` ignore values of other types; ``additionalProperties``
false). A schema with any other keyword is not compiled (``compile_schema`` returns None) and
jsonschema validates everything, as before.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable

from compiler.document.model import get_path

Check = Callable[[object], bool]

ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "$defs", "title", "description", "default", "examples"})
SUPPORTED = ANNOTATIONS | {"type", "properties", "required", "additionalProperties", "items", "enum", "const",
                           "minimum", "pattern", "$ref"}


_MISSING_REF = object()


class _Unsupported(Exception):
    """The schema uses something this compiler does not reproduce exactly."""


def _is_number(value) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
    "number": _is_number,
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool) or isinstance(v, float) and v.is_integer(),
}


def compile_schema(schema: dict) -> Check | None:
    """``check(document) -> bool``, True exactly when jsonschema finds no error; None if not compilable."""
    try:
        return _Compiler(schema).compile(schema)
    except _Unsupported:
        return None


def _essence(schema) -> dict:
    return {k: v for k, v in schema.items() if k not in ANNOTATIONS} if isinstance(schema, dict) else {}


def _with_fast_accept(schema: dict, general: Check) -> Check:
    """A row of a table (an object whose every property is a count: ``integer``, ``minimum`` 0,
    all required, nothing else allowed) is accepted by one test over its values; anything that
    test does not accept is judged by the general check, so the answer is always the general one."""
    essence = _essence(schema)
    properties = essence.get("properties")
    if (essence.get("type") != "object" or not isinstance(properties, dict) or not properties
            or essence.get("additionalProperties") is not False
            or sorted(essence.get("required", [])) != sorted(properties)
            or set(essence) != {"type", "properties", "required", "additionalProperties"}
            or any(_essence(sub) != {"type": "integer", "minimum": 0} for sub in properties.values())):
        return general
    keys = frozenset(properties)

    def check(value) -> bool:
        if (type(value) is dict and len(value) == len(keys) and keys.issuperset(value)
                and all(type(v) is int and v >= 0 for v in value.values())):
            return True
        return general(value)
    return check


class _Compiler:
    def __init__(self, root: dict):
        self.root = root
        self.refs: dict[str, Check] = {}

    def compile(self, schema) -> Check:
        if schema is True:
            return lambda value: True
        if not isinstance(schema, dict) or set(schema) - SUPPORTED:
            raise _Unsupported(schema)
        checks = [c for c in (self._keyword(key, schema) for key in schema if key not in ANNOTATIONS)
                  if c is not None]
        if not checks:
            return lambda value: True
        if len(checks) == 1:
            general = checks[0]
        else:
            first, *rest = checks
            general = lambda value: first(value) and all(check(value) for check in rest)  # noqa: E731
        return _with_fast_accept(schema, general)

    def _keyword(self, key: str, schema: dict) -> Check | None:
        wanted = schema[key]
        if key == "type":
            names = wanted if isinstance(wanted, list) else [wanted]
            if any(n not in _TYPES for n in names):
                raise _Unsupported(wanted)
            tests = [_TYPES[n] for n in names]
            if len(tests) == 1:
                return tests[0]
            return lambda value: any(test(value) for test in tests)
        if key == "properties":
            properties = [(name, self.compile(sub)) for name, sub in wanted.items()]
            return lambda value: not isinstance(value, dict) or all(
                check(value[name]) for name, check in properties if name in value)
        if key == "required":
            required = list(wanted)
            return lambda value: not isinstance(value, dict) or all(name in value for name in required)
        if key == "additionalProperties":
            if wanted is True:
                return None
            if wanted is not False:
                raise _Unsupported(key)
            allowed = frozenset(schema.get("properties", {}))
            return lambda value: not isinstance(value, dict) or allowed.issuperset(value)
        if key == "items":
            item = self.compile(wanted)
            return lambda value: not isinstance(value, list) or all(item(v) for v in value)
        if key in ("enum", "const"):
            options = wanted if key == "enum" else [wanted]
            if not all(isinstance(o, str) for o in options):  # jsonschema's equality rules for the rest
                raise _Unsupported(key)
            strings = frozenset(options)
            return lambda value: isinstance(value, str) and value in strings
        if key == "minimum":
            if not _is_number(wanted):
                raise _Unsupported(key)
            return lambda value: not _is_number(value) or not value < wanted  # NaN passes, as in jsonschema
        if key == "pattern":
            pattern = re.compile(wanted)
            return lambda value: not isinstance(value, str) or pattern.search(value) is not None
        if key == "$ref":
            return self._ref(wanted)
        raise _Unsupported(key)

    def _ref(self, ref: str) -> Check:
        if not ref.startswith("#/"):
            raise _Unsupported(ref)
        if ref not in self.refs:
            parts = tuple(p.replace("~1", "/").replace("~0", "~") for p in ref[2:].split("/"))
            node = get_path(self.root, parts, default=_MISSING_REF)
            if node is _MISSING_REF:
                raise _Unsupported(ref)
            self.refs[ref] = lambda value: True  # a recursive reference sees the finished check below
            compiled = self.compile(node)
            self.refs[ref] = compiled
        refs = self.refs
        return lambda value: refs[ref](value)
