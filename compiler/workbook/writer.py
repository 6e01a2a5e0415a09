"""Writes the standard workbook an agency fills (``compile new``), optionally already filled.

Everything comes from the format definition and ``sheet_layout``: labels are locked, input cells
are unlocked, tinted and validated, totals are formulas, and check cells show each 勾稽关系 while
the agency types.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation

from compiler import __version__
from compiler.common.files import write_atomic
from compiler.common.zips import deterministic_zip
from compiler.document.figures import summary_formula, summary_tables
from compiler.document.model import get_path
from compiler.formats.definition import Format, Section, Table, ValueSpec, all_formats
from compiler.formats.grid import Grid, table_grid
from compiler.workbook.layout import (
    FORMAT_CHOSEN,
    GUIDE_SHEET,
    MARKER_SHEET,
    MARKER_TITLE,
    META_FIELDS,
    META_LABEL_COL,
    META_SHEET,
    META_VALUE_COL,
    NARRATIVE_KINDS,
    NARRATIVE_ROWS,
    TABLE_LEFT,
    TABLE_TOP,
    address,
    check_column,
    check_row,
    field_row,
    grid_position,
    meta_row,
    narrative_first_row,
    narrative_header_row,
    previous_stock_columns,
)
from compiler.workbook.printing import PAGE_UNITS, set_up_page

EXCEL_EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's date serials (1900 system, after its phantom leap day)

if TYPE_CHECKING:
    from compiler.archive.next_year import Stock

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
TOTAL_FILL = PatternFill("solid", fgColor="DDEBF7")
CHECK_FILL = PatternFill("solid", fgColor="E2EFDA")
TITLE_FONT = Font(name="黑体", size=14, bold=True)
HINT_FONT = Font(name="宋体", size=10, italic=True, color="595959")
LABEL_FONT = Font(name="宋体", size=10)
GUIDE_FONT = Font(name="宋体", size=11)
HEADER_FONT = Font(name="宋体", size=10, bold=True)
WRAP_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
UNLOCKED = Protection(locked=False)
OK_MARK, BAD_MARK = "✓", "✗"
PRINTED_NARRATIVE_ROWS = 20  # paragraph rows printed from a blank narrative sheet


def build_workbook(fmt: Format, year: int, org: str = "", document: dict | None = None,
                   stocks: Sequence[Stock] = (), guide_notes: Sequence[str] = ()) -> Workbook:
    """The blank standard workbook for ``fmt``; with ``document``, filled with its values. ``stocks``
    (``compile new --from``): last year's figures shown beside their rows with a live check;
    ``guide_notes``: lines added to 填写说明 (where the workbook came from)."""
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # the empty sheet a new openpyxl workbook starts with
    _guide_sheet(wb, fmt, guide_notes)
    _meta_sheet(wb, year, org, document)
    for section in fmt.sections:
        ws = wb.create_sheet(section.sheet)
        _title(ws, section.heading, section.hint)
        if section.kind == "table":
            table = fmt.tables[section.table]
            _table_sheet(ws, fmt, table, document)
            _previous_stocks(ws, table, [s for s in stocks if s.table == table.id], year)
            header_rows = table_grid(table).header_rows
            set_up_page(ws, ws.max_row, ws.max_column, pages_tall=0,
                        title_rows=(TABLE_TOP, TABLE_TOP + header_rows - 1) if header_rows else None)
        else:
            written = _narrative_sheet(ws, section, document)
            # the rows in use and room to write more: one page for a blank sheet, all of a filled one
            set_up_page(ws, narrative_first_row(section) + max(written + 4, PRINTED_NARRATIVE_ROWS), 2,
                        pages_tall=0, title_rows=(narrative_header_row(section),) * 2)
        ws.protection.sheet = True
        ws.protection.formatRows = False
        ws.protection.formatColumns = False
    _marker_sheet(wb, fmt, year)
    wb.active = 1
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == META_SHEET
    return wb


def _title(ws, title: str, hint: str = "", width: int = 8) -> None:
    ws["A1"] = title
    ws["A1"].font = TITLE_FONT
    ws.row_dimensions[1].height = 24
    if hint:
        ws["A2"] = hint
        ws["A2"].font = HINT_FONT
        ws["A2"].alignment = WRAP_LEFT
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
        ws.row_dimensions[2].height = 32


def _guide_sheet(wb: Workbook, fmt: Format, notes: Sequence[str] = ()) -> None:
    ws = wb.create_sheet(GUIDE_SHEET)
    _title(ws, f"{MARKER_TITLE}（{fmt.name}，{fmt.years_label}年度适用）")
    lines = [
        f"本表依据{fmt.source}印发的{fmt.name}制作，请勿增删工作表、行或列，也不要修改灰色的标签单元格。",
        "1. 黄色单元格为填写项；蓝色单元格为自动合计（公式），无需填写；绿色单元格显示勾稽关系检查结果（✓ 表示成立）。",
        "2. 「基本信息」：填写机关名称、年度、成文日期（落款日期）。",
        "3. 「总体情况」「问题及改进」「其他事项」：每行一段。A 列选择「小标题」「三级标题」或「正文」，B 列填写内容；"
        "小标题会自动编号为（一）（二）……，三级标题编号为 1. 2. ……，不必自己输入序号。",
        "4. 各统计表：请填写整数（金额按表头单位，可保留小数）；没有发生的事项请填 0，不要留空，也不要填「/」「—」。",
        "5. 填好后保存为 .xlsx，交政务公开工作机构，或自行运行 compile 工作簿.xlsx 生成 Word 报告。",
        *notes,
    ]
    for i, line in enumerate(lines, start=3):
        cell = ws.cell(row=i, column=1, value=line)
        cell.alignment = WRAP_LEFT
        cell.font = GUIDE_FONT
        ws.row_dimensions[i].height = 36
    ws.column_dimensions["A"].width = PAGE_UNITS
    ws["A1"].alignment = WRAP_LEFT  # the long title wraps instead of running off the page
    ws.protection.sheet = True
    set_up_page(ws, 2 + len(lines), 1)


def _meta_sheet(wb: Workbook, year: int, org: str, document: dict | None) -> None:
    ws = wb.create_sheet(META_SHEET)
    _title(ws, "基本信息", "机关名称和年度为必填项；成文日期为报告落款日期。", width=3)
    meta = (document or {}).get("meta", {})
    defaults = {"org": org, "year": year, "date": None, "contact": ""}
    for field in META_FIELDS:
        r = meta_row(field.id)
        label = ws.cell(row=r, column=META_LABEL_COL, value=field.label + ("（必填）" if field.required else ""))
        _style_label(label)
        value = meta.get(field.id, defaults[field.id])
        if field.id == "date" and isinstance(value, str) and value:
            value = dt.date.fromisoformat(value)
        cell = ws.cell(row=r, column=META_VALUE_COL, value=value if value != "" else None)
        _style_input(cell)
        ws.cell(row=r, column=META_VALUE_COL + 1, value=field.hint).font = HINT_FONT
    year_cell = address(meta_row("year"), META_VALUE_COL)
    first = min(f.first_year for f in all_formats().values())  # the earliest year any format covers
    _add_validation(ws, DataValidation(type="whole", operator="between", formula1=str(first), formula2="2100",
                                       error=f"年度应为 {first} 至 2100 之间的整数，如 2024。"), year_cell)
    date_cell = address(meta_row("date"), META_VALUE_COL)
    ws[date_cell].number_format = 'yyyy"年"m"月"d"日"'
    serial = (dt.date(first, 1, 1) - EXCEL_EPOCH).days  # a report is dated no earlier than its first year
    _add_validation(ws, DataValidation(type="date", operator="greaterThan", formula1=str(serial),
                                       error="请输入日期，如 2025-1-20（将显示为 2025年1月20日）。"), date_cell)
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 40
    ws.protection.sheet = True
    set_up_page(ws, meta_row(META_FIELDS[-1].id), 3)


def _marker_sheet(wb: Workbook, fmt: Format, year) -> None:
    ws = wb.create_sheet(MARKER_SHEET)
    ws["A1"], ws["B1"] = "marker", MARKER_TITLE
    ws["A2"], ws["B2"] = "format", fmt.id
    ws["A3"], ws["B3"] = "workbook_version", fmt.workbook_version
    ws["A4"], ws["B4"] = "generator", f"compiler {__version__}"
    if isinstance(year, int) and not fmt.covers(year):  # `compile new --format` chose it for another year
        ws["A5"], ws["B5"] = "format_chosen", FORMAT_CHOSEN
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def _style_label(cell, header: bool = False) -> None:
    cell.font = HEADER_FONT if header else LABEL_FONT
    cell.fill = LABEL_FILL
    cell.border = BORDER
    cell.alignment = WRAP_CENTER if header else WRAP_LEFT


def _style_input(cell) -> None:
    cell.fill = INPUT_FILL
    cell.border = BORDER
    cell.protection = UNLOCKED
    cell.alignment = WRAP_LEFT


def _number_format(spec: ValueSpec) -> str:
    if spec.type == "amount":
        return "0." + "0" * spec.decimals if spec.decimals else "0.####"
    return "0"


def _validation_for(spec: ValueSpec) -> DataValidation:
    if spec.type == "amount":
        return DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                              error=f"请输入不小于 0 的金额（单位：{spec.unit}）。")
    if spec.type == "signed_count":
        return DataValidation(type="whole", operator="between", formula1="-1000000000", formula2="1000000000",
                              error="请输入整数（减少可填负数）。")
    return DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                          error="请输入不小于 0 的整数；没有发生请填 0。")


def _add_validation(ws, dv: DataValidation, *ranges: str) -> None:
    dv.showErrorMessage = True
    dv.errorTitle = "输入有误"
    dv.allow_blank = True
    for cells in ranges:
        dv.add(cells)
    ws.add_data_validation(dv)


def _table_sheet(ws, fmt: Format, table: Table, document: dict | None) -> None:
    grid = table_grid(table)
    data = (document or {}).get("tables", {})
    positions = {c.key: grid_position(c) for c in grid.value_cells()}
    validations: dict[ValueSpec, list[str]] = defaultdict(list)
    for cell in grid.cells:
        r, c = grid_position(cell)
        target = ws.cell(row=r, column=c)
        if cell.role == "value":
            spec = table.spec_for(cell.key)
            target.border = BORDER
            target.alignment = WRAP_CENTER
            target.number_format = _number_format(spec)
            if cell.derived:
                target.value = _total_formula(table, cell.key, positions)
                target.fill = TOTAL_FILL
            else:
                _style_input(target)
                target.alignment = WRAP_CENTER
                value = get_path(data, (table.id, *cell.key), default=None)
                target.value = value
                validations[spec].append(address(r, c))
        else:
            target.value = cell.text
            _style_label(target, header=cell.role in ("header", "corner", "caption"))
        if cell.rowspan > 1 or cell.colspan > 1:
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    if dr or dc:
                        ws.cell(row=r + dr, column=c + dc).border = BORDER
            ws.merge_cells(start_row=r, start_column=c, end_row=r + cell.rowspan - 1, end_column=c + cell.colspan - 1)
    for spec, cells in validations.items():
        _add_validation(ws, _validation_for(spec), *cells)
    if table.kind == "grid":
        last = _check_cells(ws, table, grid, positions)
        if table.id in summary_tables(fmt):
            _summary_preview(ws, fmt, last + 2)
    _size_columns(ws, table, grid)


def _previous_stocks(ws, table: Table, stocks: Sequence[Stock], year: int) -> None:
    """Last year's stock beside each row (a formula, so the reader never takes it for data typed
    outside the table) and a live check: stock = last year's + added − removed."""
    if not stocks:
        return
    grid = table_grid(table)
    positions = {c.key: grid_position(c) for c in grid.value_cells()}
    value_col, check_col = previous_stock_columns(grid)
    header_row = min(positions[(s.block, s.row, s.stock)][0] for s in stocks) - 1
    for col, text in ((value_col, f"上年（{year - 1}年）现行有效件数"),
                      (check_col, "核对：现行有效 = 上年 + 制发 − 废止")):
        head = ws.cell(row=header_row, column=col, value=text)
        head.font = HEADER_FONT
        head.fill = CHECK_FILL
        head.alignment = WRAP_CENTER
        head.border = BORDER
    for s in stocks:
        r, stock_col = positions[(s.block, s.row, s.stock)]
        stock = address(r, stock_col)
        added = address(*positions[(s.block, s.row, s.added)])
        removed = address(*positions[(s.block, s.row, s.removed)])
        last = ws.cell(row=r, column=value_col, value=f"={_plain_number(s.last)}")
        last.fill, last.border, last.alignment = CHECK_FILL, BORDER, WRAP_CENTER
        expected = f"{address(r, value_col)}+{added}-{removed}"
        check = ws.cell(row=r, column=check_col, value=(
            f'=IF(COUNT({stock})=0,"请填写现行有效件数",IF({stock}={expected},"{OK_MARK}",'
            f'"{BAD_MARK} 按上年应为 "&({expected})))'))
        check.fill, check.border, check.alignment = CHECK_FILL, BORDER, WRAP_CENTER
    for col, width in ((value_col, 14), (check_col, 24)):
        ws.column_dimensions[address(1, col)[:-1]].width = width


