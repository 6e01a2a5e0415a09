"""Reading what an agency typed (numbers, dates, years, labels) and printing amounts: input → output tables."""

from __future__ import annotations

import datetime as dt

import pytest

from compiler.document.values import (
    chinese_int,
    clean_text,
    coerce_date,
    coerce_number,
    coerce_year,
    decimals_of,
    format_amount,
    format_value,
    has_xml_illegal,
    looks_numeric,
    normalize_label,
    strip_number_prefix,
    xml_safe,
)
from compiler.formats.definition import ValueSpec

COUNT = ValueSpec("count")
AMOUNT = ValueSpec("amount", unit="万元", max_decimals=2)
AMOUNT_FIXED = ValueSpec("amount", unit="万元", max_decimals=4, decimals=4)


@pytest.mark.parametrize("text,number", [
    ("五", 5),
    ("十", 10),
    ("十二", 12),
    ("五十", 50),
    ("一百零五", 105),
    ("两千三百", 2300),
    ("三万五千", 35000),
    ("一万零一", 10001),
    ("二〇二四", 2024),
    ("零", 0),
])
def test_chinese_int_reads_counts_written_in_words(text, number):
    assert chinese_int(text) == number


@pytest.mark.parametrize("raw,spec,value,code", [
    (None, COUNT, 0, "blank_as_zero"),
    ("   ", COUNT, 0, "blank_as_zero"),
    (7, COUNT, 7, None),
    (7.0, COUNT, 7, None),
    (2.5, COUNT, 2.5, None),  # a fractional count is left for the schema to refuse
    ("１２", COUNT, 12, "text_number"),
    ("1,856", COUNT, 1856, "text_number"),
    (" 3 0 ", COUNT, 30, "text_number"),
    ("12.0", COUNT, 12, "text_number"),
    ("十二", COUNT, "十二", None),  # words are not read in a value cell: the schema names the cell
    ("12件", COUNT, "12件", None),
    (True, COUNT, "True", None),
    (0.5, AMOUNT, 0.5, None),
    (0.125, AMOUNT, 0.125, "too_many_decimals"),
    ("0.10", AMOUNT, 0.1, "text_number"),
    ("3.0", AMOUNT, 3.0, "text_number"),
    (12, AMOUNT, 12, None),
])
def test_coerce_number(raw, spec, value, code):
    coerced = coerce_number(raw, spec)
    assert (coerced.value, coerced.code) == (value, code)
    assert type(coerced.value) is type(value)


def test_coerce_number_says_what_it_read_text_as():
    coerced = coerce_number("1,856", COUNT)
    assert coerced.params == {"found": "1,856", "read_as": 1856}


def test_too_many_decimals_names_the_limit():
    assert coerce_number(0.125, AMOUNT).params == {"found": 0.125, "max_decimals": 2}


@pytest.mark.parametrize("value,places", [
    (3, 0),
    (100, 0),
    (0.1, 1),
    (1.25, 2),
    ("1.500", 1),
    (1e-7, 7),
    (float("nan"), 0),
    (float("inf"), 0),
])
def test_decimals_of(value, places):
    assert decimals_of(value) == places


@pytest.mark.parametrize("raw,value,code", [
    (None, "", None),
    ("  ", "", None),
    (dt.datetime(2025, 1, 20, 8, 30), "2025-01-20", None),
    (dt.date(2025, 1, 20), "2025-01-20", None),
    ("2025-01-20", "2025-01-20", None),
    ("2025年1月20日", "2025-01-20", None),
    ("2025 年 1 月 20 日", "2025-01-20", None),
    ("2025.1.20", "2025-01-20", None),
    ("2025/01/20", "2025-01-20", None),
    ("20250120", "2025-01-20", None),
    ("２０２５年１月２０日", "2025-01-20", None),
    ("二〇二五年一月二十日", "2025-01-20", None),
    ("二〇二五年十二月三十一日", "2025-12-31", None),
    ("2025-02-30", "2025-02-30", "date_invalid"),
    ("二〇二五年二月三十日", "二〇二五年二月三十日", "date_invalid"),
    ("明年一月", "明年一月", "date_invalid"),
])
def test_coerce_date(raw, value, code):
    coerced = coerce_date(raw)
    assert (coerced.value, coerced.code) == (value, code)
    if code:
        assert coerced.params == {"found": raw}


