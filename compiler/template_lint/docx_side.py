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

import posixpath
import re
import zipfile
import zlib
from pathlib import Path

import defusedxml.ElementTree as safe_et
from docxtpl import DocxTemplate
from lxml import etree

from compiler.common.zip_limits import MAX_FILE_BYTES, human_size, zip_excess
from compiler.template_lint.jinja_side import lint_source
from compiler.template_lint.problems import (
    LintReport,
    TemplateProblem,
    TemplateUnusable,
    Where,
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"

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
CORE_PROPERTIES = {  # the properties docxtpl renders as templates
    "{http://purl.org/dc/elements/1.1/}title": ("标题", "title"),
    "{http://purl.org/dc/elements/1.1/}creator": ("作者", "author"),
    "{http://purl.org/dc/elements/1.1/}description": ("备注", "comments"),
    "{http://purl.org/dc/elements/1.1/}identifier": ("标识", "identifier"),
    "{http://purl.org/dc/elements/1.1/}language": ("语言", "language"),
    "{http://purl.org/dc/elements/1.1/}subject": ("主题", "subject"),
}


# ---------------------------------------------------------------- reading the .docx safely


def _unusable(code: str, path: Path, detail: str = "", detail_en: str = "") -> TemplateUnusable:
    return TemplateUnusable(TemplateProblem(code, params={"path": str(path), "detail": detail,
                                                          "detail_en": detail_en or detail}))


class _Package:
    def __init__(self, path: Path):
        self.path = path
        if not path.is_file():
            raise _unusable("template_unreadable", path, "找不到文件", "file not found")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _unusable("template_unsafe", path, f"文件 {human_size(size)}，上限 {human_size(MAX_FILE_BYTES)}",
                            f"file is {human_size(size)}, limit {human_size(MAX_FILE_BYTES)}")
        try:
            self.zip = zipfile.ZipFile(path)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError):
            raise _unusable("template_unreadable", path, "不是 .docx 文件", "not a .docx file") from None
        self.names = {i.filename for i in infos}
        if "word/document.xml" not in self.names:
            raise _unusable("template_unreadable", path, "缺少 word/document.xml", "no word/document.xml")
        excess = zip_excess(infos)
        if excess:
            raise _unusable("template_unsafe", path, *excess)

    def close(self) -> None:
        self.zip.close()

    def read(self, name: str) -> bytes:
        info = self.zip.getinfo(name)
        if info.file_size > MAX_PART_BYTES:
            raise _unusable("template_unsafe", self.path, f"{name} 解压后 {human_size(info.file_size)}",
                            f"{name} is {human_size(info.file_size)}")
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
                label = {"header": (f"页眉（{base}）", f"header ({base})"),
                         "footer": (f"页脚（{base}）", f"footer ({base})"),
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
    tagged = False
    try:
        for name, label in package.rendered_parts():
            root = package.xml(name)
            _lint_part(root, label, report.problems)
            tagged = tagged or any(mark in "".join(str(t) for t in root.itertext()) for mark in ("{{", "{%"))
        if "docProps/core.xml" in package.names:
            _lint_properties(package.xml("docProps/core.xml"), report.problems)
    finally:
        package.close()
    if not tagged:  # a finished report chosen as the template: the same document for every workbook
        report.problems.append(TemplateProblem("template_no_tags", params={"path": path.name}))
    return report


def check_template(path: Path) -> LintReport:
    """Like lint_template, but a file that cannot be read at all is reported as a one-problem report."""
    try:
        return lint_template(path)
    except TemplateUnusable as exc:
        return LintReport(Path(path), [exc.problem])


def _paragraph_places(root, label) -> list[Where]:
    """The place of every <w:p> in document order (the order docxtpl's line numbers follow)."""
    places: list[Where] = []
    body_no = 0
    table_no: dict[etree._Element, int] = {}
    for p in root.iter(W + "p"):
        cell = next(p.iterancestors(W + "tc"), None)
        row = next(cell.iterancestors(W + "tr"), None) if cell is not None else None
        table = next(row.iterancestors(W + "tbl"), None) if row is not None else None
        if cell is None or row is None or table is None:
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

    lint_source(source, locate, problems)


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
    for _el, t in segments:
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
            opening = _OPEN.search(value)
            if opening:
                p = el if el.tag == W + "p" else next(el.iterancestors(W + "p"), None)
                where = places[index[p]] if p is not None else Where(label)
                problems.append(TemplateProblem("template_hidden_tag", where, {
                    "tag": _short(value[opening.start():]),
                    "place": f"元素 <{etree.QName(el).localname}> 的属性或内容",
                    "place_en": f"an attribute or the content of <{etree.QName(el).localname}>"}))
                break


def _lint_properties(root, problems: list) -> None:
    for el in root:
        names = CORE_PROPERTIES.get(el.tag)
        if names and el.text and _OPEN.search(el.text):
            where = Where(("文档属性", "document property"), note=(f"「{names[0]}」", names[1]))
            lint_source(el.text, lambda lineno, w=where: w, problems)


def _short(tag: str, limit: int = 60) -> str:
    tag = tag.replace("\n", " ")
    return tag if len(tag) <= limit else tag[:limit] + "…"
