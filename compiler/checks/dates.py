"""The 成文日期 against the report year and the statutory deadline.

《中华人民共和国政府信息公开条例》第四十九条: departments publish their annual report by 1月31日 of the
following year; the 主管部门 publishes the government's own report (本级政府年度报告) by 3月31日 — the
coordinator says which with ``--deadline 03-31``. A report signed before its year is over cannot
hold the whole year's figures (an error); one signed after the deadline is late (a warning); one
with no date at all is signed without a date (a warning).
"""

from __future__ import annotations

import datetime as dt
import re

from compiler.document.model import ReadResult, pointer
from compiler.messages.findings import Finding

DEFAULT_DEADLINE = "01-31"  # 条例第四十九条: departments; the 本级政府's own report: 03-31
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")


class BadDeadline(ValueError):
    """A --deadline that is not a month and day (MM-DD)."""


def parse_deadline(text: str) -> tuple[int, int]:
    """「03-31」 → (3, 31); a day that no year has is refused."""
    match = _MONTH_DAY.match(text.strip())
    if not match:
        raise BadDeadline(text)
    month, day = int(match.group(1)), int(match.group(2))
    try:
        dt.date(2024, month, day)  # a leap year: 02-29 is a day some years have
    except ValueError:
        raise BadDeadline(text) from None
    return month, day


def _deadline_date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:  # 02-29 in a common year: the last day of February
        return dt.date(year, month, day - 1)


def check_dates(result: ReadResult, deadline: str | None = None) -> list[Finding]:
    meta = result.data.get("meta", {})
    year, date = meta.get("year"), meta.get("date")
    if not isinstance(year, int):
        return []
    where = result.place(pointer("meta", "date"))
    if not date:
        return [Finding("date_missing", *where, {"year": year})]
    try:
        signed = dt.date.fromisoformat(str(date))
    except ValueError:
        return []  # the reader has said the date cannot be read
    month, day = parse_deadline(deadline or DEFAULT_DEADLINE)
    due = _deadline_date(year + 1, month, day)
    shown = f"{signed.year}年{signed.month}月{signed.day}日"
    if signed.year == year:
        return [Finding("date_before_year_end", *where, {"found": shown, "year": year})]
    if signed.year == year + 1 and signed > due:
        return [Finding("date_after_deadline", *where, {
            "found": shown, "deadline": f"{due.year}年{due.month}月{due.day}日", "year": year,
            "days": (signed - due).days})]
    return []
