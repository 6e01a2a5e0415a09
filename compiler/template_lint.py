"""Checks a Word template before it is used: ``compile template-check my.docx``.

Custom templates may come from other offices, so a template is read as untrusted input: the zip is
measured, every XML part is parsed with DTDs and entities forbidden (defusedxml first, then lxml
without entity resolution or network access), and nothing in it is ever executed here. The lint
looks at exactly what docxtpl would render (the body, headers, footers, footnotes and the document
properties, after docxtpl's own tag clean-up) and reports, each at its paragraph or table cell:

* tags Word has split across runs (docxtpl joins most of them; it cannot join a tag that crosses
  a revision, hyperlink or field, or one that is not closed within its paragraph);
* tags hidden where the author cannot see them (deleted revisions, field codes, picture titles);
* two paragraph-level tags in one paragraph (docxtpl writes a corrupt file);
* unbalanced ``{% for %}``/``{% if %}`` blocks and any other Jinja syntax error;
* variables and attributes the report context does not have (``s.heding``), with a suggestion;
* anything that reaches for Python internals: names or attributes starting with ``_``, the Jinja
  globals usable as escape gadgets (``cycler``, ``joiner``, ``namespace``, ``lipsum``, ``self`` …),
  the ``attr`` filter, ``include``/``import``/``extends``, and ``**`` (a denial-of-service tool).

The renderer is sandboxed anyway (``docx_render``); the lint is there so a coordinator learns what
is wrong before a compile, in words, with the place to fix.
"""

from __future__ import annotations

import difflib
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import defusedxml.ElementTree as safe_et
from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError, nodes
from lxml import etree

from .findings import CATALOGUE, ERROR

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"

MAX_TEMPLATE_BYTES = 20 * 1024 * 1024
MAX_TEMPLATE_UNCOMPRESSED = 100 * 1024 * 1024
MAX_TEMPLATE_RATIO = 200
MAX_TEMPLATE_ENTRIES = 2000
MAX_PART_BYTES = 30 * 1024 * 1024  # one XML part

TEXT_TAGS = {W + "t": "text", W + "delText": "deleted", W + "instrText": "field"}
CONTAINER_NAMES = {
    "ins": ("插入的修订", "an inserted revision"), "del": ("删除的修订", "a deleted revision"),
    "hyperlink": ("超链接", "a hyperlink"), "fldSimple": ("域", "a field"), "smartTag": ("智能标记", "a smart tag"),
    "sdtContent": ("内容控件", "a content control"), "customXml": ("自定义 XML", "custom XML"),
}
OPENERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
_OPEN = re.compile(r"\{[{%#]")
PARAGRAPH_TAG = re.compile(r"\{[{%]\s*(p|tr|tc)\s")

# Jinja globals and names that give a template a way out of its data (or a way to burn CPU)
GADGETS = frozenset({
    "cycler", "joiner", "namespace", "lipsum", "self", "config", "request", "session", "g", "url_for",
    "get_flashed_messages", "environment", "context", "os", "sys", "builtins", "importlib", "super",
    "varargs", "kwargs", "caller",
})
SAFE_GLOBALS = frozenset({"range", "dict", "true", "false", "none", "True", "False", "None"})
FORBIDDEN_FILTERS = frozenset({"attr"})
DICT_METHODS = frozenset({"get", "items", "keys", "values"})
BLOCK_ENDS = {"for": "endfor", "if": "endif", "macro": "endmacro", "call": "endcall", "filter": "endfilter",
              "set": "endset", "with": "endwith", "block": "endblock", "autoescape": "endautoescape",
              "trans": "endtrans"}
