"""Speed and memory benchmark: ``python benchmarks/run.py [--quick]``.

Prints every target with its figure and PASS/MISS. Each figure is the median of ``--repeat`` runs
(at least 3) made in this one invocation, every run in a fresh child process, so that one run's
imports, caches and peak memory never count for another. The machine may be shared with other
work, so speed is measured as CPU time of the child (and its workers), which is per core, and
wall-clock figures are printed beside it with the load average.

Targets (issue 15):

* batch, one job, end to end (``compile inbox/ -o reports/ --jobs 1`` in a fresh process: start-up,
  reading, every check, rendering, writing, summary): >= 140 reports per CPU-second;
* two jobs against one job, wall clock: >= 1.8x;
* the batch against the naive loop with the same number of processes (one each), per report of CPU:
  >= 7x. The naive loop is the straightforward program — openpyxl ``load_workbook``, a fresh
  ``DocxTemplate(...).render()`` and ``save`` per workbook — and only its loop is timed (its
  imports are not), which favours it;
* one ``compile sample.xlsx``: <= 0.15 s CPU (after one warm-up run, as on a user's machine: Python's
  bytecode and the prepared template are cached; the cold run is printed too);
* peak resident memory of the one-job batch at N = 5000 within 10 % of N = 500.

Workbooks: a pool of distinct, valid workbooks is generated with the real writer (both formats,
random balanced tables, narratives of varying length); the inbox of N is made of copies of the pool,
each with its own agency name, so no two reports share a name.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "samples" / "sample-2024-临江区市场监督管理局.xlsx"
TARGETS = {"rate": 140.0, "scaling": 1.8, "ratio": 7.0, "single": 0.15, "memory": 0.10}
DISTRICTS = ["临江区", "东湖区", "西山县", "南岭镇", "北塘街道", "青石县", "白沙区", "云台县"]
BUREAUS = ["档案局", "财政局", "水利局", "教育局", "市场监督管理局", "自然资源局", "卫生健康委员会", "司法局",
           "人力资源和社会保障局", "住房和城乡建设局", "交通运输局", "农业农村局"]
SENTENCES = ["本年度认真贯彻落实《中华人民共和国政府信息公开条例》。", "进一步规范依申请公开办理流程。",
             "加强政府网站和政务新媒体建设。", "主动公开各类政府信息，及时回应社会关切。",
             "组织开展政务公开业务培训，提升工作人员业务能力。", "健全信息发布审查机制。"]


# --- generating varied valid workbooks ----------------------------------------------------------

def _unit(i: int) -> str:
    """The part of an agency's name that makes it unique (fixed width, so copies can renumber it)."""
    return f"第{i:05d}分局"


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
    org = f"{rng.choice(DISTRICTS)}{rng.choice(BUREAUS)}{_unit(i)}"
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
    path = Path(folder) / f"pool-{i:05d}.xlsx"
    save_workbook(get_format(doc["format"]), doc["meta"]["year"], path, document=doc)
    return str(path)


def _copy_one(args) -> None:
    """Workbook ``j`` of an inbox: pool workbook ``i`` with the agency renamed, every part as before.
    The writer stores text as character references (第 as ``&#31532;``), so both spellings are
    renamed, and a copy whose name was not found is refused: copies would all be one agency's."""
    source, i, target, j = args
    renames = [(_unit(i).encode(encoding, "xmlcharrefreplace"), _unit(j).encode(encoding, "xmlcharrefreplace"))
               for encoding in ("utf-8", "ascii")]
    found = 0
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            for old, new in renames:
                found += data.count(old)
                data = data.replace(old, new)
            dst.writestr(info, data)
    if not found:
        raise RuntimeError(f"{source}: the agency's name {_unit(i)} is not in the workbook")