@pytest.mark.parametrize("raw,value", [
    (2024, 2024),
    (2024.0, 2024),
    ("2024", 2024),
    ("2024年", 2024),
    ("２０２４", 2024),
    (" 2024 年 ", 2024),
    ("", None),
    (None, None),
    ("去年", "去年"),  # left for the schema, which names the cell
    (True, "True"),
])
def test_coerce_year(raw, value):
    coerced = coerce_year(raw)
    assert coerced.value == value and type(coerced.value) is type(value)
    assert coerced.code is None


@pytest.mark.parametrize("text,normal", [
    (None, ""),
    ("（一）予以公开", "(一)予以公开"),
    ("（一）\n予以　公开", "(一)予以公开"),
    ("“政府信息”", '"政府信息"'),
    ("‘A’＂B＂", "'A'\"B\""),
    (12, "12"),
])
def test_normalize_label(text, normal):
    assert normalize_label(text) == normal


@pytest.mark.parametrize("text,stripped", [
    ("（一）总体情况", "总体情况"),
    ("(二) 主动公开", "主动公开"),
    ("三、依申请公开", "依申请公开"),
    ("1.政策解读", "政策解读"),
    ("2．政策解读", "政策解读"),
    ("3、政策解读", "政策解读"),
    ("（4）政策解读", "政策解读"),
    ("  一、（一）两层编号 ", "（一）两层编号"),  # only the first prefix goes
    ("2024年工作总结", "2024年工作总结"),
    ("无编号", "无编号"),
])
def test_strip_number_prefix(text, stripped):
    assert strip_number_prefix(text) == stripped


@pytest.mark.parametrize("text,safe", [
    ("正常文字", "正常文字"),
    ("制表\t换行\n回车\r", "制表\t换行\n回车\r"),
    ("响铃\x07与退格\x08", "响铃与退格"),
    ("\x00空\x0b字\x0c符\x1f", "空字符"),
    ("\ufffe\uffff", ""),
])
def test_xml_safe_drops_what_xml_cannot_hold(text, safe):
    assert xml_safe(text) == safe
    assert has_xml_illegal(text) == (safe != text)


@pytest.mark.parametrize("value,text", [
    (None, ""),
    (3.0, "3"),
    (2.5, "2.5"),
    ("  文字  ", "文字"),
    ("一\r\n二\r三", "一\n二\n三"),
    (0, "0"),
])
def test_clean_text(value, text):
    assert clean_text(value) == text


@pytest.mark.parametrize("value,numeric", [
    (3, True),
    (2.5, True),
    ("12", True),
    ("１２", True),
    ("1,856", True),
    (" -3 ", True),
    ("12件", False),
    ("十二", False),
    ("", False),
    (True, False),
])
def test_looks_numeric(value, numeric):
    assert looks_numeric(value) is numeric


@pytest.mark.parametrize("value,spec,text", [
    (5, COUNT, "5"),
    (0, COUNT, "0"),
    (0.1, AMOUNT, "0.1"),
    (3.0, AMOUNT, "3"),
    (10, AMOUNT, "10"),
    (1.25, AMOUNT, "1.25"),
    (1e-7, AMOUNT, "0.0000001"),
    (0.1, AMOUNT_FIXED, "0.1000"),
    (3, AMOUNT_FIXED, "3.0000"),
])
def test_format_value(value, spec, text):
    assert format_value(value, spec) == text
    if spec.type == "amount":
        assert format_amount(value, spec) == text
