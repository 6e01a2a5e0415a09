"""Renders the Word report with docxtpl in a sandboxed, strict, autoescaping Jinja environment.

Agency text is data, never template code: autoescaping keeps ``& < >`` literal, the sandbox keeps
a template from reaching Python internals, and StrictUndefined turns a misspelt variable into an
error instead of a silently blank line. The compiled Jinja template is cached per process, so a
batch parses and compiles each template once (docxtpl alone recompiles it for every document).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import StrictUndefined, TemplateError
from jinja2 import __version__ as jinja2_version
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup, escape

from compiler.common.user_cache import cache_root, read_entry, write_entry
from compiler.common.zips import deterministic_zip
from compiler.render.word_prepared import PREPARED_VERSION, Prepared
from compiler.render.word_tables import WordTable

if TYPE_CHECKING:
    from docxtpl import DocxTemplate

MAX_REPEAT = 1000  # ``"x" * n`` beyond this in a template is a denial of service, not a report
MAX_SIZE = 100_000  # no template expression may build a string or list longer than this
_WIDTH = re.compile(r"%[-#0 +]*(\d+)|\{[^{}]*?:[^{}]*?(\d+)[^{}]*\}")


def _literal(value):
    """Escape agency text for XML and hide its braces from docxtpl, which rewrites ``{_{`` and the
    like in the rendered XML; character references keep them literal in the report."""
    if isinstance(value, str) and not hasattr(value, "__html__"):
        # escaped right here; the braces become character references, which are markup too
        return Markup(str(escape(value)).replace("{", "&#123;").replace("}", "&#125;"))  # noqa: S704
    return value


def _check_size(*values) -> None:
    """Refuse arguments that would make a huge string: a width, a count or a format field."""
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SIZE:
            raise SecurityError(f"a size beyond {MAX_SIZE} is not allowed in report templates")
        if isinstance(value, str):
            for match in _WIDTH.finditer(value):
                _check_size(int(match.group(1) or match.group(2)))


def _bounded(func):
    def bounded(*args, **kwargs):
        _check_size(*args, *kwargs.values())
        return func(*args, **kwargs)
    return bounded


class ReportEnvironment(ImmutableSandboxedEnvironment):
    """Sandboxed environment that compiles each distinct template source only once.

    Beyond Jinja's sandbox (no Python internals), it refuses what would tie up the machine:
    exponentiation, large repetition, and huge widths or counts given to methods and filters."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self):
        super().__init__(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True,
                         finalize=_literal)
        for name in ("center", "indent", "format", "wordwrap", "truncate", "batch", "slice"):
            self.filters[name] = _bounded(self.filters[name])
        self._compiled: dict[str, object] = {}

    def call_binop(self, context, operator, left, right):
        if operator == "**":
            raise SecurityError("the power operator is not allowed in report templates")
        if operator == "*":
            sizes = [v for v in (left, right) if isinstance(v, int) and not isinstance(v, bool)]
            sequences = [v for v in (left, right) if isinstance(v, (str, list, tuple))]
            if sequences and any(abs(n) > MAX_REPEAT or len(sequences[0]) * abs(n) > MAX_SIZE for n in sizes):
                raise SecurityError(f"repetition beyond {MAX_REPEAT} or {MAX_SIZE} items is not allowed")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
        _check_size(*args, *kwargs.values())
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value):
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_size(value.__self__)  # "{:>9999999}".format(…): the width is in the string itself
        return wrapped

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 - Jinja's signature
        if globals or template_class:
            return super().from_string(source, globals, template_class)
        compiled = self._compiled.get(source)
        if compiled is None:
            if len(self._compiled) > 64:
                self._compiled.clear()
            compiled = self._compiled[source] = self._from_bytecode(source)
        return compiled

    def _from_bytecode(self, source: str):
        """The template compiled from ``source``, its Python code kept in the user cache by Jinja's own
        bytecode cache (a template of ours compiles in 10 ms, every run), under a name that hashes the
        source and this module, which configures the environment the code is generated for."""
        cache = _bytecode_cache()
        if cache is None or len(source) > 1_000_000:
            return super().from_string(source)
        key = _code_fingerprint() + jinja2_version.encode() + source.encode("utf-8", "surrogatepass")
        name = hashlib.sha256(key).hexdigest()
        bucket = cache.get_bucket(self, name, None, source)
        if bucket.code is None:
            bucket.code = self.compile(source, name)
            try:
                cache.set_bucket(bucket)
            except OSError:
                pass  # not kept: compiled again next time
        return self.template_class.from_code(self, bucket.code, self.make_globals(None), None)


@lru_cache(maxsize=1)
def _bytecode_cache():
    from jinja2 import FileSystemBytecodeCache

    folder = cache_root() / "jinja-bytecode"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return FileSystemBytecodeCache(str(folder))


@lru_cache(maxsize=1)
def report_environment() -> ReportEnvironment:
    return ReportEnvironment()


@lru_cache(maxsize=16)
def _template_bytes(path: str, mtime: float) -> bytes:
    return Path(path).read_bytes()


def template_bytes(path: Path) -> bytes:
    path = Path(path)
    return _template_bytes(str(path.resolve()), path.stat().st_mtime)


_UNPREPARED: set[tuple[str, float]] = set()  # templates whose fast path failed: plain docxtpl from then on


PREPARED_KIND = "prepared-templates"


@lru_cache(maxsize=1)
def _code_fingerprint() -> bytes:
    """What a prepared template depends on besides the template: this code and the two libraries
    that prepare it (their files as installed; an upgrade rewrites them)."""
    digest = hashlib.sha256(str(PREPARED_VERSION).encode())
    for module in ("word.py", "word_prepared.py"):
        digest.update((Path(__file__).parent / module).read_bytes())
    for package, files in (("docxtpl", ("__init__.py", "template.py")),
                           ("docx", ("__init__.py", "opc/pkgwriter.py", "oxml/coreprops.py"))):
        spec = find_spec(package)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            for name in files:
                try:
                    stat = (Path(folder) / name).stat()
                except OSError:
                    continue
                digest.update(f"{folder}/{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.digest()


@lru_cache(maxsize=8)
def _prepared(path: str, mtime: float) -> Prepared | None:
    """The template prepared (see ``word_prepared``): from the user cache when it was prepared
    before, else prepared now and kept there; None when it cannot be.

    Preparing leans on python-docx internals (``PackageWriter._write_*`` and the like); if a
    release renames or changes them, preparing fails with whatever python-docx raises, and the
    plain docxtpl path, which only uses public APIs, takes over instead of every compile failing."""
    if (path, mtime) in _UNPREPARED:
        return None
    data = _template_bytes(path, mtime)
    key = hashlib.sha256(_code_fingerprint() + data).hexdigest()
    cached = read_entry(PREPARED_KIND, key)
    if cached is not None:
        try:
            return Prepared.from_bytes(cached)
        except (ValueError, KeyError, TypeError, IndexError):  # damaged or from another version: prepare again
            pass
    try:
        from compiler.render.word_prepared import prepare

        prepared = prepare(data, _set_properties)
    except Exception:  # NotPreparable, or python-docx internals that moved: the plain path works
        _UNPREPARED.add((path, mtime))
        return None
    write_entry(PREPARED_KIND, key, prepared.to_bytes())
    return prepared


@lru_cache(maxsize=64)
def _resolved(template: str) -> str:
    """The template's real path (the key of its prepared form), worked out once per path given."""
    return str(Path(template).resolve())


def render_docx(template: Path, context: dict) -> bytes:
    """The finished .docx as bytes; identical context and template give identical bytes."""
    resolved = _resolved(str(template))
    key = (resolved, os.stat(resolved).st_mtime)
    prepared = _prepared(*key)
    if prepared is not None:
        try:
            return prepared.render(context, report_environment(), _report_datetime)
        except TemplateError:
            raise  # the template's own fault: the plain path would fail the same way
        except Exception:  # anything the fast path does not reproduce: the plain path, for good
            _UNPREPARED.add(key)
            _prepared.cache_clear()
    return render_docx_plain(template, context)


def render_docx_plain(template: Path, context: dict) -> bytes:
    """The same document through docxtpl's own render and save (the reference for the fast path)."""
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(io.BytesIO(template_bytes(template)))
    tpl.render(context, jinja_env=report_environment(), autoescape=True)
    _set_properties(tpl, context)
    buffer = io.BytesIO()
    tpl.save(buffer)
    return deterministic_zip(buffer.getvalue())


def _set_properties(tpl: DocxTemplate, context: dict) -> None:
    """Document properties from the report's own data, never from the clock."""
    core = tpl.docx.core_properties
    core.title = context["title"]
    core.author = core.last_modified_by = context["org"]
    core.subject = "政府信息公开工作年度报告"
    core.keywords = f"政府信息公开;年度报告;{context['year']}"
    core.comments = f"{context['format_name']}（{context['format_source']}）"
    core.category = "年度报告"
    when = _report_datetime(context)
    core.created = core.modified = when
    core.last_printed = when
    core.revision = 1


def _report_datetime(context: dict) -> dt.datetime:
    if context.get("date_iso"):
        return dt.datetime.fromisoformat(context["date_iso"])
    year = context["year"] if isinstance(context["year"], int) else 2000
    return dt.datetime(year + 1, 1, 1)


def word_table(filled) -> WordTable:
    return WordTable(filled)