BLOCK_MIDDLES = {"elif": ("if",), "else": ("if", "for"), "pluralize": ("trans",)}
CORE_PROPERTIES = {  # the properties docxtpl renders as templates
    "{http://purl.org/dc/elements/1.1/}title": ("标题", "title"),
    "{http://purl.org/dc/elements/1.1/}creator": ("作者", "author"),
    "{http://purl.org/dc/elements/1.1/}description": ("备注", "comments"),
    "{http://purl.org/dc/elements/1.1/}identifier": ("标识", "identifier"),
    "{http://purl.org/dc/elements/1.1/}language": ("语言", "language"),
    "{http://purl.org/dc/elements/1.1/}subject": ("主题", "subject"),
}


class TemplateUnusable(Exception):
    """The file is not a Word template that can be checked at all."""

    def __init__(self, problem: "TemplateProblem"):
        self.problem = problem
        super().__init__(problem.message())


# ---------------------------------------------------------------- problems and where they are


@dataclass(frozen=True)
class Where:
    """A place in the template a coordinator can find in Word."""

    part: tuple[str, str] = ("", "")  # (zh, en), e.g. ("正文", "body")
    paragraph: int | None = None  # 1-based, paragraphs outside tables
    cell: tuple[int, int, int] | None = None  # table, row, column (1-based)
    note: tuple[str, str] | None = None  # e.g. a document property

    def text(self, lang: str = "zh") -> str:
        zh = lang != "en"
        part = self.part[0 if zh else 1]
        if self.note:
            return f"{part}{self.note[0]}" if zh else f"{part} {self.note[1]}".strip()
        if self.cell:
            t, r, c = self.cell
            return f"{part}表格 {t} 第 {r} 行第 {c} 列" if zh else f"{part} table {t} row {r} column {c}"
        if self.paragraph:
            return f"{part}第 {self.paragraph} 段" if zh else f"{part} paragraph {self.paragraph}"
        return part


@dataclass(frozen=True)
class TemplateProblem:
    code: str
    where: Where = field(default_factory=Where)
    params: dict = field(default_factory=dict)

    @property
    def severity(self) -> str:
        return CATALOGUE[self.code][0]

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def message(self, lang: str = "zh") -> str:
        _, zh, en = CATALOGUE[self.code]
        params = dict(self.params)
        for key in list(params):
            params.setdefault(f"{key}_en", params[key])
        return (en if lang == "en" else zh).format(**params)

    def line(self, lang: str = "zh") -> str:
        label = ("错误" if self.is_error else "警告") if lang != "en" else self.severity
        where = self.where.text(lang)
        return f"  {where}  {label}:{self.code}  {self.message(lang)}" if where else \
            f"  {label}:{self.code}  {self.message(lang)}"