def _plain_number(value) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _sum_formula(cells: list[str]) -> str:
    return "SUM(" + ",".join(cells) + ")"


def _total_formula(table: Table, key: tuple[str, ...], positions) -> str:
    row_id, col_id = key
    # a column total (总计) sums its row; a row total (（七）总计) sums its column
    for d in table.derived:
        if d.axis == "column" and d.target == col_id:
            return "=" + _sum_formula([address(*positions[(row_id, t)]) for t in d.terms])
    for d in table.derived:
        if d.axis == "row" and d.target == row_id:
            return "=" + _sum_formula([address(*positions[(t, col_id)]) for t in d.terms])
    raise ValueError(f"no derivation for {key}")


def _check_cells(ws, table: Table, grid: Grid, positions) -> int:
    """Live 勾稽 checks: a row under the table per equation, a column beside it for row totals.
    Returns the last worksheet row used."""
    label_col = TABLE_LEFT
    equations = [(c.label or c.id, c.left, c.right) for c in table.checks if c.axis == "row"]
    equations += [(f"{table.row_label(d.target)} = 各明细行之和", (d.target,), d.terms)
                  for d in table.derived if d.axis == "row"]
    for i, (label, left, right) in enumerate(equations):
        r = check_row(grid, i)
        head = ws.cell(row=r, column=label_col, value=f"勾稽检查：{label}")
        head.font = HEADER_FONT
        head.fill = CHECK_FILL
        for col in table.column_leaves():
            lhs = _sum_formula([address(*positions[(x, col.id)]) for x in left])
            rhs = _sum_formula([address(*positions[(x, col.id)]) for x in right])
            c = positions[(table.row_leaves()[0].id, col.id)][1]
            cell = ws.cell(row=r, column=c, value=f'=IF({lhs}={rhs},"{OK_MARK}","{BAD_MARK} 差"&({lhs}-{rhs}))')
            cell.fill = CHECK_FILL
            cell.alignment = WRAP_CENTER
    # equations across columns, checked in every row: column totals, and any column-wise 勾稽关系
    across: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
        ((d.target,), d.terms) for d in table.derived if d.axis == "column"]
    across += [(c.left, c.right) for c in table.checks if c.axis == "column"]
    if across:
        c = check_column(grid)
        head = ws.cell(row=grid_position(grid.cells[0])[0], column=c, value="勾稽检查：总计 = 各项之和")
        head.font = HEADER_FONT
        head.fill = CHECK_FILL
        head.alignment = WRAP_CENTER
        for row in table.row_leaves():
            conditions = [
                f"{_sum_formula([address(*positions[(row.id, x)]) for x in left])}"
                f"={_sum_formula([address(*positions[(row.id, x)]) for x in right])}"
                for left, right in across
            ]
            r = positions[(row.id, table.column_leaves()[0].id)][0]
            cell = ws.cell(row=r, column=c, value=f'=IF(AND({",".join(conditions)}),"{OK_MARK}","{BAD_MARK}")')
            cell.fill = CHECK_FILL
            cell.alignment = WRAP_CENTER
        ws.column_dimensions[address(1, c)[:-1]].width = 14
    return check_row(grid, len(equations) - 1) if equations else TABLE_TOP + grid.height - 1


