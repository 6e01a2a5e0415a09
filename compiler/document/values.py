"""Turning what an agency typed into numbers, dates and labels — leniently, but never silently."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from compiler.formats.definition import ValueSpec

_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_DATE = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$|^(\d{4})(\d{2})(\d{2})$")
_CHINESE_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "O": 0, "o": 0}
_CHINESE_DATE = re.compile(
    r"^([〇零Oo一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$")


_CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}


def chinese_int(text: str) -> int:
    """A count written in words: 五十 → 50, 一百零五 → 105, 两千三百 → 2300, 二〇二四 → 2024."""
    digits = {**_CHINESE_DIGITS, "两": 2}
    if not any(ch in _CHINESE_UNITS for ch in text):
        return int("".join(str(digits[ch]) for ch in text))
    total = section = number = 0
    for ch in text:
        if ch in digits:
            number = digits[ch]
        elif ch == "万":
            total += (section + number) * 10000
            section = number = 0
        else:
            section += (number or 1) * _CHINESE_UNITS[ch]
            number = 0
    return total + section + number


def _chinese_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 三十一 → 31."""
    if "十" not in text:
        return _CHINESE_DIGITS[text]
    tens, _, ones = text.partition("十")
    return (_CHINESE_DIGITS[tens] if tens else 1) * 10 + (_CHINESE_DIGITS[ones] if ones else 0)


def _chinese_date(text: str) -> tuple[int, int, int] | None:
    """二〇二五年一月二十日, as official documents write dates in words."""
    match = _CHINESE_DATE.match(text)
    if not match:
        return None
    year = int("".join(str(_CHINESE_DIGITS[c]) for c in match.group(1)))
    try:
        return year, _chinese_number(match.group(2)), _chinese_number(match.group(3))
    except KeyError:
        return None
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "＂": '"'})
_NUMBER_PREFIX = re.compile(
    r"^(?:[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|\d+[.．、]|[（(]\d+[)）])\s*")


def normalize_label(text) -> str:
    """The comparable form of a label: full-width folded, spaces and line breaks gone, quotes straight."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text)).translate(_QUOTES)
    return re.sub(r"\s+", "", text)


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """Text without the control characters XML 1.0 cannot hold (they would corrupt the .docx)."""
    return _XML_ILLEGAL.sub("", text)


def has_xml_illegal(text: str) -> bool:
    return bool(_XML_ILLEGAL.search(text))


def strip_number_prefix(text: str) -> str:
    """Drop a numbering prefix the agency typed (（一）, 一、, 1.), since the report numbers headings itself."""
    return _NUMBER_PREFIX.sub("", text.strip(), count=1)


def clean_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


class Coerced:
    """The outcome of reading one value cell: the value for the document and what to tell the user."""

    __slots__ = ("value", "code", "params")

    def __init__(self, value, code: str | None = None, **params):
        self.value = value
        self.code = code
        self.params = params


def decimals_of(value) -> int:
    exponent = Decimal(repr(value) if isinstance(value, float) else str(value)).normalize().as_tuple().exponent
    if not isinstance(exponent, int):  # NaN or infinity: no decimal places to count
        return 0
    return max(0, -exponent)


def coerce_number(raw, spec: ValueSpec) -> Coerced:
    """A count or amount from a cell. Anything unreadable is passed on as it is, for the schema to reject."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Coerced(0, "blank_as_zero")
    if isinstance(raw, bool):
        return Coerced(str(raw))
    if isinstance(raw, (int, float)):
        return _checked(raw, spec)
    text = unicodedata.normalize("NFKC", str(raw)).strip().replace(",", "")
    text = re.sub(r"\s+", "", text)
    if _NUMBER.match(text):
        number = float(text) if "." in text else int(text)
        if isinstance(number, float) and number.is_integer() and spec.type != "amount":
            number = int(number)
        result = _checked(number, spec)
        if result.code is None and not isinstance(result.value, str):
            return Coerced(result.value, "text_number", found=str(raw), read_as=result.value)
        return result
    return Coerced(str(raw))


def _checked(number, spec: ValueSpec) -> Coerced:
    if spec.type == "amount":
        try:
            places = decimals_of(number)
        except InvalidOperation:
            return Coerced(str(number))
        if places > spec.max_decimals:
            return Coerced(number, "too_many_decimals", found=number, max_decimals=spec.max_decimals)
        return Coerced(number)
    if isinstance(number, float):
        if number.is_integer():
            return Coerced(int(number))
        return Coerced(number)  # the schema reports a fractional count
    return Coerced(number)


def looks_numeric(value) -> bool:
    """A number, or text that reads as one (「12」, 「１２」, 「1,856」)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))).replace(",", "")
    return bool(_NUMBER.match(text))


def coerce_date(raw) -> Coerced:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Coerced("")
    if isinstance(raw, dt.datetime):
        return Coerced(raw.date().isoformat())
    if isinstance(raw, dt.date):
        return Coerced(raw.isoformat())
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(raw)))
    match = _DATE.match(text)
    parts = tuple(int(g) for g in match.groups() if g) if match else _chinese_date(text)
    if parts:
        try:
            return Coerced(dt.date(*parts).isoformat())
        except ValueError:
            pass
    return Coerced(str(raw), "date_invalid", found=str(raw))


def coerce_year(raw) -> Coerced:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return Coerced(raw)
    text = unicodedata.normalize("NFKC", clean_text(raw)).removesuffix("年").strip()
    if text.isdigit():
        return Coerced(int(text))
    return Coerced(clean_text(raw) or None)


def format_amount(value, spec: ValueSpec) -> str:
    """An amount as the report prints it: fixed decimals where the header asks for them."""
    if spec.decimals is not None:
        return f"{Decimal(repr(value) if isinstance(value, float) else str(value)):.{spec.decimals}f}"
    text = f"{Decimal(repr(value) if isinstance(value, float) else str(value)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_value(value, spec: ValueSpec) -> str:
    if spec.type == "amount":
        return format_amount(value, spec)
    return str(value)
