"""The prepared template renders exactly what docxtpl renders, without docxtpl's clean-up where it
changes nothing, with it where it does, and from the user cache in a later run."""

from __future__ import annotations

import copy

import pytest
from docx import Document
from docx.oxml import parse_xml
from helpers import valid_document

from compiler.common.resources import default_template
from compiler.document.values import xml_safe
from compiler.formats.definition import get_format
from compiler.render import word
from compiler.render.context import build_context
from compiler.render.word_prepared import Prepared, needs_cleanup, prepare, resolve_listing

NASTY = ["& < > \" ' {{ x }} {% y %} &#34; &#123; ]]>", "引号“”‘’「」", "制表\t换行\n分页\f响铃\a", "回车\r换行\r\n",
         "😀 \u2028 \ufffd", "{_{ a }_} {_% b %_}", "=1+1", ""]


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """No template prepared in this process or in the user cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    word._prepared.cache_clear()
    word._UNPREPARED.clear()
    yield
    word._prepared.cache_clear()
    word._UNPREPARED.clear()


def _context(format_id: str, text: str) -> dict:
    org = f"临江区{xml_safe(text)}档案局"[:60]  # (the reader keeps control characters out of every text)
    doc = valid_document(format_id, 2024 if format_id == "2021" else 2020, org=org)
    doc["meta"]["contact"] = text
    doc["sections"]["overview"] = [{"kind": "heading", "text": text}, {"kind": "paragraph", "text": text}]
    return build_context(get_format(format_id), doc, tables_as=word.word_table)


@pytest.mark.parametrize("format_id", ["2019", "2021"])
@pytest.mark.parametrize("text", NASTY, ids=range(len(NASTY)))
def test_any_text_renders_the_bytes_of_plain_docxtpl(fresh, format_id, text):
    template = default_template(format_id)
    context = _context(format_id, text)
    assert word.render_docx(template, context) == word.render_docx_plain(template, context)


def test_our_templates_skip_the_clean_up():
    for format_id in ("2019", "2021"):
        prepared = prepare(default_template(format_id).read_bytes(), word._set_properties)
        assert not prepared.cleanup


def test_a_prepared_template_kept_in_the_cache_renders_the_same(fresh):
    template = default_template("2021")
    context = _context("2021", NASTY[0])
    prepared = prepare(template.read_bytes(), word._set_properties)
    kept = Prepared.from_bytes(prepared.to_bytes())
    env = word.report_environment()
    assert kept.render(context, env, word._report_datetime) == prepared.render(context, env, word._report_datetime)
    word.render_docx(template, context)  # prepares and keeps it in the cache
    word._prepared.cache_clear()
    assert word.render_docx(template, context) == word.render_docx_plain(template, context)


CELL = '<w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/></w:tcPr><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>'
LOOP_TABLE = (
    '<w:tbl xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid><w:gridCol w:w="3000"/></w:tblGrid>'
    + "<w:tr>" + CELL.format("{%tc for x in sections %}") + CELL.format("{{ x.heading }}")
    + CELL.format("{%tc endfor %}") + "</w:tr></w:tbl>")


def test_a_custom_template_that_needs_the_clean_up_still_gets_it(fresh, tmp_path):
    """A table whose cells come from a loop has more cells than grid columns: docxtpl's fix_tables
    adds the columns. Such a template is prepared with the clean-up, and renders as docxtpl does."""
    doc = Document(str(default_template("2021")))
    doc.element.body.insert(0, parse_xml(LOOP_TABLE))
    path = tmp_path / "loop-table.docx"
    doc.save(str(path))
    context = _context("2021", "表格")
    prepared = prepare(path.read_bytes(), word._set_properties)
    assert prepared.cleanup
    rendered = word.render_docx(path, context)
    assert rendered == word.render_docx_plain(path, context)
    skipped = copy.copy(prepared)
    skipped.cleanup, skipped._checked = False, True
    without = skipped.render(context, word.report_environment(), word._report_datetime)
    assert without != rendered  # the clean-up did change this one: the grid got its columns
    grid = Document(__import__("io").BytesIO(rendered)).tables[0]._tbl.tblGrid
    assert len(grid.gridCol_lst) == len(context["sections"])


def test_what_needs_the_clean_up():
    plain = '<w:body><w:p><w:r><w:t xml:space="preserve">{{ org }}</w:t></w:r></w:p></w:body>'
    assert not needs_cleanup(plain)
    assert needs_cleanup(plain.replace("<w:p>", "<w:tbl><w:tr><w:tc><w:p>"))  # a table of its own
    assert needs_cleanup(plain + "<wp:docPr id='1'/>")  # a drawing
    assert needs_cleanup(plain.replace("{{ org }}", "{{ org|safe }}"))  # markup of its own
    assert needs_cleanup(plain.replace('xml:space="preserve"', 'w:val="{{ org }}"'))  # a value in an attribute


def test_listing_characters_are_resolved_as_docxtpl_resolves_them():
    from docxtpl import DocxTemplate

    xml = ('<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t>a\tb\nc\fd\ae</w:t></w:r>'
           '<w:r><w:t>plain</w:t></w:r></w:p><w:p><w:r><w:t>no listing</w:t></w:r></w:p>'
           '<w:p w:rsidR="1"><w:r w:rsidR="2"><w:t xml:space="preserve">x\ny</w:t></w:r></w:p>')
    assert resolve_listing(xml) == DocxTemplate.resolve_listing(None, xml)  # type: ignore[arg-type]


def test_listing_characters_anywhere_are_resolved_as_docxtpl_resolves_them():
    """Random bodies: nested and broken paragraphs, characters inside and between paragraphs."""
    import random

    from docxtpl import DocxTemplate

    atoms = ["<w:p>", '<w:p w:rsidR="1">', "</w:p>", '<w:pPr><w:jc w:val="center"/></w:pPr>', "<w:r>", "</w:r>",
             '<w:r w:x="2">', "<w:rPr><w:b/></w:rPr>", "<w:t>", '<w:t xml:space="preserve">', "</w:t>", "文字",
             "\n", "\t", "\a", "\f", '<w:pStyle w:val="x"/>', "<w:tbl>", "</w:tbl>", "<w:br/>", " ", ">", "<w:p"]
    rng = random.Random(15)  # noqa: S311 - reproducible test data
    for _ in range(3000):
        xml = "".join(rng.choice(atoms) for _ in range(rng.randint(1, 40)))
        assert resolve_listing(xml) == DocxTemplate.resolve_listing(None, xml), repr(xml)  # type: ignore[arg-type]


def test_a_table_skeleton_kept_in_the_cache_lays_out_the_same_table(fresh):
    from compiler.render import word_tables

    context = _context("2021", NASTY[0])
    tables = [s["table"].filled for s in context["sections"] if s["table"]]
    direct = [word_tables._table_xml(t, word_tables.column_widths(t)) for t in tables]
    assert [word_tables.table_xml(t) for t in tables] == direct  # laid out now, and kept
    word_tables._SKELETONS.clear()
    assert [word_tables.table_xml(t) for t in tables] == direct  # from the cache
