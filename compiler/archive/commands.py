"""``compile archive add | list | alias``, and what ``--archive``, ``--previous`` and ``new --from`` need
from the command line (registered on the ``compile`` group by ``cli``)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from compiler.cli import EXIT_DATA, EXIT_OK, EXIT_UNUSABLE, common_options
from compiler.formats.definition import all_formats
from compiler.messages.texts import labels, text

ARCHIVE_HELP = "年报档案（SQLite 文件，默认当前文件夹的 年报档案.sqlite）。"


def archive_option(help_text: str = ARCHIVE_HELP):
    return click.option("--archive", "archive_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help=help_text)


def _default(archive_path: Path | None) -> Path:
    from compiler.archive.store import DEFAULT_ARCHIVE

    return Path(archive_path) if archive_path else Path(DEFAULT_ARCHIVE)


# --- --previous and --archive on compile / check / batch ----------------------------------------

@contextmanager
def previous_lookup(previous: str | None, archive_path: Path | None, single: bool, jobs: int | None,
                    lang: str) -> Iterator[object]:
    """The ``Options.previous`` of a run: ``--previous`` resolved, or the archive when only
    ``--archive`` is given. Bad values raise click.BadParameter (exit 2) before anything is compiled."""
    if previous is None and archive_path is None:
        yield None  # nothing to look up: a plain compile does not even import the archive
        return
    from compiler.archive.previous import (
        ARCHIVE_WORD,
        PreviousArgumentError,
        resolve_previous,
    )
    from compiler.archive.store import ArchiveError

    if archive_path is not None:
        _open_or_fail(archive_path, lang, create=True).close()  # refused now, not after compiling
    if previous is None:
        if archive_path is None:
            yield None
            return
        previous = ARCHIVE_WORD
    try:
        with resolve_previous(previous, archive_path, single, jobs or 1) as resolved:
            for zh, en in zip(resolved.notes, resolved.notes_en, strict=True):
                click.echo(text("previous_note", lang, note=zh, note_en=en), err=True)
            yield resolved.lookup
    except PreviousArgumentError as exc:
        raise click.BadParameter(exc.message(lang), param_hint="--previous") from None
    except ArchiveError as exc:
        raise click.BadParameter(exc.finding.message(lang), param_hint="--archive") from None


def _open_or_fail(archive_path: Path, lang: str, create: bool):
    from compiler.archive.store import Archive, ArchiveError

    try:
        return Archive(archive_path, create=create)
    except ArchiveError as exc:
        raise click.BadParameter(exc.finding.message(lang), param_hint="--archive") from None


def archive_compiled(archive_path: Path, path: Path, result, lang: str) -> None:
    """``--archive`` on a single compile or check: a valid result is added (on stderr, so that
    ``check --json`` stays clean)."""
    from compiler.archive.entries import entry_from_compile

    if not result.ok or result.data is None or result.format is None:
        return
    entry = entry_from_compile(path, result.format.id, result.data, result.findings)
    _put(archive_path, [entry], lang)


def archive_entries(archive_path: Path, entries: list, lang: str) -> None:
    """A batch's valid results, added in one transaction at the end of the run: one line for the
    run, and one for each agency and year that replaced an earlier entry."""
    if entries:
        _put(archive_path, entries, lang, each=False)


def _store(archive_path: Path, entries: list, lang: str) -> list:
    """Add ``entries`` in one transaction; the entries they replaced (None where new). A failed
    write is one sentence and exit 2: nothing of the run was stored."""
    from compiler.archive.store import ArchiveError

    try:
        with _open_or_fail(archive_path, lang, create=True) as archive:
            return archive.put_many(entries)
    except ArchiveError as exc:
        click.echo(text("archive_not_written", lang, message=exc.finding.message(lang)), err=True)
        sys.exit(EXIT_UNUSABLE)


def _put(archive_path: Path, entries: list, lang: str, each: bool = True) -> None:
    replaced = _store(archive_path, entries, lang)
    for entry, old in zip(entries, replaced, strict=True):
        if not each and old is None:
            continue
        line = text("archived", lang, org=entry.org, year=entry.year, name=Path(entry.source).name, path=archive_path)
        if old is not None:
            line += text("archived_replaces", lang, name=Path(old.source).name, added=_when(old.added))
        click.echo(line, err=True)
    if not each:
        click.echo(text("archive_added_total", lang, path=archive_path, count=len(entries),
                        replaced=sum(o is not None for o in replaced)), err=True)


def _when(added: str) -> str:
    return added[:16].replace("T", " ")


def _status(status: str, lang: str) -> str:
    return dict(zip(("valid", "invalid"), labels("archive_statuses", lang), strict=True))[status]


# --- compile archive ... -----------------------------------------------------------------------

@click.group("archive")
def archive_group():
    """年报档案：各机关历年报告（SQLite），供跨年度核对和 compile new --from 使用。"""


@archive_group.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@archive_option()
@click.option("--format", "format_id", type=click.Choice(sorted(all_formats())), default=None,
              help="指定年报格式（默认按文件标记或年度选择）。")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="并行进程数（默认：CPU 核数）。")
@common_options
def archive_add(files, archive_path, format_id, jobs, lang):
    """把填报表、数据文档（.json）或已发布的报告（.docx/.html/.pdf）加入档案；文件夹中的全部加入。

    同一机关同一年度再次加入时替换原记录，并说明替换了什么。
    """
    from compiler.archive.entries import report_files
    from compiler.archive.previous import load_entry
    from compiler.archive.store import Entry
    from compiler.common.parallel import ordered_map
    from compiler.inbox.batch import default_jobs

    missing = [f for f in files if not Path(f).exists()]
    if missing:
        raise click.BadParameter(text("path_missing", lang, path=missing[0]), param_hint="FILES")
    paths: list[Path] = []
    for f in files:
        paths += report_files(f) if Path(f).is_dir() else [Path(f)]
    if not paths:
        raise click.BadParameter(text("no_reports_to_add", lang), param_hint="FILES")
    target = _default(archive_path)
    _open_or_fail(target, lang, create=True).close()  # a bad archive is refused before anything is read
    jobs = max(1, min(jobs or default_jobs(), len(paths)))
    codes, entries = [], []
    for path, loaded in zip(paths, ordered_map(load_entry, [(p, format_id) for p in paths], jobs), strict=True):
        if not isinstance(loaded, Entry):
            click.echo(text("unusable", lang, message=f"{path}：{loaded[0]}", message_en=f"{path}: {loaded[1]}"),
                       err=True)
            codes.append(EXIT_UNUSABLE)
        elif not loaded.key or not loaded.year:
            click.echo(text("not_added_no_name", lang, path=path), err=True)
            codes.append(EXIT_DATA)
        else:
            entries.append(loaded)
            codes.append(EXIT_OK if loaded.valid else EXIT_DATA)
    replaced = _store(target, entries, lang) if entries else []
    for entry, old in zip(entries, replaced, strict=True):
        line = text("archive_added", lang, org=entry.org, year=entry.year, format=entry.format,
                    status=_status(entry.status, lang), name=Path(entry.source).name)
        if not entry.valid:
            line += text("archive_added_errors", lang, count=entry.errors, first=entry.first_error)
        if old is not None:
            line += text("archive_added_replaces", lang, status=_status(old.status, lang),
                         name=Path(old.source).name, added=_when(old.added))
        click.echo(line)
    click.echo(text("archive_added_total", lang, path=target, count=len(entries),
                    replaced=sum(o is not None for o in replaced)))
    sys.exit(max(codes, default=EXIT_OK))


@archive_group.command("list")
@archive_option()
@click.option("--org", default=None, help="只列出该机关（含登记的曾用名）。")
@click.option("--grid", is_flag=True, help="每个机关一行、每个年度一列（改名的机关合为一行）。")
@click.option("--json", "as_json", is_flag=True, help="输出机器可读的 JSON。")
@common_options
def archive_list(archive_path, org, grid, as_json, lang):
    """列出档案中的各机关、年度，及状态和来源文件。"""
    import json

    from compiler.messages.presentation import display_width, pad

    target = _default(archive_path)
    with _open_or_fail(target, lang, create=False) as archive:
        entries = archive.entries(org)
        aliases = archive.alias_rows()
    if as_json:
        click.echo(json.dumps({"archive": str(target), "reports": [
            {"org": e.org, "year": e.year, "format": e.format, "status": e.status, "errors": e.errors,
             "warnings": e.warnings, "source": e.source, "source_kind": e.source_kind, "added": e.added}
            for e in entries], "aliases": [{"old": o, "new": n, "added": a} for o, n, a in aliases]},
            ensure_ascii=False, indent=2))
        return
    if grid:
        head, rows = _grid(entries, aliases, lang)
    else:
        head = labels("archive_columns", lang)
        rows = [(e.org, str(e.year), e.format, _status(e.status, lang), str(e.errors), str(e.warnings),
                 Path(e.source).name, _when(e.added)) for e in entries]
    widths = [max(display_width(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for line in [head, *rows]:
        click.echo("  ".join(pad(v, w) for v, w in zip(line, widths, strict=True)).rstrip())
    years = sorted({e.year for e in entries})
    span = text("archive_years", lang, first=years[0], last=years[-1]) if years else ""
    click.echo(text("archive_listed_total", lang, count=len(entries), orgs=len({e.key for e in entries}), span=span))
    for old, new, _ in aliases:
        click.echo(text("archive_alias_row", lang, old=old, new=new))


def _grid(entries: list, aliases: list, lang: str) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """Agency × year: one row per agency (renamed agencies joined, shown by their latest name)."""
    from compiler.archive.names import canonical, org_key

    renames = {org_key(old): org_key(new) for old, new, _ in aliases}
    years = sorted({e.year for e in entries})
    agencies: dict[str, dict] = {}
    names: dict[str, tuple[int, str]] = {}
    for e in entries:
        key = canonical(e.key, renames)
        agencies.setdefault(key, {})[e.year] = _status(e.status, lang)
        if key not in names or e.year >= names[key][0]:
            names[key] = (e.year, e.org)
    head = (labels("archive_columns", lang)[0], *map(str, years))
    rows = [(names[key][1], *(cells.get(y, "—") for y in years))
            for key, cells in sorted(agencies.items(), key=lambda kv: names[kv[0]][1])]
    return head, rows


@archive_group.command("alias")
@click.argument("old")
@click.argument("new")
@archive_option()
@common_options
def archive_alias(old, new, archive_path, lang):
    """登记机关改名：旧名 新名。此后查找新名的上一年度时，也查找旧名下的报告。"""
    target = _default(archive_path)
    old, new = old.strip(), new.strip()
    with _open_or_fail(target, lang, create=True) as archive:
        try:
            before = archive.add_alias(old, new)
        except ValueError as exc:
            reasons = {"empty": text("alias_empty", lang), "same": text("alias_same", lang),
                       "loop": text("alias_loop", lang)}
            raise click.BadParameter(reasons[str(exc)], param_hint="OLD NEW") from None
        from compiler.archive.names import org_key

        entries = archive.entries()
        unknown = not any(e.key == org_key(old) for e in entries)
        similar = archive.similar_names(old, max(e.year for e in entries)) if unknown and entries else []
    click.echo(text("alias_recorded", lang, old=old, new=new, path=target))
    if before:
        click.echo(text("alias_replaced", lang, old=old, before=before))
    if unknown:  # a typo in the old name joins nothing; said now, not discovered at next year's check
        sep = text("list_separator", lang)
        click.echo(text("alias_old_not_archived", lang, old=old, similar=sep.join(similar) or text("none", lang)))


# --- compile new --from ------------------------------------------------------------------------

def new_from(source: str, org: str, year: int | None, format_id: str | None, output: Path, force: bool,
             archive_path: Path | None, lang: str) -> int:
    """``compile new --from LAST``: next year's workbook of each agency found in LAST."""
    from compiler.archive.previous import ARCHIVE_WORD

    names: dict[tuple[str, int], str] = {}
    if source == ARCHIVE_WORD:
        lasts, names = _lasts_from_archive(_default(archive_path), org, year, lang)
    else:
        path = Path(source)
        if not path.exists():
            raise click.BadParameter(text("path_missing", lang, path=path), param_hint="--from")
        lasts = _lasts_from_files(path, org, year, lang)
    if not lasts:
        raise click.BadParameter(text("no_last_year", lang) if year is None
                                 else text("no_last_year_of", lang, year=year - 1), param_hint="--from")
    many = len(lasts) > 1 or (source == ARCHIVE_WORD and not org) or Path(source).is_dir()
    if many:
        if output.suffix.lower() == ".xlsx" or (output.exists() and not output.is_dir()):
            raise click.BadParameter(text("output_one_per_agency", lang, path=output), param_hint="-o")
        output.mkdir(parents=True, exist_ok=True)
    elif output.suffix.lower() != ".xlsx" and not output.is_dir():
        raise click.BadParameter(text("output_xlsx_or_folder", lang), param_hint="-o")
    return _write_next_years(lasts, output, format_id, force, lang, names)


