"""A PDF with a text layer (as LibreOffice, Word or WPS export it) as paragraphs and table grids.

pdfplumber reads it: its tables come from the ruling lines, with each cell's true extent, so merged
label and header cells keep their spans (poppler's ``pdftotext -layout`` and pypdf give lines of
text in which a wrapped label and its figures can no longer be told apart; see the note of issue 10).
Text outside the tables becomes lines; a line that starts indented, follows a short line or
changes the type size starts a paragraph. Spaces are only those the PDF holds as characters:
the gaps a typesetter leaves around figures in Chinese text are not taken for spaces. Page
numbers (「— 2 —」, 「第 2 页」) are dropped. A PDF with no text at all is a scan: refused.
"""

from __future__ import annotations

import re
from pathlib import Path

from compiler.common.zip_limits import MAX_FILE_BYTES, human_size
from compiler.messages.findings import UnusableFile
from compiler.published.structure import Paragraph, PublishedReport, TableGrid

MAX_PAGES = 200  # an annual report runs to about ten pages
_PAGE_NUMBER = re.compile(r"^[\s—\-－–]*\d+[\s—\-－–]*$|^第\s*\d+\s*页(\s*[/，,]?\s*共\s*\d+\s*页)?$|^\d+\s*/\s*\d+$")
_CJK = "\u3000-\u9fff\uff00-\uffef"


def read_pdf(path: Path) -> PublishedReport:
    shown = str(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise UnusableFile("file_too_large", path=shown, size=human_size(size), limit=human_size(MAX_FILE_BYTES))
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    report = PublishedReport()
    any_text = False
    try:
        with pdfplumber.open(path) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise UnusableFile("file_unsafe", path=shown, detail=f"{len(pdf.pages)} 页，上限 {MAX_PAGES}")
            report.title_hint = str((pdf.metadata or {}).get("Title") or "")
            for page in pdf.pages:
                if page.chars:
                    any_text = True
                report.blocks += _page_blocks(page)
    except UnusableFile:
        raise
    except (PdfminerException, PDFSyntaxError, PDFEncryptionError, PDFPasswordIncorrect, ValueError,
            KeyError, TypeError, OSError) as exc:
        raise UnusableFile("file_corrupt_report", path=shown, detail=type(exc).__name__) from None
    if not any_text:
        raise UnusableFile("pdf_no_text", path=shown)
    return _paragraphs(report)


def _page_blocks(page) -> list:
    """The page's tables (with their positions) and its text lines outside them, top to bottom."""
    tables = page.find_tables()
    items: list[tuple[float, object]] = []
    boxes = [t.bbox for t in tables]
    for table in tables:
        items.append((table.bbox[1], _grid(table)))

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    text_page = page.filter(outside) if boxes else page
    for line in text_page.extract_text_lines(x_tolerance=10_000, keep_blank_chars=True, return_chars=True):
        text = line["text"].strip()
        if not text or _PAGE_NUMBER.match(text):
            continue
        size = max((c.get("size", 0) for c in line["chars"]), default=0)
        items.append((line["top"], _Line(text, line["x0"], line["x1"], size, page.width)))
    items.sort(key=lambda item: item[0])
    return [item for _, item in items]


class _Line:
    __slots__ = ("page_width", "size", "text", "x0", "x1")

    def __init__(self, text: str, x0: float, x1: float, size: float, page_width: float):
        self.text, self.x0, self.x1, self.size, self.page_width = text, x0, x1, size, page_width


def _grid(table) -> TableGrid:
    """The table's full grid from its cells' extents: a cell covering several columns or rows
    gives its text to each position it covers."""
    texts = table.extract(x_tolerance=10_000, keep_blank_chars=True)
    lefts = sorted({round(c[0], 1) for c in table.cells})
    tops = sorted({round(c[1], 1) for c in table.cells})
    width, height = len(lefts), len(tops)
    rows = [[""] * width for _ in range(height)]
    origins = [[True] * width for _ in range(height)]
    for x0, top, x1, bottom in table.cells:
        c, r = lefts.index(round(x0, 1)), tops.index(round(top, 1))
        cols = [i for i, x in enumerate(lefts) if round(x0, 1) <= x < round(x1, 1) - 0.5] or [c]
        spanned = [i for i, y in enumerate(tops) if round(top, 1) <= y < round(bottom, 1) - 0.5] or [r]
        text = texts[r][c] if r < len(texts) and c < len(texts[r]) and texts[r][c] is not None else ""
        text = _clean_cell(text)
        for rr in spanned:
            for cc in cols:
                rows[rr][cc] = text
                origins[rr][cc] = rr == r and cc == c
    return TableGrid(rows, origins)


def _clean_cell(text: str) -> str:
    """A cell's lines joined: a label wrapped in a narrow cell is one label again."""
    lines = [line.strip() for line in text.split("\n")]
    out = ""
    for line in lines:
        if out and not (re.search(f"[{_CJK}]$", out) or re.match(f"^[{_CJK}]", line)):
            out += " "
        out += line
    return out


def _paragraphs(report: PublishedReport) -> PublishedReport:
    """Lines joined into paragraphs (a Chinese line wraps without a space; Latin words keep one)."""
    blocks: list = []
    current: list[_Line] = []
    margin = min((b.x0 for b in report.blocks if isinstance(b, _Line)), default=0.0)
    right = max((b.x1 for b in report.blocks if isinstance(b, _Line)), default=0.0)

    def flush():
        if current:
            blocks.append(Paragraph(_join([line.text for line in current])))
            current.clear()

    for block in report.blocks:
        if isinstance(block, TableGrid):
            flush()
            blocks.append(block)
            continue
        starts = (
            not current
            or block.x0 > margin + 0.5 * max(block.size, 1)  # indented first line, centred or right-aligned
            or abs(block.size - current[-1].size) > 0.5  # another type size: a title or a heading
            or current[-1].x1 < right - 2 * max(block.size, 1)  # the line before ended short
            or current[-1].x0 > margin + 4 * max(block.size, 1)  # the line before was centred or right-aligned
        )
        if starts:
            flush()
        current.append(block)
    flush()
    return PublishedReport(blocks, report.title_hint)


def _join(lines: list[str]) -> str:
    out = ""
    for line in lines:
        if out and re.search(r"[A-Za-z0-9,.;:]$", out) and re.match(r"^[A-Za-z0-9]", line):
            out += " "
        out += line
    return out
