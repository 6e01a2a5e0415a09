"""The whole compile, top to bottom: read → validate → render → write.

Everything the command line does is callable from here (``compile_workbook``), which is what the
tests and batch workers use.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from compiler.checks.arithmetic import (
    check_balances,
    check_typed_totals,
    compute_totals,
)
from compiler.checks.completeness import check_completeness
from compiler.checks.dates import check_dates
from compiler.checks.narrative import check_sections
from compiler.checks.schema import validate
from compiler.checks.text import check_text_against_tables
from compiler.common.files import write_atomic
from compiler.common.resources import default_template
from compiler.document.load import load_document
from compiler.document.model import ReadResult, pointer
from compiler.formats.definition import Format, format_for_year, get_format
from compiler.messages.findings import Finding, Refusal, UnusableFile
from compiler.messages.presentation import sort_findings
from compiler.render.context import build_context
from compiler.render.pdf import PdfUnavailable, docx_to_pdf
from compiler.render.web_page import report_html
from compiler.render.word import render_docx, word_table
from compiler.review.compare import ReviewSettings, review
from compiler.review.stale_year import check_stale_years
from compiler.template_lint.problems import LintReport

if TYPE_CHECKING:
    from compiler.archive.previous import PreviousLookup


@dataclass
class CompileResult:
    source: Path
    format: Format
    data: dict
    findings: list[Finding] = field(default_factory=list)
    output: Path | None = None
    extra_outputs: list[Path] = field(default_factory=list)
    repeat_rate: float | None = None  # share of the narrative repeated from last year, when it was given

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self, lang: str = "zh", limit: int | None = None) -> dict:
        """The machine-readable report of this compile (what ``check --json`` prints, one per file):
        status, counts, and the findings, errors first, at most ``limit`` of them."""
        findings = sort_findings(self.findings)
        return {
            "file": str(self.source), "status": "valid" if self.ok else "invalid",
            "format": self.format.id if self.format else None,
            "errors": len(self.errors), "warnings": len(self.warnings),
            "findings": [f.as_dict(lang) for f in (findings[:limit] if limit else findings)],
        }


def unusable_as_dict(source: Path | str, finding: Finding, lang: str = "zh") -> dict:
    """The machine-readable report of a file that could not be read at all (``check --json``)."""
    return {"file": str(source), "status": "unusable", "errors": 1, "warnings": 0,
            "findings": [finding.as_dict(lang)]}


@dataclass(frozen=True)
class Options:
    """How to compile; one value for a whole run (picklable, so batch workers receive it as is)."""

    format_id: str | None = None
    template: Path | None = None
    strict: bool = False
    # last year, for the cross-year checks: a file (that one report), or an archive.previous.PreviousLookup
    # (each agency's own year − 1 from a file, a folder or the archive)
    previous: Path | PreviousLookup | None = None
    outputs: tuple[str, ...] = ()  # written beside the .docx: "json", "html", "pdf"
    reuse_threshold: float | None = None  # share of a section repeated from last year that is reported
    deadline: str | None = None  # MM-DD the report must be signed by in the next year (checks.dates: 01-31)


def validate_workbook(path: Path, options: Options = Options()) -> tuple[ReadResult, list[Finding]]:
    """Read and check a workbook (or a data document or a published report: ``load_document``);
    raises UnusableFile for files that hold no report we can read."""
    result = load_document(Path(path), options.format_id)
    findings = check_read(result)
    findings += check_stale_years(result, ReviewSettings.of(result).stale)  # text alone: always
    findings += check_dates(result, options.deadline)
    findings += check_text_against_tables(result)  # on the recomputed figures of the readable tables
    findings += check_sections(result)
    errors = sum(1 for f in findings if f.is_error)
    if options.previous and not errors:
        findings += _previous_year_findings(result, options.previous, options)
    elif options.previous:  # said, so that the cross-year findings do not come as a surprise next round
        where = result.sources.get(pointer("meta", "year"))
        findings.append(Finding("previous_held_back", where.sheet if where else "", where.cell if where else "",
                                {"count": errors}))
    if options.strict:
        findings = [replace(f, escalated=True) for f in findings]
    return result, findings


def check_read(result: ReadResult) -> list[Finding]:
    """The reader's findings, the schema, and the arithmetic: every rule whose cells are all
    readable is checked in the same pass, so one bad cell does not hide the other problems."""
    findings = list(result.findings)
    unreadable: set[str] = set(result.unread)  # values a published report did not have
    findings += validate(result.data, result.sources, findings, unreadable)
    unknown = compute_totals(result.format, result.data, unreadable)  # every rule whose cells are readable
    findings += check_typed_totals(result, unknown)
    findings += check_balances(result, unknown)
    findings += check_completeness(result)
    return findings


def _previous_year_findings(result: ReadResult, previous: Path | PreviousLookup,
                            options: Options = Options()) -> list[Finding]:
    """Cross-year checks against this agency's own last year (``archive.previous``)."""
    from compiler.archive.previous import PreviousLookup, lookup_for_file, previous_year_findings

    def review_against(last_year: ReadResult, name: str) -> list[Finding]:
        return _year_review(result, last_year, name, options)

    if isinstance(previous, PreviousLookup):
        return previous_year_findings(result, previous, also=review_against)
    try:  # a plain path: that one report, which must be this agency's last year
        lookup = lookup_for_file(Path(previous), explicit=True)
    except UnusableFile as exc:
        where = result.sources.get(pointer("meta", "year"))
        return [Finding("previous_unusable", where.sheet if where else "", where.cell if where else "",
                        {"file": Path(previous).name, "detail": exc.finding.message()})]
    return previous_year_findings(result, lookup, also=review_against)