def _current_names(archive, entries: list) -> dict[tuple[str, int], str]:
    """The name each entry's agency goes by now, where it was renamed since (``archive alias``):
    next year's workbook is the renamed agency's, under its new name."""
    from compiler.archive.names import canonical, org_key

    aliases = archive.aliases()
    newest = {org_key(new): new for _, new, _ in archive.alias_rows()}
    names = {}
    for e in entries:
        current = newest.get(canonical(e.key, aliases))
        if current and org_key(current) != e.key:
            names[(e.key, e.year)] = current
    return names


def _lasts_from_archive(path: Path, org: str, year: int | None, lang: str) -> tuple[list, dict]:
    """``--from archive``: the agency's entry (``--org``), or every agency's entry of the year before
    ``--year`` (by default the archive's latest year), renamed agencies counted once; with the
    current names of the renamed ones."""
    from compiler.archive.names import canonical
    from compiler.archive.store import Archive, ArchiveError

    try:
        with Archive(path, create=False) as archive:
            if org:
                last = archive.find(org, year - 1) if year else archive.latest(org)
                if last is None:
                    similar = archive.similar_names(org, year - 1) if year else []
                    sep = text("list_separator", lang)
                    message = (text("archive_has_no_org", lang, path=path, org=org, year=year - 1,
                                    similar=sep.join(similar) or text("none", lang)) if year
                               else text("archive_has_no_org_at_all", lang, path=path, org=org))
                    raise click.BadParameter(message, param_hint="--org")
                return [last], _current_names(archive, [last])
            entries, aliases = archive.entries(), archive.aliases()
            names = _current_names(archive, entries)
    except ArchiveError as exc:
        raise click.BadParameter(exc.finding.message(lang), param_hint="--archive") from None
    if not entries:
        return [], {}
    year = year or max(e.year for e in entries) + 1
    chosen = _latest_per_agency(entries, year, lambda e: canonical(e.key, aliases))
    found = {canonical(e.key, aliases) for e in chosen}
    latest: dict = {}
    for e in entries:
        key = canonical(e.key, aliases)
        if key not in found and (key not in latest or e.year > latest[key].year):
            latest[key] = e
    for e in sorted(latest.values(), key=lambda e: e.key):
        click.echo(text("agency_not_renewed", lang, org=e.org, latest=e.year, year=year), err=True)
    return chosen, names


