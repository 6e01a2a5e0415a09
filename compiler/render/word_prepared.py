"""A Word template prepared once and reused for every report of its format, across runs.

``DocxTemplate(...).render(); save()`` re-opens the whole package for every document: python-docx
parses every part (styles.xml alone is 350 KB), docxtpl re-serializes and re-patches the body
before Jinja sees it, and saving deflates ~800 KB of unchanged parts — twice, counting the
deterministic re-zip. Here that work is done once, by ``prepare`` (which needs docxtpl and
python-docx), and its result is plain data (``Prepared``), kept in the user cache under a hash of
the template, so that a later run renders without importing either library:

* the patched Jinja sources of the body, headers and footers (compiled once per process by
  ``word``'s caching environment);
* every unchanged part, serialized and deflated; only the parts a render changes (document,
  headers, footers, core properties) are deflated per report;
* document.xml around its body, so that a rendered body is spliced in as text;
* core.xml as python-docx writes it with the report's properties, with markers where each value
  goes (set in the same order as ``word._set_properties`` sets them, so the elements come out in
  the same order);
* whether the template needs docxtpl's clean-up after rendering (``fix_tables``, ``fix_docpr_ids``
  and re-serialising the body through lxml). Our templates do not: they have no tables of their
  own (report tables come from ``word_tables``, whose rows always fill the grid), no drawings, and
  Jinja only in text, where everything inserted is escaped; the rendered text is then already what
  lxml would write, once markupsafe's ``&#34; &#39;`` and our ``&#123; &#125;`` are put back as the
  characters lxml writes. A template with tables, drawings, Jinja inside attributes or ``safe``
  markup gets the clean-up on every render. The first render of each process is checked against
  lxml's own serialization, and a report with a carriage return (which an XML parser rewrites) is
  cleaned up as well.

The zip is assembled directly with the fixed timestamps and attributes of ``zips.deterministic_zip``.
The result is byte-identical to the plain docxtpl path (tests compare them). Templates this
shortcut does not cover (footnotes, pictures to replace, no core properties) are refused with
``NotPreparable`` so the caller uses the plain path.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re
import struct
import zlib
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate

from lxml import etree

from compiler.common.zips import FIXED_ZIP_TIME

PREPARED_VERSION = 3  # bump when the prepared form or the way it is made changes
_DOS_TIME = (FIXED_ZIP_TIME[3] << 11) | (FIXED_ZIP_TIME[4] << 5) | (FIXED_ZIP_TIME[5] // 2)
_DOS_DATE = ((FIXED_ZIP_TIME[0] - 1980) << 9) | (FIXED_ZIP_TIME[1] << 5) | FIXED_ZIP_TIME[2]
_EXTERNAL_ATTR = 0o644 << 16
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")  # as docxtpl renders them
_MARK = "\ue000{}\ue001"  # where a property value goes in core.xml (private-use characters)
_MARK_RE = re.compile("\ue000([a-z_:]+)\ue001".encode())
_MARK_TIME = dt.datetime(1901, 2, 3, 4, 5, 6)  # the report's date stands here in core.xml
_W3CDTF = "%Y-%m-%dT%H:%M:%SZ"
# what the marked context fills in: every value ``set_properties`` may use (a property taking any
# other key fails to prepare, and the plain path is used)
CONTEXT_KEYS = ("title", "org", "year", "format_name", "format_source")


class NotPreparable(Exception):
    """The template uses something the prepared path does not reproduce; use plain docxtpl."""


@dataclass(frozen=True)
class _Member:
    name: bytes
    flags: int
    crc: int
    size: int
    data: bytes  # deflated


def _deflate(name: str, content: bytes) -> _Member:
    try:
        encoded, flags = name.encode("ascii"), 0
    except UnicodeEncodeError:
        encoded, flags = name.encode("utf-8"), 0x800
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)  # as zipfile does
    data = compressor.compress(content) + compressor.flush()
    return _Member(encoded, flags, zlib.crc32(content) & 0xFFFFFFFF, len(content), data)


def _zip(members: list[_Member]) -> bytes:
    """The package exactly as ``zipfile`` writes it with ``deterministic_zip``'s fixed ZipInfo."""
    out, central = io.BytesIO(), []
    for m in members:
        offset = out.tell()
        out.write(struct.pack("<4s2B4HL2L2H", b"PK\003\004", 20, 0, m.flags, 8, _DOS_TIME, _DOS_DATE,
                              m.crc, len(m.data), m.size, len(m.name), 0))
        out.write(m.name)
        out.write(m.data)
        central.append(struct.pack("<4s4B4HL2L5H2L", b"PK\001\002", 20, 0, 20, 0, m.flags, 8, _DOS_TIME,
                                   _DOS_DATE, m.crc, len(m.data), m.size, len(m.name), 0, 0, 0, 0,
                                   _EXTERNAL_ATTR, offset) + m.name)
    start = out.tell()
    for entry in central:
        out.write(entry)
    size = out.tell() - start
    out.write(struct.pack("<4s4H2LH", b"PK\005\006", 0, 0, len(members), len(members), size, start, 0))
    return out.getvalue()