def _summary_preview(ws, fmt: Format, row: int) -> None:
    """The generated sentence of the application figures, live, so an agency sees what the report will say."""
    sheets = {s.table: s.sheet for s in fmt.table_sections()}
    cells = {}
    for table_id, sheet in sheets.items():
        for cell in table_grid(fmt.tables[table_id]).value_cells():
            path = (table_id, *cell.key)
            cells[path] = f"'{sheet}'!{address(*grid_position(cell))}"
    head = ws.cell(row=row, column=TABLE_LEFT,
                   value="申请情况摘要（在「总体情况」等工作表 A 列选择「申请情况摘要」，报告中即写入这句话）：")
    head.font = HEADER_FONT
    preview = ws.cell(row=row + 1, column=TABLE_LEFT, value=summary_formula(fmt, lambda *path: cells[path]))
    preview.alignment = WRAP_LEFT
    preview.fill = CHECK_FILL
    ws.merge_cells(start_row=row + 1, start_column=TABLE_LEFT, end_row=row + 1, end_column=TABLE_LEFT + 9)
    ws.row_dimensions[row + 1].height = 48


def _size_columns(ws, table: Table, grid: Grid) -> None:
    if table.kind == "blocks":
        widths = [22] + [20] * (grid.width - 1)
    else:
        labels = table.label_depth()
        widths = [16, 12, 40][:labels] if labels == 3 else [16] * labels
        widths += [10] * (grid.width - labels)
    for i, w in enumerate(widths):
        ws.column_dimensions[address(1, TABLE_LEFT + i)[:-1]].width = w


