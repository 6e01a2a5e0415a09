"""Named figures (本年新收, 不予公开 …) as sums of table cells, the summary sentence and its live formula."""

from __future__ import annotations

import dataclasses
import re

import pytest

from compiler.checks.arithmetic import compute_totals
from compiler.document.blank import blank_document, with_values
from compiler.document.figures import (
    figure_cells,
    figure_value,
    summary_formula,
    summary_sentence,
    summary_tables,
)
from compiler.document.model import get_path
from compiler.formats.definition import get_format

OTHER_ROW = {"2019": "other_handling", "2021": "other_other"}


def figures_document(format_id: str) -> dict:
    """Detail cells set by hand, totals computed by the rules, as after reading a workbook."""
    fmt = get_format(format_id)
    doc = blank_document(fmt, 2020 if format_id == "2019" else 2024, "测试区档案局")
    doc = with_values(doc, "requests", {
        "new": {"natural": 10, "commercial": 2},
        "carried_over": {"natural": 1},
        "disclosed": {"natural": 5},
        "partly_disclosed": {"commercial": 1},
        "withheld_state_secret": {"natural": 1},
        "withheld_third_party": {"natural": 1},
        "unavailable_not_held": {"natural": 2},
        "rejected_repeated": {"natural": 1},
        OTHER_ROW[format_id]: {"commercial": 1},
        "carried_forward": {"natural": 1},
    })
    doc = with_values(doc, "review", {"cases": {"review_upheld": 2, "review_corrected": 1,
                                                "direct_upheld": 1, "after_pending": 3}})
    doc = with_values(doc, "active", {"art20_5": {"licensing": {"decisions": 30}},
                                      "art20_6": {"penalty": {"decisions": 4}}})
    compute_totals(fmt, doc)
    return doc


@pytest.mark.parametrize("format_id", ["2019", "2021"])
@pytest.mark.parametrize("name,value", [
    ("new", 12),
    ("carried_over", 1),
    ("results_total", 12),
    ("disclosed", 5),
    ("partly_disclosed", 1),
    ("withheld", 2),  # the sum of eight rows
    ("unavailable", 2),
    ("rejected", 1),
    ("other", 1),
    ("carried_forward", 1),
    ("review", 3),
    ("litigation", 4),  # direct suits and suits after review
    ("licensing", 30),  # a block of table 二
    ("penalty", 4),
    ("enforcement", 0),
])
def test_figure_value_sums_the_named_cells(format_id, name, value):
    assert figure_value(get_format(format_id), figures_document(format_id), name) == value


@pytest.mark.parametrize("name,cells", [
    ("new", [("requests", "new", "total")]),
    ("litigation", [("review", "cases", "direct_total"), ("review", "cases", "after_total")]),
    ("licensing", [("active", "art20_5", "licensing", "decisions")]),
    ("other", [("requests", "other_no_correction", "total"), ("requests", "other_unpaid_fee", "total"),
               ("requests", "other_other", "total")]),
])
def test_figure_cells_are_paths_into_the_tables(name, cells):
    fmt = get_format("2021")
    assert figure_cells(fmt, name) == cells
    document = blank_document(fmt, 2024)
    for path in cells:  # every path exists in a document of the format
        assert get_path(document["tables"], path) == 0


def test_figure_cells_of_an_unknown_figure_raise():
    with pytest.raises(KeyError):
        figure_cells(get_format("2021"), "nope")


@pytest.mark.parametrize("format_id", ["2019", "2021"])
def test_summary_sentence_states_the_figures(format_id):
    assert summary_sentence(get_format(format_id), figures_document(format_id)) == (
        "本年度共新收政府信息公开申请12件，上年结转1件；办理答复12件，其中予以公开5件，部分公开1件，"
        "不予公开2件，无法提供2件，不予处理1件，其他处理1件；结转下年度继续办理1件。")


def test_summary_sentence_of_an_all_zero_document():
    fmt = get_format("2021")
    sentence = summary_sentence(fmt, blank_document(fmt, 2024))
    assert re.findall(r"\d+", sentence) == ["0"] * 10


def _evaluate(formula: str, data: dict) -> str:
    """The value Excel shows for a summary formula whose cell addresses are table paths joined by '/'."""
    assert formula.startswith("=")
    out = []
    for text, cells in re.findall(r'"((?:[^"]|"")*)"|SUM\(([^)]*)\)', formula[1:]):
        if cells:
            out.append(str(sum(get_path(data["tables"], tuple(c.split("/"))) for c in cells.split(","))))
        else:
            out.append(text.replace('""', '"'))
    return "".join(out)


@pytest.mark.parametrize("format_id", ["2019", "2021"])
def test_summary_formula_shows_the_same_sentence_as_the_report(format_id):
    fmt, data = get_format(format_id), figures_document(format_id)
    formula = summary_formula(fmt, lambda *path: "/".join(path))
    assert formula.startswith('="本年度共新收政府信息公开申请"&SUM(requests/new/total)&"件，上年结转"&')
    assert _evaluate(formula, data) == summary_sentence(fmt, data)


@pytest.mark.parametrize("sentence,formula", [
    ("{new}件", '=SUM(requests/new/total)&"件"'),
    ('称"新收"{new}件', '="称""新收"""&SUM(requests/new/total)&"件"'),  # quotes doubled for Excel
    ("{review}{litigation}", "=SUM(review/cases/review_total)"
                             "&SUM(review/cases/direct_total,review/cases/after_total)"),
    ("无数字", '="无数字"'),
])
def test_summary_formula_pieces(sentence, formula):
    fmt = dataclasses.replace(get_format("2021"), summary_sentence=sentence)
    assert summary_formula(fmt, lambda *path: "/".join(path)) == formula


@pytest.mark.parametrize("sentence,tables", [
    (None, {"requests"}),  # the official sentence
    ("复议{review}件，许可{licensing}件", {"review", "active"}),
    ("无数字", set()),
])
def test_summary_tables_are_the_tables_the_sentence_draws_on(sentence, tables):
    fmt = get_format("2021")
    if sentence is not None:
        fmt = dataclasses.replace(fmt, summary_sentence=sentence)
    assert summary_tables(fmt) == tables
