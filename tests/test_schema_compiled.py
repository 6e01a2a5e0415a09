"""The compiled schema check says "valid" exactly when jsonschema finds no error."""

from __future__ import annotations

import copy
import json
import random

import pytest
from helpers import SAMPLE_2021, SEED_WORKBOOK, valid_document
from jsonschema import Draft202012Validator

from compiler.checks.schema import compiled_check, schema_of, validate
from compiler.checks.schema_compiled import compile_schema
from compiler.document.load import load_document

REPLACEMENTS = [-1, -0.5, 0, 1.5, 3.0, True, False, None, "12", "", float("nan"), [], {}, "2024-1-1",
                "paragraph", "heading", {"kind": "paragraph", "text": "x"}, {"kind": "bogus", "text": "x"}]


def _places(node, path=()):
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _places(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _places(value, (*path, i))


def _mutated(document: dict, rng: random.Random):
    """The document changed at one place: a value replaced, a key removed, a key added."""
    places = [p for p in _places(document) if p]
    for _ in range(400):
        doc = copy.deepcopy(document)
        place = rng.choice(places)
        parent = doc
        for key in place[:-1]:
            parent = parent[key]
        how = rng.random()
        if how < 0.75:
            parent[place[-1]] = copy.deepcopy(rng.choice(REPLACEMENTS))
        elif how < 0.9 and isinstance(parent, dict):
            del parent[place[-1]]
        elif isinstance(parent, dict):
            parent["extra"] = 1
        elif isinstance(parent, list):
            parent.append(copy.deepcopy(rng.choice(REPLACEMENTS)))
        yield doc


@pytest.mark.parametrize("source", [SAMPLE_2021, SEED_WORKBOOK], ids=["2021", "2019"])
def test_the_compiled_check_agrees_with_jsonschema_on_every_mutation(source):
    document = load_document(source).data
    schema = schema_of(document["format"])
    check, reference = compile_schema(schema), Draft202012Validator(schema)
    assert check is not None
    assert check(document) and not list(reference.iter_errors(document))
    disagreements, invalid = [], 0
    for doc in _mutated(document, random.Random(15)):  # noqa: S311 - reproducible test data
        expected = not list(reference.iter_errors(doc))
        invalid += not expected
        if check(doc) != expected:
            disagreements.append(json.dumps(doc, ensure_ascii=False, default=str)[:200])
    assert not disagreements
    assert invalid > 200  # the mutations really exercise the failing side


def test_numbers_follow_draft_2020_12():
    check = compile_schema({"type": "object", "properties": {
        "n": {"type": "integer", "minimum": 0}, "a": {"type": ["number", "null"], "minimum": 0}}})
    assert check is not None
    assert check({"n": 3.0, "a": None}) and check({"n": 0, "a": 1.25}) and check({"a": float("nan")})
    assert not check({"n": True}) and not check({"n": 1.5}) and not check({"n": -1}) and not check({"a": "1"})


def test_a_schema_with_other_keywords_is_left_to_jsonschema():
    assert compile_schema({"type": "object", "oneOf": [{"required": ["a"]}, {"required": ["b"]}]}) is None
    assert compile_schema({"enum": [1, 2]}) is None  # jsonschema's equality rules for numbers


def test_the_shipped_schemas_compile():
    for format_id in ("2019", "2021"):
        assert compiled_check(format_id) is not None


def test_an_invalid_document_still_gets_jsonschemas_findings():
    doc = valid_document()
    doc["meta"]["date"] = "2025-1-5"
    doc["tables"]["review"]["cases"][next(iter(doc["tables"]["review"]["cases"]))] = -2
    findings = validate(doc, {})
    details = " ".join(str(f.params) for f in findings)
    assert "does not match" in details and "is less than the minimum of 0" in details
