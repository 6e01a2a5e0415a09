"""Named figures of a report (本年新收, 予以公开, 行政复议总计 …) as sums of table cells.

The format definition names them once; the narrative checks, the generated summary sentence and
its live preview in the workbook all use the same names.
"""

from __future__ import annotations

import re

from compiler.document.model import get_path
from compiler.formats.definition import Format


def figure_cells(fmt: Format, name: str) -> list[tuple[str, ...]]:
    """Paths of the figure's cells inside ``data["tables"]``: (table, row, col), or (table, block,
    row, col) for a block of table 二."""
    spec = fmt.figures[name]
    head = (spec["table"], spec["block"]) if "block" in spec else (spec["table"],)
    return [(*head, row, col) for row in spec["rows"] for col in spec["columns"]]


def figure_readable(fmt: Format, data: dict, name: str) -> bool:
    """Every cell of the figure is a number — totals recomputed, none resting on a cell that is not
    a number (``compute_totals`` leaves those None) — so the figure is sound even while another
    cell still has to be corrected."""
    return all(all_numbers(get_path(data["tables"], path, None)) for path in figure_cells(fmt, name))


def all_numbers(node) -> bool:
    """Every value below ``node`` is a number (so ``compute_totals`` has totalled its table)."""
    if isinstance(node, dict):
        return all(all_numbers(v) for v in node.values())
    return isinstance(node, (int, float)) and not isinstance(node, bool)


def figure_value(fmt: Format, data: dict, name: str) -> int:
    return sum(get_path(data["tables"], path) for path in figure_cells(fmt, name))


def summary_sentence(fmt: Format, data: dict) -> str:
    """The year's application figures in one sentence, so agencies need not retype numbers."""
    names = re.findall(r"\{(\w+)\}", fmt.summary_sentence)
    return fmt.summary_sentence.format(**{n: figure_value(fmt, data, n) for n in names})


def summary_formula(fmt: Format, cell_address) -> str:
    """An Excel formula that shows the summary sentence live; ``cell_address(*path)`` gives the
    sheet-qualified address of a value cell."""
    parts = re.split(r"\{(\w+)\}", fmt.summary_sentence)
    pieces = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            if part:
                pieces.append('"' + part.replace('"', '""') + '"')
        else:
            pieces.append("SUM(" + ",".join(cell_address(*c) for c in figure_cells(fmt, part)) + ")")
    return "=" + "&".join(pieces)


def summary_tables(fmt: Format) -> set[str]:
    """The tables the summary sentence draws on (its live preview sits under them in the workbook)."""
    return {fmt.figures[n]["table"] for n in re.findall(r"\{(\w+)\}", fmt.summary_sentence)}
