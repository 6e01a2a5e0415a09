"""Custom Word templates: ``compile template-check`` and the lint ``compile --template`` runs first.

Templates are built from templates/2021.docx (23 body paragraphs) with python-docx, so an added
paragraph is 「正文第 24 段」.
"""

import zipfile

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from helpers import SAMPLE_2021, paragraphs, valid_document
from jinja2.exceptions import SecurityError, UndefinedError

from compiler.cli import cli
from compiler.common.resources import default_template
from compiler.formats.definition import get_format
from compiler.render.context import build_context
from compiler.render.word import render_docx, word_table
from compiler.template_lint import docx_side as template_lint
from compiler.template_lint.docx_side import check_template, lint_template

TEMPLATE = default_template("2021")
ADDED = "正文第 24 段"


def template_with(tmp_path, *texts, edit=None, name="custom.docx"):
    """templates/2021.docx plus one paragraph per text (a list of strings gives one run each)."""
    doc = Document(str(TEMPLATE))
    for text in texts:
        p = doc.add_paragraph()
        for piece in ([text] if isinstance(text, str) else text):
            p.add_run(piece)
    if edit:
        edit(doc)
    path = tmp_path / name
    doc.save(str(path))
    return path


def run_element(text, tag="w:t"):
    r = OxmlElement("w:r")
    t = OxmlElement(tag)
    t.set(qn("xml:space"), "preserve")
    t.text = text
    r.append(t)
    return r


def revision(kind, *runs):
    el = OxmlElement(kind)
    el.set(qn("w:id"), "1")
    el.set(qn("w:author"), "某处")
    for r in runs:
        el.append(r)
    return el


def context():
    return build_context(get_format("2021"), valid_document(), tables_as=word_table)


def only(report, code):
    found = [p for p in report.problems if p.code == code]
    assert found, report.lines()
    return found[0]


@pytest.mark.parametrize("format_id", ["2019", "2021"])
def test_the_shipped_templates_are_clean(format_id):
    report = lint_template(default_template(format_id))
    assert report.ok and report.problems == []


def test_known_variables_and_attributes_pass(tmp_path):
    path = template_with(tmp_path, "{{ title }}{{ contact }}{{ date_iso }}{{ format_name }}{{ sections|length }}",
                         "{%p for s in sections %}", "{{ s.id }}{{ s.heading }}{{ s.table.title if s.table }}",
                         "{%p for b in s.blocks %}", "{{ loop.index }}{{ b.kind }}{{ b.number }}{{ b.text|upper }}",
                         "{%p endfor %}", "{%p endfor %}", "{% set n = org %}{{ n }}")
    report = lint_template(path)
    assert report.problems == [], report.lines()


def test_unknown_variable_with_suggestion_and_place(tmp_path):
    problem = only(lint_template(template_with(tmp_path, "{{ orgg }}")), "template_unknown_variable")
    assert problem.where.text() == ADDED
    assert "「orgg」" in problem.message() and "是否应为「org」" in problem.message()
    assert "unknown variable 'orgg' (did you mean 'org'?)" in problem.message("en")
    assert problem.where.text("en") == "body paragraph 24"


def test_unknown_attribute_inside_loops(tmp_path):
    path = template_with(tmp_path, "{%p for s in sections %}", "{{ s.heding }}", "{%p for b in s.blocks %}",
                         "{{ b.txt }}", "{%p endfor %}", "{%p endfor %}")
    report = lint_template(path)
    found = [p for p in report.problems if p.code == "template_unknown_attribute"]
    assert [p.where.text() for p in found] == ["正文第 25 段", "正文第 27 段"]
    assert "s.heding" in found[0].message() and "「heading」" in found[0].message()
    assert "「text」" in found[1].message()


def test_outside_its_loop_a_loop_variable_is_unknown(tmp_path):
    problem = only(lint_template(template_with(tmp_path, "{{ s.heading }}")), "template_unknown_variable")
    assert "「s」" in problem.message()


def test_a_problem_in_a_table_cell_names_the_cell(tmp_path):
    def edit(doc):
        table = doc.add_table(rows=2, cols=3)
        table.cell(1, 2).text = "{{ orgg }}"
    problem = only(lint_template(template_with(tmp_path, edit=edit)), "template_unknown_variable")
    assert problem.where.text() == "正文表格 1 第 2 行第 3 列"


def test_a_problem_in_a_header_names_the_header(tmp_path):
    def edit(doc):
        header = doc.sections[0].header
        header.is_linked_to_previous = False
        header.paragraphs[0].text = "{{ yaer }}"
    problem = only(lint_template(template_with(tmp_path, edit=edit)), "template_unknown_variable")
    assert problem.where.text().startswith("页眉（") and problem.where.text().endswith("第 1 段")