def _year_review(result: ReadResult, previous: ReadResult, previous_name: str, options: Options) -> list[Finding]:
    """Copied text and figure jumps against last year; the measurements stay on the result for the
    batch summary (its repeat-rate column)."""
    compute_totals(previous.format, previous.data)  # an archived document may carry its totals as 0
    outcome = review(previous, result, previous_name, threshold=options.reuse_threshold)
    result.year_review = outcome
    return outcome.findings


def read_checked(path: Path, format_id: str | None = None) -> tuple[ReadResult, list[Finding]]:
    """A report read (``load_document``) and checked (totals recomputed where its tables are
    readable), without the narrative and cross-year checks: what ``compile diff`` compares."""
    result = load_document(Path(path), format_id)
    return result, check_read(result)


def new_workbook(year: int, output: Path | str, org: str = "", format_id: str | None = None,
                 document: dict | None = None) -> Path:
    """Write the standard workbook an agency fills in (``compile new``), atomically and with the same
    bytes for the same arguments; the format follows the year unless ``format_id`` names one, and
    ``document`` (a data document) fills it in. Returns the path written."""
    from compiler.workbook.writer import save_workbook  # openpyxl: only when a workbook is written

    fmt = get_format(format_id) if format_id else format_for_year(year)
    save_workbook(fmt, year, Path(output), org=org, document=document)
    return Path(output)


def default_output(source: Path) -> Path:
    return Path(source).with_suffix(".docx")


class TemplateRefused(Refusal):
    """A custom template that fails the lint (``compile template-check``): a refusal carrying the
    first error, and the whole lint report."""

    def __init__(self, report: LintReport):
        self.report = report
        super().__init__(report.errors[0])


def checked_template(template: Path) -> LintReport:
    """The lint report of a custom template, which must have no errors (else TemplateRefused).

    Linted once per version of the file in a process, so a batch does not lint it per workbook."""
    template = Path(template)
    try:
        key: tuple[str, float | None] = (str(template.resolve()), template.stat().st_mtime)
    except OSError:
        key = (str(template), None)
    report = _LINTED.get(key)
    if report is None:
        from compiler.template_lint import docx_side

        report = _LINTED[key] = docx_side.check_template(template)
    if not report.ok:
        raise TemplateRefused(report)
    return report


_LINTED: dict[tuple[str, float | None], LintReport] = {}


def compile_workbook(path: Path, output: Path | None = None, options: Options = Options(),
                     write: bool = True) -> CompileResult:
    """Validate ``path`` and, when it has no errors and ``write`` is set, write the report (and the
    extra outputs) atomically; with errors, nothing is written. A custom template is linted first
    and refused (TemplateRefused) when it fails, before any workbook is read."""
    path = Path(path)
    if options.template is not None and write:
        checked_template(options.template)
    result, findings = validate_workbook(path, options)
    outcome = CompileResult(source=path, format=result.format, data=result.data, findings=findings)
    if result.year_review is not None:
        outcome.repeat_rate = result.year_review.overall
    if not outcome.ok or not write:
        return outcome
    context = build_context(result.format, result.data, tables_as=word_table)
    document = render_docx(options.template or default_template(result.format.id), context)
    target = Path(output) if output else default_output(path)
    if not _write(outcome, target, lambda: write_atomic(target, document)):
        return outcome
    outcome.output = target
    for kind in options.outputs:
        written = _write(outcome, target.with_suffix("." + kind),
                         lambda kind=kind: EXTRA_OUTPUTS[kind](result, document, target), kind)
        if written:
            outcome.extra_outputs.append(written)
    return outcome


def _write(outcome: CompileResult, target: Path, write, kind: str = "docx"):
    """Run one writer; a failure to write becomes a finding (the report is refused, never
    half-written). Only the PDF writer's conversion failures are ``pdf_failed``: anything else a
    writer raises is a fault of ours and goes on as an internal error."""
    try:
        return write() or target
    except PdfUnavailable:
        outcome.findings.append(Finding("pdf_unavailable"))
    except (subprocess.SubprocessError, RuntimeError) as exc:
        if kind != "pdf":
            raise
        outcome.findings.append(Finding("pdf_failed", params={"detail": type(exc).__name__}))  # LibreOffice failed
    except OSError as exc:
        outcome.findings.append(Finding("output_failed", params={"path": str(target),
                                                                 "detail": exc.strerror or type(exc).__name__}))
    return None


def document_json(data: dict) -> bytes:
    """The data document as ``--json`` writes it (and ``compile import -o x.json``)."""
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _write_json(result: ReadResult, document: bytes, docx: Path) -> Path:
    target = docx.with_suffix(".json")
    write_atomic(target, document_json(result.data))
    return target


def _write_html(result: ReadResult, document: bytes, docx: Path) -> Path:
    target = docx.with_suffix(".html")
    write_atomic(target, report_html(build_context(result.format, result.data)).encode("utf-8"))
    return target


def _write_pdf(result: ReadResult, document: bytes, docx: Path) -> Path:
    return docx_to_pdf(document, docx.with_suffix(".pdf"))


# what each --json/--html/--pdf flag writes beside the .docx (same name, own extension)
EXTRA_OUTPUTS = {"json": _write_json, "html": _write_html, "pdf": _write_pdf}
