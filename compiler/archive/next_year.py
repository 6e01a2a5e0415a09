"""Next year's workbook from last year's report (``compile new --from LAST``).

What the format files say carries over (their ``previous_year_checks``) is carried:
- an ``equal`` check (二、上年结转 = last year's 四、结转下年度继续办理) is pre-filled column by column;
- a ``continuity`` check (现行有效件数 = last year's + 制发 − 废止) shows last year's figure beside the
  input with a live check, so the agency sees the mismatch while typing.
机关名称 and 联系方式 are kept, the year is last year + 1, and section 五 starts with a sub-heading
上一年度问题整改情况 listing last year's stated problems as reminders (marked, so a reminder left
unchanged is caught when the workbook is compiled). Across a change of format only what exists in
both is carried; everything else is named in ``not_carried``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from compiler.archive.reminders import PREVIOUS_PROBLEMS_HEADING, REMINDER_MARK
from compiler.archive.store import Entry
from compiler.formats.definition import Format, format_for_year, get_format

PROBLEMS_SECTION = "problems"
_NUMERAL = "[一二三四五六七八九十]+是"  # 一是 二是 … after a boundary, so 「统一是」 is not an item
_ENUMERATED = re.compile(rf"(?:^|(?<=[：:；;，,。\s])){_NUMERAL}(.+?)(?=[；;。]?\s*{_NUMERAL}|[；;。]|$)", re.DOTALL)


@dataclass(frozen=True)
class Stock:
    """Last year's stock of one row (e.g. 现行有效件数 of 规章), shown beside this year's input."""

    table: str
    block: str
    row: str
    stock: str
    added: str
    removed: str
    last: int | float


@dataclass
class NextYear:
    format: Format
    year: int
    org: str
    document: dict
    stocks: list[Stock] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)
    not_carried: list[str] = field(default_factory=list)
    source_label: str = ""

    def guide_lines(self) -> list[str]:
        """What the workbook's 填写说明 says about where it came from."""
        lines = [f"本表由上一年度报告（{self.source_label}）生成：已带入 " + ("、".join(self.carried) or "机关名称")
                 + "。带入的数字请核对，如有不同请直接改正。"]
        if self.not_carried:
            lines.append("未能带入：" + "；".join(self.not_carried) + "。")
        return lines


def next_year(last: Entry, format_id: str | None = None, year: int | None = None,
              org: str | None = None) -> NextYear:
    """The document of ``last``'s agency for the year after ``last`` (or ``year``), in its format;
    ``org`` is the agency's current name when it was renamed since (``compile archive alias``)."""
    year = year or last.year + 1
    fmt = get_format(format_id) if format_id else format_for_year(year)
    old = last.document
    name = org or last.org
    out = NextYear(format=fmt, year=year, org=name, source_label=_label(last),
                   document={"format": fmt.id, "meta": {"org": name, "year": year, "date": None,
                                                        "contact": old.get("meta", {}).get("contact", "")},
                             "sections": {}, "fields": {}, "tables": {}})
    renamed = f"机关名称（已按登记的更名，由「{last.org}」改为「{name}」）"
    out.carried.append("机关名称" if name == last.org else renamed)
    if out.document["meta"]["contact"]:
        out.carried.append("联系方式")
    change = f"（{last.format} 格式 → {fmt.id} 格式）" if last.format != fmt.id else ""
    for check in fmt.previous_year_checks:
        if check["kind"] == "equal":
            _carry_row(out, old, check, change)
        elif check["kind"] == "continuity":
            _carry_stock(out, old, check, change)
    _problems(out, old)
    if not last.valid:
        out.not_carried.append(f"上一年度报告本身有 {last.errors} 个错误，带入的数字尤其需要核对")
    return out


def _label(last: Entry) -> str:
    from pathlib import Path

    return f"{last.org} {last.year} 年度，{Path(last.source).name}"


