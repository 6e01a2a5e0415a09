"""The library call does what the command does, and leans on no library internals without a way out."""

from __future__ import annotations

import datetime as dt
import struct
import zipfile

import pytest
from helpers import SAMPLE_2021, valid_document, write_workbook
from test_template_lint import template_with

from compiler.common.resources import default_template
from compiler.formats.definition import all_formats, get_format
from compiler.pipeline import CompileResult, Options, TemplateRefused, _write, compile_workbook
from compiler.render import word
from compiler.render.context import build_context


def test_the_library_call_lints_a_custom_template_before_compiling(tmp_path):
    bad = template_with(tmp_path, "{{ ''.__class__.__mro__ }}")
    out = tmp_path / "report.docx"
    with pytest.raises(TemplateRefused) as refused:
        compile_workbook(SAMPLE_2021, out, Options(template=bad))
    assert "template_forbidden" in refused.value.report.codes()
    assert not out.exists()
    from compiler import Refusal
    assert isinstance(refused.value, Refusal) and refused.value.finding.code == "template_forbidden"


def test_only_the_pdf_writer_reports_pdf_failed(tmp_path):
    def broken():
        raise RuntimeError("a fault of ours")

    outcome = CompileResult(source=tmp_path / "x.xlsx", format=get_format("2021"), data=valid_document())
    with pytest.raises(RuntimeError):
        _write(outcome, tmp_path / "r.html", broken, "html")
    with pytest.raises(RuntimeError):
        _write(outcome, tmp_path / "r.json", broken, "json")
    assert outcome.findings == []
    _write(outcome, tmp_path / "r.pdf", broken, "pdf")
    assert [f.code for f in outcome.findings] == ["pdf_failed"]


@pytest.fixture
def fresh_prepared(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # nothing prepared in an earlier run either
    word._prepared.cache_clear()
    word._UNPREPARED.clear()
    yield
    word._prepared.cache_clear()
    word._UNPREPARED.clear()


@pytest.mark.parametrize("private", ["_write_parts", "_write_content_types_stream", "_write_pkg_rels"])
def test_renamed_python_docx_internals_fall_back_to_plain_docxtpl(fresh_prepared, monkeypatch, private):
    from docx.opc.pkgwriter import PackageWriter

    from compiler.render import word_prepared

    context = build_context(get_format("2021"), valid_document(), tables_as=word.word_table)
    template = default_template("2021")
    expected = word.render_docx_plain(template, context)
    # the fast path as it would meet a python-docx release in which this private method is renamed
    # (python-docx's own public save, which the plain path uses, is left as it is)
    renamed = type("PackageWriter", (), {k: v for k, v in vars(PackageWriter).items() if k != private})
    monkeypatch.setattr(word_prepared, "package_writer", lambda: renamed)
    assert word.render_docx(template, context) == expected
    assert word._prepared(str(template.resolve()), template.stat().st_mtime) is None


def test_a_fast_path_failing_while_rendering_falls_back_too(fresh_prepared, monkeypatch):
    context = build_context(get_format("2021"), valid_document(), tables_as=word.word_table)
    template = default_template("2021")
    expected = word.render_docx_plain(template, context)
    from compiler.render import word_prepared

    word.render_docx(template, context)  # prepared now

    def broken(members):
        raise struct.error("a fault of the fast path")

    monkeypatch.setattr(word_prepared, "_zip", broken)
    assert word.render_docx(template, context) == expected
    assert word._prepared(str(template.resolve()), template.stat().st_mtime) is None  # plain from now on


def test_the_workbook_year_and_date_limits_come_from_the_formats(tmp_path):
    from openpyxl import load_workbook

    book = write_workbook(tmp_path / "b.xlsx", valid_document())
    first = min(f.first_year for f in all_formats().values())
    validations = load_workbook(book)["基本信息"].data_validations.dataValidation
    year = next(v for v in validations if v.type == "whole")
    date = next(v for v in validations if v.type == "date")
    assert year.formula1 == str(first)
    assert dt.date(1899, 12, 30) + dt.timedelta(days=int(date.formula1)) == dt.date(first, 1, 1)
    assert zipfile.is_zipfile(book)
