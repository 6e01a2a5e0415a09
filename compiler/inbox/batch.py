"""Compiling a whole inbox: ``compile inbox/ -o reports/`` (a folder, several files, or a glob).

Every workbook is compiled by ``pipeline.compile_workbook`` in a pool of worker processes; one
failing workbook never stops the others. Workers write each report into a private staging folder
inside the output folder; the main process takes the results back *in input order* and gives
every report its final name (机关名称-年度, made safe by ``safe_names``), so names, collisions and
the summary are the same whatever order the workers finish in. Invalid and unusable workbooks get
an error report (``…-错误报告.txt``) the coordinator can e-mail back to the agency. At the end:
a summary table on the terminal, and ``summary.csv`` (UTF-8 with BOM, for Excel) and
``summary.json`` in the output folder.

Memory does not grow with the inbox: each row goes to a spool file on disk as it is placed, and
the summary files and table are written from there at the end (the run keeps only the names it
handed out, and a count per agency and year to find the same unit sent twice).

Worker start-up is cheap: on Linux the workers are forked from a process that has already imported
the compiler, and each worker prepares a format's Word template once, on its first report of that
format (``docx_render`` caches it), and reuses it for every later one.
"""

from __future__ import annotations

import csv
import glob
import io
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

from compiler.common.files import write_atomic, write_atomic_streamed
from compiler.common.parallel import ordered_map
from compiler.inbox.inputs import GLOB_CHARS as GLOB_CHARS
from compiler.inbox.inputs import PathList
from compiler.inbox.inputs import is_batch as is_batch
from compiler.inbox.inputs import is_glob as _is_glob
from compiler.inbox.names import NameClaims, OutputFolder, report_base
from compiler.inbox.reruns import LastRun, content_hash, last_run, run_fingerprint, source_key
from compiler.messages.findings import Finding, UnusableFile, internal_error
from compiler.messages.presentation import (
    display_width,
    findings_table,
    pad,
    sort_findings,
)
from compiler.messages.texts import labels, text
from compiler.pipeline import Options, compile_workbook

if TYPE_CHECKING:
    from compiler.archive.store import Entry  # the archive (sqlite3) is imported only for --archive

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".et"}  # the old ones are reported as unusable, not skipped
SUMMARY_CSV, SUMMARY_JSON = "summary.csv", "summary.json"

VALID, INVALID, UNUSABLE, SKIPPED, FAILED = "valid", "invalid", "unusable", "skipped", "failed"
STATUSES = (VALID, INVALID, UNUSABLE, SKIPPED, FAILED)  # the order of the labels "batch_statuses"
STATUS_LABEL = {lang: dict(zip(STATUSES, labels("batch_statuses", lang), strict=True)) for lang in ("zh", "en")}


# --- inputs -------------------------------------------------------------------------------------

def _wanted(path: Path) -> bool:
    return _wanted_name(str(path.parent), path.name)


def _wanted_name(folder: str, name: str) -> bool:
    return (os.path.splitext(name)[1].lower() in WORKBOOK_SUFFIXES and not name.startswith(("~$", "."))
            and os.path.isfile(os.path.join(folder, name)))  # not Excel/WPS lock files, not hidden files


def expand_inputs(args: Iterable[Path]) -> PathList:
    """Folders (their workbooks, sub-folders included, sorted), globs (sorted matches) and files,
    each path once. Kept as text (``PathList``): a batch holds them all for the whole run, and a
    folder is walked with ``os.walk``, which holds one folder's names at a time (``rglob`` holds a
    ``Path`` of every file it has yielded, and the memory they took stays with the process)."""
    found: list[str] = []
    for arg in args:
        arg = Path(arg)
        if arg.is_dir():
            found += _workbooks_below(str(arg))
        elif _is_glob(arg):
            found += [str(p) for p in sorted(Path(p) for p in glob.glob(str(arg)) if _wanted(Path(p)))]
        else:
            found.append(str(arg))  # a missing or odd file is reported for what it is
    seen, unique = set(), []
    for path in found:
        key = os.path.normcase(os.path.abspath(path))
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return PathList(unique)


def _workbooks_below(folder: str) -> list[str]:
    """The workbooks in ``folder`` and its sub-folders (not hidden ones, not through links), sorted
    as their relative parts sort: ``a/b.xlsx`` (``("a", "b.xlsx")``) before ``a-b.xlsx``."""
    keyed = []
    for top, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        rel = os.path.relpath(top, folder)
        prefix = "" if rel == os.curdir else rel.replace(os.sep, "\0") + "\0"  # "\0" sorts before any character
        keyed += [(prefix + name, os.path.join(top, name)) for name in files if _wanted_name(top, name)]
    keyed.sort()
    return [path for _, path in keyed]


