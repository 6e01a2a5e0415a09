"""A Word template prepared once per process and reused for every report of its format.

``DocxTemplate(...).render(); save()`` re-opens the whole package for every document: python-docx
parses every part (styles.xml alone is 350 KB), docxtpl re-serializes and re-patches the body
before Jinja sees it, and saving deflates ~800 KB of unchanged parts — twice, counting the
deterministic re-zip. Here that work is done once:

* the template is opened once; the patched Jinja sources of the body, headers and footers are kept
  (and compiled once by ``docx_render``'s caching environment);
* every unchanged part is serialized and deflated once; only the parts a render changes
  (document, headers, footers, core properties) are deflated per report;
* the zip is assembled directly with the fixed timestamps and attributes of
  ``docx_output.deterministic_zip``.

Each render goes through the same docxtpl steps (``patch_xml``, ``render_xml_part``,
``fix_tables``, ``fix_docpr_ids``) on the same inputs, and the result is byte-identical to the
plain docxtpl path (tests compare them). Templates this shortcut does not cover (footnotes,
pictures to replace) are refused with ``NotPreparable`` so the caller uses the plain path.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from dataclasses import dataclass

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import parse_xml, serialize_part_xml
from docx.opc.packuri import PackURI
from docx.opc.parts.coreprops import CorePropertiesPart
from docx.opc.pkgwriter import PackageWriter
from docxtpl import DocxTemplate
from lxml import etree

from compiler.common.zips import FIXED_ZIP_TIME

_DOS_TIME = (FIXED_ZIP_TIME[3] << 11) | (FIXED_ZIP_TIME[4] << 5) | (FIXED_ZIP_TIME[5] // 2)
_DOS_DATE = ((FIXED_ZIP_TIME[0] - 1980) << 9) | (FIXED_ZIP_TIME[1] << 5) | FIXED_ZIP_TIME[2]
_EXTERNAL_ATTR = 0o644 << 16
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")  # as docxtpl renders them


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


def _member(partname: str) -> str:
    """The zip member name of a part (python-docx types part names as str; they are PackURIs)."""
    return PackURI(partname).membername


class _Recorder:
    """Stands in for python-docx's zip writer to learn the members, in order, with their bytes."""

    def __init__(self):
        self.members: list[tuple[str, bytes]] = []

    def write(self, pack_uri, blob) -> None:
        self.members.append((pack_uri.membername, blob))


