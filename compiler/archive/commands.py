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

ARCHIVE_HELP = "年报档案（SQLite 文件，默认当前文件夹的 年报档案.sqlite）。"


def archive_option(help_text: str = ARCHIVE_HELP):
    return click.option("--archive", "archive_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help=help_text)


def _default(archive_path: Path | None) -> Path:
    from compiler.archive.store import DEFAULT_ARCHIVE

    return Path(archive_path) if archive_path else Path(DEFAULT_ARCHIVE)


def _bad(exc, param: str) -> click.BadParameter:
    return click.BadParameter(str(exc), param_hint=param)


# --- --previous and --archive on compile / check / batch ----------------------------------------

@contextmanager
def previous_lookup(previous: str | None, archive_path: Path | None, single: bool, jobs: int | None,
                    lang: str) -> Iterator[object]:
    """The ``Options.previous`` of a run: ``--previous`` resolved, or the archive when only
    ``--archive`` is given. Bad values raise click.BadParameter (exit 2) before anything is compiled."""
    from compiler.archive.previous import (
        ARCHIVE_WORD,
        PreviousArgumentError,
        resolve_previous,
    )
    from compiler.archive.store import ArchiveError

    if archive_path is not None:
        _open_or_fail(archive_path, lang, create=True)
    if previous is None:
        if archive_path is None:
            yield None
            return
        previous = ARCHIVE_WORD
    try:
        with resolve_previous(previous, archive_path, single, jobs or 1) as resolved:
            for zh, en in zip(resolved.notes, resolved.notes_en, strict=True):
                click.echo(("上一年度：" + zh) if lang == "zh" else ("Last year: " + en), err=True)
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
    """A batch's valid results, added in one transaction at the end of the run."""
    if entries:
        _put(archive_path, entries, lang)


def _put(archive_path: Path, entries: list, lang: str) -> None:
    from compiler.archive.store import ArchiveError

    try:
        with _open_or_fail(archive_path, lang, create=True) as archive:
            replaced = archive.put_many(entries)
    except ArchiveError as exc:
        prefix = "无法写入档案：" if lang == "zh" else "Archive not written: "
        click.echo(prefix + exc.finding.message(lang), err=True)
        sys.exit(EXIT_UNUSABLE)
    for entry, old in zip(entries, replaced, strict=True):
        click.echo(_added_line(entry, old, archive_path, lang), err=True)


def _added_line(entry, old, archive_path: Path, lang: str) -> str:
    name = Path(entry.source).name
    if lang == "en":
        line = f"  archived  {entry.org} {entry.year} → {archive_path}"
        if old is not None:
            line += f" (replaces the entry from {Path(old.source).name}, added {old.added[:16]})"
        return line
    line = f"  已存入档案  {entry.org} {entry.year} 年度（{name}）→ {archive_path}"
    if old is not None:
        line += f"（替换了 {old.added[:16].replace('T', ' ')} 从 {Path(old.source).name} 加入的记录）"
    return line


# --- compile archive ... -----------------------------------------------------------------------

@click.group("archive")
def archive_group():
    """年报档案：各机关历年报告（SQLite），供跨年度核对和 compile new --from 使用。"""


STATUS = {"zh": {"valid": "通过", "invalid": "有错误"}, "en": {"valid": "valid", "invalid": "invalid"}}


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

    zh = lang == "zh"
    missing = [f for f in files if not Path(f).exists()]
    if missing:
        raise click.BadParameter(f"{missing[0]} 不存在。" if zh else f"{missing[0]} does not exist.",
                                 param_hint="FILES")
    paths: list[Path] = []
    for f in files:
        paths += report_files(f) if Path(f).is_dir() else [Path(f)]
    if not paths:
        raise click.BadParameter("没有找到可加入的文件（.xlsx、.json、.docx、.html、.pdf）。" if zh
                                 else "No files to add (.xlsx, .json, .docx, .html, .pdf).", param_hint="FILES")
    target = _default(archive_path)
    _open_or_fail(target, lang, create=True).close()  # a bad archive is refused before anything is read
    jobs = max(1, min(jobs or default_jobs(), len(paths)))
    codes, entries = [], []
    for path, loaded in zip(paths, ordered_map(load_entry, [(p, format_id) for p in paths], jobs), strict=True):
        if not isinstance(loaded, Entry):
            click.echo(f"{'无法使用' if zh else 'UNUSABLE'}  {path}：{loaded[0] if zh else loaded[1]}", err=True)
            codes.append(EXIT_UNUSABLE)
            continue
        if not loaded.key or not loaded.year:
            click.echo(f"未加入  {path}：没有机关名称或年度。" if zh
                       else f"NOT ADDED  {path}: no organisation or year.", err=True)
            codes.append(EXIT_DATA)
            continue
        entries.append(loaded)
        codes.append(EXIT_OK if loaded.valid else EXIT_DATA)
    replaced = []
    if entries:
        from compiler.archive.store import ArchiveError

        try:
            with _open_or_fail(target, lang, create=True) as archive:
                replaced = archive.put_many(entries)
        except ArchiveError as exc:
            click.echo(exc.finding.message(lang), err=True)
            sys.exit(EXIT_UNUSABLE)
    for entry, old in zip(entries, replaced, strict=True):
        status = STATUS[lang][entry.status]
        if zh:
            line = f"已加入  {entry.org} {entry.year} 年度（{entry.format} 格式，{status}）← {Path(entry.source).name}"
            if not entry.valid:
                line += f"：{entry.errors} 个错误，第一个：{entry.first_error}"
            if old is not None:
                line += (f"；替换了原记录（{STATUS[lang][old.status]}，来自 {Path(old.source).name}，"
                         f"{old.added[:16].replace('T', ' ')} 加入）")
        else:
            line = f"added  {entry.org} {entry.year} ({entry.format}, {status}) ← {Path(entry.source).name}"
            if not entry.valid:
                line += f": {entry.errors} error(s), first: {entry.first_error}"
            if old is not None:
                line += (f"; replaces the entry from {Path(old.source).name} ({STATUS[lang][old.status]}, "
                         f"added {old.added[:16]})")
        click.echo(line)
    click.echo((f"档案 {target}：加入 {len(entries)} 份，其中替换 {sum(o is not None for o in replaced)} 份。") if zh
               else f"Archive {target}: {len(entries)} added, {sum(o is not None for o in replaced)} of them replaced.")
    sys.exit(max(codes, default=EXIT_OK))


@archive_group.command("list")
@archive_option()
@click.option("--org", default=None, help="只列出该机关（含登记的曾用名）。")
@click.option("--json", "as_json", is_flag=True, help="输出机器可读的 JSON。")
@common_options
def archive_list(archive_path, org, as_json, lang):
    """列出档案中的各机关、年度，及状态和来源文件。"""
    import json

    from compiler.messages.presentation import display_width, pad

    target = _default(archive_path)
    with _open_or_fail(target, lang, create=False) as archive:
        entries = archive.entries(org)
        aliases = archive.alias_rows()
    zh = lang == "zh"
    if as_json:
        click.echo(json.dumps({"archive": str(target), "reports": [
            {"org": e.org, "year": e.year, "format": e.format, "status": e.status, "errors": e.errors,
             "warnings": e.warnings, "source": e.source, "source_kind": e.source_kind, "added": e.added}
            for e in entries], "aliases": [{"old": o, "new": n, "added": a} for o, n, a in aliases]},
            ensure_ascii=False, indent=2))
        return
    head = ("机关名称", "年度", "格式", "状态", "错误", "警告", "来源文件", "加入时间") if zh else \
        ("Organisation", "Year", "Format", "Status", "Errors", "Warnings", "Source", "Added")
    rows = [(e.org, str(e.year), e.format, STATUS[lang][e.status], str(e.errors), str(e.warnings),
             Path(e.source).name, e.added[:16].replace("T", " ")) for e in entries]
    widths = [max(display_width(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for line in [head, *rows]:
        click.echo("  ".join(pad(v, w) for v, w in zip(line, widths, strict=True)).rstrip())
    years = sorted({e.year for e in entries})
    orgs = len({e.key for e in entries})
    span = f"{years[0]}–{years[-1]}" if years else ""
    if zh:
        click.echo(f"共 {len(entries)} 份报告，{orgs} 个机关" + (f"，{span} 年度" if span else "") + "。")
    else:
        click.echo(f"{len(entries)} report(s) of {orgs} organisation(s)" + (f", {span}" if span else "") + ".")
    for old, new, _ in aliases:
        click.echo(f"  曾用名  「{old}」→「{new}」" if zh else f"  renamed  {old} → {new}")


@archive_group.command("alias")
@click.argument("old")
@click.argument("new")
@archive_option()
@common_options
def archive_alias(old, new, archive_path, lang):
    """登记机关改名：旧名 新名。此后查找新名的上一年度时，也查找旧名下的报告。"""
    target = _default(archive_path)
    zh = lang == "zh"
    with _open_or_fail(target, lang, create=True) as archive:
        try:
            before = archive.add_alias(old, new)
        except ValueError as exc:
            reason = {"empty": ("机关名称不能为空。", "Names cannot be empty."),
                      "same": ("旧名与新名相同（忽略空格和全角半角）。", "The old and new names are the same."),
                      "loop": ("这样登记会形成循环（新名已登记为旧名的曾用名）。",
                               "That would make a loop of renames.")}
            zh_text, en_text = reason[str(exc)]
            raise click.BadParameter(zh_text if zh else en_text, param_hint="OLD NEW") from None
    if zh:
        click.echo(f"已登记：「{old.strip()}」更名为「{new.strip()}」（档案 {target}）。"
                   f"查找「{new.strip()}」的上一年度报告时也查找「{old.strip()}」的报告。")
        if before:
            click.echo(f"  原登记的「{old.strip()}」→「{before}」已被替换。")
    else:
        click.echo(f"Recorded: {old.strip()} was renamed {new.strip()} (archive {target}).")
        if before:
            click.echo(f"  The earlier entry {old.strip()} → {before} was replaced.")


# --- compile new --from ------------------------------------------------------------------------

def new_from(source: str, org: str, year: int | None, format_id: str | None, output: Path, force: bool,
             archive_path: Path | None, lang: str) -> int:
    """``compile new --from LAST``: next year's workbook of each agency found in LAST."""
    from compiler.archive.previous import ARCHIVE_WORD

    zh = lang == "zh"
    if source == ARCHIVE_WORD:
        lasts = _lasts_from_archive(_default(archive_path), org, year, lang)
    else:
        path = Path(source)
        if not path.exists():
            raise click.BadParameter(f"{path} 不存在。" if zh else f"{path} does not exist.", param_hint="--from")
        lasts = _lasts_from_files(path, org, year, lang)
    if not lasts:
        raise click.BadParameter("没有找到可作为上一年度的报告。" if zh else "No report of last year found.",
                                 param_hint="--from")
    many = len(lasts) > 1 or (source == ARCHIVE_WORD and not org) or Path(source).is_dir()
    if many:
        if output.suffix.lower() == ".xlsx" or (output.exists() and not output.is_dir()):
            raise click.BadParameter(f"{output} 应为文件夹：每个机关生成一个填报表。" if zh
                                     else f"{output} must be a folder: one workbook per organisation.", param_hint="-o")
        output.mkdir(parents=True, exist_ok=True)
    elif output.suffix.lower() != ".xlsx" and not output.is_dir():
        raise click.BadParameter("输出文件应以 .xlsx 结尾（或给出文件夹）。" if zh
                                 else "The output must end in .xlsx (or be a folder).", param_hint="-o")
    return _write_next_years(lasts, output, format_id, force, lang)


def _lasts_from_archive(path: Path, org: str, year: int | None, lang: str) -> list:
    from compiler.archive.store import Archive, ArchiveError

    try:
        with Archive(path, create=False) as archive:
            if org:
                last = archive.find(org, year - 1) if year else archive.latest(org)
                if last is None:
                    wanted = f"{year - 1} 年度" if year else ""
                    wanted_en = f"for {year - 1}" if year else ""
                    similar = archive.similar_names(org, year - 1) if year else []
                    hint = ("；相近的名称：" + "、".join(similar)) if similar else ""
                    raise click.BadParameter(f"档案 {path} 中没有「{org}」{wanted}的报告{hint}。" if lang == "zh"
                                             else f"The archive {path} has no report of {org} {wanted_en}.",
                                             param_hint="--org")
                return [last]
            entries = archive.entries()
    except ArchiveError as exc:
        raise click.BadParameter(exc.finding.message(lang), param_hint="--archive") from None
    return _latest_per_agency(entries, year)


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
        else:
            reason = (loaded[0] if lang == "zh" else loaded[1]) if not isinstance(loaded, Entry) else \
                ("没有机关名称或年度。" if lang == "zh" else "no organisation or year.")
            if not path.is_dir():
                raise click.BadParameter(f"{file.name} 无法使用：{reason}" if lang == "zh"
                                         else f"{file.name} is unusable: {reason}", param_hint="--from")
            click.echo(f"{'已略过' if lang == 'zh' else 'skipped'}  {file.name}：{reason}", err=True)
    if org:
        entries = [e for e in entries if e.key == org_key(org)]
    return _latest_per_agency(entries, year)


def _latest_per_agency(entries: list, year: int | None) -> list:
    """One entry per agency: its ``year − 1`` when a year is asked for, else its latest year (a valid
    entry preferred over an invalid one of the same year)."""
    best: dict = {}
    for e in entries:
        if year is not None and e.year != year - 1:
            continue
        kept = best.get(e.key)
        if kept is None or (e.year, e.valid) > (kept.year, kept.valid):
            best[e.key] = e
    return sorted(best.values(), key=lambda e: (e.key, e.year))


def _write_next_years(lasts: list, output: Path, format_id: str | None, force: bool, lang: str) -> int:
    from compiler.archive.next_year import next_year
    from compiler.formats.definition import UnknownFormat
    from compiler.inbox.names import NameClaims, inside, report_base
    from compiler.workbook.writer import save_workbook

    zh = lang == "zh"
    claims = NameClaims()
    code = EXIT_OK
    for last in lasts:
        try:
            plan = next_year(last, format_id)
        except UnknownFormat as exc:
            raise click.BadParameter(str(exc), param_hint="--format") from None
        if output.is_dir():
            name = claims.claim(report_base(plan.org, plan.year, Path(last.source).stem), (".xlsx",))
            target = inside(output, name + ".xlsx")
        else:
            target = output
        if target.exists() and not force:
            click.echo(f"{target} 已存在，未覆盖（加 --force 覆盖）。" if zh
                       else f"{target} exists; not overwritten (use --force).", err=True)
            code = EXIT_DATA
            continue
        save_workbook(plan.format, plan.year, target, org=plan.org, document=plan.document, stocks=plan.stocks,
                      guide_notes=plan.guide_lines())
        if zh:
            click.echo(f"已生成 {plan.org} {plan.year} 年度填报表（{plan.format.id} 格式，"
                       f"依据 {last.year} 年度 {Path(last.source).name}）：{target}")
            click.echo("  已带入：" + "；".join(plan.carried))
            if plan.not_carried:
                click.echo("  未能带入：" + "；".join(plan.not_carried))
        else:
            click.echo(f"Wrote the {plan.year} workbook of {plan.org} ({plan.format.id} format, from "
                       f"{last.year} {Path(last.source).name}): {target}")
            click.echo("  carried: " + "; ".join(plan.carried))
            if plan.not_carried:
                click.echo("  not carried: " + "; ".join(plan.not_carried))
    return code