def _crashed(task, exc: BaseException):
    if isinstance(task, CompileTask):
        return BatchRow(index=task.index, source=task.source, status=FAILED, errors=1,
                        message=_internal_message(exc, task.lang), sha256=task.sha256)
    raise exc


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


# --- one workbook (runs in a worker) ------------------------------------------------------------

@dataclass(frozen=True)
class CompileTask:
    index: int
    source: str
    staging: str
    options: Options
    lang: str
    keep_entry: bool = False  # --archive: a valid workbook's archive entry comes back with its row
    sha256: str = ""
    unchanged: dict | None = None  # the last run's row, when this workbook need not be compiled again


@dataclass
class BatchRow:
    index: int
    source: str
    org: str = ""
    year: int | None = None
    format: str = ""
    status: str = FAILED
    errors: int = 0
    warnings: int = 0
    repeat_rate: float | None = None  # share of the narrative repeated from last year, when last year was given
    output: str = ""  # the report written (file name inside the output folder)
    extra_outputs: list[str] = field(default_factory=list)
    error_report: str = ""  # the error report written, for invalid and unusable workbooks
    message: str = ""  # one sentence for unusable / skipped / failed
    staged: list[str] = field(default_factory=list)
    report_text: str = ""
    entry: Entry | None = None  # for the archive (--archive), valid workbooks only
    sha256: str = ""  # of the workbook's content: a re-run compiles only what changed
    path: str = ""  # the workbook's absolute path, to find it again on the next run
    reused: bool = False  # unchanged since the last run: its outputs were kept as they are
    duplicate: str = ""  # the same agency and year in other workbooks of this run


def _internal_message(exc: BaseException, lang: str) -> str:
    return internal_error(exc).message(lang)


def compile_one(task: CompileTask) -> BatchRow:
    """Compile one workbook into the staging folder; never raises."""
    path = Path(task.source)
    if task.unchanged is not None:
        return _reused(task)
    row = BatchRow(index=task.index, source=task.source, sha256=task.sha256)
    target = Path(task.staging) / f"{task.index}.docx"
    try:
        result = compile_workbook(path, output=target, options=task.options)
    except UnusableFile as exc:
        row.status, row.errors = UNUSABLE, 1
        row.message = exc.finding.message(task.lang)
        row.report_text = error_report_text(path, "", None, [exc.finding], task.lang)
        return row
    except Exception as exc:  # noqa: BLE001 - one bad workbook must not stop the batch
        row.status, row.errors = FAILED, 1
        row.message = _internal_message(exc, task.lang)
        return row
    meta = (result.data or {}).get("meta", {})
    row.org = str(meta.get("org") or "")
    row.year = meta.get("year") if isinstance(meta.get("year"), int) else None
    row.format = result.format.id if result.format else ""
    row.errors, row.warnings = len(result.errors), len(result.warnings)
    row.repeat_rate = result.repeat_rate
    if result.ok and result.output:
        row.status = VALID
        row.staged = [str(result.output), *map(str, result.extra_outputs)]
        if task.keep_entry and result.data is not None:
            from compiler.archive.entries import entry_from_compile

            row.entry = entry_from_compile(path, row.format, result.data, result.findings)
    else:
        row.status = INVALID
        row.report_text = error_report_text(path, row.org, row.year, result.findings, task.lang)
    return row


def _reused(task: CompileTask) -> BatchRow:
    last = task.unchanged or {}
    known = set(BatchRow.__dataclass_fields__) - {"index", "source", "staged", "report_text", "duplicate", "entry"}
    row = BatchRow(index=task.index, source=task.source, **{k: v for k, v in last.items() if k in known})
    row.reused = True
    return row


RESAVE = {"file_xls", "file_et", "file_not_xlsx", "file_corrupt", "file_encrypted", "file_unsafe"}


def error_report_text(path: Path, org: str, year, findings: list[Finding], lang: str) -> str:
    """The error report of one workbook, for the coordinator to e-mail to the agency's clerk: what
    to change and where, in plain words — no status words or codes, no paths of the coordinator's
    machine (the workbook is named by its file name), and advice that fits the case."""
    findings = [_named_by_file(f) for f in findings]
    errors = sum(1 for f in findings if f.is_error)
    warnings = len(findings) - errors
    unusable = len(findings) == 1 and not findings[0].sheet and not findings[0].cell
    lines = [text("error_report_title", lang), "", text("error_report_workbook", lang, name=path.name),
             text("error_report_unit", lang, org=org or "—", year=year or "—"), "",
             text("error_report_unreadable", lang) if unusable else
             text("error_report_counts", lang, errors=errors, warnings=warnings)]
    if unusable:
        resave = findings[0].code in RESAVE  # advice fitting the file: save it again as .xlsx, or as said
        lines += ["  " + findings[0].message(lang), "",
                  text("error_report_closing_resave" if resave else "error_report_closing_unusable", lang)]
    else:
        lines += findings_table(sort_findings(findings), lang, codes=False)
        lines += ["", text("error_report_closing", lang)]
    return "\n".join(lines) + "\n"


