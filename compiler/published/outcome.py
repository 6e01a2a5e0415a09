"""``compile import``: a published report read back, checked, and written as a data document or a
filled standard workbook.

The import is *complete* when every figure and section was found, *partial* when something was
not (the findings name each gap; unread figures stay empty in the output, never zero). Whether
the report's own figures add up is a separate matter, reported by the same checks as a workbook's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from compiler.common.files import write_atomic
from compiler.pipeline import CompileResult, Options, document_json, validate_workbook

OUTPUT_SUFFIXES = (".json", ".xlsx")


@dataclass
class ImportOutcome(CompileResult):
    """A compile result whose output is the imported data (``output``: the .json or .xlsx written)."""

    unread: set[str] = field(default_factory=set)

    @property
    def status(self) -> str:
        gaps = self.unread or any(f.code.startswith("import_") and f.is_error for f in self.findings)
        return "partial" if gaps else "complete"


def import_report_file(path: Path, output: Path | None, options: Options | None = None) -> ImportOutcome:
    """Read ``path`` (any kind ``load_document`` reads), check it, and write ``output`` (.json or
    .xlsx) if given. Raises UnusableFile for a file that holds no report."""
    result, findings = validate_workbook(Path(path), options or Options())
    outcome = ImportOutcome(source=Path(path), format=result.format, data=result.data, findings=findings,
                            unread=set(result.unread))
    if output is not None:
        output = Path(output)
        if output.suffix.lower() == ".xlsx":
            from compiler.workbook.writer import save_workbook

            save_workbook(result.format, result.data["meta"].get("year"), output, document=result.data)
        else:
            write_atomic(output, document_json(result.data))
        outcome.output = output
    return outcome
