"""Compiler for the 政府信息公开工作年度报告: standard workbook → validated data → official Word report.

The library the ``compile`` command is a thin layer over::

    import compiler
    result = compiler.compile_workbook("临江区市场监督管理局-2024.xlsx", "报告.docx")
    print(result.ok, [f.message() for f in result.errors])

The names below are loaded on first use, so ``import compiler`` stays cheap (the command starts
without Word, Excel or JSON Schema libraries until a stage needs them).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name → the module that defines it
_EXPORTS = {
    # one workbook: read → validate → render → write
    "compile_workbook": "compiler.pipeline",
    "validate_workbook": "compiler.pipeline",
    "new_workbook": "compiler.pipeline",
    "Options": "compiler.pipeline",
    "CompileResult": "compiler.pipeline",
    "TemplateRefused": "compiler.pipeline",
    # the data document
    "load_document": "compiler.document.load",
    "blank_document": "compiler.document.blank",
    "ReadResult": "compiler.document.model",
    "Source": "compiler.document.model",
    # the official formats
    "Format": "compiler.formats.definition",
    "get_format": "compiler.formats.definition",
    "format_for_year": "compiler.formats.definition",
    "all_formats": "compiler.formats.definition",
    "UnknownFormat": "compiler.formats.definition",
    # messages
    "Finding": "compiler.messages.findings",
    "UnusableFile": "compiler.messages.findings",
    "Refusal": "compiler.messages.findings",
    "CATALOGUE": "compiler.messages.findings",
    # an inbox of workbooks
    "run_batch": "compiler.inbox.batch",
    "BatchOutcome": "compiler.inbox.batch",
    "rollup": "compiler.inbox.rollup",
    "RollupResult": "compiler.inbox.rollup",
    "RollupRefused": "compiler.inbox.rollup",
    # custom Word templates
    "check_template": "compiler.template_lint.docx_side",
    "LintReport": "compiler.template_lint.problems",
}

__all__ = [
    "__version__",
    "compile_workbook", "validate_workbook", "new_workbook", "Options", "CompileResult", "TemplateRefused",
    "load_document", "blank_document", "ReadResult", "Source",
    "Format", "get_format", "format_for_year", "all_formats", "UnknownFormat",
    "Finding", "Refusal", "UnusableFile", "CATALOGUE",
    "run_batch", "BatchOutcome", "rollup", "RollupResult", "RollupRefused",
    "check_template", "LintReport",
]  # a test keeps this list and _EXPORTS the same


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'compiler' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # what type checkers and editors see; nothing is imported at run time
    from compiler.document.blank import blank_document
    from compiler.document.load import load_document
    from compiler.document.model import ReadResult, Source
    from compiler.formats.definition import Format, UnknownFormat, all_formats, format_for_year, get_format
    from compiler.inbox.batch import BatchOutcome, run_batch
    from compiler.inbox.rollup import RollupRefused, RollupResult, rollup
    from compiler.messages.findings import CATALOGUE, Finding, Refusal, UnusableFile
    from compiler.pipeline import (
        CompileResult,
        Options,
        TemplateRefused,
        compile_workbook,
        new_workbook,
        validate_workbook,
    )
    from compiler.template_lint.docx_side import check_template
    from compiler.template_lint.problems import LintReport
