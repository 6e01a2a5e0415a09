"""How findings are shown on a terminal (messages/presentation.py): status line, aligned table, order."""

from __future__ import annotations

import dataclasses

import pytest

from compiler.messages.findings import Finding
from compiler.messages.presentation import display_width, findings_table, pad, sort_findings, status_line


def test_display_width_agrees_with_unicode_for_every_character_of_a_text():
    import unicodedata

    text = "".join(chr(c) for c in range(0x20, 0x30000, 7) if not 0xD800 <= c < 0xE000)
    expected = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    assert display_width(text) == expected
    assert display_width(text) == expected  # again, from the widths remembered


@pytest.mark.parametrize("text,width", [
    ("", 0),
    ("D8", 2),
    ("依申请公开", 10),
    ("错误:schema", 11),
    ("ＡＢ", 4),  # full-width letters take two columns
    ("ｶﾅ", 2),  # half-width katakana take one
    ("—①", 2),  # ambiguous-width characters count as narrow, as Western terminals show them
])
def test_display_width_counts_terminal_columns(text, width):
    assert display_width(text) == width


@pytest.mark.parametrize("text,width,padded", [
    ("D8", 6, "D8    "),
    ("依申请", 8, "依申请  "),
    ("依申请公开", 10, "依申请公开"),
    ("", 3, "   "),
])
def test_pad_fills_to_a_display_width(text, width, padded):
    assert pad(text, width) == padded
    assert display_width(pad(text, width)) == width


@pytest.mark.parametrize("errors,warnings,lang,line", [
    (0, 0, "zh", "VALID  a.xlsx：0 个错误，0 个警告"),
    (0, 3, "zh", "VALID  a.xlsx：0 个错误，3 个警告"),  # warnings do not block the report
    (2, 1, "zh", "INVALID  a.xlsx：2 个错误，1 个警告"),
    (0, 1, "en", "VALID  a.xlsx: 0 error(s), 1 warning(s)"),
    (1, 0, "en", "INVALID  a.xlsx: 1 error(s), 0 warning(s)"),
])
def test_status_line(errors, warnings, lang, line):
    assert status_line("a.xlsx", errors, warnings, lang) == line


SCHEMA = Finding("schema", "依申请公开", "D8", {"detail": "「自然人」应为整数"})
BLANK = Finding("blank_as_zero", "基本信息", "B3", {"label": "机关名称"})


def test_no_findings_no_table():
    assert findings_table([], "zh") == []


def test_findings_table_aligns_chinese_columns():
    lines = findings_table([SCHEMA, BLANK], "zh")
    assert lines == [
        "  工作表      单元格  代码                说明",
        f"  依申请公开  D8      错误:schema         {SCHEMA.message('zh')}",
        f"  基本信息    B3      警告:blank_as_zero  {BLANK.message('zh')}",
    ]


def test_findings_table_in_english():
    lines = findings_table([BLANK], "en")
    assert lines == [
        "  Sheet     Cell  Code                   Message",
        f"  基本信息  B3    warning:blank_as_zero  {BLANK.message('en')}",
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_message_column_starts_at_one_display_column(lang):
    findings = [SCHEMA, BLANK, Finding("schema", "主动公开", "B10", {"detail": "x"}),
                Finding("schema", "", "", {"detail": "y"})]
    lines = findings_table(findings, lang)
    starts = {display_width(line[: line.index(f.message(lang))]) for line, f in zip(lines[1:], findings, strict=True)}
    assert len(starts) == 1


@pytest.mark.parametrize("limit,shown,hidden", [(None, 3, 0), (3, 3, 0), (5, 3, 0), (2, 2, 1), (1, 1, 2)])
def test_limit_shows_the_first_findings_and_counts_the_rest(limit, shown, hidden):
    findings = [SCHEMA, BLANK, dataclasses.replace(SCHEMA, cell="D9")]
    for lang in ("zh", "en"):
        lines = findings_table(findings, lang, limit)
        assert len(lines) == 1 + shown + (1 if hidden else 0)
        if hidden:
            assert str(hidden) in lines[-1] and "--limit-errors" in lines[-1]


def test_sort_puts_errors_first_and_keeps_the_order_found():
    escalated = dataclasses.replace(BLANK, cell="B4", escalated=True)  # --strict made it an error
    second_error = dataclasses.replace(SCHEMA, cell="D9")
    findings = [BLANK, SCHEMA, escalated, dataclasses.replace(BLANK, cell="B5"), second_error]
    assert [(f.code, f.cell) for f in sort_findings(findings)] == [
        ("schema", "D8"), ("blank_as_zero", "B4"), ("schema", "D9"), ("blank_as_zero", "B3"), ("blank_as_zero", "B5")]
