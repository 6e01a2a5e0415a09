"""Completeness: the fields a report cannot be signed without, a plausible year and date, and no
section or sub-heading left empty.

Every place comes from the document's sources (``ReadResult.place``), never from a workbook layout,
so a document read from any kind of file is checked the same way."""

from __future__ import annotations

import datetime as dt
import re

from compiler.archive.reminders import REMINDER_MARK
from compiler.document.model import META_FIELDS, ReadResult, pointer
from compiler.formats.definition import UnknownFormat, all_formats, format_for_year
from compiler.messages.findings import Finding


def check_completeness(result: ReadResult, today: dt.date | None = None) -> list[Finding]:
    findings = []
    meta = result.data["meta"]
    fmt = result.format
    latest = (today or dt.date.today()).year + 1
    earliest = min(f.first_year for f in all_formats().values())
    for field in META_FIELDS:
        if field.required and field.id != "year" and not meta.get(field.id):
            findings.append(Finding("required", *result.place(pointer("meta", field.id)), {"label": field.label}))
    year = meta.get("year")
    where = result.place(pointer("meta", "year"))
    if year is None:
        findings.append(Finding("required", *where, {"label": "年度"}))
    elif not isinstance(year, int) or not earliest <= year <= latest:
        findings.append(Finding("year_invalid", *where, {"first": earliest, "last": latest, "found": year}))
    elif not fmt.covers(year):
        try:
            expected = format_for_year(year).id
        except UnknownFormat:
            expected = "—"
        code = "format_year_override" if result.format_explicit else "format_year_mismatch"
        findings.append(Finding(code, *where, {
            "format": fmt.id, "years": fmt.years_label, "year": year, "expected": expected}))
    date = meta.get("date")
    if isinstance(year, int) and re.match(r"\d{4}-\d{2}-\d{2}$", date or "") and int(date[:4]) not in (year, year + 1):
        findings.append(Finding("date_implausible", *result.place(pointer("meta", "date")),
                                {"found": date, "year": year, "next_year": year + 1}))
    for section in fmt.narrative_sections():
        findings += _empty_headings(result, section)
        findings += _reminders_left(result, section)
        blocks = result.data["sections"].get(section.id)
        if section.required and blocks is not None and not any(b["kind"] == "paragraph" for b in blocks):
            findings.append(Finding("section_empty", *result.place(pointer("sections", section.id)),
                                    {"heading": section.heading, "sheet": section.sheet}))
    return findings


LEVELS = {"heading": 1, "subheading": 2}


def _empty_headings(result: ReadResult, section) -> list[Finding]:
    """A sub-heading followed by another of the same or a higher level, or by nothing: the report
    would show a bare title (typically one of the five pre-filled 2021 sub-headings left empty)."""
    blocks = result.data["sections"].get(section.id) or []
    findings = []
    for i, block in enumerate(blocks):
        level = LEVELS.get(block["kind"])
        if level is None:
            continue
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if following is None or LEVELS.get(following["kind"], 99) <= level:
            findings.append(Finding("heading_without_text", *result.place(pointer("sections", section.id, i, "text")),
                                    {"heading": block["text"]}))
    return findings


def _reminders_left(result: ReadResult, section) -> list[Finding]:
    """A reminder of last year's problems (``compile new --from``) still as it was pre-filled: the
    report would print the reminder instead of what was done about the problem."""
    findings = []
    for i, block in enumerate(result.data["sections"].get(section.id) or []):
        if str(block.get("text") or "").startswith(REMINDER_MARK):
            src = result.sources.get(pointer("sections", section.id, i, "text"))
            findings.append(Finding("reminder_left", src.sheet if src else section.sheet, src.cell if src else "",
                                    {"mark": REMINDER_MARK}))
    return findings
