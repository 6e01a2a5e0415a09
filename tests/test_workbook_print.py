"""The blank workbook as a clerk prints it: LibreOffice's PDF of each blank workbook has at most one
page per sheet (依申请公开 two), every label printed whole, and no text printed over other text."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter

import pytest
from helpers import SAMPLES, libreoffice_pdfs, pdf_pages
from lxml import etree

from compiler.formats.definition import get_format
from compiler.formats.grid import table_grid
from compiler.workbook.layout import GUIDE_SHEET, META_SHEET
from compiler.workbook.writer import save_workbook

pytestmark = pytest.mark.skipif((shutil.which("soffice") or shutil.which("libreoffice")) is None
                                or shutil.which("pdftotext") is None,
                                reason="LibreOffice or poppler is not installed")

FORMATS = {"2019": 2020, "2021": 2025}
LONG_SHEET = "依申请公开"


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """format → (sheet name of each page, -raw text of each page, word boxes of each page)."""
    tmp = tmp_path_factory.mktemp("print")
    books = {}
    for format_id, year in FORMATS.items():
        books[format_id] = tmp / f"blank-{format_id}.xlsx"
        save_workbook(get_format(format_id), year, books[format_id])
    pdfs = libreoffice_pdfs(list(books.values()), tmp / "pdf")
    out = {}
    for format_id, book in books.items():
        pdf = pdfs[book]
        raw = pdf_pages(pdf, "-raw")
        sheets = []
        for page in raw:
            footer = re.search(r"(\S+)\s*第\s*\d+\s*页", page)
            sheets.append(footer.group(1) if footer else "")
        out[format_id] = (sheets, raw, word_boxes(pdf))
    return out


def word_boxes(pdf) -> list[list[tuple[str, float, float, float, float]]]:
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True).stdout
    doc = etree.fromstring(html, etree.HTMLParser(encoding="utf-8"))
    pages = []
    for page in doc.iter("page"):
        pages.append([(w.text or "", *(float(w.get(k)) for k in ("xmin", "ymin", "xmax", "ymax")))
                      for w in page.iter("word")])
    return pages


@pytest.mark.parametrize("format_id", sorted(FORMATS))
def test_each_sheet_prints_on_one_page_and_the_applications_sheet_on_two(printed, format_id):
    sheets, _, _ = printed[format_id]
    counts = Counter(sheets)
    fmt = get_format(format_id)
    expected = [GUIDE_SHEET, META_SHEET, *(s.sheet for s in fmt.sections)]
    assert [s for s in dict.fromkeys(sheets)] == expected  # every sheet, in order, each page footed
    for sheet, pages in counts.items():
        assert pages <= (2 if sheet == LONG_SHEET else 1), (sheet, pages)


@pytest.mark.parametrize("format_id", sorted(FORMATS))
def test_every_table_label_prints_whole(printed, format_id):
    sheets, raw, _ = printed[format_id]
    fmt = get_format(format_id)
    for section in fmt.table_sections():
        text = squeeze("".join(page for sheet, page in zip(sheets, raw, strict=True) if sheet == section.sheet))
        labels = {c.text for c in table_grid(fmt.tables[section.table]).cells if c.text}
        missing = sorted(label for label in labels if squeeze(label) not in text)
        assert not missing, (section.sheet, missing)


@pytest.mark.parametrize("format_id", sorted(FORMATS))
def test_no_printed_text_overlaps_other_text(printed, format_id):
    sheets, _, boxes = printed[format_id]
    for sheet, words in zip(sheets, boxes, strict=True):
        for i, (text, x0, y0, x1, y1) in enumerate(words):
            for other, a0, b0, a1, b1 in words[i + 1:]:
                width = min(x1, a1) - max(x0, a0)
                height = min(y1, b1) - max(y0, b0)
                smaller = min((x1 - x0) * (y1 - y0), (a1 - a0) * (b1 - b0))
                assert width <= 0 or height <= 0 or width * height < 0.2 * smaller, (sheet, text, other)


def test_the_committed_blank_workbooks_are_the_ones_printed_here(tmp_path):
    for format_id, year in FORMATS.items():
        fresh = tmp_path / f"{format_id}.xlsx"
        save_workbook(get_format(format_id), year, fresh)
        assert fresh.read_bytes() == (SAMPLES / f"blank-{format_id}.xlsx").read_bytes()