def _carry_row(out: NextYear, old: dict, check: dict, change: str) -> None:
    fmt = out.format
    cur, prev = check["current"], check["previous"]
    table = fmt.tables[cur["table"]]
    source_row = old.get("tables", {}).get(prev["table"], {}).get(prev["row"])
    label = f"{table.row_label(cur['row'])}（来自上年「{table.row_label(prev['row'])}」）"
    if not isinstance(source_row, dict):
        out.not_carried.append(f"{table.row_label(cur['row'])}：上年报告没有「{table.row_label(prev['row'])}」行{change}")
        return
    derived = {d.target for d in table.derived if d.axis == "column"}
    row = out.document["tables"].setdefault(table.id, {}).setdefault(cur["row"], {})
    missing = []
    for col in table.column_leaves():
        if col.id is None or col.id in derived:
            continue
        value = source_row.get(col.id)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            row[col.id] = value
        else:
            missing.append(table.column_label(col.id))
    out.carried.append(label)
    if missing:
        out.not_carried.append(f"{table.row_label(cur['row'])}的{'、'.join(missing)}列：上年报告没有对应的列{change}")


def _carry_stock(out: NextYear, old: dict, check: dict, change: str) -> None:
    table = out.format.tables[check["table"]]
    block = next(b for b in table.blocks if b.id == check["block"])
    before = old.get("tables", {}).get(check["table"], {}).get(check["block"], {})
    stock_label = next(c.label for c in block.columns if c.id == check["stock"])
    for row_id in check["rows"]:
        row_label = next(r.label for r in block.rows if r.id == row_id)
        last = before.get(row_id, {}).get(check["stock"]) if isinstance(before.get(row_id), dict) else None
        if not isinstance(last, (int, float)) or isinstance(last, bool):
            out.not_carried.append(f"{row_label}的上年{stock_label}：上年报告没有这一项{change}，请直接填写本年数")
            continue
        out.stocks.append(Stock(check["table"], check["block"], row_id, check["stock"], check["added"],
                                check["removed"], last))
        out.carried.append(f"{row_label}的上年{stock_label}（{_number(last)}，显示在表旁供核对）")


def _number(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _problems(out: NextYear, old: dict) -> None:
    """Section 五: the sub-heading 上一年度问题整改情况 and, under it, last year's problems as reminders."""
    problems = stated_problems(old.get("sections", {}).get(PROBLEMS_SECTION) or [])
    if not any(s.id == PROBLEMS_SECTION for s in out.format.narrative_sections()):
        out.not_carried.append("上年存在的主要问题：本年格式没有该部分")
        return
    blocks = [{"kind": "heading", "text": PREVIOUS_PROBLEMS_HEADING}]
    if problems:
        blocks += [{"kind": "paragraph", "text": f"{REMINDER_MARK}{p}"} for p in problems]
        out.carried.append(f"上年所列问题 {len(problems)} 条（在「问题及改进」中作为提示，请改写为整改情况）")
    else:
        blocks.append({"kind": "paragraph", "text": ""})
        out.not_carried.append("上年所列问题：上年报告的第五部分没有内容")
    section = next(s for s in out.format.narrative_sections() if s.id == PROBLEMS_SECTION)
    out.document["sections"][PROBLEMS_SECTION] = blocks + list(section.prefill)


def stated_problems(blocks: list[dict]) -> list[str]:
    """The problems last year's section 五 stated: the items of 「一是……；二是……」 where it enumerates
    them, otherwise its paragraphs (under a sub-heading about 问题 when it has such sub-headings)."""
    chosen, current = [], None
    has_headings = any(b.get("kind") in ("heading", "subheading") for b in blocks)
    for block in blocks:
        text = str(block.get("text") or "").strip()
        if block.get("kind") in ("heading", "subheading"):
            current = text
            continue
        if block.get("kind") != "paragraph" or not text or text.startswith(REMINDER_MARK):
            continue
        if has_headings and current is not None and ("问题" not in current or "整改" in current):
            continue
        chosen.append(text)
    items = [m.group(1).strip(" ，,；;。") for text in chosen for m in _ENUMERATED.finditer(text)]
    items = [i for i in items if i]
    return [i + "。" for i in items] if items else chosen
