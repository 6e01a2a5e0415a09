"""A report as a government portal publishes it: the page as paragraphs and table grids.

Portal pages wrap the report in navigation, headers, footers and scripts, write paragraphs as
<p>, as <div>s or as text broken by <br>, put figures in <span>s and spaces as &nbsp;. The page is
parsed with lxml's HTML parser (no network, no entities), the page furniture (nav, header, footer,
script, style, form …) is dropped, and what is left is flattened in reading order. Finding the
report inside what remains is the importer's job (by its title and headings).
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree, html

from compiler.common.zip_limits import MAX_FILE_BYTES, human_size
from compiler.messages.findings import UnusableFile
from compiler.published.structure import (
    Paragraph,
    PublishedReport,
    TableGrid,
    expand_spans,
)

SKIPPED = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "select", "button",
           "template", "iframe", "svg", "canvas", "object", "embed", "head", "menu"}
BLOCKS = {"p", "div", "section", "article", "main", "body", "li", "ul", "ol", "dl", "dt", "dd", "blockquote",
          "h1", "h2", "h3", "h4", "h5", "h6", "center", "pre", "address", "figure", "figcaption", "hr", "tr",
          "td", "th", "caption", "font"}
HEADING_STYLE = {"h1": "title", "h2": "heading1", "h3": "heading2", "h4": "heading3", "h5": "heading4",
                 "h6": "heading4"}
_SPACE = re.compile(r"[ \t\r\n\f\u00a0\u3000]+")
_CJK = "\u3000-\u9fff\uff00-\uffef"
_CJK_GAP = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")


def read_html(path: Path) -> PublishedReport:
    shown = str(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise UnusableFile("file_too_large", path=shown, size=human_size(size), limit=human_size(MAX_FILE_BYTES))
    data = path.read_bytes()
    parser = html.HTMLParser(encoding=_encoding(data), remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise UnusableFile("file_corrupt_report", path=shown, detail=type(exc).__name__) from None
    title_el = root.find(".//title")
    report = PublishedReport(title_hint=_text_of(title_el) if title_el is not None else "")
    body = root.find("body")
    _Flattener(report.blocks).walk(body if body is not None else root)
    return report


def _encoding(data: bytes) -> str:
    """UTF-8 unless the page says otherwise (many portals still serve GB2312/GBK pages)."""
    head = data[:4096].lower()
    match = re.search(rb"charset\s*=\s*[\"']?([a-z0-9_\-]+)", head)
    declared = match.group(1).decode("ascii") if match else "utf-8"
    if declared in ("gb2312", "gbk", "gb18030"):
        return "gb18030"
    try:
        data.decode(declared)
        return declared
    except (LookupError, UnicodeDecodeError):
        try:
            data.decode("utf-8")
            return "utf-8"
        except UnicodeDecodeError:
            return "gb18030"


def _text_of(el) -> str:
    return _clean("".join(str(t) for t in el.itertext()))


def _clean(text: str) -> str:
    """Whitespace as a browser shows it: runs collapsed to one space, none between Chinese
    characters (a line break in the page's source is no space in the text)."""
    return _CJK_GAP.sub("", _SPACE.sub(" ", text)).strip()


class _Flattener:
    """Walks the page in reading order, closing a paragraph at every block element and <br>."""

    def __init__(self, blocks: list):
        self.blocks = blocks
        self.parts: list[str] = []
        self.style = ""

    def flush(self) -> None:
        text = _clean("".join(self.parts))
        if text:
            self.blocks.append(Paragraph(text, self.style))
        self.parts, self.style = [], ""

    def walk(self, el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.lower()
        if tag in SKIPPED or not tag:
            self._tail(el)
            return
        if tag == "table" and not _layout_table(el):
            self.flush()
            self.blocks.append(_table(el))
            self._tail(el)
            return
        if tag == "br":
            self.flush()
            self._tail(el)
            return
        block = tag in BLOCKS
        if block:
            self.flush()
            self.style = HEADING_STYLE.get(tag, "")
            if "signature" in (el.get("class") or ""):
                self.style = "signature"
        if el.text:
            self.parts.append(el.text)
        for child in el:
            self.walk(child)
        if block:
            self.flush()
        self._tail(el)

    def _tail(self, el) -> None:
        if el.tail:
            self.parts.append(el.tail)


def _layout_table(table) -> bool:
    """A table used to lay out the page (older portals put the whole article in one): it holds
    another table, or is a single cell. Its contents are read as the page's own paragraphs."""
    if any(el is not table for el in table.iter("table")):
        return True
    cells = [el for el in table.iter("td", "th")]
    return len(cells) <= 1


def _table(table) -> TableGrid:
    """The table's grid with rowspan/colspan expanded (nested tables read as text of their cell)."""
    rows: list[list[tuple[str, int, int]]] = []
    caption = ""
    for el in table.iter():
        if el is not table and el.tag == "table":
            continue
        if el.tag == "caption" and _owner(el) is table:
            caption = _text_of(el)
        if el.tag == "tr" and _owner(el) is table:
            row = []
            for cell in el:
                if not isinstance(cell.tag, str) or cell.tag.lower() not in ("td", "th"):
                    continue
                row.append((_cell_text(cell), _span(cell.get("rowspan")), _span(cell.get("colspan"))))
            rows.append(row)
    grid = expand_spans(rows).padded()
    grid.caption = caption
    return grid


def _owner(el):
    node = el.getparent()
    while node is not None and node.tag != "table":
        node = node.getparent()
    return node


def _cell_text(cell) -> str:
    """A cell's text with <br> and paragraphs as line breaks."""
    parts: list[str] = []

    def walk(el):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in SKIPPED:
            if el.tail:
                parts.append(el.tail)
            return
        if tag in ("br", "p", "div") and parts:
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
        if el.tail and el is not cell:
            parts.append(el.tail)

    walk(cell)
    lines = [_clean(line) for line in "".join(parts).split("\n")]
    return "\n".join(line for line in lines if line)


def _span(value) -> int:
    try:
        return max(1, int(str(value).strip()))
    except (TypeError, ValueError):
        return 1
