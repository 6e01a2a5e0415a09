"""The data document on its own: walking it by path, and checking one that no workbook produced."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import ROOT, valid_document

from compiler.checks.completeness import check_completeness
from compiler.document.blank import blank_document
from compiler.document.model import ReadResult, Source, get_path, pointer, set_path
from compiler.formats.definition import get_format

DOC = {"meta": {"org": "临江区档案局"}, "tables": {"requests": {"new": {"natural": 3}}}, "list": [{"a": 1}, {"a": 2}]}


@pytest.mark.parametrize("path, expected", [
    ("/meta/org", "临江区档案局"),
    (("tables", "requests", "new", "natural"), 3),
    (["tables", "requests"], {"new": {"natural": 3}}),
    ("/list/1/a", 2),
    (("list", 0, "a"), 1),
    ("/", DOC),
    ((), DOC),
])
def test_get_path_reads_pointers_and_key_sequences_alike(path, expected):
    assert get_path(DOC, path) == expected


def test_get_path_without_default_says_which_key_is_missing():
    with pytest.raises(KeyError, match="legal"):
        get_path(DOC, "/tables/requests/new/legal")
    with pytest.raises(IndexError):
        get_path(DOC, "/list/5/a")


@pytest.mark.parametrize("path", ["/tables/active/x", "/meta/org/deeper", "/list/9", "/list/x", "/nothing"])
def test_get_path_with_default_gives_it_for_anything_missing_on_the_way(path):
    assert get_path(DOC, path, default=None) is None


def test_set_path_writes_into_existing_dictionaries_and_lists():
    doc = {"a": {"b": 1}, "l": [0, 0]}
    set_path(doc, "/a/b", 2)
    set_path(doc, ("l", 1), 5)
    assert doc == {"a": {"b": 2}, "l": [0, 5]}


def test_set_path_makes_missing_dictionaries_only_when_asked():
    doc: dict = {}
    with pytest.raises(KeyError):
        set_path(doc, ("t", "row", "col"), 1)
    set_path(doc, ("t", "row", "col"), 1, create=True)
    set_path(doc, ("t", "row", "other"), 2, create=True)
    assert doc == {"t": {"row": {"col": 1, "other": 2}}}
    with pytest.raises(ValueError):
        set_path(doc, "/", 1)


def test_pointer_and_get_path_round_trip():
    assert pointer("tables", "requests", "new", "natural") == "/tables/requests/new/natural"
    assert get_path(DOC, pointer("list", 1, "a")) == 2


def _result(sources: dict[str, Source]) -> ReadResult:
    fmt = get_format("2021")
    return ReadResult(format=fmt, data=blank_document(fmt, 2024, ""), sources=sources)


def test_locate_falls_back_to_the_nearest_part_with_a_place():
    result = _result({"/meta": Source("基本信息", "", "基本信息"), "/meta/year": Source("基本信息", "B4", "年度")})
    assert result.locate("/meta/year").cell == "B4"
    assert result.locate("/meta/org") == Source("基本信息", "", "基本信息")
    assert result.locate("/tables/requests/new/natural") is None
    assert result.place("/meta/org") == ("基本信息", "")
    assert result.place("/tables/requests/new/natural") == ("", "")


def test_a_document_from_a_published_report_is_checked_with_its_own_places():
    """No workbook anywhere: the places of the findings are the ones the importer recorded."""
    result = _result({
        "/meta": Source("正文", "标题", "标题"),
        "/sections/overview": Source("正文", "第 2 段", "一、总体情况"),
        "/sections/problems": Source("正文", "第 9 段", "五、存在的主要问题及改进情况"),
    })
    findings = {(f.code, f.params.get("label") or f.params.get("heading")): (f.sheet, f.cell)
                for f in check_completeness(result)}
    assert findings[("required", "机关名称")] == ("正文", "标题")
    assert findings[("section_empty", "一、总体情况")] == ("正文", "第 2 段")
    assert findings[("section_empty", "五、存在的主要问题及改进情况")] == ("正文", "第 9 段")


def test_a_complete_document_without_a_workbook_has_nothing_to_complete():
    fmt = get_format("2021")
    assert check_completeness(ReadResult(format=fmt, data=valid_document())) == []


def test_the_checks_do_not_import_the_workbook_package():
    code = ("import sys, compiler.checks.arithmetic, compiler.checks.completeness, compiler.checks.schema, "
            "compiler.checks.text, compiler.checks.previous_year; "
            "print(sorted(m for m in sys.modules if m.startswith('compiler.workbook')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def _walks(tree) -> list[int]:
    """Lines of ``for part in path: node = node[part]`` (or ``.get``/``.setdefault(part, …)``)."""
    import ast

    lines = []
    for loop in ast.walk(tree):
        if not (isinstance(loop, ast.For) and isinstance(loop.target, ast.Name)):
            continue
        key = loop.target.id

        def uses_key(expr, key=key) -> bool:
            return any(isinstance(n, ast.Name) and n.id == key for n in ast.walk(expr))

        for stmt in ast.walk(loop):
            if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
                continue
            node = stmt.targets[0].id
            for part in ast.walk(stmt.value):
                step = (isinstance(part, ast.Subscript) and isinstance(part.value, ast.Name) and part.value.id == node
                        and not isinstance(part.slice, ast.Slice) and uses_key(part.slice))
                call = (isinstance(part, ast.Call) and isinstance(part.func, ast.Attribute)
                        and isinstance(part.func.value, ast.Name) and part.func.value.id == node
                        and part.func.attr in ("get", "setdefault") and part.args and uses_key(part.args[0]))
                if step or call:
                    lines.append(stmt.lineno)
                    break
    return lines


def test_the_document_is_walked_by_path_only_in_the_model():
    import ast

    walks = {}
    for path in sorted((ROOT / "compiler").rglob("*.py")):
        if path.relative_to(ROOT).as_posix() == "compiler/document/model.py":
            continue
        found = _walks(ast.parse(path.read_text(encoding="utf-8")))
        if found:
            walks[path.relative_to(ROOT).as_posix()] = found
    assert walks == {}, "use compiler.document.model.get_path/set_path"
    assert _walks(ast.parse((ROOT / "compiler/document/model.py").read_text(encoding="utf-8")))  # the check sees one


def test_pointer_tokens_are_unescaped_as_json_pointer_says():
    schema = {"$defs": {"a/b": {"~x": 1}}}
    assert get_path(schema, "/$defs/a~1b/~0x") == 1
