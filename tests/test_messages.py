"""The message catalogue as a registry: every code the program uses has a message, every message is
used, the two languages fill in the same values, and everything that refuses work has one shape."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from helpers import ROOT

from compiler.inbox.rollup import RollupRefused
from compiler.messages.findings import (
    CATALOGUE,
    ERROR,
    MESSAGES,
    WARNING,
    Finding,
    Refusal,
    UnknownCode,
    UnusableFile,
    placeholders,
)
from compiler.messages.texts import LABELS, TEXTS
from compiler.template_lint.problems import TemplateProblem, TemplateUnusable
from compiler.workbook.reader import GROUPED

SOURCES = sorted((ROOT / "compiler").rglob("*.py"))
# calls whose first argument is a message code
# calls whose first argument is an interface text key
TEXT_FIRST = {"text", "labels", "PreviousArgumentError"}
CODE_FIRST = {"Finding", "UnusableFile", "RollupRefused", "TemplateProblem", "Refusal", "note", "_unusable", "problem"}


def _tree(path: Path) -> ast.AST:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _string(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def codes_in_use() -> dict[str, str]:
    """Each code the program passes where a code is expected → one place that does (file:line)."""
    found: dict[str, str] = {}
    for path in SOURCES:
        for node in ast.walk(_tree(path)):
            candidates: list[ast.expr | None] = []
            if isinstance(node, ast.Call):
                name = _name(node.func)
                if name in CODE_FIRST and node.args:
                    candidates.append(node.args[0])
                if name == "Coerced" and len(node.args) > 1:  # a value read with a warning or error
                    candidates.append(node.args[1])
                candidates += [k.value for k in node.keywords if k.arg == "code"]
            elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "code" for t in node.targets):
                candidates.append(node.value)
            elif isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute) and node.left.attr == "code":
                for right in node.comparators:
                    candidates += right.elts if isinstance(right, (ast.Tuple, ast.List, ast.Set)) else [right]
            for candidate in candidates:
                code = _string(candidate)
                if code is not None:
                    found.setdefault(code, f"{path.relative_to(ROOT)}:{candidate.lineno}")
    return found


def strings_outside_the_catalogue() -> set[str]:
    strings = set()
    catalogue_lines = _catalogue_lines()
    for path in SOURCES:
        for node in ast.walk(_tree(path)):
            text = _string(node) if isinstance(node, ast.Constant) else None
            if text is not None and not (path.name == "findings.py" and node.lineno in catalogue_lines):
                strings.add(text)
    return strings


def _catalogue_lines() -> range:
    tree = _tree(ROOT / "compiler/messages/findings.py")
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "CATALOGUE":
            return range(node.lineno, node.end_lineno + 1)
    raise AssertionError("CATALOGUE not found")


def test_the_scan_finds_codes_in_every_way_they_are_passed():
    used = codes_in_use()
    for code in ("missing_sheet", "file_corrupt", "rollup_mixed", "template_syntax", "text_number", "negative",
                 "output_failed", "template_unsafe"):
        assert code in used, code


def test_every_code_the_program_uses_is_in_the_catalogue():
    unknown = {code: where for code, where in codes_in_use().items() if code not in CATALOGUE}
    assert not unknown


def test_every_catalogue_code_is_used_somewhere():
    used = strings_outside_the_catalogue() | {f"{code}_many" for code in GROUPED}
    assert sorted(set(CATALOGUE) - used) == []


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_chinese_and_english_fill_in_the_same_values(code):
    message = MESSAGES[code]
    english = {name.removesuffix("_en") for name in message.placeholders("en")}
    assert message.placeholders("zh") == english
    assert message.severity in (ERROR, WARNING)


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_interface_texts_fill_in_the_same_values_in_both_languages(key):
    zh, en = TEXTS[key]
    assert placeholders(zh) == {name.removesuffix("_en") for name in placeholders(en)}


def test_interface_labels_have_as_many_entries_in_both_languages():
    for key, (zh, en) in LABELS.items():
        assert len(zh) == len(en), key


def test_every_interface_text_is_used_and_every_one_used_exists():
    used: dict[str, str] = {}
    for path in SOURCES:
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Call) and _name(node.func) in TEXT_FIRST and node.args:
                first = node.args[0]
                for key in map(_string, [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]):
                    if key is not None:
                        used.setdefault(key, f"{path.relative_to(ROOT)}:{node.lineno}")
    assert {k: w for k, w in used.items() if k not in TEXTS and k not in LABELS} == {}
    assert sorted((set(TEXTS) | set(LABELS)) - set(used)) == []


def test_a_finding_with_an_unknown_code_is_refused_when_made():
    with pytest.raises(UnknownCode, match="missing_sheet"):
        Finding("missing_shet")
    with pytest.raises(UnknownCode):
        TemplateProblem("template_nope")


def test_english_variants_default_to_the_value_given():
    finding = Finding("table_moved", "依申请公开", "A6", {"rows": 2, "direction": "下", "direction_en": "down"})
    assert "向下移动了 2 行" in finding.message()
    assert "moved down by 2 row(s)" in finding.message("en")
    problem = TemplateProblem("template_syntax", params={"detail": "unexpected '}'"})
    assert "unexpected '}'" in problem.message("en")


def test_everything_that_refuses_work_carries_its_finding():
    refusals = [
        UnusableFile("file_corrupt", path="a.xlsx", detail="BadZipFile"),
        RollupRefused("rollup_empty", count=0),
        TemplateUnusable(TemplateProblem("template_unreadable", params={"path": "t.docx", "detail": "找不到文件"})),
    ]
    for refusal in refusals:
        assert isinstance(refusal, Refusal)
        assert str(refusal) == refusal.finding.message()
        assert refusal.finding.message("en") != refusal.finding.message("zh")
    assert refusals[2].problem is refusals[2].finding
