"""What the template lint reports: each problem, where it is in the document, and the whole report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from compiler.messages.findings import CATALOGUE, ERROR


class TemplateUnusable(Exception):
    """The file is not a Word template that can be checked at all."""

    def __init__(self, problem: TemplateProblem):
        self.problem = problem
        super().__init__(problem.message())


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
            return f"{part}表格 {t} 第 {r} 行第 {c} 列" if zh else f"{part} table {t} row {r} column {c}"
        if self.paragraph:
            return f"{part}第 {self.paragraph} 段" if zh else f"{part} paragraph {self.paragraph}"
        return part


@dataclass(frozen=True)
class TemplateProblem:
    code: str
    where: Where = field(default_factory=Where)
    params: dict = field(default_factory=dict)

    @property
    def severity(self) -> str:
        return CATALOGUE[self.code][0]

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def message(self, lang: str = "zh") -> str:
        _, zh, en = CATALOGUE[self.code]
        params = dict(self.params)
        for key in list(params):
            params.setdefault(f"{key}_en", params[key])
        return (en if lang == "en" else zh).format(**params)

    def line(self, lang: str = "zh") -> str:
        label = ("错误" if self.is_error else "警告") if lang != "en" else self.severity
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
        if lang == "en":
            verdict = "TEMPLATE OK" if self.ok else "TEMPLATE REFUSED"
            head = f"{verdict}  {self.path}: {n_err} error(s), {n_warn} warning(s)"
        else:
            head = f"{'模板可用' if self.ok else '模板不可用'}  {self.path}：{n_err} 个错误，{n_warn} 个警告"
        ordered = self.errors + self.warnings
        return [head, *(p.line(lang) for p in ordered)]