class PreparedTemplate:
    def __init__(self, template_bytes: bytes):
        self.tpl = tpl = DocxTemplate(io.BytesIO(template_bytes))
        tpl.init_docx()
        document = tpl.docx
        package = document.part.package
        parts = list(package.iter_parts())
        if any(p.content_type == _FOOTNOTES for p in parts):
            raise NotPreparable("footnotes")
        # patched as docxtpl patches them, with render_xml_part's paragraph line breaks already in
        self.body_source = _PARAGRAPH.sub(r"\n<w:p\1", tpl.patch_xml(tpl.get_xml()))
        self.hf_sources: dict[str, tuple[str, str]] = {}  # partname → (patched source, encoding)
        for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
            for _rel, part in tpl.get_headers_footers(uri):
                xml = tpl.get_part_xml(part)
                self.hf_sources[part.partname] = (_PARAGRAPH.sub(r"\n<w:p\1", tpl.patch_xml(xml)),
                                                  tpl.get_headers_footers_encoding(xml))
        core = next((p for p in parts if p.content_type == CT.OPC_CORE_PROPERTIES), None)
        if core is None or not any(r.reltype == RT.CORE_PROPERTIES for r in package.rels.values()):
            raise NotPreparable("no core properties part")
        self.core = (core.partname, core.content_type, core.blob, package)
        self.initial_properties = {name: getattr(core.core_properties, name) for name in _PROPERTIES}
        recorder = _Recorder()
        PackageWriter._write_content_types_stream(recorder, parts)
        PackageWriter._write_pkg_rels(recorder, package.rels)
        # python-docx types its writer's argument as its own zip writer; the recorder is a stand-in
        PackageWriter._write_parts(recorder, parts)  # type: ignore[arg-type]
        dynamic = {_member(document.part.partname): "document", _member(core.partname): "core"}
        dynamic.update({_member(name): name for name in self.hf_sources})
        self.layout: list[_Member | str] = []  # a static _Member, or the key of a part rendered per report
        for name, blob in recorder.members:
            self.layout.append(dynamic.get(name) or _deflate(name, blob))
        self._names = {key: name for name, key in dynamic.items()}
        # document.xml around its body, so a rendered body is serialized alone and spliced in
        # (moving a large tree into the python-docx document costs more than the render itself)
        root = document.element
        body = root.body
        placeholder = etree.Element(body.tag)
        placeholder.append(etree.Comment("body"))
        root.replace(body, placeholder)
        before, _, after = serialize_part_xml(root).partition(b"<!--body-->")
        root.replace(placeholder, body)
        self._prefix, self._suffix = before[:before.rindex(b"<")], after[after.index(b">") + 1:]
        self._root_ns = {((k or "").encode(), v.encode()) for k, v in root.nsmap.items()}
        self._splice = None  # verified against python-docx's own serialization on the first render

    def render(self, context: dict, jinja_env, set_properties) -> bytes:
        tpl = self.tpl
        tpl.render_init()
        jinja_env.autoescape = True
        xml = self._render_part(self.body_source, context, jinja_env)
        tree = tpl.fix_tables(xml)
        tpl.fix_docpr_ids(tree)
        rendered = {"document": self._document_xml(tree)}
        for partname, (source, encoding) in self.hf_sources.items():
            encoded = self._render_part(source, context, jinja_env).encode(encoding)
            # python-docx annotates parse_xml(str); it hands the text to lxml, which takes (and here needs) bytes
            rendered[partname] = serialize_part_xml(parse_xml(encoded))  # type: ignore[arg-type]
        core = CorePropertiesPart.load(*self.core)
        properties = core.core_properties
        for name, initial in self.initial_properties.items():
            setattr(properties, name, jinja_env.from_string(initial).render(context))
        set_properties(_CoreHolder(properties), context)
        rendered["core"] = core.blob
        members = [m if isinstance(m, _Member) else _deflate(self._names[m], rendered[m]) for m in self.layout]
        return _zip(members)


    def _render_part(self, source: str, context: dict, jinja_env) -> str:
        """docxtpl's ``render_xml_part``, minus its listing pass when there is nothing to resolve.

        ``resolve_listing`` only rewrites tab, newline, bell and form-feed characters inside text
        runs; on output without any of them it returns its input, so skipping it changes nothing.
        """
        xml = jinja_env.from_string(source).render(context)
        xml = _PARAGRAPH_BACK.sub(r"<w:p\1", xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        if any(ch in xml for ch in "\t\a\n\f"):
            xml = self.tpl.resolve_listing(xml)
        return xml

    def _document_xml(self, body) -> bytes:
        if self._splice is False:
            self.tpl.map_tree(body)
            return self.tpl.docx.part.blob
        text = etree.tostring(body, encoding="UTF-8", xml_declaration=False)
        end = text.index(b">")
        start_tag = _NS_DECL.sub(lambda m: b"" if (m[1], m[2]) in self._root_ns else m[0], text[:end])
        spliced = self._prefix + start_tag + text[end:] + self._suffix
        if self._splice is None:
            self.tpl.map_tree(body)
            self._splice = spliced == self.tpl.docx.part.blob
            if not self._splice:
                return self.tpl.docx.part.blob
        return spliced


_PARAGRAPH = re.compile(r"<w:p([ >])")
_PARAGRAPH_BACK = re.compile(r"\n<w:p([ >])")
_NS_DECL = re.compile(rb' xmlns:?([A-Za-z0-9_.-]*)="([^"]*)"')


class _CoreHolder:
    """What ``docx_render._set_properties`` expects: ``holder.docx.core_properties``."""

    def __init__(self, properties):
        self.docx = self
        self.core_properties = properties
