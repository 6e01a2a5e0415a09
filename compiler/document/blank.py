"""Building data documents in code: a complete, all-zero document of a format to start from.

Samples, tests and the roll-up start from this and set the values they need, so they never spell
out the hundreds of zero cells of table 三 by hand.
"""

from __future__ import annotations

import copy

from compiler.document.model import set_path
from compiler.formats.definition import Format
from compiler.formats.grid import table_grid


def blank_document(fmt: Format, year: int | None = None, org: str = "") -> dict:
    tables: dict = {}
    for table in fmt.tables.values():
        values = tables.setdefault(table.id, {})
        for cell in table_grid(table).value_cells():
            set_path(values, cell.key, 0.0 if table.spec_for(cell.key).type == "amount" else 0, create=True)
    return {
        "format": fmt.id,
        "meta": {"org": org, "year": year, "date": "", "contact": ""},
        "sections": {s.id: [] for s in fmt.narrative_sections()},
        "fields": {f.id: None for s in fmt.sections for f in s.fields},
        "tables": tables,
    }


def with_values(document: dict, table_id: str, values: dict) -> dict:
    """A copy of ``document`` with ``values`` ({row: {col: n}} or {block: {row: {col: n}}}) set."""
    out = copy.deepcopy(document)

    def merge(target: dict, source: dict) -> None:
        for key, value in source.items():
            if isinstance(value, dict):
                merge(target[key], value)
            else:
                if key not in target:
                    raise KeyError(f"{table_id}: unknown cell {key!r}")
                target[key] = value

    merge(out["tables"][table_id], values)
    return out