def _named_by_file(finding: Finding) -> Finding:
    """The same finding with any file path cut to the file's name."""
    params = {k: Path(v).name if k in ("path", "file") and isinstance(v, str) and v else v
              for k, v in finding.params.items()}
    return replace(finding, params=params)


# --- the run ------------------------------------------------------------------------------------

SPOOLED = tuple(f.name for f in fields(BatchRow) if f.name not in ("staged", "report_text", "entry"))  # once placed


class RowSpool:
    """The rows of a run on disk, one JSON line each, in input order: read back as often as needed."""

    def __init__(self):
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the outcome that reads it
        self.total = 0
        self.counts: dict[str, int] = dict.fromkeys(STATUSES, 0)

    def add(self, row: BatchRow) -> None:
        item = {name: getattr(row, name) for name in SPOOLED}
        self._file.write(json.dumps(item, ensure_ascii=False).encode("utf-8") + b"\n")
        self.total += 1
        self.counts[row.status] = self.counts.get(row.status, 0) + 1

    def __iter__(self) -> Iterator[BatchRow]:
        self._file.flush()
        position = 0
        while True:
            self._file.seek(position)
            line = self._file.readline()
            if not line:
                return
            position = self._file.tell()
            yield BatchRow(**json.loads(line))


def _unit_key(row: BatchRow) -> tuple[str, int] | None:
    return (re.sub(r"\s+", "", row.org), row.year) if row.org and row.year else None


@dataclass
class BatchOutcome:
    out_dir: Path
    spool: RowSpool
    summary_csv: Path
    summary_json: Path
    entries: list[Entry] = field(default_factory=list)  # valid workbooks' archive entries (keep_entries)
    duplicates: dict[tuple[str, int], str] = field(default_factory=dict)  # unit → note naming its workbooks

    def iter_rows(self) -> Iterator[BatchRow]:
        """The rows in input order, read back from the spool (nothing of them is held in memory)."""
        for row in self.spool:
            key = _unit_key(row)
            if key in self.duplicates:
                row.duplicate = self.duplicates[key]
            yield row

    @property
    def rows(self) -> list[BatchRow]:
        return list(self.iter_rows())

    @property
    def total(self) -> int:
        return self.spool.total

    @property
    def ok(self) -> bool:
        return self.spool.counts.get(VALID, 0) == self.spool.total

    def count(self, status: str) -> int:
        return self.spool.counts.get(status, 0)

    def summary_lines(self, lang: str) -> Iterator[str]:
        """The summary table, streamed: one pass for the column widths, one for the lines."""
        head = labels("batch_columns", lang)
        widths = [display_width(x) for x in head[:-1]]
        for row in self.iter_rows():
            widths = [max(w, display_width(v)) for w, v in zip(widths, _cells(row, lang), strict=False)]
        yield _table_line(head, widths)
        for row in self.iter_rows():
            yield _table_line(_cells(row, lang), widths)


