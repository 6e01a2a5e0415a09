"""Rolling up an inbox: ``compile rollup inbox/ -o 汇总.xlsx``.

Tables 二, 三 and 四 are summed cell by cell over the valid workbooks of one year and format (the
aggregation a jurisdiction's 主管部门 publishes, reference section 8); derived totals are then
recomputed by ``rules.compute_totals``. Every 勾稽关系 is linear in the detail cells, so a sum of
balanced tables balances too: the roll-up satisfies the same rules by construction. The result is
a standard workbook (check it, write its narrative, compile it like any other) plus a sheet
「汇总单位」 listing the units included, those excluded and why, and each unit's key figures.

Refused: workbooks of different years or formats, and the same 机关名称 and 年度 twice.
Amounts are summed as decimals, so 0.1 + 0.2 stays 0.3 and the result passes the decimals rule.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl.styles import Alignment, Font

from compiler.checks.arithmetic import compute_totals
from compiler.common.parallel import ordered_map
from compiler.document.blank import blank_document
from compiler.document.figures import figure_value
from compiler.document.model import get_path, set_path
from compiler.formats.definition import Format, get_format
from compiler.formats.grid import table_grid
from compiler.messages.findings import Finding, Refusal, UnusableFile, internal_error
from compiler.messages.texts import labels, text
from compiler.pipeline import Options, validate_workbook
from compiler.workbook.layout import column_letter
from compiler.workbook.printing import set_up_page
from compiler.workbook.writer import build_workbook, write_deterministic

WRAPPED_HEAD = Alignment(wrap_text=True, vertical="center")
UNITS_SHEET = "汇总单位"
class RollupRefused(Refusal):
    """The inputs cannot be rolled up together; carries the finding to show."""

    finding: Finding


@dataclass
class Unit:
    source: str
    org: str = ""
    year: int | None = None
    format: str = ""
    status: str = "valid"  # valid / invalid / unusable / other_year
    reason: str = ""
    tables: dict = field(default_factory=dict)  # a valid unit's tables and fields; empty for the others
    fields: dict = field(default_factory=dict)


@dataclass
class RollupResult:
    output: Path
    format: Format
    year: int
    included: list[Unit] = field(default_factory=list)
    excluded: list[Unit] = field(default_factory=list)
    document: dict | None = None


def _read_unit(task: tuple[str, str]) -> Unit:
    """Validate one workbook (runs in a worker); keeps only what the roll-up needs."""
    source, lang = task
    unit = Unit(source=source)
    try:
        result, findings = validate_workbook(Path(source), Options())
    except UnusableFile as exc:
        unit.status, unit.reason = "unusable", exc.finding.message(lang)
        return unit
    except Exception as exc:  # noqa: BLE001 - one bad workbook must not stop the roll-up
        unit.status = "unusable"
        unit.reason = internal_error(exc).message(lang)
        return unit
    meta = result.data.get("meta", {})
    unit.org = str(meta.get("org") or "")
    unit.year = meta.get("year") if isinstance(meta.get("year"), int) else None
    unit.format = result.format.id
    errors = [f for f in findings if f.is_error]
    if errors:
        first = errors[0]
        unit.status = "invalid"
        unit.reason = Finding("rollup_invalid", params={
            "errors": len(errors), "where": first.where or "—", "first": first.message(lang)}).message(lang)
        return unit
    unit.tables = result.data["tables"]
    unit.fields = result.data.get("fields", {})
    return unit


def _org_key(org: str) -> str:
    return "".join(unicodedata.normalize("NFKC", org).split()).casefold()


def collect(sources: list[Path], jobs: int = 1, lang: str = "zh", year: int | None = None) -> list[Unit]:
    return list(ordered_map(_read_unit, [(str(p), lang) for p in sources], jobs))


def plan(units: list[Unit], lang: str = "zh", year: int | None = None) -> tuple[list[Unit], list[Unit]]:
    """Split units into included and excluded; refuse mixed years/formats and duplicates."""
    excluded = [u for u in units if u.status != "valid"]
    valid = [u for u in units if u.status == "valid"]
    if year is not None:
        for unit in valid:
            if unit.year != year:
                unit.status = "other_year"
                unit.reason = Finding("rollup_other_year", params={"year": unit.year, "expected": year}).message(lang)
                excluded.append(unit)
        valid = [u for u in valid if u.status == "valid"]
    if not valid:
        raise RollupRefused("rollup_empty", count=len(units))
    groups: dict[tuple, list[Unit]] = {}
    for unit in valid:
        groups.setdefault((unit.year, unit.format), []).append(unit)
    if len(groups) > 1:
        parts = []
        for (y, f), members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), str(kv[0]))):
            names = text("list_separator", lang).join(Path(u.source).name for u in members[:3])
            names += "…" if len(members) > 3 else ""
            parts.append(text("rollup_group", lang, year=y, format=f, count=len(members), names=names))
        raise RollupRefused("rollup_mixed", groups=text("group_separator", lang).join(parts))
    seen: dict[tuple, Unit] = {}
    for unit in valid:
        key = (_org_key(unit.org), unit.year)
        if key in seen:
            raise RollupRefused("rollup_duplicate", org=unit.org, year=unit.year,
                                first=seen[key].source, second=unit.source)
        seen[key] = unit
    return valid, excluded


def sum_documents(fmt: Format, year: int, org: str, units: list[Unit]) -> dict:
    """The roll-up document: every detail cell and numeric field summed, totals recomputed."""
    document = blank_document(fmt, year, org)
    for table in fmt.tables.values():
        target = document["tables"][table.id]
        for cell in table_grid(table).value_cells():
            if cell.derived:
                continue
            amount = table.spec_for(cell.key).type == "amount"
            total = sum((_decimal(get_path(u.tables[table.id], cell.key)) for u in units), Decimal(0))
            set_path(target, cell.key, float(total) if amount else int(total))
    for section in fmt.sections:
        for f in section.fields:
            values = [u.fields.get(f.id) for u in units if u.fields and u.fields.get(f.id) is not None]
            if values:
                total = sum((_decimal(v) for v in values), Decimal(0))
                document["fields"][f.id] = float(total) if f.spec.type == "amount" else int(total)
    compute_totals(fmt, document)
    return document


def _decimal(value) -> Decimal:
    return Decimal(str(value if value is not None else 0))


def key_figures(fmt: Format, unit_tables: dict) -> list:
    """Each unit's figures as the format names them (本年新收, 予以公开 … 行政复议, 行政诉讼)."""
    return [figure_value(fmt, {"tables": unit_tables}, name) for name in fmt.figures]


