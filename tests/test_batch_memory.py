"""A long batch's memory stays flat (issue 15): what a report makes is freed when it is let go, and
the process keeps only what reports share.

No reference cycles: garbage in a cycle waits for Python's cyclic collector, and what outlives a
few of its young collections (a workbook held through the whole reading stage, with its parts'
bytes) waits for the full collection, which in a batch of thousands of workbooks comes only every
few thousand reports, so peak memory grew with the batch. No per-report cache entries: a bounded
cache fed one entry per report grows for thousands of reports before its bound stops it."""

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


def _kept_state() -> dict[str, int]:
    """The size of every cache and every module-level dict, list or set of the compiler."""
    import sys
    from functools import _lru_cache_wrapper

    sizes = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("compiler") or module is None:
            continue
        for attr, value in vars(module).items():
            if isinstance(value, _lru_cache_wrapper):
                sizes[f"{name}.{attr}"] = value.cache_info().currsize
            elif isinstance(value, (dict, list, set)):
                sizes[f"{name}.{attr}"] = len(value)
    return sizes


def test_reports_of_other_agencies_add_nothing_to_the_process_caches(tmp_path):
    """What the caches keep is what reports share (labels, layouts, templates); a report's own text
    (its agency's name, its narrative) is not kept, or a batch would hold one entry per report."""
    out = tmp_path / "out"
    out.mkdir()

    def compile_as(org: str, format_id: str, year: int) -> None:
        doc = valid_document(format_id, year, org)
        doc["sections"]["overview"] = [{"kind": "paragraph", "text": f"{org}认真贯彻落实《条例》。"}]
        path = write_workbook(tmp_path / f"{org}.xlsx", doc)
        assert compile_workbook(path, out / f"{org}.docx").ok

    for i, (format_id, year) in enumerate([("2021", 2024), ("2019", 2020)] * 2):
        compile_as(f"临江区第{i}档案馆", format_id, year)
    before = _kept_state()
    for i, (format_id, year) in enumerate([("2021", 2024), ("2019", 2020)] * 3):
        compile_as(f"东湖区人民政府第{i}办公室", format_id, year)
    after = _kept_state()
    assert {k: (before.get(k), n) for k, n in after.items() if n != before.get(k)} == {}


def test_a_folder_is_listed_as_its_parts_sort_and_kept_as_text(tmp_path):
    from compiler.inbox.batch import expand_inputs
    from compiler.inbox.inputs import PathList

    inbox = tmp_path / "inbox"
    for name in ["a-b.xlsx", "a/b.xlsx", "a/c/d.xlsx", "a/B.xlsx", "Z.XLSX", "a.xlsx", "old.xls",
                 ".hidden/x.xlsx", "a/.h/y.xlsx", "~$a.xlsx", ".x.xlsx", "notes.txt"]:
        (inbox / name).parent.mkdir(parents=True, exist_ok=True)
        (inbox / name).write_bytes(b"PK")
    (inbox / "dir.xlsx").mkdir()  # a folder named like a workbook is not one
    (inbox / "linked").symlink_to(inbox / "a", target_is_directory=True)  # not followed
    (inbox / "link.xlsx").symlink_to(inbox / "a.xlsx")  # a link to a workbook is one

    found = expand_inputs([inbox, inbox / "a.xlsx", tmp_path / "missing.xlsx"])
    relative = [p.relative_to(inbox).as_posix() for p in found[:-1]]
    assert relative == ["Z.XLSX", "a/B.xlsx", "a/b.xlsx", "a/c/d.xlsx", "a-b.xlsx", "a.xlsx", "link.xlsx", "old.xls"]
    assert relative == sorted(relative, key=lambda r: Path(r).parts)
    assert found[-1] == tmp_path / "missing.xlsx"  # reported for what it is, later
    assert isinstance(found, PathList) and isinstance(found[0], Path) and len(found) == 9
    assert list(found[4:6]) == [inbox / "a-b.xlsx", inbox / "a.xlsx"]
