"""A published report (.docx, portal page, PDF) back into the data document, by its official labels.

The file is first turned into paragraphs and table grids (``docx``, ``html``, ``pdf``); this module
finds the title (机关名称 and 年度), the six sections by their headings, the paragraphs and
sub-headings of each, the tables 二/三/四 by their labels (``tables``), and the signature. Every
value keeps where it was found (表三 · row · column, or the paragraph of a section) so the usual
checks point there. What is not found is said, one finding each, and left unread (never zero).
"""

from __future__ import annotations

import copy
import difflib
import re
import unicodedata
from pathlib import Path

from compiler.checks.arithmetic import compute_totals
from compiler.document.figures import summary_sentence
from compiler.document.model import ReadResult, Source, pointer, set_path
from compiler.document.values import (
    coerce_date,
    coerce_number,
    normalize_label,
    strip_number_prefix,
    xml_safe,
)
from compiler.formats.definition import (
    Format,
    Section,
    Table,
    UnknownFormat,
    all_formats,
    format_for_year,
    get_format,
)
from compiler.messages.findings import UnusableFile
from compiler.published.structure import Paragraph, PublishedReport, TableGrid
from compiler.published.tables import (
    TableReading,
    lenient,
    read_blocks_table,
    read_grid_table,
    table_score,
)
from compiler.workbook.reader import group_findings, value_label

TITLE_PLACE, SIGNATURE_PLACE, NOT_FOUND = "标题", "落款", "（未找到）"
_CJK = "\u3000-\u9fff\uff00-\uffef"
_CJK_GAP = re.compile(f"(?<=[{_CJK}])\\s+(?=[{_CJK}])")
_YEAR = r"(?:19|20)\d{2}|[〇零一二三四五六七八九]{4}"
# the end of a title: 「[关于][2024年[度]]政府信息公开[工作][2024年度]年度报告|年报|报告[（2024年）]」
_TITLE_TAIL = re.compile(
    rf"(?:关于)?(?:(?P<y1>{_YEAR})\s*年度?)?政府信息公开(?:工作)?(?:(?P<y2>{_YEAR})\s*年度?)?(?:年度报告|年报|报告)"
    rf"(?:[（(](?P<y3>{_YEAR})\s*年?度?[)）])?$")
_LEADING_YEAR = re.compile(rf"^(?P<year>{_YEAR})\s*年度?")
_NUMERALS = "一二三四五六七八九十"
_SECTION_NUMBER = re.compile(r"^([一二三四五六七八九十]+|\d+)\s*[、.．]")
_HEADING_NUMBER = re.compile(r"^[（(]([一二三四五六七八九十]+)[)）]")
_SUBHEADING_NUMBER = re.compile(r"^\d+\s*[.．、]|^[（(]\d+[)）]")
HEADING_MAX = 40  # a sub-heading on its own line is short; a longer line is a paragraph
SIGNATURE_STYLES = ("signature",)


def import_report(path: Path, kind: str, format_override: str | None = None) -> ReadResult:
    if kind == "docx":
        from compiler.published.docx import read_docx

        report = read_docx(path)
    elif kind == "html":
        from compiler.published.html import read_html

        report = read_html(path)
    else:
        from compiler.published.pdf import read_pdf

        report = read_pdf(path)
    return read_published(report, path, format_override)


def read_published(report: PublishedReport, path: Path, format_override: str | None = None) -> ReadResult:
    blocks = [b for b in report.blocks if not isinstance(b, Paragraph) or b.text.strip()]
    grids = [b for b in blocks if isinstance(b, TableGrid)]
    title_at, title = _find_title(blocks, report.title_hint)
    org, year = _parse_title(title)
    fmt = _choose_format(grids, year, format_override)
    if not title and not grids and not _section_positions(blocks, fmt):
        raise UnusableFile("report_not_found", path=str(path))
    result = ReadResult(format=fmt, data={"format": fmt.id, "meta": {"org": org, "year": year, "date": "",
                                                                     "contact": ""},
                                          "sections": {}, "fields": {}, "tables": {}})
    for field_id, label in (("org", "机关名称"), ("year", "年度")):
        result.sources[pointer("meta", field_id)] = Source(TITLE_PLACE, title[:30] if title else "", label)
    result.sources[pointer("meta", "date")] = Source(SIGNATURE_PLACE, "", "成文日期")
    result.sources[pointer("meta", "contact")] = Source(SIGNATURE_PLACE, "", "联系方式")
    if not title:
        result.note("import_title_missing", sheet=TITLE_PLACE)

    body = blocks[title_at + 1:] if title_at is not None else blocks
    body = _take_signature(result, body)
    _read_tables(result, grids, _continuations(blocks))
    positions = _section_positions(body, fmt)
    _read_narrative(result, body, positions)
    result.findings = group_findings(result.findings)
    return result


