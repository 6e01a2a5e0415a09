"""A report file, or a compile's result, as an archive entry (the checked data document and its facts)."""

from __future__ import annotations

import copy
from pathlib import Path

from compiler.archive.store import INVALID, VALID, Entry
from compiler.document.load import PUBLISHED_SUFFIXES, WORKBOOK_SUFFIXES, load_document
from compiler.messages.findings import Finding

# what ``compile archive add``, ``--previous FOLDER`` and ``new --from FOLDER`` pick up
REPORT_SUFFIXES = (*WORKBOOK_SUFFIXES, ".json", *PUBLISHED_SUFFIXES)
SKIPPED_NAMES = ("summary.json",)  # a batch's own summary beside last year's reports


def source_kind(path: Path) -> str:
    return Path(path).suffix.lower().lstrip(".") or "?"


def entry_from_file(path: Path, format_override: str | None = None) -> Entry:
    """Read and check one workbook, data document or published report. Raises UnusableFile."""
    from compiler.pipeline import check_read

    path = Path(path)
    result = load_document(path, format_override)
    findings = check_read(result)  # also computes the totals the next year's checks compare against
    return _entry(path, result.format.id, result.data, findings)


def entry_from_compile(path: Path, format_id: str, data: dict, findings: list[Finding]) -> Entry:
    """The entry of a workbook just compiled (``--archive`` on compile, check and batch)."""
    return _entry(Path(path), format_id, data, findings)


def _entry(path: Path, format_id: str, data: dict, findings: list[Finding]) -> Entry:
    errors = [f for f in findings if f.is_error]
    meta = data.get("meta", {})
    first = f"{errors[0].where} {errors[0].message()}".strip() if errors else ""
    year = meta.get("year")
    return Entry(org=str(meta.get("org") or "").strip(), year=year if isinstance(year, int) else 0,
                 format=format_id, status=INVALID if errors else VALID, source=str(path.resolve()),
                 source_kind=source_kind(path), document=copy.deepcopy(data), errors=len(errors),
                 warnings=len(findings) - len(errors), first_error=first)


def report_files(folder: Path) -> list[Path]:
    """The report files in ``folder`` and below, sorted; lock files and hidden files left out."""
    folder = Path(folder)
    return sorted((p for p in folder.rglob("*")
                   if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES and not p.name.startswith(("~$", "."))
                   and p.name not in SKIPPED_NAMES
                   and not any(part.startswith(".") for part in p.relative_to(folder).parts[:-1])),
                  key=lambda p: p.relative_to(folder).parts)