def generate_pool(folder: Path, size: int, seed: int, jobs: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(jobs) as pool:
        return [Path(p) for p in pool.map(_write_one, [(i, seed, str(folder)) for i in range(size)])]


def make_inbox(folder: Path, pool: list[Path], n: int, jobs: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    work = [(str(pool[j % len(pool)]), j % len(pool), str(folder / f"unit-{j:05d}.xlsx"), j) for j in range(n)]
    with ProcessPoolExecutor(jobs) as executor:
        list(executor.map(_copy_one, work, chunksize=32))
    return folder


def split_inbox(inbox: Path, first: Path, second: Path) -> tuple[Path, Path]:
    """The inbox's workbooks in two folders, the first half and the rest (hard links where the
    file system allows, copies elsewhere)."""
    paths = sorted(inbox.glob("*.xlsx"))
    for folder, part in ((first, paths[: len(paths) // 2]), (second, paths[len(paths) // 2:])):
        folder.mkdir(parents=True, exist_ok=True)
        for path in part:
            try:
                os.link(path, folder / path.name)
            except OSError:
                shutil.copy2(path, folder / path.name)
    return first, second


# --- one run, in a child process ----------------------------------------------------------------

def naive_loop(paths: list[Path], out: Path) -> None:
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


def _cpu(usage) -> float:
    return usage.ru_utime + usage.ru_stime


def child(kind: str, result_file: str, args: list[str]) -> None:
    """Run one measurement in this (fresh) process and write its figures as JSON."""
    import resource

    rc, loop_cpu = 0, None
    if kind == "cli":
        sys.argv = ["compile", *args]
        from compiler.cli import main
        try:
            main()
        except SystemExit as exc:
            rc = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    else:  # naive: only the loop is timed
        paths = sorted(Path(args[0]).glob("*.xlsx"))[: int(args[2])]
        start = time.process_time()
        naive_loop(paths, Path(args[1]))
        loop_cpu = time.process_time() - start
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    Path(result_file).write_text(json.dumps({
        "rc": rc, "cpu": _cpu(own) + _cpu(workers), "loop_cpu": loop_cpu,
        "self_mb": own.ru_maxrss / 1024, "workers_mb": workers.ru_maxrss / 1024}))


def run_child(kind: str, args: list[str], env: dict) -> dict:
    return run_children(kind, [args], env)[0]


def run_children(kind: str, arg_lists: list[list[str]], env: dict) -> list[dict]:
    """One child per argument list, all started together; each one's figures, with the wall time
    from the start until the last of them ended."""
    result_files = []
    for _ in arg_lists:
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
            result_files.append(fh.name)
    try:
        start = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, __file__, "--child", kind, result_file, *args], cwd=ROOT, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for result_file, args in zip(result_files, arg_lists, strict=True)]
        outputs = [proc.communicate() for proc in procs]
        wall = time.perf_counter() - start
        texts = [Path(f).read_text() for f in result_files]
    finally:
        for f in result_files:
            os.unlink(f)
    results = []
    for proc, (stdout, stderr), text, args in zip(procs, outputs, texts, arg_lists, strict=True):
        if proc.returncode != 0 or not text:
            raise SystemExit(f"{kind} {' '.join(args)} failed (exit {proc.returncode}):\n"
                             f"{stdout[-1500:]}\n{stderr[-1500:]}")
        stats = json.loads(text)
        if stats["rc"] != 0:
            raise SystemExit(f"{kind} {' '.join(args)} exited {stats['rc']}:\n{stdout[-1500:]}\n{stderr[-800:]}")
        stats["wall"] = wall
        stats["peak_mb"] = max(stats["self_mb"], stats["workers_mb"])
        results.append(stats)
    return results


def child_env(work: Path) -> dict:
    """Children run as on a user's machine: this checkout first on the path, bytecode cached (in the
    work folder, not the source tree), the user cache (prepared templates) in the work folder."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    env["XDG_CACHE_HOME"] = str(work / "cache")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


# --- the whole run ------------------------------------------------------------------------------

def median(values: list[float]) -> float:
    return statistics.median(values)


def spread(values: list[float], fmt: str = "{:.3f}") -> str:
    return "[" + ", ".join(fmt.format(v) for v in values) + "]"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="smaller figures for a quick look: N = 150, naive 40, memory at 300 and 3000")
    parser.add_argument("-n", type=int, default=None, help="workbooks per batch run (default 500)")
    parser.add_argument("--naive", type=int, default=None, help="workbooks in each naive run (default 100)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (at least 3; default 3)")
    parser.add_argument("--memory", type=str, default=None, help="the two N of the memory runs (default 500,5000)")
    parser.add_argument("--pool", type=int, default=None, help="distinct generated workbooks (default 60)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    args = parser.parse_args()
    n = args.n or (150 if args.quick else 500)
    naive_n = min(args.naive or (40 if args.quick else 100), n)
    small_n, large_n = map(int, (args.memory or ("300,3000" if args.quick else "500,5000")).split(","))
    pool_size = min(args.pool or (30 if args.quick else 60), n)
    repeat = max(3, args.repeat)
    cpus = os.cpu_count() or 1
    jobs = min(2, cpus)

    work = args.keep or Path(tempfile.mkdtemp(prefix="compile-bench-"))
    env = child_env(work)
    load_start = os.getloadavg()
    try:
        t = time.perf_counter()
        pool = generate_pool(work / "pool", pool_size, args.seed, cpus)
        inbox = make_inbox(work / "inbox", pool, n, cpus)
        small = make_inbox(work / "inbox-small", pool, small_n, cpus)
        large = make_inbox(work / "inbox-large", pool, large_n, cpus)
        halves = split_inbox(inbox, work / "inbox-half-1", work / "inbox-half-2")
        print(f"{pool_size} distinct workbooks generated, inboxes of {n}, {small_n} and {large_n} made "
              f"in {time.perf_counter() - t:.0f} s ({work})", flush=True)

        def batch(folder: Path, job_count: int) -> dict:
            out = work / "reports"
            shutil.rmtree(out, ignore_errors=True)
            return run_child("cli", [str(folder), "-o", str(out), "--jobs", str(job_count)], env)

        def separate_halves() -> float:
            """Two one-job batches, one on each half of the inbox, side by side: what two processes
            that share nothing reach on this machine (its ceiling for two jobs)."""
            outs = [work / f"reports-half-{i}" for i in (1, 2)]
            for out in outs:
                shutil.rmtree(out, ignore_errors=True)
            runs = [[str(half), "-o", str(out), "--jobs", "1"] for half, out in zip(halves, outs, strict=True)]
            return run_children("cli", runs, env)[0]["wall"]

        def single() -> dict:
            return run_child("cli", [str(SAMPLE), "-o", str(work / "single.docx")], env)

        cold = single()  # compiles the bytecode into the work folder and prepares the template
        one, two, naive, singles, separate = [], [], [], [], []
        for r in range(repeat):
            one.append(batch(inbox, 1))
            two.append(batch(inbox, jobs))
            if jobs > 1:
                separate.append(separate_halves())
            naive.append(run_child("naive", [str(inbox), str(work / "naive"), str(naive_n)], env))
            singles.append(single())
            print(f"  run {r + 1}/{repeat} done", flush=True)
        memory_small = batch(small, 1)
        memory_large = batch(large, 1)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    load_end = os.getloadavg()

    rate_cpu = median([n / s["cpu"] for s in one])
    rate_wall = median([n / s["wall"] for s in one])
    ms_batch = median([s["cpu"] / n * 1000 for s in one])
    scaling = median([a["wall"] / b["wall"] for a, b in zip(one, two, strict=True)])
    ms_two = median([s["cpu"] / n * 1000 for s in two])
    ceiling = median([a["wall"] / b for a, b in zip(one, separate, strict=False)]) if separate else None
    ms_naive = median([s["loop_cpu"] / naive_n * 1000 for s in naive])
    ratio = median([(s["loop_cpu"] / naive_n) / (o["cpu"] / n) for s, o in zip(naive, one, strict=True)])
    single_cpu = median([s["cpu"] for s in singles])
    single_wall = median([s["wall"] for s in singles])
    growth = memory_large["peak_mb"] / memory_small["peak_mb"] - 1

    print(f"\nmachine: {cpus} CPUs; load average {load_start[0]:.1f} at the start, {load_end[0]:.1f} at the end"
          + ("  (busy: wall-clock figures are not reliable, CPU figures are)" if max(load_start[0], load_end[0])
             > cpus / 2 else ""))
    print(f"medians of {repeat} runs, each in a fresh process; batch N = {n}, naive loop on {naive_n}, "
          f"two jobs = {jobs} processes\n")
    rows = [
        ("batch, one job, end to end", f"{rate_cpu:.0f} reports/CPU-s ({ms_batch:.2f} ms per report; "
         f"wall {rate_wall:.0f}/s)", f">= {TARGETS['rate']:.0f}/s", rate_cpu >= TARGETS["rate"]),
        (f"{jobs} jobs vs one job, wall clock", f"{scaling:.2f}x (CPU per report {ms_two:.2f} ms with {jobs} jobs)",
         f">= {TARGETS['scaling']}x", scaling >= TARGETS["scaling"]),
        ("batch vs naive loop, one process each", f"{ratio:.1f}x ({ms_batch:.2f} vs {ms_naive:.1f} ms CPU "
         "per report)", f">= {TARGETS['ratio']:.0f}x", ratio >= TARGETS["ratio"]),
        ("single compile sample.xlsx", f"{single_cpu:.3f} s CPU (wall {single_wall:.3f} s; cold {cold['cpu']:.3f} s)",
         f"<= {TARGETS['single']} s", single_cpu <= TARGETS["single"]),
        (f"peak RSS one job, N = {large_n} vs {small_n}", f"{memory_large['peak_mb']:.1f} vs "
         f"{memory_small['peak_mb']:.1f} MB ({growth * 100:+.1f} %)", f"<= +{TARGETS['memory'] * 100:.0f} %",
         growth <= TARGETS["memory"]),
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for name, figure, goal, ok in rows:
        print(f"{name:<{widths[0]}}  {figure:<{widths[1]}}  {goal:<{widths[2]}}  {verdict(ok)}")
    if ceiling is not None:
        print(f"\nfor comparison, two one-job batches on the two halves of the inbox, side by side (nothing shared, "
              f"the machine's own ceiling for two jobs): {ceiling:.2f}x one job")
    print("\nruns:")
    for label, runs in (("batch one job", one), (f"batch {jobs} jobs", two)):
        cpu, wall = spread([s["cpu"] for s in runs]), spread([s["wall"] for s in runs])
        print(f"  {label + ', CPU s':<24} {cpu}   wall s {wall}")
    if separate:
        print(f"  two halves side by side  wall s {spread(separate)}")
    print(f"  naive loop CPU s         {spread([s['loop_cpu'] for s in naive])}")
    print(f"  single compile CPU s     {spread([s['cpu'] for s in singles])}")
    print(f"  peak RSS MB (1 job)      {spread([s['peak_mb'] for s in one], '{:.1f}')} at N = {n}; "
          f"{jobs} jobs: {spread([s['peak_mb'] for s in two], '{:.1f}')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