@dataclass
class LintReport:
    path: Path
    problems: list[TemplateProblem] = field(default_factory=list)

    @property
    def errors(self) -> list[TemplateProblem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[TemplateProblem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def codes(self) -> list[str]:
        return [p.code for p in self.problems]

    def lines(self, lang: str = "zh") -> list[str]:
        n_err, n_warn = len(self.errors), len(self.warnings)
        if lang == "en":
            head = f"{'TEMPLATE OK' if self.ok else 'TEMPLATE REFUSED'}  {self.path}: {n_err} error(s), {n_warn} warning(s)"
        else:
            head = f"{'模板可用' if self.ok else '模板不可用'}  {self.path}：{n_err} 个错误，{n_warn} 个警告"
        ordered = self.errors + self.warnings
        return [head, *(p.line(lang) for p in ordered)]


# ---------------------------------------------------------------- what the report context holds


class _List:
    __slots__ = ("item",)

    def __init__(self, item):
        self.item = item


ANY = "any"  # shape of something we know nothing about (loop variables, filter results …)
TAINTED = "tainted"  # already reported as forbidden: what is reached through it is not reported again
LEAF = "leaf"  # a string, number or None


def _merge(a, b):
    if a is None:
        return b
    if isinstance(a, dict) and isinstance(b, dict):
        out = dict(a)
        for key, value in b.items():
            out[key] = _merge(out.get(key), value)
        return out
    if isinstance(a, _List) and isinstance(b, _List):
        return _List(_merge(a.item, b.item))
    if isinstance(a, (dict, _List)):
        return a  # a value that may be None (a section's table) keeps its structure
    return b


def _shape(value):
    from .docx_tables import WordTable

    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        item = None
        for element in value:
            item = _merge(item, _shape(element))
        return _List(item if item is not None else ANY)
    if isinstance(value, WordTable):
        return {"title": LEAF}
    if value is None:
        return None
    return LEAF


@cache
def context_shape() -> dict:
    """The structure of what ``build_context`` gives a template, over every format, from a document
    with one block of each kind (so ``b.kind``, ``b.number`` and ``b.text`` are known)."""
    from .definition import all_formats
    from .document import blank_document
    from .docx_render import word_table
    from .report_context import build_context
    from .sheet_layout import NARRATIVE_KINDS

    shape = None
    for fmt in all_formats().values():
        doc = blank_document(fmt, fmt.first_year, "机关")
        doc["meta"]["date"] = f"{fmt.first_year + 1}-01-15"
        for section_id in doc["sections"]:
            doc["sections"][section_id] = [{"kind": kind, "text": "文字"} for kind in NARRATIVE_KINDS]
        shape = _merge(shape, _shape(build_context(fmt, doc, tables_as=word_table)))
    return shape


def _keys(shape) -> list[str]:
    return sorted(shape) if isinstance(shape, dict) else []


# ---------------------------------------------------------------- reading the .docx safely


def _unusable(code: str, path: Path, detail: str = "", detail_en: str = "") -> TemplateUnusable:
    return TemplateUnusable(TemplateProblem(code, params={"path": str(path), "detail": detail,
                                                          "detail_en": detail_en or detail}))


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


class _Package:
    def __init__(self, path: Path):
        self.path = path
        if not path.is_file():
            raise _unusable("template_unreadable", path, "找不到文件", "file not found")
        size = path.stat().st_size
        if size > MAX_TEMPLATE_BYTES:
            raise _unusable("template_unsafe", path, f"文件 {_size(size)}，上限 {_size(MAX_TEMPLATE_BYTES)}",
                            f"file is {_size(size)}, limit {_size(MAX_TEMPLATE_BYTES)}")
        try:
            self.zip = zipfile.ZipFile(path)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError):
            raise _unusable("template_unreadable", path, "不是 .docx 文件", "not a .docx file") from None
        self.names = {i.filename for i in infos}
        if "word/document.xml" not in self.names:
            raise _unusable("template_unreadable", path, "缺少 word/document.xml", "no word/document.xml")
        total = sum(i.file_size for i in infos)
        compressed = max(1, sum(i.compress_size for i in infos))
        if len(infos) > MAX_TEMPLATE_ENTRIES:
            raise _unusable("template_unsafe", path, f"包含 {len(infos)} 个部件", f"{len(infos)} parts")
        if total > MAX_TEMPLATE_UNCOMPRESSED or (total / compressed > MAX_TEMPLATE_RATIO and total > 10 * 1024 * 1024):
            raise _unusable("template_unsafe", path, f"解压后 {_size(total)}", f"{_size(total)} uncompressed")

    def close(self) -> None:
        self.zip.close()

    def read(self, name: str) -> bytes:
        info = self.zip.getinfo(name)
        if info.file_size > MAX_PART_BYTES:
            raise _unusable("template_unsafe", self.path, f"{name} 解压后 {_size(info.file_size)}",
                            f"{name} is {_size(info.file_size)}")
        try:
            return self.zip.read(name)
        except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError):
            raise _unusable("template_unreadable", self.path, f"{name} 已损坏", f"{name} is damaged") from None

    def xml(self, name: str) -> etree._Element:
        data = self.read(name)
        try:  # defusedxml refuses DTDs, entity declarations and external references outright
            safe_et.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        except safe_et.ParseError:
            raise _unusable("template_unreadable", self.path, f"{name} 不是有效的 XML",
                            f"{name} is not valid XML") from None
        except Exception as exc:  # DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
            raise _unusable("template_unsafe", self.path, f"{name} 含 DTD 或实体定义",
                            f"{name} holds a DTD or entity declarations") from exc
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        return etree.fromstring(data, parser=parser)

    def rendered_parts(self) -> list[tuple[str, tuple[str, str]]]:
        """(zip name, (zh, en) label) of every part docxtpl renders as a template."""
        parts = [("word/document.xml", ("正文", "body"))]
        rels_name = "word/_rels/document.xml.rels"
        if rels_name in self.names:
            for rel in self.xml(rels_name).iter(REL_NS + "Relationship"):
                kind = rel.get("Type", "").rsplit("/", 1)[-1]
                if kind not in ("header", "footer", "footnotes") or rel.get("TargetMode") == "External":
                    continue
                target = posixpath.normpath(posixpath.join("word", rel.get("Target", "")))
                if target.startswith("/"):
                    target = target.lstrip("/")
                if target not in self.names or any(target == p for p, _ in parts):
                    continue
                base = posixpath.basename(target)
                label = {"header": (f"页眉（{base}）", f"header ({base})"), "footer": (f"页脚（{base}）", f"footer ({base})"),
                         "footnotes": ("脚注", "footnotes")}[kind]
                parts.append((target, label))
        return parts