# ---------------------------------------------------------------------------------------------
# title, format, signature


def _find_title(blocks: list, hint: str) -> tuple[int | None, str]:
    """The title: the paragraph styled as one, else the first that reads like one (a title broken
    over two lines is joined)."""
    limit = min(len(blocks), 12)
    paragraphs = [(i, b) for i, b in enumerate(blocks[:limit]) if isinstance(b, Paragraph)]
    for i, p in paragraphs:
        if p.style == "title" or _is_title(_compact(p.text)):
            text = _compact(p.text)
            if not _is_title(text) and i + 1 < len(blocks) and isinstance(blocks[i + 1], Paragraph):
                joined = _compact(p.text + blocks[i + 1].text)
                if _is_title(joined):
                    return i + 1, joined
            if _is_title(text):
                return i, text
    for i, p in paragraphs[:-1]:  # a title broken over two paragraphs, neither styled
        joined = _compact(p.text + blocks[i + 1].text) if isinstance(blocks[i + 1], Paragraph) else ""
        if _is_title(joined) and len(joined) < 80:
            return i + 1, joined
    if hint and _is_title(_compact(hint)):
        return None, _compact(hint)
    return None, ""


def _compact(text: str) -> str:
    """Text with the spaces and line breaks between Chinese characters removed (a PDF's or a
    title's line breaks, spaces around figures inserted by typesetting)."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").strip()
    text = _CJK_GAP.sub("", text)
    text = re.sub(f"(?<=[{_CJK}])[ \t]+(?=[0-9A-Za-z])|(?<=[0-9A-Za-z%])[ \t]+(?=[{_CJK}])", "", text)
    return re.sub(r"\s*\n\s*", "", text) if "\n" in text else text


def _title_parts(title: str) -> tuple[str, str] | None:
    """(机关名称, the year as written) of a title, or None. Titles are written 「××局2024年政府信息公开
    工作年度报告」, 「××局关于2023年度政府信息公开工作年度报告」, 「2024年度××局政府信息公开工作年度报告」,
    「××局政府信息公开工作年度报告（2024年）」, 「××局二〇二〇年政府信息公开年报」."""
    tail = _TITLE_TAIL.search(title)
    if not tail or len(title) > 80:
        return None
    org, year = title[: tail.start()].strip(), tail.group("y1") or tail.group("y2") or tail.group("y3")
    if year is None:
        leading = _LEADING_YEAR.match(org)
        if not leading:
            return None
        org, year = org[leading.end():].strip(), leading.group("year")
    return (org, year) if org else None


def _is_title(text: str) -> bool:
    return _title_parts(text) is not None


def _parse_title(title: str) -> tuple[str, int | None]:
    parts = _title_parts(title)
    if parts is None:
        return "", None
    org, raw_year = parts
    year = int(raw_year) if raw_year.isdigit() else int("".join(str("〇一二三四五六七八九".index(c)) if c != "零"
                                                                else "0" for c in raw_year))
    return org, year


def _choose_format(grids: list[TableGrid], year: int | None, override: str | None) -> Format:
    """The override, else the format whose table labels the report carries best (a report typed in
    the old layout after 2021 is read in that layout, and the year check then says so), else the
    year's."""
    if override:
        return get_format(override)
    by_year = None
    if isinstance(year, int):
        try:
            by_year = format_for_year(year)
        except UnknownFormat:
            by_year = None
    scores = {fid: _format_score(fmt, grids) for fid, fmt in all_formats().items()}
    best = max(scores.values(), default=0)
    if by_year is not None and scores.get(by_year.id, 0) >= best:
        return by_year
    if best > 0:
        return all_formats()[max(scores, key=lambda fid: scores[fid])]
    return by_year or format_for_year(max(f.first_year for f in all_formats().values()))


def _format_score(fmt: Format, grids: list[TableGrid]) -> int:
    """Labels only one format has (本年新制作数量, 本年制发件数 …) decide; shared ones weigh the same."""
    return sum(max((table_score(t, g) for g in grids), default=0) for t in fmt.tables.values())


