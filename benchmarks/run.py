"""Batch-compile benchmark: ``python benchmarks/run.py [-n 500] [--jobs N]``.

1. generates N varied, valid workbooks (both formats, random balanced tables, narratives of varying
   length) in a scratch folder;
2. times ``compile inbox/ -o reports/ --jobs J`` (a fresh process, as a user runs it) and records the
   peak memory (largest resident set of the main process and of any worker);
3. times a naive loop on the same files in one process: openpyxl ``load_workbook``, a fresh
   ``DocxTemplate(...).render()`` with a fresh Jinja environment, ``save`` — per workbook;
4. times one ``compile sample.xlsx`` (wall, best of 3) and repeats the batch with N/10 workbooks
   for the memory comparison.

Targets (2-core machine): ≥ 60 reports/s, ≥ 4× the naive loop, single compile < 0.6 s, peak memory
for N within 1.3× of that for N/10.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {"rate": 60.0, "ratio": 4.0, "single": 0.6, "memory": 1.3}
DISTRICTS = ["临江区", "东湖区", "西山县", "南岭镇", "北塘街道", "青石县", "白沙区", "云台县"]
BUREAUS = ["档案局", "财政局", "水利局", "教育局", "市场监督管理局", "自然资源局", "卫生健康委员会", "司法局",
           "人力资源和社会保障局", "住房和城乡建设局", "交通运输局", "农业农村局"]
SENTENCES = ["本年度认真贯彻落实《中华人民共和国政府信息公开条例》。", "进一步规范依申请公开办理流程。",
             "加强政府网站和政务新媒体建设。", "主动公开各类政府信息，及时回应社会关切。",
             "组织开展政务公开业务培训，提升工作人员业务能力。", "健全信息发布审查机制。"]


# --- generating varied valid workbooks ----------------------------------------------------------

def _balanced_requests(rng: random.Random, fmt) -> dict:
    table = fmt.tables["requests"]
    derived_rows = {d.target for d in table.derived if d.axis == "row"}
    derived_cols = {d.target for d in table.derived if d.axis == "column"}
    results = [r.id for r in table.row_leaves()
               if r.id not in derived_rows | {"new", "carried_over", "carried_forward"}]
    values: dict = {}
    for col in (c.id for c in table.column_leaves() if c.id not in derived_cols):
        incoming = {"new": rng.randint(0, 60), "carried_over": rng.randint(0, 5)}
        left = sum(incoming.values())
        forward = rng.randint(0, min(left, 4))
        handled = left - forward
        for row, n in incoming.items():
            values.setdefault(row, {})[col] = n
        values.setdefault("carried_forward", {})[col] = forward
        for _ in range(handled):
            row = rng.choice(results[:6]) if rng.random() < 0.8 else rng.choice(results)
            values.setdefault(row, {})[col] = values.get(row, {}).get(col, 0) + 1
    return values


def make_document(i: int, seed: int) -> dict:
    from compiler.document.blank import blank_document, with_values
    from compiler.formats.definition import get_format

    rng = random.Random(seed * 100_003 + i)
    format_id, year = ("2021", rng.choice([2023, 2024])) if rng.random() < 0.8 else ("2019", 2020)
    fmt = get_format(format_id)
    org = f"{rng.choice(DISTRICTS)}{rng.choice(BUREAUS)}第{i}分局"
    doc = blank_document(fmt, year, org)
    doc["meta"]["date"] = f"{year + 1}-01-{rng.randint(10, 28)}"
    for section in fmt.narrative_sections():
        blocks = []
        for _ in range(rng.randint(1, 4)):
            if rng.random() < 0.3:
                blocks.append({"kind": "heading", "text": rng.choice(["主动公开", "依申请公开", "监督保障"])})
            blocks.append({"kind": "paragraph", "text": "".join(rng.choices(SENTENCES, k=rng.randint(1, 6)))})
        doc["sections"][section.id] = blocks
    doc = with_values(doc, "requests", _balanced_requests(rng, fmt))
    review = {c.id: rng.randint(0, 3) for c in fmt.tables["review"].column_leaves() if not c.id.endswith("_total")}
    doc = with_values(doc, "review", {"cases": review})
    active: dict = {}
    for block in fmt.tables["active"].blocks:
        for row in block.rows:
            for col in block.columns:
                spec = col.spec
                value = (round(rng.uniform(0, 50), 2) if spec.type == "amount"
                         else rng.randint(-5, 5) if spec.type == "signed_count" else rng.randint(0, 40))
                active.setdefault(block.id, {}).setdefault(row.id, {})[col.id] = value
    return with_values(doc, "active", active)


def _write_one(args) -> str:
    from compiler.formats.definition import get_format
    from compiler.workbook.writer import save_workbook

    i, seed, folder = args
    doc = make_document(i, seed)
    path = Path(folder) / f"unit-{i:05d}.xlsx"
    save_workbook(get_format(doc["format"]), doc["meta"]["year"], path, document=doc)
    return str(path)


def generate(folder: Path, n: int, seed: int, jobs: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(jobs) as pool:
        return [Path(p) for p in pool.map(_write_one, [(i, seed, str(folder)) for i in range(n)], chunksize=8)]


# --- the measurements ---------------------------------------------------------------------------

def time_batch(inbox: Path, out: Path, jobs: int) -> dict:
    """``compile inbox -o out`` in a fresh process; wall time and peak memory (main and workers)."""
    shutil.rmtree(out, ignore_errors=True)
    code = ("import resource, sys, json\n"
            "from compiler.cli import main\n"
            "sys.argv = ['compile', sys.argv[1], '-o', sys.argv[2], '--jobs', sys.argv[3]]\n"
            "try:\n    main()\nexcept SystemExit as e:\n    rc = e.code\n"
            "r = resource.getrusage\n"
            "print(json.dumps({'rc': rc, 'self_kb': r(resource.RUSAGE_SELF).ru_maxrss,"
            " 'children_kb': r(resource.RUSAGE_CHILDREN).ru_maxrss}), file=sys.stderr)\n")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, str(inbox), str(out), str(jobs)], cwd=ROOT,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    stats = json.loads(proc.stderr.strip().splitlines()[-1])
    if stats["rc"] != 0:
        raise SystemExit(f"batch failed (exit {stats['rc']}):\n{proc.stdout[-2000:]}")
    return {"wall": wall, "peak_mb": max(stats["self_kb"], stats["children_kb"]) / 1024}


def naive_loop(paths: list[Path], out: Path) -> float:
    """The straightforward program: openpyxl load, fresh DocxTemplate render and save, per workbook."""
    from docxtpl import DocxTemplate
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    from openpyxl import load_workbook

    from compiler.checks.arithmetic import compute_totals
    from compiler.common.resources import default_template
    from compiler.render.context import build_context
    from compiler.render.word import word_table
    from compiler.workbook.reader import _read

    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for path in paths:
        wb = load_workbook(path, read_only=True, data_only=False)
        result = _read(wb, path, None)
        wb.close()
        compute_totals(result.format, result.data)
        context = build_context(result.format, result.data, tables_as=word_table)
        env = ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
        tpl = DocxTemplate(default_template(result.format.id))
        tpl.render(context, jinja_env=env, autoescape=True)
        tpl.save(out / (path.stem + ".docx"))
    return time.perf_counter() - start


def time_single(sample: Path, out: Path) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([str(Path(sys.executable).parent / "compile"), str(sample), "-o", str(out)], capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=500, help="number of workbooks (default 500)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="batch worker processes (default: CPUs)")
    parser.add_argument("--naive", type=int, default=None,
                        help="time the naive loop on only the first K workbooks (default: all N)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="compile-bench-"))
    try:
        t = time.perf_counter()
        paths = generate(work / "inbox", args.n, args.seed, args.jobs)
        small = work / "inbox-small"
        small.mkdir(exist_ok=True)
        for p in paths[: max(1, args.n // 10)]:
            shutil.copy(p, small / p.name)
        print(f"generated {args.n} workbooks in {time.perf_counter() - t:.1f} s ({work})")

        batch = time_batch(work / "inbox", work / "reports", args.jobs)
        batch_small = time_batch(small, work / "reports-small", args.jobs)
        rate = args.n / batch["wall"]

        naive_paths = paths[: args.naive or args.n]
        naive_wall = naive_loop(naive_paths, work / "naive")
        naive_rate = len(naive_paths) / naive_wall

        sample = ROOT / "samples" / "sample-2024-临江区市场监督管理局.xlsx"
        single = time_single(sample, work / "single.docx")
        ratio = rate / naive_rate
        memory = batch["peak_mb"] / batch_small["peak_mb"]

        def verdict(ok: bool) -> str:
            return "ok" if ok else "MISSED"

        print(f"cpus: {os.cpu_count()}, jobs: {args.jobs}")
        print(f"batch:  {args.n} reports in {batch['wall']:.2f} s = {rate:.1f} reports/s "
              f"(target ≥ {TARGETS['rate']:.0f}) {verdict(rate >= TARGETS['rate'])}")
        print(f"naive:  {len(naive_paths)} reports in {naive_wall:.2f} s = {naive_rate:.1f} reports/s")
        target = TARGETS["ratio"]
        print(f"ratio:  {ratio:.1f}× the naive loop (target ≥ {target:.0f}×) {verdict(ratio >= target)}")
        print(f"single: compile sample.xlsx {single:.3f} s wall (target < {TARGETS['single']} s) "
              f"{verdict(single < TARGETS['single'])}")
        print(f"memory: peak {batch['peak_mb']:.0f} MB for N={args.n}, {batch_small['peak_mb']:.0f} MB for "
              f"N={max(1, args.n // 10)}: {memory:.2f}× (target ≤ {TARGETS['memory']}×) "
              f"{verdict(memory <= TARGETS['memory'])}")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