def run_batch(sources: Sequence[Path], out_dir: Path, options: Options = Options(), jobs: int | None = None,
              force: bool = False, lang: str = "zh", on_row: Callable[[BatchRow, int, int], None] | None = None,
              keep_entries: bool = False) -> BatchOutcome:
    """Compile ``sources`` into ``out_dir``; ``on_row(row, done, total)`` reports progress. With
    ``keep_entries``, the valid workbooks' archive entries are returned (the caller adds them to the
    archive in one transaction after the run, so every lookup of the run saw the same archive)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = max(1, min(jobs or default_jobs(), len(sources) or 1))
    staging = Path(tempfile.mkdtemp(prefix=".compile-staging-", dir=out_dir))
    folder = OutputFolder(out_dir)
    claims = NameClaims()
    claims.claim("summary", (".csv", ".json"))  # the run's own files keep their names
    last = last_run(out_dir / SUMMARY_JSON)
    fingerprint = run_fingerprint(options, lang)
    spool = RowSpool()
    entries: list[Entry] = []
    units: dict[int, int] = {}  # hash of (agency, year) → workbooks: the same unit sent twice is told

    def task(index: int, path: Path) -> CompileTask:
        digest = content_hash(path)
        reusable = not force and not keep_entries  # the archive needs every valid workbook's entry
        unchanged = last.unchanged(str(path), digest, fingerprint, out_dir) if reusable else None
        return CompileTask(index, str(path), str(staging), options, lang, keep_entries, digest, unchanged)

    try:
        tasks = (task(i, p) for i, p in enumerate(sources))
        for row in ordered_map(compile_one, tasks, jobs, on_crash=_crashed):
            row.path = source_key(row.source)
            _place(row, folder, claims, force, lang, last.written_for(row.source))
            if row.entry is not None:
                entries.append(row.entry)
            row.staged, row.report_text, row.entry = [], "", None
            spool.add(row)
            key = _unit_key(row)
            if key is not None:
                units[hash(key)] = units.get(hash(key), 0) + 1
            if on_row:
                on_row(row, spool.total, len(sources))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if last.units:
        _remove_outdated(spool, folder, last)
    csv_path, json_path = out_dir / SUMMARY_CSV, out_dir / SUMMARY_JSON
    outcome = BatchOutcome(out_dir, spool, csv_path, json_path, entries,
                           _duplicates(spool, {h for h, n in units.items() if n > 1}, lang))
    write_atomic_streamed(csv_path, _csv_chunks(outcome.iter_rows(), lang))
    write_atomic_streamed(json_path, _json_chunks(outcome.iter_rows(), spool.total, spool.counts, lang, fingerprint))
    return outcome


def _written(row: BatchRow) -> set[str]:
    return {n for n in (row.output, *row.extra_outputs, row.error_report) if n}


def _remove_outdated(rows: Iterable[BatchRow], out_dir: OutputFolder, last: LastRun) -> None:
    """Files the last run wrote for a workbook that were not written (or kept) for it now: the
    outputs of content that no longer exists, such as an error report whose errors were fixed."""
    kept: set[str] = set()
    for row in rows:
        kept |= _written(row)
    for row in rows:
        if row.reused:
            continue
        for name in last.written_for(row.source) - kept:
            try:
                out_dir.inside(name).unlink(missing_ok=True)
            except (OSError, ValueError):
                pass  # not ours to worry about: the summary says what is current


def _duplicates(rows: Iterable[BatchRow], hashes: set[int], lang: str) -> dict[tuple[str, int], str]:
    """The same agency and year sent twice: both are compiled, and both rows say so (the note per unit)."""
    groups: dict[tuple[str, int], list[str]] = {}
    if hashes:
        for row in rows:
            key = _unit_key(row)
            if key is not None and hash(key) in hashes:
                groups.setdefault(key, []).append(Path(row.source).name)
    return {key: text("same_unit_twice", lang, count=len(names), names="、".join(names))
            for key, names in groups.items() if len(names) > 1}


def _place(row: BatchRow, out_dir: OutputFolder, claims: NameClaims, force: bool, lang: str,
           ours: Collection[str] = ()) -> None:
    """Move the staged report to its final name, or write the error report. Files the last run
    wrote for this same workbook (``ours``) are replaced; anyone else's only with ``force``."""
    if row.reused:
        claims.take(_written(row))
        return
    base = report_base(row.org, row.year, Path(row.source).stem)
    if row.status == VALID:
        staged = [Path(p) for p in row.staged]
        suffixes = tuple(p.suffix for p in staged)
        name = claims.claim(base, suffixes)
        targets = [out_dir.inside(name + s) for s in suffixes]
        existing = [t for t in targets if t.exists() and t.name not in ours]
        if existing and not force:
            row.status = SKIPPED
            row.message = text("not_overwritten", lang, name=existing[0].name)
            return
        for src, dst in zip(staged, targets, strict=True):
            os.replace(src, dst)
        row.output, row.extra_outputs = targets[0].name, [t.name for t in targets[1:]]
    elif row.report_text:
        suffix = text("error_report_suffix", lang)
        target = out_dir.inside(claims.claim(base, (suffix,)) + suffix)
        if target.exists() and target.name not in ours and not force:
            note = text("not_overwritten", lang, name=target.name)
            row.message = f"{row.message} {note}".strip()
            return
        write_atomic(target, row.report_text.encode("utf-8-sig"))
        row.error_report = target.name


# --- summary ------------------------------------------------------------------------------------