# ---------------------------------------------------------------- the lint


def lint_template(path: Path) -> LintReport:
    """Every problem of the template at ``path``; raises TemplateUnusable for a file that is not a
    readable (or safe) .docx at all."""
    path = Path(path)
    report = LintReport(path)
    package = _Package(path)
    try:
        for name, label in package.rendered_parts():
            _lint_part(package.xml(name), label, report.problems)
        if "docProps/core.xml" in package.names:
            _lint_properties(package.xml("docProps/core.xml"), report.problems)
    finally:
        package.close()
    return report


def check_template(path: Path) -> LintReport:
    """Like lint_template, but a file that cannot be read at all is reported as a one-problem report."""
    try:
        return lint_template(path)
    except TemplateUnusable as exc:
        return LintReport(Path(path), [exc.problem])


def _paragraph_places(root, label) -> list[Where]:
    """The place of every <w:p> in document order (the order docxtpl's line numbers follow)."""
    places, body_no, table_no = [], 0, {}
    for p in root.iter(W + "p"):
        cell = next(p.iterancestors(W + "tc"), None)
        row = next(cell.iterancestors(W + "tr"), None) if cell is not None else None
        table = next(row.iterancestors(W + "tbl"), None) if row is not None else None
        if table is None:
            body_no += 1
            places.append(Where(label, paragraph=body_no))
            continue
        t = table_no.setdefault(table, len(table_no) + 1)
        rows = [x for x in table.iter(W + "tr") if next(x.iterancestors(W + "tbl")) is table]
        cells = [x for x in row.iter(W + "tc") if next(x.iterancestors(W + "tr")) is row]
        places.append(Where(label, cell=(t, rows.index(row) + 1, cells.index(cell) + 1)))
    return places


def _lint_part(root, label, problems: list) -> None:
    places = _paragraph_places(root, label)
    for index, p in enumerate(root.iter(W + "p")):
        _lint_paragraph(p, places[index], problems)
    _lint_hidden(root, places, label, problems)
    xml = etree.tostring(root, encoding="unicode")
    xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)  # as docxtpl does: line n + 1 is the n-th paragraph
    source = DocxTemplate.patch_xml(None, xml)

    # a bare <w:p/> gets no line of its own (the regex above needs "<w:p " or "<w:p>")
    lines = [places[i] for i, p in enumerate(root.iter(W + "p")) if len(p) or p.attrib or p.text]

    def locate(lineno: int) -> Where:
        index = lineno - 2
        return lines[index] if 0 <= index < len(lines) else Where(label)

    _lint_source(source, locate, problems)


