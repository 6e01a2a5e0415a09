"""The ``compile`` command: a thin layer over ``pipeline`` for arguments, files, exit codes and output.

    compile WORKBOOK.xlsx [-o report.docx]      validate, then write the Word report
    compile check WORKBOOK.xlsx...              validate only (also a data document or a published report)
    compile new --year 2024 -o blank.xlsx       the standard workbook to fill
    compile import REPORT.docx|.html|.pdf [-o data.json | -o workbook.xlsx]
                                                a published report read back by its official labels

Exit codes: 0 clean or warnings only, 1 errors in the data, 2 unusable file or bad arguments,
3 internal error (never a traceback unless --debug).
"""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path

import click
from click.exceptions import NoArgsIsHelpError
from click_default_group import DefaultGroup

from compiler import __version__
from compiler.formats.definition import (
    UnknownFormat,
    all_formats,
    format_for_year,
    get_format,
)
from compiler.messages.findings import UnusableFile, internal_error
from compiler.messages.presentation import findings_table, sort_findings, status_line
from compiler.messages.texts import text
from compiler.messages.usage import usage_message
from compiler.pipeline import (
    CompileResult,
    Options,
    compile_workbook,
    default_output,
    new_workbook,
    unusable_as_dict,
)

EXIT_OK, EXIT_DATA, EXIT_UNUSABLE, EXIT_INTERNAL = 0, 1, 2, 3
YEARS = click.IntRange(min(f.first_year for f in all_formats().values()), 2100)  # the formats we know


def default_lang() -> str:
    return "en" if os.environ.get("LANG", "").lower().startswith("en") else "zh"


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