def _cells(row: BatchRow, lang: str) -> tuple[str, ...]:
    reused = text("unchanged_since_last_run", lang) if row.reused else ""
    note = " ".join(n for n in (reused, row.message, row.duplicate) if n)
    return (Path(row.source).name, row.org, str(row.year or ""), row.format, STATUS_LABEL[lang][row.status],
            str(row.errors), str(row.warnings), "" if row.repeat_rate is None else f"{row.repeat_rate * 100:.0f}%",
            row.output or row.error_report, note)


def _table_line(cells: tuple[str, ...], widths: list[int]) -> str:
    # the last column is not padded: zip stops before it
    return "  ".join(pad(v, w) for v, w in zip(cells, widths, strict=False)) + "  " + cells[-1]


def summary_table(rows: list[BatchRow], lang: str) -> list[str]:
    head = labels("batch_columns", lang)
    body = [_cells(r, lang) for r in rows]
    widths = [max(display_width(x[i]) for x in [head, *body]) for i in range(len(head) - 1)]
    return [_table_line(line, widths) for line in [head, *body]]


def _csv_chunks(rows: Iterable[BatchRow], lang: str) -> Iterator[bytes]:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(labels("batch_columns", lang))
    yield buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read it as UTF-8
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_inert(cell) for cell in _cells(row, lang)])
        yield buffer.getvalue().encode("utf-8")


def summary_csv(rows: list[BatchRow], lang: str) -> bytes:
    return b"".join(_csv_chunks(rows, lang))


def _inert(text: str) -> str:
    """Agency text Excel would run as a formula (=, +, -, @) is kept as text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _unit(row: BatchRow, lang: str) -> dict:
    item = {name: getattr(row, name) for name in SPOOLED if name != "index"}
    item["status_label"] = STATUS_LABEL[lang][row.status]
    return item


def summary_json(rows: list[BatchRow], lang: str, fingerprint: str = "") -> bytes:
    counts = {s: sum(1 for r in rows if r.status == s) for s in STATUSES}
    report = {"total": len(rows), **counts, "fingerprint": fingerprint, "units": [_unit(r, lang) for r in rows]}
    return (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _json_chunks(rows: Iterable[BatchRow], total: int, counts: dict[str, int], lang: str,
                 fingerprint: str) -> Iterator[bytes]:
    """``summary_json``'s bytes, one unit at a time (json.dumps with indent=2 of the whole report)."""
    head = {"total": total, **{s: counts.get(s, 0) for s in STATUSES}, "fingerprint": fingerprint}
    if not total:
        yield (json.dumps({**head, "units": []}, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        return
    before, after = json.dumps({**head, "units": ["\0"]}, ensure_ascii=False, indent=2).split('"\\u0000"')
    yield before.encode("utf-8")
    for i, row in enumerate(rows):
        unit = json.dumps(_unit(row, lang), ensure_ascii=False, indent=2).replace("\n", "\n    ")
        yield ((",\n    " if i else "") + unit).encode("utf-8")
    yield (after + "\n").encode("utf-8")


def totals_line(outcome: BatchOutcome, lang: str) -> str:
    c = outcome.count
    return (text("batch_totals", lang, total=outcome.total, valid=c(VALID), invalid=c(INVALID),
                 unusable=c(UNUSABLE))
            + (text("batch_totals_skipped", lang, skipped=c(SKIPPED)) if c(SKIPPED) else "")
            + (text("batch_totals_failed", lang, failed=c(FAILED)) if c(FAILED) else "")
            + text("batch_totals_summary", lang, path=outcome.summary_csv))


def progress_line(row: BatchRow, done: int, total: int, lang: str) -> str:
    where = row.output or row.error_report
    label = STATUS_LABEL[lang][row.status]
    line = f"[{done}/{total}] {label}  {Path(row.source).name}"
    if where:
        line += f" → {where}"
    if row.message and row.status != VALID:
        line += f"  {row.message}"
    return line


class ProgressLines:
    """The progress lines of a run whose output is no terminal (a log, a pipe): each line made as
    its report is placed, handed on together at most every ``every`` seconds and at the end. Same
    text as one line per report, but a program reading it is woken a few times a second instead of
    once per report (which, with two jobs, took its CPU from the workers' cores)."""

    def __init__(self, lang: str, echo: Callable[[str], object], every: float = 0.2):
        self.lang, self.echo, self.every = lang, echo, every
        self.pending: list[str] = []
        self.handed = time.monotonic()

    def __call__(self, row: BatchRow, done: int, total: int) -> None:
        self.pending.append(progress_line(row, done, total, self.lang))
        if done == total or time.monotonic() - self.handed >= self.every:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.echo("\n".join(self.pending))
            self.pending.clear()
        self.handed = time.monotonic()
