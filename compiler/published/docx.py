"""A published .docx (ours, or one typed in Word or WPS) as paragraphs and table grids.

The XML is read directly (lxml, entities and DTDs refused, the zip measured first), which takes a
few milliseconds where python-docx would take a tenth of a second. Heading levels come from the
paragraph's style (its id, its name in either language, or its outline level); everything else
about styling is ignored, since agencies style their reports every which way.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

from compiler.common.zip_limits import MAX_FILE_BYTES, human_size, zip_excess
from compiler.messages.findings import UnusableFile
from compiler.published.structure import Paragraph, PublishedReport, TableGrid

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)


def read_docx(path: Path) -> PublishedReport:
    shown = str(path)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise UnusableFile("file_too_large", path=shown, size=human_size(path.stat().st_size),
                           limit=human_size(MAX_FILE_BYTES))
    try:
        with zipfile.ZipFile(path) as zf:
            excess = zip_excess(zf.infolist())
            if excess:
                raise UnusableFile("file_unsafe", path=shown, detail=excess[0])
            names = set(zf.namelist())
            if "word/document.xml" not in names:
                raise UnusableFile("file_not_report", path=shown)
            body = _xml(zf.read("word/document.xml"), shown)
            styles = _styles(_xml(zf.read("word/styles.xml"), shown)) if "word/styles.xml" in names else {}
            core = _xml(zf.read("docProps/core.xml"), shown) if "docProps/core.xml" in names else None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise UnusableFile("file_corrupt_report", path=shown, detail=type(exc).__name__) from None
    report = PublishedReport(title_hint=_core_title(core))
    root = body.find(f"{W}body")
    if root is not None:
        _walk(root, styles, report.blocks)
    return report


def _xml(data: bytes, shown: str):
    if _DTD.search(data):
        raise UnusableFile("file_unsafe", path=shown, detail="XML 含实体定义")
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise UnusableFile("file_corrupt_report", path=shown, detail=type(exc).__name__) from None


def _core_title(core) -> str:
    if core is None:
        return ""
    title = core.find("{http://purl.org/dc/elements/1.1/}title")
    return (title.text or "").strip() if title is not None else ""


def _styles(root) -> dict[str, str]:
    """Paragraph style id → what it marks: heading1…heading9, title, signature (or nothing)."""
    raw: dict[str, tuple[str, str, str]] = {}
    for style in root.iter(f"{W}style"):
        sid = style.get(f"{W}styleId") or ""
        name_el = style.find(f"{W}name")
        name = (name_el.get(f"{W}val") if name_el is not None else "") or ""
        outline = style.find(f"{W}pPr/{W}outlineLvl")
        based = style.find(f"{W}basedOn")
        level = outline.get(f"{W}val") if outline is not None else ""
        raw[sid] = (name, level, based.get(f"{W}val") if based is not None else "")
    out = {}
    for sid in raw:
        out[sid] = _style_kind(sid, raw)
    return out


def _style_kind(sid: str, raw: dict, depth: int = 0) -> str:
    name, level, based = raw.get(sid, ("", "", ""))
    for candidate in (name, sid):
        match = _HEADING_NAME.match(candidate.strip())
        if match:
            return f"heading{match.group(1)}"
        if candidate.strip().lower() in ("title", "标题"):
            return "title"
        if candidate.strip().lower() in ("signature", "签名", "closing", "结束语"):
            return "signature"
    if level.isdigit() and int(level) < 9:
        return f"heading{int(level) + 1}"
    if based and depth < 10:
        return _style_kind(based, raw, depth + 1)
    return ""


def _walk(parent, styles: dict[str, str], blocks: list) -> None:
    for child in parent:
        tag = child.tag
        if tag == f"{W}p":
            blocks.append(Paragraph(_paragraph_text(child), _paragraph_style(child, styles)))
        elif tag == f"{W}tbl":
            blocks.append(_table(child))
        elif tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}ins", f"{W}smartTag"):
            _walk(child, styles, blocks)


def _paragraph_style(p, styles: dict[str, str]) -> str:
    ppr = p.find(f"{W}pPr")
    if ppr is None:
        return ""
    outline = ppr.find(f"{W}outlineLvl")
    if outline is not None and (outline.get(f"{W}val") or "").isdigit() and int(outline.get(f"{W}val")) < 9:
        return f"heading{int(outline.get(f'{W}val')) + 1}"
    style = ppr.find(f"{W}pStyle")
    return styles.get(style.get(f"{W}val"), "") if style is not None else ""


def _paragraph_text(p) -> str:
    """The text a reader sees: runs and inserted text, line breaks as \\n; deleted text, field
    codes and the contents of text boxes left out."""
    parts: list[str] = []
    for el in p.iter():
        tag = el.tag
        if tag == f"{W}t":
            if _inside(el, p, (f"{W}del", f"{W}txbxContent")):
                continue
            parts.append(el.text or "")
        elif tag in (f"{W}br", f"{W}cr"):
            if el.get(f"{W}type") in (None, "textWrapping") and not _inside(el, p, (f"{W}del",)):
                parts.append("\n")
        elif tag == f"{W}tab" and el.getparent() is not None and el.getparent().tag == f"{W}r":
            parts.append("\t")
    return "".join(parts)


def _inside(el, stop, tags: tuple[str, ...]) -> bool:
    node = el.getparent()
    while node is not None and node is not stop:
        if node.tag in tags:
            return True
        node = node.getparent()
    return False


def _table(tbl) -> TableGrid:
    """The table's full grid: gridSpan widens a cell, vMerge continues the cell above, gridBefore
    and gridAfter leave positions empty."""
    rows: list[list[str]] = []
    origins: list[list[bool]] = []
    for tr in tbl.iterchildren(f"{W}tr"):
        row: list[str] = []
        origin: list[bool] = []
        before = tr.find(f"{W}trPr/{W}gridBefore")
        skip = _int(before.get(f"{W}val")) if before is not None else 0
        row += [""] * skip
        origin += [True] * skip
        for tc in _cells(tr):
            span_el = tc.find(f"{W}tcPr/{W}gridSpan")
            span = max(1, min(_int(span_el.get(f"{W}val")) if span_el is not None else 1, 100))
            vmerge = tc.find(f"{W}tcPr/{W}vMerge")
            continues = vmerge is not None and (vmerge.get(f"{W}val") or "continue") == "continue"
            col = len(row)
            if continues and rows and col < len(rows[-1]):
                text = rows[-1][col]
            else:
                text = "\n".join(_paragraph_text(p) for p in tc.iter(f"{W}p") if _own_paragraph(p, tc))
                continues = False
            row += [text] * span
            origin += [not continues] + [False] * (span - 1)
        rows.append(row)
        origins.append(origin)
    return TableGrid(rows, origins).padded()


def _cells(tr):
    for child in tr:
        if child.tag == f"{W}tc":
            yield child
        elif child.tag in (f"{W}sdt", f"{W}customXml"):
            yield from child.iter(f"{W}tc")


def _own_paragraph(p, tc) -> bool:
    """A paragraph of this cell, not of a table nested inside it."""
    node = p.getparent()
    while node is not None and node is not tc:
        if node.tag == f"{W}tc":
            return False
        node = node.getparent()
    return True


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 1
