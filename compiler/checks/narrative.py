"""How reviewers read the narrative beyond one phrase per figure.

- Combined figures: 「予以公开及部分公开27件」, 「行政复议和行政诉讼共7件」, 「不予公开、无法提供合计17件」 state
  one figure, the *sum* of the named ones — never each of them.
- Wordings read two ways: 「共收到…申请N件」 is 新收 for some reviewers and 新收 + 上年结转 for others; either
  is accepted, and when the figure is neither the message names both.
- Percentages: 「N件，占xx.x%」 is checked against the totals it can be a share of, to one decimal.
- Section 五 empty in substance (「无」, 「暂无」, a few characters) and, in the 2021 format, silent on how
  last year's problems were rectified.
- Fees: 信息处理费 charged (fee fields, or table 三's 逾期未缴费 row) while section 六 says 无; an amount in
  section 六 that differs from the field; in the 2021 format, section 六 silent on 信息处理费.

The words are data in the format definition (``narrative_rules``); this module only applies them.
"""

from __future__ import annotations

import re
from functools import cache

from compiler.document.figures import figure_cells, figure_readable, figure_value
from compiler.document.model import ReadResult, get_path, pointer
from compiler.document.values import chinese_int
from compiler.formats.definition import Format
from compiler.messages.findings import Finding
from compiler.review.reuse import normal_form


def number(text: str) -> int:
    return int(text) if text.isdigit() else chinese_int(text)


def cells_text(result: ReadResult, name: str) -> str:
    from compiler.checks.text import cells_text as where

    return where(result, figure_cells(result.format, name))


@cache
def _combined(fmt_id: str, terms: tuple[tuple[str, str], ...], joiner: str, tail: str, num: str):
    words = sorted((w for _, w in terms), key=len, reverse=True)
    term = "(?:" + "|".join(re.escape(w) for w in words) + ")"
    return re.compile(f"({term}(?:{joiner}{term})+){tail}{num}\\s*件"), re.compile(term)


def combined_matches(fmt: Format, sentence: str) -> list[tuple[re.Match, list[str]]]:
    """Each combined statement in ``sentence`` with the figures it adds up, in order."""
    rules = fmt.narrative_rules.get("combined")
    if not rules:
        return []
    terms = tuple(rules["terms"].items())
    pattern, term = _combined(fmt.id, terms, rules["joiner"], rules["tail"], rules["number"])
    by_word = {w: name for name, w in terms}
    return [(m, [by_word[w] for w in term.findall(m.group(1))]) for m in pattern.finditer(sentence)]


def masked(sentence: str, spans: list[tuple[int, int]]) -> str:
    """The sentence with the combined statements blanked, so no single-figure phrase reads them."""
    chars = list(sentence)
    for start, end in spans:
        chars[start:end] = "□" * (end - start)
    return "".join(chars)


def check_combined(result: ReadResult, where: tuple[str, str], sentence: str) -> tuple[list[Finding], list[tuple]]:
    fmt, findings, spans = result.format, [], []
    for match, names in combined_matches(fmt, sentence):
        spans.append(match.span())
        if len(set(names)) != len(names) or not all(figure_readable(fmt, result.data, n) for n in names):
            continue
        stated, values = number(match.group(2)), [figure_value(fmt, result.data, n) for n in names]
        if stated == sum(values):
            continue
        findings.append(Finding("text_sum_mismatch", *where, {
            "sentence": sentence.strip(), "phrase": match.group(0), "stated": stated, "actual": sum(values),
            "terms": " + ".join(f"「{fmt.figures[n]['label']}」{v}" for n, v in zip(names, values, strict=True)),
            "table_cell": "、".join(cells_text(result, n) for n in names),
        }))
    return findings, spans


def check_either(result: ReadResult, where: tuple[str, str], sentence: str) -> list[Finding]:
    fmt, findings = result.format, []
    for rule in fmt.narrative_rules.get("either", ()):
        names = rule["figures"]
        matches = list(re.finditer(rule["pattern"], sentence))
        if not matches or not all(figure_readable(fmt, result.data, n) for n in names):
            continue
        for match in matches:
            stated = number(match.group(1))
            values = [figure_value(fmt, result.data, n) for n in names]
            if stated in values:
                continue
            findings.append(Finding("text_either_mismatch", *where, {
                "sentence": sentence.strip(), "phrase": match.group(0), "stated": stated,
                "options": "，或".join(f"「{fmt.figures[n]['label']}」{v} 件（{cells_text(result, n)}）"
                                      for n, v in zip(names, values, strict=True)),
            }))
    return findings


