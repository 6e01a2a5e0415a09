"""From the data document to what a report shows: numbered headings, formatted numbers, filled grids.

The Word renderer (and any other output) draws from this context, so numbering, the 万元 decimals
and the fee sentence are decided once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from compiler.document.figures import summary_sentence
from compiler.document.model import get_path
from compiler.document.values import format_value
from compiler.formats.definition import Format, Table
from compiler.formats.grid import Cell, Grid, table_grid
from compiler.render.line_breaks import title_lines

CHINESE_NUMERALS = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (enough for any list of sub-headings)."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (CHINESE_NUMERALS[tens - 1] if tens > 1 else "") + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")


def date_text(iso: str) -> str:
    """2025-01-20 → 2025年1月20日 (GB/T 9704: Arabic numerals, no leading zeros)."""
    if not iso:
        return ""
    d = dt.date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


@dataclass(frozen=True)
class FilledGrid:
    """A table's grid with each value cell's printed text."""

    grid: Grid
    texts: dict[tuple[str, ...], str]
    title: str

    def text(self, cell: Cell) -> str:
        return self.texts[cell.key] if cell.role == "value" else cell.text


def fill_grid(table: Table, values: dict) -> FilledGrid:
    grid = table_grid(table)
    texts = {}
    for cell in grid.value_cells():
        texts[cell.key] = format_value(get_path(values, cell.key), table.spec_for(cell.key))
    return FilledGrid(grid, texts, table.title)


def number_blocks(blocks: list[dict]) -> list[dict]:
    """Give sub-headings their （一） and 1. numbers; 1. restarts under each new （一）."""
    out, heading_no, sub_no = [], 0, 0
    for block in blocks:
        kind, number = block["kind"], ""
        if kind == "heading":
            heading_no, sub_no = heading_no + 1, 0
            number = f"（{chinese_number(heading_no)}）"
        elif kind == "subheading":
            sub_no += 1
            number = f"{sub_no}."
        out.append({"kind": kind, "number": number, "text": block["text"], "closing": False})
    return out


def _mark_closing(sections: list[dict]) -> None:
    """Mark the report's last paragraph: the template keeps it on the page of the signature, so
    机关名称 and 成文日期 never stand alone on a last page."""
    for section in reversed(sections):
        if section["table"] is not None:
            return
        if section["blocks"]:
            if section["blocks"][-1]["kind"] == "paragraph":
                section["blocks"][-1]["closing"] = True
            return


def fields_sentence(template: str, fields, values: dict) -> str:
    """The generated sentence of a section's structured fields, or '' when none was filled in."""
    if not template or all(values.get(f.id) is None for f in fields):
        return ""
    printed = {f.id: format_value(values.get(f.id) or 0, f.spec) for f in fields}
    return template.format(**printed)


def build_context(fmt: Format, data: dict, tables_as=lambda filled: filled) -> dict:
    """The template context. ``tables_as`` turns a FilledGrid into what the renderer inserts."""
    meta = data["meta"]
    sections = []
    for section in fmt.sections:
        entry: dict[str, Any] = {"id": section.id, "heading": section.heading, "blocks": [], "table": None}
        if section.kind == "table":
            entry["table"] = tables_as(fill_grid(fmt.tables[section.table], data["tables"][section.table]))
        else:
            blocks = [{"kind": "paragraph", "text": summary_sentence(fmt, data)} if b["kind"] == "summary" else b
                      for b in data["sections"].get(section.id, [])]
            sentence = fields_sentence(section.fields_sentence, section.fields, data.get("fields", {}))
            if sentence:
                blocks.append({"kind": "paragraph", "text": sentence})
            entry["blocks"] = number_blocks(blocks)
        sections.append(entry)
    _mark_closing(sections)
    return {
        "org": meta["org"],
        "year": meta["year"],
        "title": f"{meta['org']}{meta['year']}年政府信息公开工作年度报告",
        "title_lines": title_lines(meta["org"], meta["year"]),
        "date": date_text(meta.get("date", "")),
        "date_iso": meta.get("date", ""),
        "contact": meta.get("contact", ""),
        "format_name": fmt.name,
        "format_source": fmt.source,
        "sections": sections,
    }
