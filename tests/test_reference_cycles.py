"""Compiling a report leaves none of the compiler's objects in a reference cycle: they are freed
by reference counting the moment they are let go. Garbage in a cycle waits for Python's cyclic
collector, and what outlives a few of its young collections (a workbook held through the whole
reading stage, with its parts' bytes) waits for the full collection, which in a batch of thousands
of workbooks comes only every few thousand reports: peak memory grew with the batch (issue 15)."""

from __future__ import annotations

import gc
import shutil
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers import valid_document, workbook_with, write_workbook

import compiler
from compiler.inbox.batch import run_batch
from compiler.messages.findings import UnusableFile
from compiler.pipeline import Options, compile_workbook
from compiler.workbook.reader import read_workbook

PACKAGE = str(Path(compiler.__file__).parent)


@contextmanager
def cyclic_garbage() -> Iterator[list]:
    """The objects that the code inside left in reference cycles (found by a collection at the end)."""
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    found: list = []
    try:
        yield found
        gc.collect()
        found.extend(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if enabled:
            gc.enable()


def ours(garbage: list) -> list[str]:
    """The garbage that the compiler's own code made: instances of its classes, its functions and
    the frames of its code (the standard library's JSON encoder with ``indent`` leaves cycles of
    its own closures, which are no concern of ours)."""
    out = []
    for o in garbage:
        if isinstance(o, types.FunctionType):
            if (o.__module__ or "").startswith("compiler"):
                out.append(f"function {o.__module__}.{o.__qualname__}")
        elif isinstance(o, types.FrameType):
            if o.f_code.co_filename.startswith(PACKAGE):
                out.append(f"frame {o.f_code.co_name}")
        elif type(o).__module__.startswith("compiler"):
            out.append(f"{type(o).__module__}.{type(o).__qualname__}")
    return out


def workbooks(folder: Path) -> list[Path]:
    folder.mkdir()
    paths = [write_workbook(folder / "a.xlsx", valid_document("2021", 2024, "临江区档案局")),
             write_workbook(folder / "b.xlsx", valid_document("2019", 2020, "临江区财政局")),
             workbook_with(folder, "requests", {"new": {"natural": 5}}, name="c.xlsx")]  # totals off
    (folder / "d.xlsx").write_text("机关名称,年度\n", encoding="utf-8")  # not a workbook
    return [*paths, folder / "d.xlsx"]


def test_reading_a_workbook_leaves_no_cycle(tmp_path):
    paths = workbooks(tmp_path / "in")
    for path in paths[:2]:  # the first read of each format fills the per-process plans
        read_workbook(path)
    with cyclic_garbage() as garbage:
        for path in paths[:3]:
            read_workbook(path)
    assert ours(garbage) == []


def test_compiling_reports_leaves_no_cycle(tmp_path):
    paths = workbooks(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    for path in paths[:2]:  # the first report of each format prepares its template
        compile_workbook(path, out / f"warm-{path.stem}.docx")
    with cyclic_garbage() as garbage:
        results = [compile_workbook(path, out / f"{path.stem}.docx") for path in paths[:3]]
        with pytest.raises(UnusableFile):
            compile_workbook(paths[3], out / "d.docx")
    assert [r.ok for r in results] == [True, True, False]
    assert ours(garbage) == []


def test_a_batch_leaves_no_cycle_per_report(tmp_path):
    paths = workbooks(tmp_path / "in")
    run_batch(paths[:2], tmp_path / "warm", Options(), jobs=1)
    shutil.rmtree(tmp_path / "warm")
    with cyclic_garbage() as garbage:
        outcome = run_batch(paths, tmp_path / "out", Options(), jobs=1)
    assert outcome.total == 4 and outcome.count("valid") == 2
    assert ours(garbage) == []