def check_percentages(result: ReadResult, where: tuple[str, str], sentence: str) -> list[Finding]:
    fmt, rules, findings = result.format, result.format.narrative_rules.get("percent"), []
    if not rules:
        return []
    for match in re.finditer(rules["pattern"], sentence):
        count, stated = number(match.group(1)), float(match.group(2))
        bases = [(n, figure_value(fmt, result.data, n)) for n in rules["bases"]
                 if figure_readable(fmt, result.data, n)]
        bases = [(n, v) for n, v in bases if v > 0]
        if not bases or any(abs(count * 100 / v - stated) <= rules["tolerance"] + 1e-9 for _, v in bases):
            continue
        findings.append(Finding("text_percent_mismatch", *where, {
            "sentence": sentence.strip(), "phrase": match.group(0), "stated": match.group(2), "count": count,
            "options": "、".join(f"占「{fmt.figures[n]['label']}」{v} 件的 {count * 100 / v:.1f}%" for n, v in bases),
        }))
    return findings


def _paragraphs(result: ReadResult, section_id: str) -> list[tuple[int, str]] | None:
    blocks = result.data.get("sections", {}).get(section_id)
    if blocks is None:
        return None  # a section not found: its own finding says so
    return [(i, b["text"]) for i, b in enumerate(blocks) if b.get("kind") == "paragraph" and b.get("text")]


def check_problems_section(result: ReadResult) -> list[Finding]:
    """Section 五 says something, and (2021 format) how last year's problems were rectified."""
    rules = result.format.narrative_rules.get("problems")
    paragraphs = _paragraphs(result, rules["section"]) if rules else None
    if not rules or not paragraphs:
        return []  # none written: section_empty says so
    section = result.format.section(rules["section"])
    where = result.place(pointer("sections", section.id, paragraphs[0][0], "text"))
    text = "".join(t for _, t in paragraphs)
    plain = normal_form(text)
    quoted = text.strip()
    params = {"heading": section.heading, "text": quoted[:40] + ("…" if len(quoted) > 40 else ""),
              "min_chars": rules["min_chars"]}
    if plain in {normal_form(w) for w in rules["empty"]} or len(plain) < rules["min_chars"]:
        return [Finding("problems_empty", *where, params)]
    words = rules.get("rectification")
    if words and not any(w in text for w in words):
        return [Finding("rectification_missing", *where, params)]
    return []


def check_fees(result: ReadResult) -> list[Finding]:
    """Section 六 against the 信息处理费 fields and table 三's 逾期未缴费 row (2021 format)."""
    rules = result.format.narrative_rules.get("fees")
    paragraphs = _paragraphs(result, rules["section"]) if rules else None
    if not rules or paragraphs is None:
        return []
    section = result.format.section(rules["section"])
    fields = result.data.get("fields", {})
    notices, amount = fields.get(rules["notices_field"]), fields.get(rules["amount_field"])
    unpaid_ref = rules["unpaid"]
    unpaid = get_path(result.data, ("tables", unpaid_ref["table"], unpaid_ref["row"], unpaid_ref["column"]), None)
    unpaid = unpaid if isinstance(unpaid, (int, float)) and not isinstance(unpaid, bool) else 0
    text = "".join(t for _, t in paragraphs)
    where = (result.place(pointer("sections", section.id, paragraphs[0][0], "text")) if paragraphs
             else result.place(pointer("fields", rules["amount_field"])))
    says_nothing = not paragraphs or normal_form(text) in {normal_form(w) for w in rules["empty"]}
    filled = notices is not None or amount is not None  # the report prints the fields' sentence
    mentions = rules["keyword"] in text or filled
    charged = (notices or 0) > 0 or (amount or 0) > 0 or unpaid > 0
    amount_cell = "!".join(result.place(pointer("fields", rules["amount_field"])))
    unpaid_ptr = pointer("tables", unpaid_ref["table"], unpaid_ref["row"], unpaid_ref["column"])
    unpaid_cell = "!".join(result.place(unpaid_ptr))
    params = {"heading": section.heading, "notices": notices if notices is not None else "—",
              "amount": amount if amount is not None else "—", "unpaid": unpaid, "amount_cell": amount_cell,
              "unpaid_cell": unpaid_cell, "text": text.strip()[:40] or "（空）"}
    findings = []
    if charged and (says_nothing or not mentions):
        findings.append(Finding("fees_not_reported", *where, params))
    elif rules["must_mention"] and not mentions:
        findings.append(Finding("fees_not_mentioned", *where, params))
    for index, paragraph in paragraphs:
        for match in re.finditer(rules["amount_pattern"], paragraph):
            stated = float(match.group(1))
            if amount is not None and abs(stated - float(amount)) > 0.005:
                findings.append(Finding("fee_amount_mismatch",
                                        *result.place(pointer("sections", section.id, index, "text")),
                                        {**params, "phrase": match.group(0), "stated": match.group(1)}))
    return findings


def check_sections(result: ReadResult) -> list[Finding]:
    """The rules on whole sections: 五 in substance, 六 on fees."""
    return check_problems_section(result) + check_fees(result)