# --- rendering (no docxtpl, no python-docx) -------------------------------------------------------

_PARAGRAPH = re.compile(r"<w:p([ >])")
_PARAGRAPH_BACK = re.compile(r"\n<w:p([ >])")
_NS_DECL = re.compile(rb' xmlns:?([A-Za-z0-9_.-]*)="([^"]*)"')
_LISTING_PARAGRAPH_SPLIT = re.compile(r"(<w:p(?: [^>]*)?>.*?</w:p>)", re.DOTALL)
_LISTING_RUN = re.compile(r"<w:r(?: [^>]*)?>.*?</w:r>", re.DOTALL)
_LISTING_TEXT = re.compile(r"<w:t(?: [^>]*)?>.*?</w:t>", re.DOTALL)
_PPR = re.compile(r"<w:pPr>.*?</w:pPr>")
_RPR = re.compile(r"<w:rPr>.*?</w:rPr>")
# markupsafe writes quotes as references, ``word._literal`` braces; lxml writes all four as characters
_CANONICAL = (("&#34;", '"'), ("&#39;", "'"), ("&#123;", "{"), ("&#125;", "}"))
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# control characters XML cannot hold (single bytes in UTF-8; U+FFFE and U+FFFF are checked apart)
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_MARKED_TEXT = re.compile(">([^<]*\ue000[^<]*)<".encode())
_MARK_STR = re.compile("\ue000([a-z_:]+)\ue001")
# python-docx's parser for XML parts (docx.opc.oxml.oxml_parser), without its element classes
_PART_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)


def resolve_listing(xml: str) -> str:
    """docxtpl's ``resolve_listing`` (tabs, bells, newlines and form feeds inside text runs become
    Word's own elements), applied only to the paragraphs that hold one of them: for all the others
    it returns them unchanged, and cutting a whole report into its 1,000 paragraphs costs half a
    millisecond. The paragraph around each such character is found where it is (``_paragraph_at``),
    exactly as docxtpl's regex would cut it; where paragraphs nest (text boxes) the whole body is cut."""
    found = sorted(_positions(xml, "\t\a\n\f"))
    if not found:
        return xml
    spans = set()
    for position in found:
        span = _paragraph_at(xml, position)
        if span is None:  # nested paragraphs: cut everything as the regex does
            return _resolve_all(xml, found)
        if span:
            spans.add(span)
    for start, end in sorted(spans, reverse=True):
        xml = xml[:start] + _resolve_paragraph(xml[start:end]) + xml[end:]
    return xml


def _positions(text: str, characters: str):
    """Where each of ``characters`` occurs (str.find: much faster than a regex on a long text)."""
    for ch in characters:
        at = text.find(ch)
        while at != -1:
            yield at
            at = text.find(ch, at + 1)