def _own_elements(p):
    """The descendants of paragraph ``p`` that belong to it (not to a nested text-box paragraph)."""
    stack = list(reversed(p))
    while stack:
        el = stack.pop()
        if el.tag == W + "p" or el.tag == W + "txbxContent":
            continue
        yield el
        stack.extend(reversed(el))


def _lint_paragraph(p, where: Where, problems: list) -> None:
    segments = [(el, el.text) for el in _own_elements(p) if el.tag in TEXT_TAGS and el.text]
    if not segments:
        return
    text = "".join(t for _, t in segments)
    owners, starts, pos = [], [], 0
    for el, t in segments:
        starts.append(pos)
        owners.extend([len(starts) - 1] * len(t))
        pos += len(t)
    special = PARAGRAPH_TAG.findall(text)
    if len(special) > 1:
        problems.append(TemplateProblem("template_two_paragraph_tags", where, {"count": len(special)}))
    i = 0
    while True:
        m = _OPEN.search(text, i)
        if not m:
            break
        opener = m.group(0)
        closer = OPENERS[opener]
        end = text.find(closer, m.end())
        if end < 0:
            problems.append(TemplateProblem("template_unclosed_tag", where,
                                            {"tag": _short(text[m.start():]), "closer": closer}))
            break
        end += len(closer)
        tag = text[m.start():end]
        involved = sorted(set(owners[m.start():end]))
        elements = [segments[k][0] for k in involved]
        kinds = {TEXT_TAGS[el.tag] for el in elements}
        if kinds - {"text"}:
            place = ("删除的修订文字", "deleted revision text") if "deleted" in kinds else ("域代码", "a field code")
            problems.append(TemplateProblem("template_hidden_tag", where,
                                            {"tag": _short(tag), "place": place[0], "place_en": place[1]}))
        elif len(elements) > 1:
            containers = {el.getparent().getparent() for el in elements}  # w:t → w:r → container
            if len(containers) > 1 or any(c is not p for c in containers):
                crossed = next((c for c in containers if c is not p), p)
                name = etree.QName(crossed).localname
                zh, en = CONTAINER_NAMES.get(name, (f"<w:{name}>", f"<w:{name}>"))
                problems.append(TemplateProblem("template_broken_tag", where,
                                                {"tag": _short(tag), "reason": zh, "reason_en": en}))
            else:
                problems.append(TemplateProblem("template_split_tag", where,
                                                {"tag": _short(tag), "count": len(elements)}))
        i = end


def _lint_hidden(root, places, label, problems: list) -> None:
    """Tags in attributes (picture titles, alt text …) or in elements that are not paragraph text:
    docxtpl renders the whole XML, so they would run although nobody sees them in Word."""
    index = {p: i for i, p in enumerate(root.iter(W + "p"))}
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        texts = list(el.attrib.values())
        if el.tag not in TEXT_TAGS and el.text:
            texts.append(el.text)
        for value in texts:
            if _OPEN.search(value):
                p = el if el.tag == W + "p" else next(el.iterancestors(W + "p"), None)
                where = places[index[p]] if p is not None else Where(label)
                problems.append(TemplateProblem("template_hidden_tag", where, {
                    "tag": _short(value[_OPEN.search(value).start():]),
                    "place": f"元素 <{etree.QName(el).localname}> 的属性或内容",
                    "place_en": f"an attribute or the content of <{etree.QName(el).localname}>"}))
                break


def _lint_properties(root, problems: list) -> None:
    for el in root:
        names = CORE_PROPERTIES.get(el.tag)
        if names and el.text and _OPEN.search(el.text):
            where = Where(("文档属性", "document property"), note=(f"「{names[0]}」", names[1]))
            _lint_source(el.text, lambda lineno, w=where: w, problems)