def _append_text_safe(ws, values: list) -> None:
    """Append a row; agency text that looks like a formula stays text on the coordinator's sheet."""
    ws.append(values)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def write_rollup(output: Path, fmt: Format, year: int, document: dict, included: list[Unit],
                 excluded: list[Unit], lang: str = "zh") -> None:
    """The standard workbook filled with the sums, plus the units sheet; same bytes for the same input."""
    # narrative left to the coordinator: the sheets get their usual prompts, as in a blank workbook
    wb = build_workbook(fmt, year, document["meta"]["org"], {**document, "sections": {}})
    ws = wb.create_sheet(UNITS_SHEET)
    bold = Font(bold=True)
    zh = lang != "en"
    ws.append([text("rollup_units_title", lang)])
    ws["A1"].font = bold
    head = list(labels("rollup_included_columns", lang))
    ws.append(head + [spec["label"] if zh else name for name, spec in fmt.figures.items()])
    for cell in ws[2]:
        cell.alignment = WRAPPED_HEAD  # the long figure names wrap, so the printed page stays one page wide
    for i, unit in enumerate(included, start=1):
        _append_text_safe(ws, [i, unit.org, unit.year, unit.format, Path(unit.source).name]
                          + key_figures(fmt, unit.tables))
    totals = key_figures(fmt, document["tables"])
    ws.append([text("rollup_total", lang), text("rollup_unit_count", lang, count=len(included)),
               year, fmt.id, ""] + totals)
    ws.append([])
    ws.append([text("rollup_excluded_title", lang)])
    ws.cell(row=ws.max_row, column=1).font = bold
    ws.append(list(labels("rollup_excluded_columns", lang)))
    if not excluded:
        ws.append(["—", text("none", lang)])
    for i, unit in enumerate(excluded, start=1):
        _append_text_safe(ws, [i, unit.org, unit.year, Path(unit.source).name, unit.reason])
    for col, width in enumerate((8, 28, 8, 8, 30) + (11,) * len(fmt.figures), start=1):
        ws.column_dimensions[column_letter(col)].width = width
    set_up_page(ws, ws.max_row, ws.max_column, pages_tall=0, title_rows=(2, 2))  # printed with the tables
    write_deterministic(wb, output, year)


def rollup(sources: list[Path], output: Path, org: str | None = None, jobs: int = 1, lang: str = "zh",
           year: int | None = None) -> RollupResult:
    """Read, check and sum ``sources``; write the roll-up workbook (named ``org``, by default 「汇总」
    / "Roll-up"). Raises RollupRefused."""
    org = org or text("rollup_default_org", lang)
    units = collect(sources, jobs=jobs, lang=lang)
    included, excluded = plan(units, lang, year)
    fmt = get_format(included[0].format)
    the_year = included[0].year
    if the_year is None:  # plan() groups valid units by year, and a valid workbook's year is an integer
        raise RuntimeError(f"valid workbook {included[0].source} has no year")
    document = sum_documents(fmt, the_year, org, included)
    write_rollup(output, fmt, the_year, document, included, excluded, lang)
    return RollupResult(Path(output), fmt, the_year, included, excluded, document)