def _resolve_all(xml: str, found: list[int]) -> str:
    pieces = _LISTING_PARAGRAPH_SPLIT.split(xml)  # text between paragraphs, paragraph, text, …
    ends = list(accumulate(map(len, pieces)))
    for index in sorted({bisect_right(ends, position) for position in found}):
        if index % 2:  # a paragraph (a listing character between paragraphs stays as it is)
            pieces[index] = _resolve_paragraph(pieces[index])
    return "".join(pieces)


def _opening_before(xml: str, end: int) -> int:
    """The last ``<w:p>`` or ``<w:p …>`` starting before ``end`` (not ``<w:pPr>``), or -1."""
    at = xml.rfind("<w:p", 0, end)
    while at != -1 and xml[at + 4:at + 5] not in (" ", ">"):
        at = xml.rfind("<w:p", 0, at)
    return at


def _close_after(xml: str, opening: int) -> int:
    """Where the regex ``<w:p(?: [^>]*)?>.*?</w:p>`` matched at ``opening`` ends, or -1."""
    tag_end = xml.find(">", opening + 4)
    close = xml.find("</w:p>", tag_end + 1) if tag_end != -1 else -1
    return -1 if close == -1 else close + 6


def _paragraph_at(xml: str, position: int) -> tuple[int, int] | tuple[()] | None:
    """The regex's paragraph match that holds ``position``; () when none does; None when the
    answer needs the whole cut (an opening inside an earlier paragraph: paragraphs nest)."""
    opening = _opening_before(xml, position)
    if opening == -1:
        return ()
    end = _close_after(xml, opening)
    if end == -1 or end <= position:
        return ()  # every match starting at or before this opening ends before the character
    previous = _opening_before(xml, opening)
    if previous != -1 and not (0 <= _close_after(xml, previous) <= opening):
        return None
    return opening, end


def _resolve_paragraph(text: str) -> str:
    found = _PPR.search(text)
    ppr = found.group(0) if found else ""

    def run(m: re.Match) -> str:
        found = _RPR.search(m.group(0))
        rpr = found.group(0) if found else ""
        return _LISTING_TEXT.sub(lambda t: _resolve_text(ppr, rpr, t.group(0)), m.group(0))

    return _LISTING_RUN.sub(run, text)


def _resolve_text(ppr: str, rpr: str, xml: str) -> str:
    xml = xml.replace("\t", f'</w:t></w:r><w:r>{rpr}<w:tab/></w:r><w:r>{rpr}<w:t xml:space="preserve">')
    xml = xml.replace("\a", f'</w:t></w:r></w:p><w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">')
    xml = xml.replace("\n", '</w:t><w:br/><w:t xml:space="preserve">')
    return xml.replace("\f", '</w:t></w:r></w:p><w:p><w:r><w:br w:type="page"/></w:r></w:p>'
                             f'<w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">')


def render_part(source: str, context: dict, jinja_env) -> str:
    """docxtpl's ``render_xml_part`` on a source already patched with its paragraph line breaks."""
    xml = jinja_env.from_string(source).render(context)
    xml = _PARAGRAPH_BACK.sub(r"<w:p\1", xml)
    if "_" in xml:
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    return resolve_listing(xml)


def _property_text(value: str) -> str:
    """A property value as python-docx accepts it (at most 255 characters) and lxml (XML characters)."""
    if len(value) > 255:
        raise ValueError(f"exceeded 255 char limit for property, got:\n\n'{value}'")
    if _NOT_XML.search(value):
        raise ValueError("All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters")
    return value


def _escape_text(value: str) -> bytes:
    """Text content as lxml writes it."""
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
            .encode("utf-8"))


def _unescape_text(value: str) -> str:
    return value.replace("&#13;", "\r").replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&")


