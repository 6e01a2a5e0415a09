"""What the template lint reports: each problem, where it is in the document, and the whole report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from compiler.messages.findings import ERROR, MESSAGES, Refusal, message_for
from compiler.messages.presentation import severity_label
from compiler.messages.texts import text


class TemplateUnusable(Refusal):
    """The file is not a Word template that can be checked at all; carries the problem to show."""

    finding: TemplateProblem

    def __init__(self, problem: TemplateProblem):
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True)
class Where:
    """A place in the template a coordinator can find in Word."""

    part: tuple[str, str] = ("", "")  # (zh, en), e.g. ("正文", "body")
    paragraph: int | None = None  # 1-based, paragraphs outside tables
    cell: tuple[int, int, int] | None = None  # table, row, column (1-based)
    note: tuple[str, str] | None = None  # e.g. a document property

    def text(self, lang: str = "zh") -> str:
        zh = lang != "en"
        part = self.part[0 if zh else 1]
        if self.note:
            return f"{part}{self.note[0]}" if zh else f"{part} {self.note[1]}".strip()
        if self.cell:
            t, r, c = self.cell
            return text("template_place_cell", lang, part=part, table=t, row=r, column=c)
        if self.paragraph:
            return text("template_place_paragraph", lang, part=part, paragraph=self.paragraph)
        return part


@dataclass(frozen=True)
class TemplateProblem:
    code: str
    where: Where = field(default_factory=Where)
    params: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        message_for(self.code)  # an unknown code raises UnknownCode here, not when shown

    @property
    def severity(self) -> str:
        return MESSAGES[self.code].severity

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def message(self, lang: str = "zh") -> str:
        return MESSAGES[self.code].render(self.params, lang)

    def line(self, lang: str = "zh") -> str:
        label = severity_label(self.severity, lang)
        where = self.where.text(lang)
        return f"  {where}  {label}:{self.code}  {self.message(lang)}" if where else \
            f"  {label}:{self.code}  {self.message(lang)}"


@dataclass
class LintReport:
    path: Path
    problems: list[TemplateProblem] = field(default_factory=list)

    @property
    def errors(self) -> list[TemplateProblem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[TemplateProblem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def codes(self) -> list[str]:
        return [p.code for p in self.problems]

    def lines(self, lang: str = "zh") -> list[str]:
        n_err, n_warn = len(self.errors), len(self.warnings)
        status = text("template_ok" if self.ok else "template_refused", lang)
        head = text("status_line", lang, status=status, name=self.path, errors=n_err, warnings=n_warn)
        ordered = self.errors + self.warnings
        return [head, *(p.line(lang) for p in ordered)]