def _narrative_sheet(ws, section: Section, document: dict | None) -> int:
    """The sheet's fields and paragraph rows; returns how many paragraphs it was written with."""
    document = document or {}
    if section.fields:
        values = document.get("fields", {})
        for field in section.fields:
            r = field_row(section, field.id)
            _style_label(ws.cell(row=r, column=1, value=field.label))
            cell = ws.cell(row=r, column=2, value=values.get(field.id))
            _style_input(cell)
            cell.number_format = _number_format(field.spec)
            _add_validation(ws, _validation_for(field.spec), address(r, 2))
    header = narrative_header_row(section)
    _style_label(ws.cell(row=header, column=1, value="类型"), header=True)
    _style_label(ws.cell(row=header, column=2, value="内容（每行一段）"), header=True)
    blocks = document.get("sections", {}).get(section.id)
    if blocks is None:
        blocks = list(section.prefill)
    first = narrative_first_row(section)
    for i in range(max(NARRATIVE_ROWS, len(blocks))):
        kind_cell = ws.cell(row=first + i, column=1)
        text_cell = ws.cell(row=first + i, column=2)
        _style_input(kind_cell)
        _style_input(text_cell)
        if i < len(blocks):
            kind_cell.value = NARRATIVE_KINDS[blocks[i]["kind"]]
            text_cell.value = blocks[i]["text"] or None
    kinds = ",".join(NARRATIVE_KINDS.values())
    _add_validation(ws, DataValidation(type="list", formula1=f'"{kinds}"',
                                       error=f"请从下拉列表选择：{kinds}。"),
                    f"A{first}:A{first + max(NARRATIVE_ROWS, len(blocks)) + 400}")
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = PAGE_UNITS
    return len(blocks)


def save_workbook(fmt: Format, year: int, path, org: str = "", document: dict | None = None,
                  stocks: Sequence[Stock] = (), guide_notes: Sequence[str] = ()) -> None:
    """Write the workbook atomically, with fixed properties so the same input gives the same bytes."""
    wb = build_workbook(fmt, year, org or (document or {}).get("meta", {}).get("org", ""), document,
                        stocks, guide_notes)
    wb.properties.title = f"{MARKER_TITLE}（{fmt.id} 格式）"
    write_deterministic(wb, path, year)


def write_deterministic(wb: Workbook, path, year) -> None:
    """Save ``wb`` atomically with properties dated from the report year, never the clock, so the same
    input gives the same bytes (openpyxl stamps 'modified' with the current time while saving)."""
    stamp = dt.datetime(year if isinstance(year, int) else 2000, 1, 1)
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.creator = wb.properties.lastModifiedBy = "compiler"
    buffer = io.BytesIO()
    wb.save(buffer)
    write_atomic(Path(path), deterministic_zip(buffer.getvalue(), modified=stamp.strftime("%Y-%m-%dT%H:%M:%SZ")))