def _lasts_from_files(path: Path, org: str, year: int | None, lang: str) -> list:
    from compiler.archive.entries import report_files
    from compiler.archive.names import org_key
    from compiler.archive.previous import load_entry
    from compiler.archive.store import Entry
    from compiler.common.parallel import ordered_map
    from compiler.inbox.batch import default_jobs

    files = report_files(path) if path.is_dir() else [path]
    entries = []
    jobs = max(1, min(default_jobs(), len(files)))
    for file, loaded in zip(files, ordered_map(load_entry, [(f, None) for f in files], jobs), strict=True):
        if isinstance(loaded, Entry) and loaded.key and loaded.year:
            entries.append(loaded)
            continue
        reason = (loaded[0], loaded[1]) if not isinstance(loaded, Entry) else \
            (text("no_name_or_year", "zh"), text("no_name_or_year", "en"))
        if not path.is_dir():
            raise click.BadParameter(text("file_unusable", lang, name=file.name, reason=reason[0],
                                          reason_en=reason[1]), param_hint="--from")
        click.echo(text("file_skipped", lang, name=file.name, reason=reason[0], reason_en=reason[1]), err=True)
    if org:
        entries = [e for e in entries if e.key == org_key(org)]
    return _latest_per_agency(entries, year)


def _latest_per_agency(entries: list, year: int | None, agency=lambda e: e.key) -> list:
    """One entry per agency: its ``year − 1`` when a year is asked for, else its latest year (a valid
    entry preferred over an invalid one of the same year)."""
    best: dict = {}
    for e in entries:
        if year is not None and e.year != year - 1:
            continue
        kept = best.get(agency(e))
        if kept is None or (e.year, e.valid) > (kept.year, kept.valid):
            best[agency(e)] = e
    return sorted(best.values(), key=lambda e: (e.key, e.year))