@dataclass
class Prepared:
    """Everything a render needs, as plain data (what ``to_bytes`` keeps in the user cache)."""

    body_source: str
    hf_sources: dict[str, tuple[str, str]]  # member name → (patched source, encoding)
    layout: list[_Member | str]  # a static member, or the key of a part rendered per report
    names: dict[str, str]  # key → member name
    prefix: bytes  # document.xml before the body's start tag, and after the body
    suffix: bytes
    root_ns: list[tuple[bytes, bytes]]  # namespaces declared on document.xml's root
    core_xml: bytes  # with _MARK where each value goes and _MARK_TIME for the report's date
    initial: dict[str, str]  # the template's own property texts, rendered per report (docxtpl does)
    cleanup: bool  # docxtpl's fix_tables / fix_docpr_ids / re-serialising needed after rendering
    _checked: bool = field(default=False, repr=False)  # the skip verified on this process's first render

    # -- rendering --------------------------------------------------------------------------------

    def render(self, context: dict, jinja_env, report_time: Callable[[dict], dt.datetime]) -> bytes:
        jinja_env.autoescape = True
        xml = render_part(self.body_source, context, jinja_env)
        rendered = {"document": self._document_xml(self._body_bytes(xml))}
        for name, (source, encoding) in self.hf_sources.items():
            encoded = render_part(source, context, jinja_env).encode(encoding)
            rendered[name] = etree.tostring(etree.fromstring(encoded, _PART_PARSER), encoding="UTF-8",
                                            standalone=True)
        rendered["core"] = self._core(context, jinja_env, report_time(context))
        return _zip([m if isinstance(m, _Member) else _deflate(self.names[m], rendered[m]) for m in self.layout])

    def _body_bytes(self, xml: str) -> bytes:
        """The rendered body as lxml would write it after docxtpl's clean-up."""
        if self.cleanup or "\r" in xml:
            return _cleaned_up(xml)
        text = xml
        if "&#" in text:
            for reference, character in _CANONICAL:
                text = text.replace(reference, character)
        try:
            body = text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: not XML
            return _cleaned_up(xml)
        if len(body.translate(None, _CONTROL_BYTES)) != len(body) or b"\xef\xbf\xbe" in body or b"\xef\xbf\xbf" in body:
            return _cleaned_up(xml)  # characters XML cannot hold (never in text the reader gives)
        if not self._checked:  # once per process: the text is what parsing and writing it gives
            if body != etree.tostring(etree.fromstring(xml, etree.XMLParser(recover=True)), encoding="UTF-8"):
                self.cleanup = True
                return _cleaned_up(xml)
            self._checked = True
        return body

    def _document_xml(self, body: bytes) -> bytes:
        end = body.index(b">")
        root_ns = {tuple(pair) for pair in self.root_ns}
        start_tag = _NS_DECL.sub(lambda m: b"" if (m[1], m[2]) in root_ns else m[0], body[:end])
        return self.prefix + start_tag + body[end:] + self.suffix

    def _core(self, context: dict, jinja_env, when: dt.datetime) -> bytes:
        values: dict[str, str] = {}
        for name, initial in self.initial.items():
            plain = "{" not in initial and "\r" not in initial  # Jinja would give it back unchanged
            text = initial if plain else jinja_env.from_string(initial).render(context)
            values["init:" + name] = _property_text(text)  # checked even where overwritten, as python-docx does
        for key in CONTEXT_KEYS:
            values[key] = str(context[key])  # what set_properties' assignments and f-strings make of it
        for marked in _MARKED_TEXT.findall(self.core_xml):  # each property's whole text, as python-docx checks it
            _property_text(_MARK_STR.sub(lambda m: values[m.group(1)], _unescape_text(marked.decode("utf-8"))))
        escaped = {key.encode(): _escape_text(value) for key, value in values.items()}
        core = _MARK_RE.sub(lambda m: escaped[m.group(1)], self.core_xml)
        return core.replace(_MARK_TIME.strftime(_W3CDTF).encode(), when.strftime(_W3CDTF).encode())

    # -- the user cache ---------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        def member(m: _Member | str):
            if isinstance(m, str):
                return m
            return [m.name.decode("utf-8"), m.flags, m.crc, m.size, base64.b64encode(m.data).decode()]
        return json.dumps({
            "version": PREPARED_VERSION, "body_source": self.body_source, "hf_sources": self.hf_sources,
            "layout": [member(m) for m in self.layout], "names": self.names,
            "prefix": base64.b64encode(self.prefix).decode(), "suffix": base64.b64encode(self.suffix).decode(),
            "root_ns": [[k.decode(), v.decode()] for k, v in self.root_ns],
            "core_xml": base64.b64encode(self.core_xml).decode(), "initial": self.initial, "cleanup": self.cleanup,
        }, ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> Prepared:
        raw = json.loads(data)
        if raw.get("version") != PREPARED_VERSION:
            raise ValueError("prepared by another version")
        layout: list[_Member | str] = [
            m if isinstance(m, str) else _Member(m[0].encode("utf-8"), m[1], m[2], m[3], base64.b64decode(m[4]))
            for m in raw["layout"]]
        return cls(body_source=raw["body_source"],
                   hf_sources={k: (v[0], v[1]) for k, v in raw["hf_sources"].items()},
                   layout=layout, names=raw["names"], prefix=base64.b64decode(raw["prefix"]),
                   suffix=base64.b64decode(raw["suffix"]),
                   root_ns=[(k.encode(), v.encode()) for k, v in raw["root_ns"]],
                   core_xml=base64.b64decode(raw["core_xml"]), initial=raw["initial"], cleanup=raw["cleanup"])


def _cleaned_up(xml: str) -> bytes:
    """docxtpl's clean-up after rendering the body: tables whose cells outnumber their grid
    (``{%tc for %}`` loops) get columns, drawings get fresh ids, and the body is written by lxml."""
    from docxtpl import DocxTemplate  # only for templates that need it

    state = _CleanupState()
    tree = DocxTemplate.fix_tables(state, xml)  # uses nothing of the instance
    DocxTemplate.fix_docpr_ids(state, tree)  # only its id counter
    return etree.tostring(tree, encoding="UTF-8", xml_declaration=False)


class _CleanupState:
    """What docxtpl's clean-up methods use of a DocxTemplate: the id counter ``render_init`` resets."""

    def __init__(self):
        self.docx_ids_index = 1000


# --- preparing (docxtpl and python-docx) ----------------------------------------------------------

_JINJA_TAG = re.compile(r"\{[{%].*?[%}]\}", re.DOTALL)
_UNSAFE_WORDS = re.compile(r"\b(?:safe|autoescape|Markup)\b")


def needs_cleanup(body_source: str) -> bool:
    """Whether docxtpl's clean-up could change this template's rendered body (see the module text)."""
    if "<w:tbl" in body_source or "docPr" in body_source:
        return True  # tables of the template's own (loops may add cells), drawings (ids renumbered)
    if any(_UNSAFE_WORDS.search(tag) for tag in _JINJA_TAG.findall(body_source)):
        return True  # markup written by the template itself need not be what lxml writes
    without_tags = _JINJA_TAG.sub("", body_source)
    return re.search(r"<[^>]*[{}%][^>]*>", without_tags) is not None or re.search(
        r"<[^<>]*\{[{%]", body_source) is not None  # Jinja inside a tag: values in attributes


def prepare(template_bytes: bytes, set_properties: Callable) -> Prepared:
    """The template made ready to render (imports docxtpl and python-docx)."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.oxml import serialize_part_xml
    from docx.opc.packuri import PackURI
    from docx.opc.parts.coreprops import CorePropertiesPart
    from docxtpl import DocxTemplate

    writer = package_writer()

    tpl = DocxTemplate(io.BytesIO(template_bytes))
    tpl.init_docx()
    document = tpl.docx
    package = document.part.package
    parts = list(package.iter_parts())
    if any(p.content_type == _FOOTNOTES for p in parts):
        raise NotPreparable("footnotes")

    def member(partname: str) -> str:
        return PackURI(partname).membername

    # patched as docxtpl patches them, with render_xml_part's paragraph line breaks already in
    body_source = _PARAGRAPH.sub(r"\n<w:p\1", tpl.patch_xml(tpl.get_xml()))
    hf_sources: dict[str, tuple[str, str]] = {}
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _rel, part in tpl.get_headers_footers(uri):
            xml = tpl.get_part_xml(part)
            hf_sources[member(part.partname)] = (_PARAGRAPH.sub(r"\n<w:p\1", tpl.patch_xml(xml)),
                                                 tpl.get_headers_footers_encoding(xml))
    core = next((p for p in parts if p.content_type == CT.OPC_CORE_PROPERTIES), None)
    if core is None or not any(r.reltype == RT.CORE_PROPERTIES for r in package.rels.values()):
        raise NotPreparable("no core properties part")
    recorder = _Recorder()
    writer._write_content_types_stream(recorder, parts)
    writer._write_pkg_rels(recorder, package.rels)
    # python-docx types its writer's argument as its own zip writer; the recorder is a stand-in
    writer._write_parts(recorder, parts)
    dynamic = {member(document.part.partname): "document", member(core.partname): "core"}
    dynamic.update({name: name for name in hf_sources})
    layout: list[_Member | str] = [dynamic.get(name) or _deflate(name, blob) for name, blob in recorder.members]

    # document.xml around its body; checked here on the template's own body, parsed alone as
    # docxtpl parses a rendered one, against python-docx's serialization of the whole part
    root = document.element
    body = root.body
    placeholder = etree.Element(body.tag)
    placeholder.append(etree.Comment("body"))
    root.replace(body, placeholder)
    before, _, after = serialize_part_xml(root).partition(b"<!--body-->")
    root.replace(placeholder, body)
    prefix, suffix = before[:before.rindex(b"<")], after[after.index(b">") + 1:]
    root_ns = [((k or "").encode(), v.encode()) for k, v in root.nsmap.items()]
    alone = etree.fromstring(tpl.get_xml(), etree.XMLParser(recover=True))

    # core.xml with a mark for each value, set in the order the plain path sets them
    core_part = CorePropertiesPart.load(core.partname, core.content_type, core.blob, package)
    properties = core_part.core_properties
    initial = {name: getattr(properties, name) for name in _PROPERTIES}
    for name in _PROPERTIES:
        setattr(properties, name, _MARK.format("init:" + name))
    marked = {key: _MARK.format(key) for key in CONTEXT_KEYS}
    marked["date_iso"] = _MARK_TIME.isoformat()
    set_properties(_CoreHolder(properties), marked)
    core_xml = core_part.blob
    if core_xml.count(_MARK_TIME.strftime(_W3CDTF).encode()) != 3:
        raise NotPreparable("the report's date is not where it was expected in core.xml")

    prepared = Prepared(body_source=body_source, hf_sources=hf_sources, layout=layout,
                        names={key: name for name, key in dynamic.items()}, core_xml=core_xml, initial=initial,
                        cleanup=needs_cleanup(body_source), prefix=prefix, suffix=suffix, root_ns=root_ns)
    tpl.map_tree(alone)
    if prepared._document_xml(etree.tostring(alone, encoding="UTF-8")) != tpl.docx.part.blob:
        raise NotPreparable("document.xml is not the splice of its body")
    return prepared


def package_writer():
    """python-docx's PackageWriter, whose private methods write each part (tests put a changed one here)."""
    from docx.opc.pkgwriter import PackageWriter

    return PackageWriter


class _Recorder:
    """Stands in for python-docx's zip writer to learn the members, in order, with their bytes."""

    def __init__(self):
        self.members: list[tuple[str, bytes]] = []

    def write(self, pack_uri, blob) -> None:
        self.members.append((pack_uri.membername, blob))


class _CoreHolder:
    """What ``word._set_properties`` expects: ``holder.docx.core_properties``."""

    def __init__(self, properties):
        self.docx = self
        self.core_properties = properties