def test_a_tag_split_across_runs_is_a_warning_and_still_renders(tmp_path):
    path = template_with(tmp_path, ["{{ o", "rg }}", "（", "{", "{ year }", "}）"])
    report = lint_template(path)
    assert report.ok
    assert [p.code for p in report.problems] == ["template_split_tag", "template_split_tag"]
    assert report.problems[0].where.text() == ADDED and report.problems[0].params["count"] == 2
    out = tmp_path / "out.docx"
    out.write_bytes(render_docx(path, context()))
    assert paragraphs(out)[-1][1] == "测试区档案局（2024）"


def test_a_tag_across_a_revision_cannot_be_joined(tmp_path):
    def edit(doc):
        p = doc.add_paragraph()
        p._p.append(run_element("{{ or"))
        p._p.append(revision("w:ins", run_element("g }}")))
    problem = only(lint_template(template_with(tmp_path, edit=edit)), "template_broken_tag")
    assert problem.is_error and problem.where.text() == ADDED and "插入的修订" in problem.message()


def test_a_tag_in_deleted_text_is_hidden_code(tmp_path):
    def edit(doc):
        p = doc.add_paragraph("可见文字")
        p._p.append(revision("w:del", run_element("{{ org.__class__ }}", "w:delText")))
    problem = only(lint_template(template_with(tmp_path, edit=edit)), "template_hidden_tag")
    assert "删除的修订文字" in problem.message() and problem.where.text() == ADDED


def test_a_tag_in_an_attribute_is_hidden_code(tmp_path):
    def edit(doc):
        p = doc.add_paragraph("书签")
        mark = OxmlElement("w:bookmarkStart")
        mark.set(qn("w:id"), "9")
        mark.set(qn("w:name"), "{{ cycler.__init__ }}")
        p._p.append(mark)
    problem = only(lint_template(template_with(tmp_path, edit=edit)), "template_hidden_tag")
    assert "bookmarkStart" in problem.message()


def test_an_unclosed_tag(tmp_path):
    problem = only(lint_template(template_with(tmp_path, "{{ org ")), "template_unclosed_tag")
    assert problem.where.text() == ADDED and "}}" in problem.message()


def test_unbalanced_blocks(tmp_path):
    report = lint_template(template_with(tmp_path, "{%p if date %}", "{{ date }}"))
    problem = only(report, "template_unclosed_block")
    assert problem.where.text() == ADDED and "{% endif %}" in problem.message()
    report = lint_template(template_with(tmp_path, "{{ org }}", "{%p endfor %}", name="b.docx"))
    problem = only(report, "template_unexpected_end")
    assert problem.where.text() == "正文第 25 段" and "{% endfor %}" in problem.message()
    report = lint_template(template_with(tmp_path, "{%p else %}", name="c.docx"))
    assert only(report, "template_unexpected_end").where.text() == ADDED


def test_a_syntax_error(tmp_path):
    problem = only(lint_template(template_with(tmp_path, "{{ org | }}")), "template_syntax")
    assert problem.where.text() == ADDED


def test_two_paragraph_tags_in_one_paragraph(tmp_path):
    report = lint_template(template_with(tmp_path, "{%p if date %}{{ date }}{%p endif %}"))
    assert only(report, "template_two_paragraph_tags").where.text() == ADDED


ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ joiner.__init__.__globals__.os }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ self.__init__.__globals__ }}",
    "{{ org|attr('__class__') }}",
    "{{ org['__class__'] }}",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ org.format.__globals__ }}",
    "{{ ('__cla' ~ 'ss__') }}",
]


@pytest.mark.parametrize("payload", ESCAPES, ids=range(len(ESCAPES)))
def test_escapes_are_refused_by_the_lint_and_by_the_sandbox(tmp_path, payload):
    path = template_with(tmp_path, payload)
    report = lint_template(path)
    assert not report.ok
    assert only(report, "template_forbidden").where.text() == ADDED
    if "~" not in payload:  # a concatenated name is only text: harmless at render time
        with pytest.raises(SecurityError):
            render_docx(path, context())


@pytest.mark.parametrize("payload", ["{{ range(10**9)|list }}", "{{ title * 100000 }}", "{% include 'x.docx' %}",
                                     "{% import 'os' as os %}", "{% set _x = 1 %}"])
def test_resource_and_file_gadgets_are_refused(tmp_path, payload):
    assert only(lint_template(template_with(tmp_path, payload)), "template_forbidden").is_error


@pytest.mark.parametrize("payload", ["{{ 10 ** 9 }}", "{{ title * 100000 }}", "{{ [1] * 100000 }}",
                                     "{{ (('x' * 1000) * 1000) * 100 }}", "{{ 'a'|center(200000000) }}",
                                     "{{ 'a'.ljust(200000000) }}", "{{ '%0200000000d'|format(1) }}",
                                     "{{ '{:>200000000}'.format(1) }}", "{{ 'a'|indent(200000000) }}"])