def _write_next_years(lasts: list, output: Path, format_id: str | None, force: bool, lang: str,
                      names: dict[tuple[str, int], str] | None = None) -> int:
    """One workbook per entry: names claimed here in order, the workbooks written in parallel."""
    from compiler.archive.next_year import next_year
    from compiler.common.parallel import ordered_map
    from compiler.formats.definition import UnknownFormat
    from compiler.inbox.batch import default_jobs
    from compiler.inbox.names import NameClaims, inside, report_base

    claims = NameClaims()
    code = EXIT_OK
    sep = text("group_separator", lang)
    jobs: list[tuple] = []
    for last in lasts:
        try:
            plan = next_year(last, format_id, org=(names or {}).get((last.key, last.year)))
        except UnknownFormat as exc:
            raise click.BadParameter(str(exc), param_hint="--format") from None
        if output.is_dir():
            name = claims.claim(report_base(plan.org, plan.year, Path(last.source).stem), (".xlsx",))
            target = inside(output, name + ".xlsx")
        else:
            target = output
        if target.exists() and not force:
            click.echo(text("not_overwritten", lang, name=target), err=True)
            code = EXIT_DATA
            continue
        jobs.append((plan, last, target))
    tasks = [(plan.format.id, plan.year, str(target), plan.org, plan.document, tuple(plan.stocks),
              tuple(plan.guide_lines())) for plan, _, target in jobs]
    for (plan, last, target), _ in zip(jobs, ordered_map(_write_one, tasks, max(1, min(default_jobs(), len(tasks)))),
                                       strict=True):
        click.echo(text("next_year_written", lang, org=plan.org, year=plan.year, format=plan.format.id,
                        last_year=last.year, name=Path(last.source).name, output=target))
        click.echo(text("carried", lang, items=sep.join(plan.carried)))
        if plan.not_carried:
            click.echo(text("not_carried", lang, items=sep.join(plan.not_carried)))
    return code


def _write_one(task: tuple) -> str:
    """Write one next-year workbook (runs in a worker)."""
    from compiler.formats.definition import get_format
    from compiler.workbook.writer import save_workbook

    format_id, year, target, org, document, stocks, guide = task
    save_workbook(get_format(format_id), year, Path(target), org=org, document=document, stocks=stocks,
                  guide_notes=guide)
    return target