def _take_signature(result: ReadResult, body: list) -> list:
    """The signature at the end (机关名称, 成文日期, 联系方式), taken off the last section."""
    meta = result.data["meta"]
    org_key = normalize_label(meta["org"])
    end = len(body)
    seen_date = False
    while end > 0 and isinstance(body[end - 1], Paragraph):
        p = body[end - 1]
        text = _compact(p.text)
        contact = re.match(r"^联系方式[:：]\s*(.+)$", p.text.strip())
        if contact:
            meta["contact"] = contact.group(1).strip()
        elif not seen_date and _is_date(text):
            meta["date"] = coerce_date(text).value
            seen_date = True
        elif (org_key and normalize_label(text) == org_key) or (p.style in SIGNATURE_STYLES and len(text) < 40):
            pass
        else:
            break
        end -= 1
    return body[:end]


def _is_date(text: str) -> bool:
    coerced = coerce_date(text)
    return bool(text) and coerced.code is None and bool(coerced.value)


# ---------------------------------------------------------------------------------------------
# tables


def short_name(table: Table) -> str:
    """「表三」 from 「三、收到和处理政府信息公开申请情况」: how a message names the table."""
    head = table.title.split("、", 1)[0]
    return f"表{head}" if head and head in _NUMERALS else table.title


def _continuations(blocks: list) -> set[int]:
    """Indexes (among the grids) of grids that directly follow another grid: the next page's part
    of a table, which may hold too few labels to be recognised alone (a row broken by the page)."""
    out, previous_was_table, n = set(), False, 0
    for block in blocks:
        if isinstance(block, TableGrid):
            if previous_was_table:
                out.add(n)
            n += 1
        previous_was_table = isinstance(block, TableGrid)
    return out


def _read_tables(result: ReadResult, grids: list[TableGrid], continuations: set[int]) -> None:
    """Each grid goes to the official table whose labels it carries most; the parts of a table
    broken over pages (or split by the portal) are joined in order."""
    fmt = result.format
    parts: dict[str, list[TableGrid]] = {t: [] for t in fmt.tables}
    last: str | None = None
    for n, grid in enumerate(grids):
        scores = {tid: table_score(t, grid) for tid, t in fmt.tables.items()}
        best = max(scores, key=lambda tid: scores[tid])
        if scores[best] >= 2:
            parts[best].append(grid)
            last = best
        elif n in continuations and last is not None:
            parts[last].append(grid)
        elif any(t.strip() for row in grid.rows for t in row):
            result.note("import_table_unknown", sheet="表格", cell=f"第 {grids.index(grid) + 1} 个表格",
                        first=_first_text(grid))
    for table in fmt.tables.values():
        where = short_name(table)
        found = parts[table.id]
        result.data["tables"][table.id] = {}
        if not found:
            result.note("import_table_missing", sheet=where, cell=table.title, table=table.title)
            reading = TableReading()
            _fill(result, table, reading, missing_table=True)
            continue
        parts_padded = [g.padded() for g in found]
        joined = TableGrid([row for g in parts_padded for row in g.rows], [o for g in parts_padded for o in g.origins],
                           short=[n for g in parts_padded for n in g.short]).padded()
        reading = read_blocks_table(table, joined) if table.kind == "blocks" else read_grid_table(table, joined)
        _fill(result, table, reading)
        for block in reading.missing_blocks:
            result.note("import_block_missing", sheet=where, cell=block, block=block)
        for leaf in reading.missing_rows:
            result.note("import_row_missing", sheet=where, cell=_row_place(table, leaf.id, leaf.label, leaf.ancestors),
                        label=_row_place(table, leaf.id, leaf.label, leaf.ancestors), table=where)
        for leaf in reading.missing_columns:
            result.note("import_column_missing", sheet=where, cell=leaf.label, label=leaf.label, table=where)
        for found_text, official in dict.fromkeys(reading.variants):
            result.note("label_variant", sheet=where, cell=_clip(found_text), expected=official,
                        found=_clip(found_text))
        for text in reading.stray_rows:
            result.note("import_row_unknown", sheet=where, cell=_clip(text), found=_clip(text), table=where)
        for leaf in reading.ragged:
            place = _row_place(table, leaf.id, leaf.label, leaf.ancestors)
            result.note("import_row_ragged", sheet=where, cell=place, label=place, table=where)
        for label in reading.twice:
            result.note("import_row_twice", sheet=where, cell=_clip(label), label=label, table=where)


