"""Bad command-line arguments, said in the user's language.

click words its own errors in English (「Missing option '-o'」, 「Invalid value for -o: …」); a clerk
reading Chinese output gets them in Chinese from here, built from what the exception carries (the
parameter, the value, the choices), not by translating click's sentences.
"""

from __future__ import annotations

import re

import click

from compiler.messages.texts import text

_NOT_ONE_OF = re.compile(r"^'?(.*?)'? is not one of (.*)\.$", re.S)
_NOT_INT = re.compile(r"^'?(.*?)'? is not a valid integer", re.S)
_NOT_IN_RANGE = re.compile(r"^'?(.*?)'? is not in the range (.*)\.$", re.S)
_NO_SUCH_PATH = re.compile(r"^(?:File|Directory|Path) '?(.*?)'? does not exist\.$", re.S)
_IS_DIRECTORY = re.compile(r"^(?:File|Path) '?(.*?)'? is a directory\.$", re.S)
_EXTRA_ARGS = re.compile(r"^Got unexpected extra arguments? \((.*)\)$", re.S)
_CJK = re.compile("[\u3000-\u9fff\uff00-\uffef]")


def usage_message(exc: click.UsageError, lang: str) -> str:
    """One line: what is wrong with the arguments, and where to read the usage."""
    command = exc.ctx.command_path if exc.ctx else "compile"
    return text("bad_arguments", lang, message=exc.format_message() if lang == "en" else _zh(exc), command=command)


def _hint(exc: click.UsageError) -> str:
    param = getattr(exc, "param", None)
    if getattr(exc, "param_hint", None):
        hint = exc.param_hint  # type: ignore[attr-defined]
        return " / ".join(hint) if isinstance(hint, (list, tuple)) else str(hint)
    if param is not None:
        if isinstance(param, click.Option):
            return " / ".join(param.opts)
        return (param.human_readable_name or "").upper()
    return ""


def _zh(exc: click.UsageError) -> str:
    if isinstance(exc, click.MissingParameter):
        kind = "参数" if isinstance(exc.param, click.Argument) or exc.param_type == "argument" else "选项"
        return f"缺少{kind} {_hint(exc)}"
    if isinstance(exc, click.NoSuchOption):
        similar = f"（是否想用 {'、'.join(exc.possibilities)}？）" if exc.possibilities else ""
        return f"没有 {exc.option_name} 这个选项{similar}"
    if isinstance(exc, click.BadOptionUsage):
        if "requires an argument" in exc.message:
            return f"选项 {exc.option_name} 后面需要一个值"
        return f"选项 {exc.option_name} 用法有误：{exc.message}"
    if isinstance(exc, click.BadParameter):
        if _CJK.search(exc.message):  # our own sentence, already in Chinese
            return f"{_hint(exc)}：{exc.message}"
        return f"{_hint(exc)} 的值无效：{_value_problem(exc.message)}"
    extra = _EXTRA_ARGS.match(exc.message)
    if extra:
        return f"多余的参数 {extra.group(1)}"
    return exc.message


def _value_problem(message: str) -> str:
    """click's type errors in Chinese."""
    for pattern, zh in ((_NOT_ONE_OF, "「{0}」不是可选的值（可选：{1}）"), (_NOT_INT, "「{0}」不是整数"),
                        (_NOT_IN_RANGE, "「{0}」超出范围（{1}）"), (_NO_SUCH_PATH, "「{0}」不存在"),
                        (_IS_DIRECTORY, "「{0}」是文件夹")):
        match = pattern.match(message)
        if match:
            return zh.format(*(g.replace("'", "") for g in match.groups()))
    return message
