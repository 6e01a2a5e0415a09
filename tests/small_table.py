"""A small table of the "grid" kind with every feature of the official ones, for the renderers' unit tests:
a corner, a two-level column header, a two-level row label, a label spanning both label columns, and text
that must be escaped."""

from __future__ import annotations

from compiler.formats.definition import Table


def small_table(first_label: str = "一") -> Table:
    return Table("small", "grid", "表 & <小>", {
        "corner": "项目",
        "columns": [{"label": "甲", "children": [{"id": "a", "label": "A&B"}, {"id": "b", "label": "B"}]},
                    {"id": "total", "label": "总计"}],
        "rows": [{"label": "组<1>", "children": [{"id": "r1", "label": first_label}, {"id": "r2", "label": "二"}]},
                 {"id": "sum", "label": "合计"}],
    })


SMALL = small_table()
SMALL_VALUES = {"r1": {"a": 1, "b": 2, "total": 3}, "r2": {"a": 0, "b": 10, "total": 10},
                "sum": {"a": 1, "b": 12, "total": 13}}
