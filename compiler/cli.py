"""The ``compile`` command: a thin layer over ``pipeline`` for arguments, files, exit codes and output.

    compile WORKBOOK.xlsx [-o report.docx]      validate, then write the Word report
    compile check WORKBOOK.xlsx...              validate only
    compile new --year 2024 -o blank.xlsx       the standard workbook to fill

Exit codes: 0 clean or warnings only, 1 errors in the data, 2 unusable file or bad arguments,
3 internal error (never a traceback unless --debug).
"""

from __future__ import annotations

import functools
import json
import os
import sys
import traceback
from pathlib import Path

import click

from . import __version__
from .definition import UnknownFormat, all_formats, format_for_year, get_format
from .findings import UnusableFile
from .pipeline import CompileResult, Options, compile_workbook, default_output
from .presentation import findings_table, sort_findings, status_line

EXIT_OK, EXIT_DATA, EXIT_UNUSABLE, EXIT_INTERNAL = 0, 1, 2, 3


def default_lang() -> str:
    return "en" if os.environ.get("LANG", "").lower().startswith("en") else "zh"


class DefaultGroup(click.Group):
    """``compile FILE`` means ``compile build FILE``: the everyday use needs no sub-command."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["build", *args]
        return super().parse_args(ctx, args)


def common_options(func):
    @click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
                  help="消息语言（默认中文；LANG=en* 时为英文）。")
    @click.option("--debug", is_flag=True, help="出现内部错误时显示完整的 Python 调用栈。")
    @functools.wraps(func)
    def wrapper(*args, lang, debug, **kwargs):
        lang = lang or default_lang()
        try:
            return func(*args, lang=lang, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except Exception as exc:  # the one place an unexpected failure becomes a sentence
            if debug:
                traceback.print_exc()
            message = (f"内部错误（{type(exc).__name__}）。请把这个工作簿和本消息发给技术支持；加 --debug 可查看详细信息。"
                       if lang == "zh" else
                       f"Internal error ({type(exc).__name__}). Please report it with the workbook; --debug shows details.")
            click.echo(message, err=True)
            sys.exit(EXIT_INTERNAL)
    return wrapper


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="compile")
def cli():
    """政府信息公开工作年度报告编制工具：填报表 → 校验 → Word 报告。"""


def _unusable(path: Path, exc: UnusableFile, lang: str) -> None:
    label = "无法使用" if lang == "zh" else "UNUSABLE"
    click.echo(f"{label}  {exc.finding.message(lang)}", err=True)


def _report(result: CompileResult, lang: str, limit: int | None) -> None:
    click.echo(status_line(str(result.source), len(result.errors), len(result.warnings), lang))
    for line in findings_table(sort_findings(result.findings), lang, limit):
        click.echo(line)


def _exit_code(codes: list[int]) -> int:
    return max(codes, default=EXIT_OK)


@cli.command("build")
@click.argument("workbooks", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="输出的 .docx（默认：与工作簿同名同目录）；多个工作簿时为输出目录。")
@click.option("--format", "format_id", type=click.Choice(sorted(all_formats())), default=None,
              help="指定年报格式（默认按填报表标记或年度选择）。")
@click.option("--template", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="使用自定义 Word 模板。")
@click.option("--strict", is_flag=True, help="把所有警告当作错误。")
@click.option("--previous", type=click.Path(path_type=Path), default=None,
              help="上一年度的填报表，用于核对上年结转等跨年度数据。")
@click.option("--json", "write_json", is_flag=True, help="同时输出数据文档（.json）。")
@click.option("--limit-errors", type=click.IntRange(min=1), default=None, help="每个工作簿最多显示多少条问题。")
@common_options
def build(workbooks, output, format_id, template, strict, previous, write_json, limit_errors, lang):
    """校验工作簿并生成 Word 报告；有错误时不生成。"""
    options = Options(format_id=format_id, template=template, strict=strict, previous=previous,
                      outputs=("json",) if write_json else ())
    many = len(workbooks) > 1
    codes = []
    for path in workbooks:
        target = None
        if output is not None:
            target = output / default_output(path).name if many or output.is_dir() else output
            if target.resolve() == path.resolve():
                raise click.BadParameter("输出文件不能覆盖输入的工作簿。" if lang == "zh"
                                         else "The output cannot overwrite the input workbook.", param_hint="-o")
        try:
            result = compile_workbook(path, output=target, options=options)
        except UnusableFile as exc:
            _unusable(path, exc, lang)
            codes.append(EXIT_UNUSABLE)
            continue
        _report(result, lang, limit_errors)
        if result.output:
            for written in (result.output, *result.extra_outputs):
                click.echo(f"  → {written}")
        elif lang == "zh":
            click.echo("  未生成报告：请先改正以上错误。")
        else:
            click.echo("  No report written: fix the errors above first.")
        codes.append(EXIT_OK if result.ok else EXIT_DATA)
    sys.exit(_exit_code(codes))


@cli.command("check")
@click.argument("workbooks", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "format_id", type=click.Choice(sorted(all_formats())), default=None)
@click.option("--strict", is_flag=True, help="把所有警告当作错误。")
@click.option("--previous", type=click.Path(path_type=Path), default=None,
              help="上一年度的填报表，用于核对上年结转等跨年度数据。")
@click.option("--json", "as_json", is_flag=True, help="输出机器可读的 JSON 报告。")
@click.option("--limit-errors", type=click.IntRange(min=1), default=None)
@common_options
def check(workbooks, format_id, strict, previous, as_json, limit_errors, lang):
    """只校验，不生成报告。"""
    options = Options(format_id=format_id, strict=strict, previous=previous)
    codes, reports = [], []
    for path in workbooks:
        try:
            result = compile_workbook(path, options=options, write=False)
        except UnusableFile as exc:
            codes.append(EXIT_UNUSABLE)
            if as_json:
                reports.append({"file": str(path), "status": "unusable", "errors": 1, "warnings": 0,
                                "findings": [exc.finding.as_dict(lang)]})
            else:
                _unusable(path, exc, lang)
            continue
        codes.append(EXIT_OK if result.ok else EXIT_DATA)
        if as_json:
            findings = sort_findings(result.findings)
            reports.append({
                "file": str(path), "status": "valid" if result.ok else "invalid",
                "format": result.format.id, "errors": len(result.errors), "warnings": len(result.warnings),
                "findings": [f.as_dict(lang) for f in (findings[:limit_errors] if limit_errors else findings)],
            })
        else:
            _report(result, lang, limit_errors)
    if as_json:
        click.echo(json.dumps(reports, ensure_ascii=False, indent=2))
    sys.exit(_exit_code(codes))


@cli.command("new")
@click.option("--year", type=click.IntRange(2019, 2100), required=True, help="报告年度，如 2024。")
@click.option("--format", "format_id", type=click.Choice(sorted(all_formats())), default=None,
              help="年报格式（默认按年度：2019–2020 用 2019 格式，2021 起用 2021 格式）。")
@click.option("--org", default="", help="机关名称（可选，预先填入）。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="要生成的空白填报表 .xlsx。")
@click.option("--force", is_flag=True, help="覆盖已存在的文件。")
@common_options
def new(year, format_id, org, output, force, lang):
    """生成标准填报表（Excel），交各机关填写。"""
    from .workbook_writer import save_workbook

    try:
        fmt = get_format(format_id) if format_id else format_for_year(year)
    except UnknownFormat as exc:
        raise click.BadParameter(str(exc), param_hint="--format") from None
    if output.suffix.lower() != ".xlsx":
        raise click.BadParameter("输出文件应以 .xlsx 结尾。" if lang == "zh" else "The output must end in .xlsx.",
                                 param_hint="-o")
    if output.exists() and not force:
        raise click.BadParameter(f"{output} 已存在；加 --force 覆盖。" if lang == "zh"
                                 else f"{output} exists; use --force to overwrite.", param_hint="-o")
    save_workbook(fmt, year, output, org=org)
    if lang == "zh":
        click.echo(f"已生成 {fmt.id} 格式（{fmt.source}）{year} 年度填报表：{output}")
    else:
        click.echo(f"Wrote the {year} workbook in the {fmt.id} format: {output}")


def main() -> None:
    cli(prog_name="compile")
