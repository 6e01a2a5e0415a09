"""JSON Schema (Draft 2020-12) of the data document, generated from a format definition.

``schemas/<format>.schema.json`` are these schemas written out (``python -m compiler.checks.schema``);
a test keeps the files equal to what this module generates, so they cannot drift.

Each schema is read once per process and compiled (``schema_compiled``) into a check that says
whether a document is valid; only a document that is not is handed to jsonschema for the errors,
so a valid report neither imports jsonschema nor walks the schema with it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from compiler.checks.schema_compiled import Check, compile_schema
from compiler.common.resources import schemas_dir
from compiler.document.model import BLOCK_KINDS
from compiler.formats.definition import Format, ValueSpec, all_formats, get_format
from compiler.messages.findings import Finding

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator


def _value(spec: ValueSpec, nullable: bool = False) -> dict:
    if spec.type == "amount":
        schema = {"type": "number", "minimum": 0}
    elif spec.type == "signed_count":
        schema = {"type": "integer"}
    else:
        schema = {"type": "integer", "minimum": 0}
    if spec.unit:
        schema["description"] = f"单位：{spec.unit}"
    if nullable:
        schema["type"] = [schema["type"], "null"]
    return schema


def _object(properties: dict) -> dict:
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


def build_schema(fmt: Format) -> dict:
    tables = {}
    for table in fmt.tables.values():
        if table.kind == "blocks":
            tables[table.id] = _object({
                block.id: _object({
                    row.id: _object({col.id: _value(col.spec) for col in block.columns}) for row in block.rows
                })
                for block in table.blocks
            })
        else:
            cell = _value(table.value_spec)
            tables[table.id] = _object({
                row.id: _object({col.id: cell for col in table.column_leaves()}) for row in table.row_leaves()
            })
    block = _object({
        "kind": {"enum": list(BLOCK_KINDS)},
        "text": {"type": "string"},
    })
    sections = _object({s.id: {"type": "array", "items": {"$ref": "#/$defs/block"}} for s in fmt.narrative_sections()})
    fields = _object({f.id: _value(f.spec, nullable=True) for s in fmt.sections for f in s.fields})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:gov-info-annual-report:format:{fmt.id}",
        "title": f"{fmt.name} — 数据文档",
        "description": f"{fmt.source}；适用于 {fmt.years_label} 年度的报告。",
        "type": "object",
        "properties": {
            "format": {"const": fmt.id},
            "meta": _object({
                "org": {"type": "string"},
                "year": {"type": ["integer", "null"]},
                "date": {"type": "string", "pattern": r"^(\d{4}-\d{2}-\d{2})?$"},
                "contact": {"type": "string"},
            }),
            "sections": sections,
            "fields": fields,
            "tables": _object(tables),
        },
        "required": ["format", "meta", "sections", "fields", "tables"],
        "additionalProperties": False,
        "$defs": {"block": block},
    }


@cache
def schema_of(format_id: str) -> dict:
    """The schema of a format as shipped (``schemas/``), read once per process."""
    path = schemas_dir() / f"{format_id}.schema.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else build_schema(get_format(format_id))


@cache
def compiled_check(format_id: str) -> Check | None:
    return compile_schema(schema_of(format_id))


@cache
def validator(format_id: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator  # only when a document has errors to explain

    return Draft202012Validator(schema_of(format_id))


def validate(data: dict, sources: dict, reported: Sequence[Finding] = (),
             invalid: set[str] | None = None) -> list[Finding]:
    """Schema errors as findings that name the cell the bad value came from.

    What the reader has already ``reported`` (a missing sheet, an unreadable date) is not said
    again in the schema's words. The pointer of every value that failed is added to ``invalid``
    (when given), so the arithmetic can leave out just the rules that use those values."""
    check = compiled_check(data["format"]) if isinstance(data, dict) and isinstance(data.get("format"), str) else None
    if check is not None and check(data):
        return []
    already = {(f.sheet, f.cell) for f in reported if f.cell and f.is_error}
    sheet_missing = any(f.code == "missing_sheet" for f in reported)
    findings = []
    for error in validator(data["format"]).iter_errors(data):
        ptr = "/" + "/".join(str(p) for p in error.absolute_path)
        if invalid is not None:
            invalid.add(ptr)
        src = sources.get(ptr)
        if src is None:
            if not sheet_missing:
                findings.append(Finding("schema", params={"detail": f"{ptr}: {error.message}"}))
            continue
        if (src.sheet, src.cell) in already:
            continue
        expected = _expected(error)
        if error.validator == "minimum":
            code = "negative"
        elif error.validator == "type" and _fractional(error.instance):
            code = "not_whole"  # a number, but a count cannot have decimals
        elif error.validator == "type":
            code = "not_a_number"
        else:
            findings.append(Finding("schema", src.sheet, src.cell, {"detail": f"「{src.label}」{error.message}"}))
            continue
        findings.append(Finding(code, src.sheet, src.cell,
                                {"label": src.label, "found": error.instance, "expected": expected}))
    return findings


def _fractional(value) -> bool:
    return isinstance(value, float) and not isinstance(value, bool) and not value.is_integer()


def _expected(error) -> str:
    schema_type = error.schema.get("type") if isinstance(error.schema, dict) else None
    types = schema_type if isinstance(schema_type, list) else [schema_type]
    if "number" in types:
        return "金额"
    if error.schema.get("minimum") is None and "integer" in types:
        return "整数（可为负数）"
    return "整数"


def write_schemas() -> list[str]:
    written = []
    for fmt in all_formats().values():
        path = schemas_dir() / f"{fmt.id}.schema.json"
        path.write_text(json.dumps(build_schema(fmt), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(str(path))
    return written


if __name__ == "__main__":
    sys.stdout.write("\n".join(write_schemas()) + "\n")
