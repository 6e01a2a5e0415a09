"""How findings are shown: a VALID/INVALID line, then an aligned Sheet | Cell | Code | Message table,
or a JSON report for machines."""

from __future__ import annotations

import unicodedata

from compiler.messages.findings import ERROR, Finding
from compiler.messages.texts import labels, text


def severity_label(severity: str, lang: str) -> str:
    return labels("severities", lang)[0 if severity == ERROR else 1]


class _CharWidths(dict):
    """Columns a character takes on a terminal (wide and full-width: 2), looked up once per character."""

    def __missing__(self, ch: str) -> int:
        width = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if len(self) < 65536:  # the characters of a run's texts; a bound all the same
            self[ch] = width
        return width


_WIDTHS = _CharWidths()


def display_width(text: str) -> int:
    return len(text) if text.isascii() else sum(map(_WIDTHS.__getitem__, text))


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def status_line(name: str, errors: int, warnings: int, lang: str) -> str:
    status = "VALID" if errors == 0 else "INVALID"
    return text("status_line", lang, status=status, name=name, errors=errors, warnings=warnings)


def findings_table(findings: list[Finding], lang: str, limit: int | None = None, codes: bool = True) -> list[str]:
    """The aligned table; without ``codes`` (for an agency's clerk) the third column says only
    错误 or 警告."""
    shown = findings if limit is None else findings[:limit]
    rows = [(f.sheet, f.cell, f"{severity_label(f.severity, lang)}:{f.code}" if codes
             else severity_label(f.severity, lang), f.message(lang)) for f in shown]
    if not rows:
        return []
    head = labels("findings_columns" if codes else "clerk_findings_columns", lang)
    widths = [max(display_width(r[i]) for r in rows + [head]) for i in range(3)]
    lines = ["  " + "  ".join(pad(h, w) for h, w in zip(head[:3], widths, strict=True)) + "  " + head[3]]
    for row in rows:
        lines.append("  " + "  ".join(pad(v, w) for v, w in zip(row[:3], widths, strict=True)) + "  " + row[3])
    if limit is not None and len(findings) > limit:
        hidden = len(findings) - limit
        lines.append("  " + text("more_not_shown", lang, hidden=hidden))
    return lines


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then in sheet order as they were found."""
    return sorted(findings, key=lambda f: 0 if f.is_error else 1)