def _short(tag: str, limit: int = 60) -> str:
    tag = tag.replace("\n", " ")
    return tag if len(tag) <= limit else tag[:limit] + "…"


# ---------------------------------------------------------------- Jinja: blocks, syntax, names


def _environment():
    from .docx_render import report_environment

    return report_environment()


def _lint_source(source: str, locate, problems: list) -> None:
    env = _environment()
    if not _check_blocks(env, source, locate, problems):
        return
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        problems.append(TemplateProblem("template_syntax", locate(exc.lineno or 0), {"detail": exc.message or str(exc)}))
        return
    _Walker(locate, problems).template(tree)


def _check_blocks(env, source: str, locate, problems: list) -> bool:
    """Balance of the block tags, from Jinja's own lexer; False when something is wrong."""
    stack: list[tuple[str, int]] = []
    found = len(problems)
    try:
        tokens = [t for t in env.lex(source) if t[1] != "whitespace"]
    except TemplateSyntaxError as exc:
        problems.append(TemplateProblem("template_syntax", locate(exc.lineno or 0), {"detail": exc.message or str(exc)}))
        return False
    i = 0
    while i < len(tokens):
        lineno, kind, value = tokens[i]
        if kind == "block_begin" and i + 1 < len(tokens) and tokens[i + 1][1] == "name":
            name = tokens[i + 1][2]
            j = i + 2
            inline = False
            while j < len(tokens) and tokens[j][1] != "block_end":
                inline = inline or tokens[j][1] == "assign" or (tokens[j][1] == "operator" and tokens[j][2] == "=")
                j += 1
            if name in BLOCK_ENDS and not (name == "set" and inline):
                stack.append((name, lineno))
            elif name in BLOCK_MIDDLES:
                if not stack or stack[-1][0] not in BLOCK_MIDDLES[name]:
                    problems.append(TemplateProblem("template_unexpected_end", locate(lineno), {
                        "tag": f"{{% {name} %}}", "expected": " / ".join(f"{{% {o} %}}" for o in BLOCK_MIDDLES[name])}))
            elif name.startswith("end"):
                opener = name[3:]
                if stack and stack[-1][0] == opener:
                    stack.pop()
                elif any(o == opener for o, _ in stack):  # the inner blocks were left open
                    while stack and stack[-1][0] != opener:
                        inner, line = stack.pop()
                        problems.append(TemplateProblem("template_unclosed_block", locate(line), {
                            "tag": f"{{% {inner} %}}", "end": f"{{% {BLOCK_ENDS[inner]} %}}"}))
                    stack.pop()
                else:
                    problems.append(TemplateProblem("template_unexpected_end", locate(lineno), {
                        "tag": f"{{% {name} %}}", "expected": f"{{% {opener} … %}}"}))
            i = j
        i += 1
    for name, line in stack:
        problems.append(TemplateProblem("template_unclosed_block", locate(line), {
            "tag": f"{{% {name} %}}", "end": f"{{% {BLOCK_ENDS[name]} %}}"}))
    return len(problems) == found


