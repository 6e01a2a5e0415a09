"""How findings are shown: a VALID/INVALID line, then an aligned Sheet | Cell | Code | Message table,
or a JSON report for machines."""

from __future__ import annotations

import unicodedata

from compiler.messages.findings import Finding

HEADERS = {
    "zh": ("工作表", "单元格", "代码", "说明"),
    "en": ("Sheet", "Cell", "Code", "Message"),
}
SEVERITY = {"zh": {"error": "错误", "warning": "警告"}, "en": {"error": "error", "warning": "warning"}}


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def status_line(name: str, errors: int, warnings: int, lang: str) -> str:
    status = "VALID" if errors == 0 else "INVALID"
    if lang == "en":
        return f"{status}  {name}: {errors} error(s), {warnings} warning(s)"
    return f"{status}  {name}：{errors} 个错误，{warnings} 个警告"


def findings_table(findings: list[Finding], lang: str, limit: int | None = None) -> list[str]:
    shown = findings if limit is None else findings[:limit]
    rows = [(f.sheet, f.cell, f"{SEVERITY[lang][f.severity]}:{f.code}", f.message(lang)) for f in shown]
    if not rows:
        return []
    head = HEADERS[lang]
    widths = [max(display_width(r[i]) for r in rows + [head]) for i in range(3)]
    lines = ["  " + "  ".join(pad(h, w) for h, w in zip(head[:3], widths, strict=True)) + "  " + head[3]]
    for row in rows:
        lines.append("  " + "  ".join(pad(v, w) for v, w in zip(row[:3], widths, strict=True)) + "  " + row[3])
    if limit is not None and len(findings) > limit:
        hidden = len(findings) - limit
        lines.append(f"  …还有 {hidden} 条未显示（--limit-errors）" if lang == "zh"
                     else f"  … {hidden} more not shown (--limit-errors)")
    return lines


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then in sheet order as they were found."""
    return sorted(findings, key=lambda f: 0 if f.is_error else 1)
