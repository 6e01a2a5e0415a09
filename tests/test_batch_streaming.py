"""A batch keeps its rows on disk, not in memory, and writes the same summary files and table as
from rows in memory."""

from __future__ import annotations

import shutil

from helpers import valid_document, write_workbook

from compiler.inbox.batch import run_batch, summary_csv, summary_json, summary_table
from compiler.inbox.reruns import run_fingerprint
from compiler.pipeline import Options


def test_the_streamed_summaries_are_what_the_rows_give(tmp_path):
    box = tmp_path / "inbox"
    box.mkdir()
    write_workbook(box / "a.xlsx", valid_document("2021", 2024, "临江区档案局"))
    write_workbook(box / "b.xlsx", valid_document("2019", 2020, "临江区财政局"))
    shutil.copy(box / "a.xlsx", box / "a-again.xlsx")  # the same unit twice
    (box / "x.xlsx").write_text("机关名称,年度\n", encoding="utf-8")
    sources = sorted(box.iterdir())
    for lang in ("zh", "en"):
        out = tmp_path / f"reports-{lang}"
        outcome = run_batch(sources, out, Options(), jobs=1, lang=lang)
        rows = outcome.rows
        assert [r.index for r in rows] == list(range(4)) and outcome.total == 4
        assert sum(1 for r in rows if r.duplicate) == 2
        assert outcome.count("valid") == 3 and outcome.count("unusable") == 1 and not outcome.ok
        assert (out / "summary.csv").read_bytes() == summary_csv(rows, lang)
        fingerprint = run_fingerprint(Options(), lang)
        assert (out / "summary.json").read_bytes() == summary_json(rows, lang, fingerprint)
        assert list(outcome.summary_lines(lang)) == summary_table(rows, lang)


def test_an_empty_run_writes_empty_summaries(tmp_path):
    outcome = run_batch([], tmp_path / "out", Options(), jobs=1)
    assert (tmp_path / "out" / "summary.json").read_bytes() == summary_json([], "zh", run_fingerprint(Options(), "zh"))
    assert outcome.rows == [] and outcome.ok