class _Walker:
    """Follows the template's expressions through its scopes, knowing the shape of the context."""

    def __init__(self, locate, problems: list):
        self.locate = locate
        self.problems = problems
        self.root = context_shape()
        self.scopes: list[dict] = [{}]

    # -- reporting
    def problem(self, code: str, node, **params) -> None:
        self.problems.append(TemplateProblem(code, self.locate(getattr(node, "lineno", 0) or 0), params))

    def forbidden(self, node, expr: str, reason: str, reason_en: str) -> None:
        self.problem("template_forbidden", node, expr=expr, reason=reason, reason_en=reason_en)

    # -- scopes
    def lookup(self, name: str):
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return self.root.get(name, _MISSING)

    def bind(self, target, shape) -> None:
        if isinstance(target, nodes.Name):
            if target.name.startswith("_"):
                self.forbidden(target, target.name, "以下划线开头的名称", "a name starting with '_'")
            self.scopes[-1][target.name] = shape
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self.bind(item, ANY)
        elif isinstance(target, nodes.NSRef):
            self.forbidden(target, f"{target.name}.{target.attr}", "namespace 对象", "namespace objects")

    def body(self, statements, scope: dict | None = None) -> None:
        self.scopes.append(dict(scope or {}))
        for statement in statements:
            self.statement(statement)
        self.scopes.pop()

    # -- statements
    def template(self, tree: nodes.Template) -> None:
        for statement in tree.body:
            self.statement(statement)

    def statement(self, node) -> None:
        if isinstance(node, nodes.For):
            item = self.expr(node.iter)
            item = item.item if isinstance(item, _List) else ANY
            self.scopes.append({"loop": ANY})
            self.bind(node.target, item)
            if node.test is not None:
                self.expr(node.test)
            for statement in node.body:
                self.statement(statement)
            self.scopes.pop()
            self.body(node.else_)
        elif isinstance(node, nodes.If):
            self.expr(node.test)
            self.body(node.body)
            for elif_ in node.elif_:
                self.statement(elif_)
            self.body(node.else_)
        elif isinstance(node, nodes.Assign):
            shape = self.expr(node.node)
            self.bind(node.target, shape)
        elif isinstance(node, nodes.AssignBlock):
            self.body(node.body)
            self.bind(node.target, LEAF)
        elif isinstance(node, nodes.With):
            scope = {}
            for target, value in zip(node.targets, node.values):
                shape = self.expr(value)
                if isinstance(target, nodes.Name):
                    scope[target.name] = shape
            self.body(node.body, scope)
        elif isinstance(node, (nodes.Macro, nodes.CallBlock)):
            if isinstance(node, nodes.CallBlock):
                self.expr(node.call)
            scope = {arg.name: ANY for arg in node.args}
            scope.update(caller=ANY, varargs=ANY, kwargs=ANY)
            for default in node.defaults:
                self.expr(default)
            self.body(node.body, scope)
            if isinstance(node, nodes.Macro):
                self.scopes[-1][node.name] = ANY
        elif isinstance(node, (nodes.Include, nodes.Extends, nodes.Import, nodes.FromImport)):
            self.forbidden(node, type(node).__name__.lower(), "模板不能引用其他文件", "a template cannot load other files")
        elif isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    self.expr(child)
        elif isinstance(node, nodes.FilterBlock):
            self.filter(node.filter, None)
            self.body(node.body)
        elif isinstance(node, nodes.Block):
            self.body(node.body)
        elif isinstance(node, nodes.ExprStmt):
            self.expr(node.node)
        elif isinstance(node, nodes.Scope):
            self.body(node.body)
        else:
            for child in node.iter_child_nodes():
                if isinstance(child, nodes.Stmt):
                    self.statement(child)
                elif isinstance(child, nodes.Expr):
                    self.expr(child)

    # -- expressions: return the shape of the value
    def expr(self, node):
        if isinstance(node, nodes.Name):
            return self.name(node)
        if isinstance(node, nodes.Getattr):
            return self.attribute(node, self.expr(node.node), node.attr)
        if isinstance(node, nodes.Getitem):
            base = self.expr(node.node)
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                return self.attribute(node, base, node.arg.value)
            self.expr(node.arg)
            return base.item if isinstance(base, _List) else ANY
        if isinstance(node, nodes.Const):
            if isinstance(node.value, str) and ("__" in node.value or node.value.startswith("_")):
                self.forbidden(node, repr(node.value), "指向程序内部的名称", "a name of program internals")
            return LEAF
        if isinstance(node, nodes.Filter):
            return self.filter(node, node.node)
        if isinstance(node, nodes.Pow):
            self.forbidden(node, "**", "乘方运算（可能耗尽资源）", "powers (a way to exhaust resources)")
        if isinstance(node, nodes.Mul):
            for side in (node.left, node.right):
                if isinstance(side, nodes.Const) and isinstance(side.value, int) and side.value > 1000:
                    self.forbidden(node, f"* {side.value}", "超大的乘法（可能耗尽资源）", "a huge repetition")
        if isinstance(node, nodes.Call):
            callee = self.expr(node.node)
            for child in (*node.args, *(k.value for k in node.kwargs), node.dyn_args, node.dyn_kwargs):
                if child is not None:
                    self.expr(child)
            return TAINTED if callee is TAINTED else ANY
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Expr):
                self.expr(child)
            elif isinstance(child, nodes.Keyword):
                self.expr(child.value)
        return ANY if not isinstance(node, nodes.Literal) else LEAF

    def filter(self, node, target):
        if target is not None:
            base = self.expr(target)
        else:
            base = ANY
        if node.name in FORBIDDEN_FILTERS:
            self.forbidden(node, f"|{node.name}", "按名称读取属性", "reading attributes by name")
        for child in (*node.args, *(k.value for k in node.kwargs), node.dyn_args, node.dyn_kwargs):
            if child is not None:
                self.expr(child)
        if node.name in ("first", "last", "random") and isinstance(base, _List):
            return base.item
        if node.name in ("list", "sort", "reverse", "unique", "batch", "slice") and isinstance(base, _List):
            return base if node.name not in ("batch", "slice") else _List(base)
        return ANY

    def name(self, node):
        name = node.name
        if name.startswith("_"):
            self.forbidden(node, name, "以下划线开头的名称", "a name starting with '_'")
            return TAINTED
        shape = self.lookup(name)
        if shape is not _MISSING:
            return shape if shape is not None else LEAF
        if name in GADGETS:
            self.forbidden(node, name, "可被用来访问程序内部的全局对象", "a global that can reach program internals")
            return TAINTED
        if name in SAFE_GLOBALS:
            return ANY
        known = _keys(self.root)
        self.problem("template_unknown_variable", node, name=name, suggestion=_suggest(name, known),
                     suggestion_en=_suggest(name, known, "en"), known="、".join(known), known_en=", ".join(known))
        return ANY

    def attribute(self, node, base, attr: str):
        path = _expr_text(node)
        if base is TAINTED:
            return TAINTED
        if attr.startswith("_"):
            self.forbidden(node, path, "以下划线开头的属性（程序内部）", "an attribute starting with '_' (internals)")
            return TAINTED
        if isinstance(base, dict):
            if attr in base:
                shape = base[attr]
                return shape if shape is not None else LEAF
            if attr in DICT_METHODS:
                return ANY
            known = _keys(base)
            self.problem("template_unknown_attribute", node, path=path, attr=attr,
                         suggestion=_suggest(attr, known), suggestion_en=_suggest(attr, known, "en"),
                         known="、".join(known), known_en=", ".join(known))
            return ANY
        if isinstance(base, _List):
            self.problem("template_unknown_attribute", node, path=path, attr=attr, suggestion="", suggestion_en="",
                         known="（这是一个列表，请用 for 循环逐项读取）", known_en="(a list: loop over it with for)")
            return ANY
        return ANY


_MISSING = object()


def _suggest(name: str, known: list[str], lang: str = "zh") -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if not close:
        return ""
    return f"（是否应为「{close[0]}」？）" if lang == "zh" else f" (did you mean '{close[0]}'?)"


def _expr_text(node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_expr_text(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        arg = node.arg.value if isinstance(node.arg, nodes.Const) else "…"
        return f"{_expr_text(node.node)}[{arg!r}]"
    if isinstance(node, nodes.Call):
        return f"{_expr_text(node.node)}(…)"
    if isinstance(node, nodes.Const):
        return repr(node.value)
    return "…"