class CompileGroup(DefaultGroup):
    """``compile FILE`` means ``compile build FILE``: the everyday use needs no sub-command
    (click-default-group). ``--lang`` and ``--debug`` work before or after the sub-command."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Bad arguments are told in the user's language, in one line, with where to find help;
        ``compile`` alone prints the help."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        argv = list(sys.argv[1:] if args is None else args)
        try:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else "")
            sys.exit(EXIT_OK)
        except click.UsageError as exc:
            click.echo(usage_message(exc, _argv_lang(argv)), err=True)
            sys.exit(EXIT_UNUSABLE)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo(text("cancelled", _argv_lang(argv)), err=True)
            sys.exit(EXIT_DATA)


def _argv_lang(argv) -> str:
    """The language asked for on a command line that could not be parsed."""
    en = default_lang() == "en" or "--lang=en" in argv or _lang_en(argv)
    return "en" if en else "zh"


def _lang_en(argv) -> bool:
    argv = list(argv)
    return any(a == "--lang" and i + 1 < len(argv) and argv[i + 1] == "en" for i, a in enumerate(argv))


lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
                           help="消息语言（默认中文；LANG=en* 时为英文）。")
debug_option = click.option("--debug", is_flag=True, help="出现内部错误时显示完整的 Python 调用栈。")


def _group_setting(name: str):
    """``--lang``/``--debug`` given before the sub-command (``compile --lang en check …``)."""
    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        if ctx.params.get(name) and isinstance(ctx.command, CompileGroup):
            return ctx.params[name]
        ctx = ctx.parent
    return None


def common_options(func):
    @lang_option
    @debug_option
    @functools.wraps(func)
    def wrapper(*args, lang, debug, **kwargs):
        lang = lang or _group_setting("lang") or default_lang()
        debug = debug or bool(_group_setting("debug"))
        try:
            return func(*args, lang=lang, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except BrokenPipeError:  # `compile check … | head`: the reader has gone, nothing is wrong
            _silence_stdout()
            sys.exit(EXIT_DATA)
        except Exception as exc:  # the one place an unexpected failure becomes a sentence
            if debug:
                import traceback

                traceback.print_exc()  # only with --debug
            click.echo(internal_error(exc).message(lang), err=True)
            sys.exit(EXIT_INTERNAL)
    return wrapper


@click.group("compile", cls=CompileGroup, default="build", context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="compile")
@lang_option
@debug_option
def cli(lang, debug):
    """政府信息公开工作年度报告编制工具：填报表 → 校验 → Word 报告。

    compile 工作簿.xlsx 即 compile build 工作簿.xlsx；--lang、--debug 可写在子命令前或后。
    """


def _unusable(path: Path, exc: UnusableFile, lang: str) -> None:
    click.echo(text("unusable", lang, message=exc.finding.message(lang)), err=True)


def _report(result: CompileResult, lang: str, limit: int | None) -> None:
    click.echo(status_line(str(result.source), len(result.errors), len(result.warnings), lang))
    for line in findings_table(sort_findings(result.findings), lang, limit):
        click.echo(line)


def _deadline(value: str | None) -> str | None:
    """--deadline MM-DD, checked when the arguments are read (a bad one is a usage error, exit 2)."""
    from compiler.checks.dates import BadDeadline, parse_deadline

    if value is None:
        return None
    try:
        month, day = parse_deadline(value)
    except BadDeadline:
        raise click.BadParameter(text("bad_deadline", default_lang(), found=value), param_hint="--deadline") from None
    return f"{month:02d}-{day:02d}"


def _exit_code(codes: list[int]) -> int:
    return max(codes, default=EXIT_OK)


def checking_options(func):
    """The options that decide what is checked, the same for ``compile`` and ``compile check``."""
    options = [
        click.option("--strict", is_flag=True, help="把所有警告当作错误。"),
        click.option("--previous", default=None, metavar="LAST",
                     help="上一年度：填报表、数据文档、已发布的报告、存放它们的文件夹，或 archive（年报档案）；"
                          "每个机关只与自己的上一年度核对上年结转等跨年度数据。"),
        click.option("--archive", "archive_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="年报档案（SQLite）：通过校验的结果存入档案；未给 --previous 时也从档案查找上一年度。"),
        click.option("--reuse-threshold", type=click.IntRange(1, 100), default=None,
                     help="与上一年度对照时，章节文字重复超过该百分比即提示（默认 50）。"),
        click.option("--deadline", default=None, metavar="MM-DD",
                     callback=lambda ctx, param, value: _deadline(value),
                     help="成文日期的期限（次年的月-日，默认 01-31；本级政府年度报告用 03-31）。"),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@cli.command("build")
@click.argument("workbooks", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="输出的 .docx（默认：与工作簿同名同目录）；多个工作簿时为输出目录。")
@click.option("--format", "format_id", type=click.Choice(sorted(all_formats())), default=None,
              help="指定年报格式（默认按填报表标记或年度选择）。")
@click.option("--template", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="使用自定义 Word 模板。")
@checking_options
@click.option("--json", "write_json", is_flag=True, help="同时输出数据文档（.json）。")
@click.option("--html", "write_html", is_flag=True, help="同时输出网页版（.html），用于门户网站发布。")
@click.option("--pdf", "write_pdf", is_flag=True, help="同时输出 PDF（需要 LibreOffice）。")
@click.option("--limit-errors", type=click.IntRange(min=1), default=None, help="每个工作簿最多显示多少条问题。")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="批量编译时的并行进程数（默认：CPU 核数）。")
@click.option("--force", is_flag=True, help="批量编译时覆盖输出目录中已存在的文件。")
@common_options
def build(workbooks, output, format_id, template, strict, previous, archive_path, reuse_threshold, deadline,
          write_json, write_html, write_pdf, limit_errors, jobs, force, lang):
    """校验工作簿并生成 Word 报告；有错误时不生成。

    给出文件夹、多个工作簿或通配符（如 inbox/*.xlsx）时批量编译：-o 为输出目录。
    """
    from compiler.archive.commands import archive_compiled, previous_lookup
    from compiler.inbox.inputs import is_batch

    batch = is_batch(workbooks)
    previous = click.get_current_context().with_resource(
        previous_lookup(previous, archive_path, not batch and len(workbooks) == 1, jobs, lang))
    options = Options(format_id=format_id, template=template, strict=strict, previous=previous,
                      reuse_threshold=None if reuse_threshold is None else reuse_threshold / 100, deadline=deadline,
                      outputs=tuple(kind for kind, wanted in (("json", write_json), ("html", write_html),
                                                              ("pdf", write_pdf)) if wanted))
    if template is not None:
        _check_custom_template(template, lang)  # before anything is compiled
    if batch:
        sys.exit(_build_batch(workbooks, output, options, jobs, force, lang, archive_path))
    many = len(workbooks) > 1
    codes = []
    for path in workbooks:
        target = None
        if output is not None or path.suffix.lower() == ".docx":
            target = (default_output(path) if output is None else
                      output / default_output(path).name if many or output.is_dir() else output)
            if target.suffix.lower() != ".docx":
                raise click.BadParameter(text("output_not_docx", lang), param_hint="-o")
            if target.resolve() == path.resolve():
                raise click.BadParameter(text("output_is_input", lang), param_hint="-o")
        try:
            result = compile_workbook(path, output=target, options=options)
        except UnusableFile as exc:
            _unusable(path, exc, lang)
            codes.append(EXIT_UNUSABLE)
            continue
        except _template_errors() as exc:
            if template is None:
                raise  # our own template failing is an internal error
            _template_failed(template, exc, lang)
            codes.append(EXIT_UNUSABLE)
            continue
        _report(result, lang, limit_errors)
        if archive_path is not None:
            archive_compiled(archive_path, path, result, lang)
        cannot_write = any(f.code == "output_failed" for f in result.findings)
        if result.output:
            for written in (result.output, *result.extra_outputs):
                click.echo(f"  → {written}")
        elif cannot_write:
            pass  # the finding above says where and why
        else:
            click.echo("  " + text("no_report_written", lang))
        codes.append(EXIT_UNUSABLE if cannot_write else EXIT_OK if result.ok else EXIT_DATA)
    sys.exit(_exit_code(codes))


def _build_batch(workbooks, output, options: Options, jobs, force, lang, archive_path: Path | None = None) -> int:
    """``compile inbox/ -o reports/``: every workbook, in parallel; exit 1 when any had errors."""
    from compiler.inbox.batch import (
        ProgressLines,
        expand_inputs,
        run_batch,
        totals_line,
    )

    sources = expand_inputs(workbooks)
    if not sources:
        raise click.BadParameter(text("no_workbooks_to_compile", lang), param_hint="WORKBOOKS")
    out_dir = output if output is not None else (workbooks[0] if Path(workbooks[0]).is_dir() else Path("."))
    if out_dir.exists() and not out_dir.is_dir():
        raise click.BadParameter(text("output_not_folder", lang, path=out_dir), param_hint="-o")
    try:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.BadParameter(text("output_folder_failed", lang, path=out_dir, detail=exc.strerror),
                                 param_hint="-o") from None
    if sys.stdout.isatty():
        with click.progressbar(length=len(sources), label=text("compiling", lang)) as bar:
            outcome = run_batch(sources, out_dir, options, jobs, force, lang, on_row=lambda *_: bar.update(1),
                                keep_entries=archive_path is not None)
    else:
        progress = ProgressLines(lang, click.echo)
        try:
            outcome = run_batch(sources, out_dir, options, jobs, force, lang, on_row=progress,
                                keep_entries=archive_path is not None)
        finally:
            progress.flush()
    click.echo("")
    for line in outcome.summary_lines(lang):
        click.echo(line)
    click.echo(totals_line(outcome, lang))
    if archive_path is not None:
        from compiler.archive.commands import archive_entries

        archive_entries(archive_path, outcome.entries, lang)
    return EXIT_OK if outcome.ok else EXIT_DATA


@cli.command("check")
@click.argument("workbooks", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "format_id", type=click.Choice(sorted(all_formats())), default=None,
              help="指定年报格式（默认按填报表标记或年度选择）。")
@checking_options
@click.option("--json", "as_json", is_flag=True, help="输出机器可读的 JSON 报告。")
@click.option("--limit-errors", type=click.IntRange(min=1), default=None)
@common_options
def check(workbooks, format_id, strict, previous, archive_path, reuse_threshold, deadline, as_json, limit_errors,
          lang):
    """只校验，不生成报告。

    给出文件夹、多个工作簿或通配符时逐个校验，最后显示汇总表；不写任何文件。
    """
    from compiler.archive.commands import archive_compiled, previous_lookup
    from compiler.inbox.batch import BatchRow, expand_inputs, is_batch, summary_table

    many = is_batch(workbooks)
    paths = expand_inputs(workbooks) if many else list(workbooks)
    if not paths:
        raise click.BadParameter(text("no_workbooks_to_check", lang), param_hint="WORKBOOKS")
    previous = click.get_current_context().with_resource(
        previous_lookup(previous, archive_path, not many and len(paths) == 1, None, lang))
    options = Options(format_id=format_id, strict=strict, previous=previous,
                      reuse_threshold=None if reuse_threshold is None else reuse_threshold / 100, deadline=deadline)
    codes, reports, rows = [], [], []
    for index, path in enumerate(paths):
        row = BatchRow(index=index, source=str(path))
        try:
            result = compile_workbook(path, options=options, write=False)
        except UnusableFile as exc:
            codes.append(EXIT_UNUSABLE)
            row.status, row.errors, row.message = "unusable", 1, exc.finding.message(lang)
            rows.append(row)
            if as_json:
                reports.append(unusable_as_dict(path, exc.finding, lang))
            else:
                _unusable(path, exc, lang)
            continue
        codes.append(EXIT_OK if result.ok else EXIT_DATA)
        meta = result.data.get("meta", {})
        row.org, row.year, row.format = str(meta.get("org") or ""), meta.get("year"), result.format.id
        row.status = "valid" if result.ok else "invalid"
        row.errors, row.warnings = len(result.errors), len(result.warnings)
        rows.append(row)
        if archive_path is not None:
            archive_compiled(archive_path, path, result, lang)
        if as_json:
            reports.append(result.as_dict(lang, limit_errors))
        else:
            _report(result, lang, limit_errors)
    if as_json:
        click.echo(json.dumps(reports, ensure_ascii=False, indent=2))
    elif many:
        click.echo("")
        for line in summary_table(rows, lang):
            click.echo(line)
    sys.exit(_exit_code(codes))


@cli.command("import")
@click.argument("report", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="导入结果：数据文档 .json 或标准填报表 .xlsx（默认：与报告同名的 .json）。")
@click.option("--format", "format_id", type=click.Choice(sorted(all_formats())), default=None,
              help="指定年报格式（默认按报告的表格和年度选择）。")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件。")
@click.option("--limit-errors", type=click.IntRange(min=1), default=None)
@common_options
def import_command(report, output, format_id, force, limit_errors, lang):
    """读取已发布的年报（.docx、网页 .html、.pdf），按官方标签还原为数据文档或填报表。"""
    from compiler.published.outcome import OUTPUT_SUFFIXES, import_report_file

    target = output if output is not None else report.with_suffix(".json")
    if target.suffix.lower() not in OUTPUT_SUFFIXES:
        raise click.BadParameter(text("output_not_json_or_xlsx", lang), param_hint="-o")
    if report.exists() and target.resolve() == report.resolve():
        raise click.BadParameter(text("output_is_report", lang), param_hint="-o")
    if target.exists() and not force:
        raise click.BadParameter(text("output_exists", lang, path=target), param_hint="-o")
    try:
        outcome = import_report_file(report, target, Options(format_id=format_id))
    except UnusableFile as exc:
        _unusable(report, exc, lang)
        sys.exit(EXIT_UNUSABLE)
    click.echo(status_line(str(report), len(outcome.errors), len(outcome.warnings), lang))
    for line in findings_table(sort_findings(outcome.findings), lang, limit_errors):
        click.echo(line)
    click.echo("  " + text("import_complete" if outcome.status == "complete" else "import_partial", lang))
    click.echo(f"  → {outcome.output}")
    sys.exit(EXIT_OK if not outcome.errors else EXIT_DATA)


@cli.command("diff")
@click.argument("last", type=click.Path(path_type=Path))
@click.argument("this", type=click.Path(path_type=Path))
@click.option("--html", "html_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="同时写出对照网页（两栏对照、改动标记、表格增减）。")
@click.option("--reuse-threshold", type=click.IntRange(1, 100), default=None,
              help="章节文字与上年重复超过该百分比时提示（默认 50）。")
@common_options
def diff(last, this, html_out, reuse_threshold, lang):
    """对照上一年度（LAST）与本年度（THIS）的填报表：文字重复率、沿用的年份、变化大的数字。"""
    from compiler.common.files import write_atomic
    from compiler.pipeline import read_checked
    from compiler.review.compare import review
    from compiler.review.diff_page import diff_page
    from compiler.review.summary import review_lines

    if html_out is not None and html_out.suffix.lower() not in (".html", ".htm"):
        raise click.BadParameter(text("diff_page_not_html", lang), param_hint="--html")
    read = {}
    for role, path in (("last", last), ("this", this)):
        try:
            read[role] = read_checked(path)
        except UnusableFile as exc:
            _unusable(path, exc, lang)
            sys.exit(EXIT_UNUSABLE)
    (previous, previous_findings), (current, current_findings) = read["last"], read["this"]
    for line in _diff_pair_notes(previous, current, last, this, lang):
        click.echo(line)
    for path, findings in ((last, previous_findings), (this, current_findings)):
        errors = sum(1 for f in findings if f.is_error)
        if errors:
            click.echo(text("diff_with_errors", lang, file=path.name, errors=errors))
    outcome = review(previous, current, last.name, with_stale=True,
                     threshold=None if reuse_threshold is None else reuse_threshold / 100)
    for line in review_lines(outcome, lang):
        click.echo(line)
    if html_out is not None:
        write_atomic(html_out, diff_page(outcome, previous, current).encode("utf-8"))
        click.echo(f"  → {html_out}")
    sys.exit(EXIT_OK)


def _diff_pair_notes(previous, current, last: Path, this: Path, lang: str) -> list[str]:
    """What to say when LAST and THIS are not one agency's consecutive years (swapped arguments,
    two files of one year, two agencies): the comparison still runs, since a reviewer may want it."""
    from compiler.archive.names import org_key

    notes = []
    before, now = previous.data.get("meta", {}), current.data.get("meta", {})
    last_year, this_year = before.get("year"), now.get("year")
    if isinstance(last_year, int) and isinstance(this_year, int) and last_year != this_year - 1:
        notes.append(text("diff_not_last_year", lang, last=last.name, last_year=last_year, this=this.name,
                          this_year=this_year))
    last_org, this_org = before.get("org"), now.get("org")
    if org_key(last_org) and org_key(this_org) and org_key(last_org) != org_key(this_org):
        notes.append(text("diff_other_agency", lang, last_org=last_org, this_org=this_org))
    return notes


@cli.command("rollup")
@click.argument("workbooks", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="汇总结果（标准填报表 .xlsx）。")
@click.option("--org", default=None, help="汇总后的机关名称（如 临江区人民政府；默认「汇总」）。")
@click.option("--year", type=YEARS, default=None,
              help="只汇总该年度的填报表（其他年度的列为未纳入）。")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="并行进程数（默认：CPU 核数）。")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件。")
@common_options
def rollup(workbooks, output, org, year, jobs, force, lang):
    """把同一年度各单位的填报表逐格相加（表二、三、四），生成汇总填报表。"""
    from compiler.inbox.batch import default_jobs, expand_inputs
    from compiler.inbox.rollup import UNITS_SHEET, RollupRefused
    from compiler.inbox.rollup import rollup as run_rollup

    _check_new_output(output, force, lang)
    sources = [p for p in expand_inputs(workbooks) if p.resolve() != output.resolve()]
    if not sources:
        raise click.BadParameter(text("no_workbooks_to_roll_up", lang), param_hint="WORKBOOKS")
    try:
        result = run_rollup(sources, output, org=org or text("rollup_default_org", lang),
                            jobs=min(jobs or default_jobs(), len(sources)), lang=lang, year=year)
    except RollupRefused as exc:
        click.echo(text("rollup_refused", lang, message=exc.finding.message(lang)), err=True)
        sys.exit(EXIT_DATA)
    click.echo(text("rollup_done", lang, count=len(result.included), year=result.year, format=result.format.id,
                    output=output))
    click.echo("  " + text("rollup_done_note", lang, sheet=UNITS_SHEET))
    for unit in result.excluded:
        click.echo("  " + text("rollup_excluded_unit", lang, name=Path(unit.source).name, reason=unit.reason))
    sys.exit(EXIT_DATA if result.excluded else EXIT_OK)


@cli.command("new")
@click.option("--year", type=YEARS, default=None, help="报告年度，如 2024（用 --from 时默认为上一年度 + 1）。")
@click.option("--format", "format_id", type=click.Choice(sorted(all_formats())), default=None,
              help="年报格式（默认按年度：2019–2020 用 2019 格式，2021 起用 2021 格式）。")
@click.option("--org", default="", help="机关名称（可选，预先填入；与 --from archive 合用时指定机关）。")
@click.option("--from", "from_", default=None, metavar="LAST",
              help="从上一年度生成：填报表、数据文档、已发布的报告、文件夹（每个机关一份），或 archive（年报档案）。"
                   "带入机关名称、上年结转，显示上年现行有效件数，并列出上年问题供写整改情况。")
@click.option("--archive", "archive_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="--from archive 使用的年报档案（默认 年报档案.sqlite）。")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="要生成的填报表 .xlsx（默认：当前文件夹下的「机关名称-年度.xlsx」，"
                   "未填机关名称时为「空白-年度.xlsx」；--from 文件夹或档案时为输出文件夹）。")
@click.option("--force", is_flag=True, help="覆盖已存在的文件。")
@common_options
def new(year, format_id, org, from_, archive_path, output, force, lang):
    """生成标准填报表（Excel），交各机关填写；--from 从上一年度的报告生成下一年度的。"""
    from compiler.inbox.names import report_base

    if from_ is not None:
        from compiler.archive.commands import new_from

        sys.exit(new_from(from_, org, year, format_id, output or Path("."), force, archive_path, lang))
    if year is None:  # required unless the year follows from --from
        ctx = click.get_current_context()
        raise click.MissingParameter(ctx=ctx, param=next(p for p in ctx.command.params if p.name == "year"))
    try:
        fmt = get_format(format_id) if format_id else format_for_year(year)
    except UnknownFormat as exc:
        raise click.BadParameter(str(exc), param_hint="--format") from None
    if output is None:
        output = Path(report_base(org.strip() or text("blank_org", lang), year, "blank") + ".xlsx")
    _check_new_output(output, force, lang)
    new_workbook(year, output, org=org, format_id=fmt.id)
    click.echo(text("workbook_written", lang, format=fmt.id, source=fmt.source, year=year, output=output))
    if not fmt.covers(year):  # --format chose it: check and compile will accept it, with a warning
        click.echo(text("format_chosen_for_year", lang, format=fmt.id, year=year,
                        expected=format_for_year(year).id), err=True)


def _check_new_output(output: Path, force: bool, lang: str) -> None:
    """The workbook ``new`` or ``rollup`` writes: an .xlsx, not overwriting one without --force."""
    if output.suffix.lower() != ".xlsx":
        raise click.BadParameter(text("output_not_xlsx", lang), param_hint="-o")
    if output.exists() and not force:
        raise click.BadParameter(text("output_exists", lang, path=output), param_hint="-o")


@cli.command("template-check")
@click.argument("template", type=click.Path(path_type=Path))
@common_options
def template_check(template, lang):
    """检查自定义 Word 模板：未知变量、被拆分的标记、不配对的块、禁止的写法。"""
    from compiler.template_lint.docx_side import check_template

    report = check_template(template)
    for line in report.lines(lang):
        click.echo(line)
    unreadable = any(p.code in ("template_unreadable", "template_unsafe") for p in report.problems)
    sys.exit(EXIT_UNUSABLE if unreadable else EXIT_OK if report.ok else EXIT_DATA)


def _check_custom_template(template: Path, lang: str) -> None:
    """``--template``: a template that fails the lint is refused, with the lint's report (exit 2)."""
    from compiler.pipeline import TemplateRefused, checked_template

    try:
        report = checked_template(template)
    except TemplateRefused as exc:
        report = exc.report
    if report.ok:
        for line in report.lines(lang)[1:]:  # warnings only: shown, then the compile goes on
            click.echo(line, err=True)
        return
    for line in report.lines(lang):
        click.echo(line, err=True)
    click.echo("  " + text("no_report_template", lang), err=True)
    sys.exit(EXIT_UNUSABLE)


def _template_errors() -> tuple:
    from jinja2 import TemplateError
    from lxml.etree import XMLSyntaxError

    return (TemplateError, XMLSyntaxError)


def _template_failed(template: Path, exc: Exception, lang: str) -> None:
    """A custom template that got past the lint but failed while rendering (sandbox, undefined name)."""
    from compiler.messages.findings import Finding

    detail = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    finding = Finding("template_render_failed", params={"path": str(template),
                                                       "detail": f"{type(exc).__name__}: {detail}",
                                                       "detail_en": f"{type(exc).__name__}: {detail}"})
    click.echo(text("unusable", lang, message=finding.message(lang)), err=True)


def _register() -> None:
    from compiler.archive.commands import archive_group

    cli.add_command(archive_group)


_register()


def main() -> None:
    cli(prog_name="compile")