def _first_text(grid: TableGrid) -> str:
    return _clip(next((t for row in grid.rows for t in row if t.strip()), ""))


def _clip(text: str, limit: int = 40) -> str:
    text = re.sub(r"\s+", "", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _row_place(table: Table, row_id: str, label: str, ancestors: tuple[str, ...]) -> str:
    """「（四）无法提供 / 1.本机关不掌握相关政府信息」: the row with its nearest parent."""
    if table.kind == "blocks":
        return f"{ancestors[0]} {label}" if ancestors else label
    return " / ".join([*ancestors[-1:], label]) if label else table.title


def _fill(result: ReadResult, table: Table, reading: TableReading, missing_table: bool = False) -> None:
    from compiler.formats.grid import table_grid

    where = short_name(table)
    data = result.data["tables"][table.id]
    ancestry = _row_ancestry(table)
    for cell in table_grid(table).value_cells():
        key = cell.key
        ptr = pointer("tables", table.id, *key)
        raw = reading.raw.get(key)
        if missing_table or raw is None:
            # the place is the missing row, column or table, so the schema does not repeat it
            place = _missing_place(table, key, reading, ancestry) if not missing_table else table.title
            result.sources[ptr] = Source(where, place, value_label(table, key))
            set_path(data, key, None, create=True)
            result.unread.add(ptr)
            continue
        result.sources[ptr] = Source(where, _value_place(table, key, ancestry), value_label(table, key))
        value, code, params = read_number(raw, table.spec_for(key))
        if cell.derived:
            # recomputed from the detail cells; the printed total is checked against it
            set_path(data, key, 0, create=True)
            if code is None and not isinstance(value, str):
                result.typed_totals[ptr] = value
            elif isinstance(value, str):
                result.note("not_a_number", ptr, found=value, expected="整数")
            continue
        set_path(data, key, value, create=True)
        if code:
            result.note(code, ptr, **params)


def _row_ancestry(table: Table) -> dict[str, tuple[str, ...]]:
    from compiler.published.tables import leaves_of

    if table.kind == "blocks":
        return {}
    return {leaf.id: leaf.ancestors for leaf in leaves_of(table.row_tree)}


def _value_place(table: Table, key: tuple[str, ...], ancestry: dict) -> str:
    if table.kind == "blocks":
        block = next(b for b in table.blocks if b.id == key[0])
        row = next(r for r in block.rows if r.id == key[1])
        col = next(c for c in block.columns if c.id == key[2])
        return f"{block.caption} {row.label} | {col.label}"
    row_label = table.row_label(key[0])
    col_label = table.column_label(key[1])
    if not row_label:
        return col_label
    return f"{_row_place(table, key[0], row_label, ancestry.get(key[0], ()))} | {col_label}"


def _missing_place(table: Table, key: tuple[str, ...], reading: TableReading, ancestry: dict) -> str:
    if table.kind == "blocks":
        block = next(b for b in table.blocks if b.id == key[0])
        if block.caption in reading.missing_blocks:
            return block.caption
        missing = {(leaf.ancestors[0] if leaf.ancestors else "", leaf.id) for leaf in reading.missing_rows}
        if (block.caption, key[1]) in missing:
            row = next(r for r in block.rows if r.id == key[1])
            return f"{block.caption} {row.label}"
        col = next(c for c in block.columns if c.id == key[2])
        return f"{block.caption} {col.label}"
    if key[0] in {leaf.id for leaf in (*reading.missing_rows, *reading.ragged)}:
        return _row_place(table, key[0], table.row_label(key[0]), ancestry.get(key[0], ()))
    return next((leaf.label for leaf in reading.missing_columns if leaf.id == key[1]), table.column_label(key[1]))


_COUNT_UNITS = ("人次", "件", "个", "条", "项", "次", "家")
_DASHES = re.compile(r"^[—\-/／－–无]+$")


def read_number(raw: str, spec) -> tuple[object, str | None, dict]:
    """A printed figure: 「12」, 「12件」, 「1,856」, 「+3」, 「12.3456」 (万元 in a 万元 column).
    Blank and 「—」/「/」 are read as 0 with a warning, as blank workbook cells are; anything else
    is passed on as text for the schema to name."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw or "")).replace("\u2212", "-")  # a typeset minus
    if not text:
        return 0, "blank_as_zero", {}
    if _DASHES.match(text):
        return 0, "dash_as_zero", {"found": raw.strip()}
    units = _COUNT_UNITS if spec.type != "amount" else ((spec.unit,) if spec.unit else ())
    for unit in units:
        if text.endswith(unit) and text[: -len(unit)]:
            text = text[: -len(unit)]
            break
    coerced = coerce_number(text, spec)
    value = coerced.value
    if isinstance(value, str):
        return raw.strip(), None, {}
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # as a workbook stores a whole amount
    if coerced.code in ("too_many_decimals",):
        return value, coerced.code, coerced.params
    return value, None, {}


# ---------------------------------------------------------------------------------------------
# sections and their paragraphs


def _section_positions(blocks: list, fmt: Format) -> dict[str, int]:
    """Index of each section's heading paragraph (sections found once, in any order)."""
    found: dict[str, int] = {}
    for i, block in enumerate(blocks):
        if not isinstance(block, Paragraph):
            continue
        for section in fmt.sections:
            if section.id not in found and _is_section_heading(block.text, section):
                found[section.id] = i
                break
    return found


def _is_section_heading(text: str, section: Section) -> bool:
    t = normalize_label(text)
    if not t or len(t) > HEADING_MAX:
        return False
    h = normalize_label(section.heading)
    if t == h:
        return True
    core_t, core_h = lenient(t), lenient(h)
    if not core_t:
        return False
    number_t, number_h = _SECTION_NUMBER.match(t), _SECTION_NUMBER.match(h)
    if number_t is None:
        return core_t == core_h and not _HEADING_NUMBER.match(t) and not _SUBHEADING_NUMBER.match(t)
    same_number = number_h is not None and _numeral(number_t.group(1)) == _numeral(number_h.group(1))
    if not same_number:
        return False
    return core_t == core_h or core_h in core_t or core_t in core_h or \
        difflib.SequenceMatcher(None, core_t, core_h).ratio() >= 0.6


def _numeral(text: str) -> int:
    if text.isdigit():
        return int(text)
    return _NUMERALS.index(text) + 1 if len(text) == 1 and text in _NUMERALS else -1


def _read_narrative(result: ReadResult, body: list, positions: dict[str, int]) -> None:
    fmt = result.format
    order = sorted(positions.items(), key=lambda kv: kv[1])
    ends = {sid: (order[k + 1][1] if k + 1 < len(order) else len(body)) for k, (sid, _) in enumerate(order)}
    styled = _styled_subheadings(body, positions)
    first = min(positions.values(), default=len(body))
    skipped_before = [b for b in body[:first] if isinstance(b, Paragraph)]
    if skipped_before:
        result.note("import_text_skipped", sheet="正文", cell="标题之后", count=len(skipped_before),
                    first=_clip(skipped_before[0].text))
    data_tables = _totalled(result)
    for section in fmt.sections:
        if section.id not in positions:
            if section.kind == "table":  # the table is found by its labels; only its heading is missing
                table_missing = any(f.code == "import_table_missing" and f.cell == fmt.tables[section.table].title
                                    for f in result.findings)
                if not table_missing:
                    result.note("import_heading_missing", sheet=section.heading, heading=section.heading)
                continue
            # not read, so not empty either: the section stays None (the checks name it once, here)
            result.sources[pointer("sections", section.id)] = Source(section.heading, NOT_FOUND, section.heading)
            result.note("import_section_missing", sheet=section.heading, cell=NOT_FOUND, heading=section.heading)
            result.data["sections"][section.id] = None
            for field_ in section.fields:
                result.data["fields"][field_.id] = None
                result.sources[pointer("fields", field_.id)] = Source(section.heading, NOT_FOUND, field_.label)
            continue
        start = positions[section.id]
        heading_block = body[start]
        result.sources[pointer("sections", section.id)] = Source(section.heading, "", section.heading)
        if normalize_label(heading_block.text) != normalize_label(section.heading):
            result.note("label_variant", sheet=section.heading, cell="标题", expected=section.heading,
                        found=_clip(heading_block.text))
        paragraphs = [b for b in body[start + 1: ends[section.id]] if isinstance(b, Paragraph)]
        if section.kind == "table":
            if paragraphs:
                result.note("import_text_skipped", sheet=section.heading, cell="第1段", count=len(paragraphs),
                            first=_clip(paragraphs[0].text))
            continue
        base = _level(heading_block.style)
        _read_section(result, section, paragraphs, base, styled, data_tables)


def _styled_subheadings(body: list, positions: dict[str, int]) -> bool:
    """Whether the report marks its sub-headings with heading styles (ours does; a PDF cannot):
    then styles alone decide, and a paragraph that merely starts with （一） stays a paragraph."""
    levels = {_level(body[i].style) for i in positions.values()}
    base = min((lv for lv in levels if lv), default=None)
    if base is None:
        return False
    return any(isinstance(b, Paragraph) and _level(b.style) and _level(b.style) > base
               for b in body if not any(b is body[i] for i in positions.values()))


def _level(style: str) -> int:
    return int(style[7:]) if style.startswith("heading") and style[7:].isdigit() else 0


def _read_section(result: ReadResult, section: Section, paragraphs: list[Paragraph], base: int,
                  styled: bool, totalled: dict | None) -> None:
    fmt = result.format
    blocks: list[dict] = []
    summary = summary_sentence(fmt, {"tables": totalled}) if totalled is not None and fmt.summary_sentence else None
    fields_found = False
    for n, p in enumerate(paragraphs, start=1):
        text = xml_safe(_paragraph_text(p.text))
        if not text:
            continue
        if section.fields_sentence and not fields_found and _read_fields(result, section, text, n):
            fields_found = True
            continue
        kind = _kind(p, text, base, styled)
        if kind != "paragraph":
            text = strip_number_prefix(text) or text
        elif summary is not None and normalize_label(text) == normalize_label(summary):
            kind, text = "summary", ""
        ptr = pointer("sections", section.id, len(blocks), "text")
        result.sources[ptr] = Source(section.heading, f"第{n}段", section.heading)
        blocks.append({"kind": kind, "text": text})
    result.data["sections"][section.id] = blocks
    if section.fields and not fields_found:
        for field_ in section.fields:
            result.data["fields"][field_.id] = None
            result.sources[pointer("fields", field_.id)] = Source(section.heading, "", field_.label)


def _paragraph_text(text: str) -> str:
    """A paragraph as the file holds it (line breaks inside it kept, blank lines dropped)."""
    lines = [line.strip() for line in text.replace("\r", "\n").split("\n")]
    return "\n".join(line for line in lines if line)


def _kind(p: Paragraph, text: str, base: int, styled: bool) -> str:
    level = _level(p.style)
    if styled or level:
        if level and base and level > base:
            return "heading" if level == base + 1 else "subheading"
        if level and not base:
            return "heading" if level <= 2 else "subheading"
        if styled:
            return "paragraph"
    short = len(text) <= HEADING_MAX and "。" not in text[:-1] and "\n" not in text
    if short and _HEADING_NUMBER.match(text):
        return "heading"
    if short and _SUBHEADING_NUMBER.match(text):
        return "subheading"
    return "paragraph"


def _read_fields(result: ReadResult, section: Section, text: str, n: int) -> bool:
    """The generated sentence of a section's fields (本年度共发出收费通知1件，实际收取信息处理费200.00元。)
    read back into the fields."""
    pattern = _fields_pattern(section.fields_sentence)
    match = pattern.match(normalize_label(text))
    if not match:
        return False
    for field_ in section.fields:
        ptr = pointer("fields", field_.id)
        result.sources[ptr] = Source(section.heading, f"第{n}段", field_.label)
        value, code, params = read_number(match.group(field_.id), field_.spec)
        result.data["fields"][field_.id] = value
        if code:
            result.note(code, ptr, **params)
    return True


def _fields_pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", normalize_label(template))
    regex = "".join(re.escape(part) if i % 2 == 0 else rf"(?P<{part}>[+\-]?[\d,]+(?:\.\d+)?)"
                    for i, part in enumerate(parts))
    return re.compile(f"^{regex}$")


def _totalled(result: ReadResult) -> dict | None:
    """The tables with their totals computed, for recognising the generated summary sentence;
    None when a value could not be read (then no sentence can be recognised)."""
    if result.unread:
        return None
    tables = copy.deepcopy(result.data["tables"])
    for table in tables.values():
        if any(not isinstance(v, (int, float)) for v in _leaves(table)):
            return None
    compute_totals(result.format, {"tables": tables})
    return tables


def _leaves(node):
    if isinstance(node, dict):
        for v in node.values():
            yield from _leaves(v)
    else:
        yield node