def test_resource_gadgets_raise_even_when_rendered_without_the_lint(tmp_path, payload):
    with pytest.raises(SecurityError):
        render_docx(template_with(tmp_path, payload), context())


def test_escape_in_document_properties(tmp_path):
    def edit(doc):
        doc.core_properties.comments = "{{ cycler.__init__.__globals__ }}"
    path = template_with(tmp_path, edit=edit)
    problem = only(lint_template(path), "template_forbidden")
    assert problem.where.text() == "文档属性「备注」"
    with pytest.raises(SecurityError):
        render_docx(path, context())


def test_undefined_names_raise_when_rendered(tmp_path):
    with pytest.raises(UndefinedError):
        render_docx(template_with(tmp_path, "{{ orgg }}"), context())


def _rewrite_document(src, dst, change):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info.filename, change(data) if info.filename == "word/document.xml" else data)
    return dst


def test_entity_declarations_in_a_template_are_refused(tmp_path):
    lol = b'<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    path = _rewrite_document(TEMPLATE, tmp_path / "lol.docx",
                             lambda data: data.replace(b"?>", b"?>" + lol, 1) if data.startswith(b"<?xml")
                             else lol + data)
    report = check_template(path)
    assert report.codes() == ["template_unsafe"]
    assert "DTD" in report.problems[0].message()


def test_not_a_docx(tmp_path):
    path = tmp_path / "fake.docx"
    path.write_text("不是模板", encoding="utf-8")
    assert check_template(path).codes() == ["template_unreadable"]
    assert check_template(SAMPLE_2021).codes() == ["template_unreadable"]  # a zip, but no word/document.xml


# ---------------------------------------------------------------- the command line


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, [str(a) for a in args], env={"LANG": "zh_CN.UTF-8"})


def test_template_check_command(run, tmp_path):
    ok = run("template-check", TEMPLATE)
    assert ok.exit_code == 0 and "模板可用" in ok.output
    bad = run("template-check", template_with(tmp_path, "{{ cycler.__init__ }}"))
    assert bad.exit_code == 1
    assert "模板不可用" in bad.output and ADDED in bad.output and "template_forbidden" in bad.output
    unreadable = tmp_path / "x.docx"
    unreadable.write_bytes(b"PK\x03\x04junk")
    assert run("template-check", unreadable).exit_code == 2
    assert "unknown variable" in CliRunner().invoke(
        cli, ["template-check", str(template_with(tmp_path, "{{ orgg }}", name="e.docx")), "--lang", "en"]).output


def test_build_refuses_a_template_that_fails_the_lint(run, tmp_path):
    out = tmp_path / "report.docx"
    result = run(SAMPLE_2021, "-o", out, "--template", template_with(tmp_path, "{{ ''.__class__.__mro__ }}"))
    assert result.exit_code == 2
    assert "模板不可用" in result.output and ADDED in result.output and "未生成报告" in result.output
    assert not out.exists()


def test_build_with_a_clean_custom_template(run, tmp_path):
    out = tmp_path / "report.docx"
    result = run(SAMPLE_2021, "-o", out, "--template", template_with(tmp_path, ["（", "{{ year }}", "）"]))
    assert result.exit_code == 0, result.output
    assert paragraphs(out)[-1][1] == "（2024）"


@pytest.mark.parametrize("payload", ["{{ ''.__class__ }}", "{{ orgg }}"])
def test_render_failure_past_the_lint_is_a_sentence_not_an_internal_error(run, tmp_path, monkeypatch, payload):
    monkeypatch.setattr(template_lint, "check_template", lambda path: template_lint.LintReport(path))
    out = tmp_path / "report.docx"
    result = run(SAMPLE_2021, "-o", out, "--template", template_with(tmp_path, payload))
    assert result.exit_code == 2, result.output
    assert "无法生成报告" in result.output and "内部错误" not in result.output
    assert not out.exists()


def test_a_generated_report_chosen_as_the_template_is_refused(run, tmp_path):
    report = tmp_path / "last-year.docx"
    assert run(SAMPLE_2021, "-o", report).exit_code == 0
    checked = run("template-check", report)
    assert checked.exit_code == 1 and "template_no_tags" in checked.output
    assert "是否选成了已经生成的报告" in checked.output
    out = tmp_path / "this-year.docx"
    used = run(SAMPLE_2021, "-o", out, "--template", report)
    assert used.exit_code == 2 and "模板不可用" in used.output and not out.exists()
    assert run("template-check", TEMPLATE).exit_code == 0  # the shipped template has its tags
