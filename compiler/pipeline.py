"""The whole compile, top to bottom: read → validate → render → write.

Everything the command line does is callable from here (``compile_workbook``), which is what the
tests and batch workers use.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from .definition import Format
from .docx_output import write_atomic
from .docx_render import render_docx, word_table
from .findings import Finding
from .report_context import build_context
from .resources import default_template
from .rules import check_balances, check_completeness, check_typed_totals, compute_totals
from .schema import validate
from .workbook_reader import ReadResult, read_workbook


@dataclass
class CompileResult:
    source: Path
    format: Format | None = None
    data: dict | None = None
    findings: list[Finding] = field(default_factory=list)
    output: Path | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_workbook(path: Path, format_id: str | None = None, strict: bool = False) -> tuple[ReadResult, list[Finding]]:
    """Read and check a workbook; raises UnusableFile for files that are not usable workbooks."""
    result = read_workbook(Path(path), format_id)
    findings = list(result.findings)
    schema_findings = validate(result.data, result.sources)
    findings += schema_findings
    if not any(f.is_error for f in schema_findings):
        compute_totals(result.format, result.data)
        findings += check_typed_totals(result)
        findings += check_balances(result)
    findings += check_completeness(result)
    if strict:
        findings = [replace(f, escalated=True) for f in findings]
    return result, findings


def default_output(source: Path) -> Path:
    return Path(source).with_suffix(".docx")


def compile_workbook(path: Path, output: Path | None = None, format_id: str | None = None,
                     template: Path | None = None, strict: bool = False, write: bool = True) -> CompileResult:
    path = Path(path)
    result, findings = validate_workbook(path, format_id, strict)
    outcome = CompileResult(source=path, format=result.format, data=result.data, findings=findings)
    if not outcome.ok or not write:
        return outcome
    context = build_context(result.format, result.data, tables_as=word_table)
    document = render_docx(template or default_template(result.format.id), context)
    target = Path(output) if output else default_output(path)
    write_atomic(target, document)
    outcome.output = target
    return outcome
