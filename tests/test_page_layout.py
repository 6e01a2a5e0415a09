"""The report's pages as a reviewer sees them: title lines broken at word boundaries, the signature
never alone on the last page, and no table row label cut by a page break or inside a word.

The .docx checks run everywhere; the page checks read LibreOffice's PDF (one LibreOffice run for all
documents of this module) with pdftotext."""

from __future__ import annotations

import re
import shutil
import zipfile

import pytest
from click.testing import CliRunner
from helpers import (
    SAMPLE_2021,
    SEED_WORKBOOK,
    W,
    body_xml,
    libreoffice_pdfs,
    paragraphs,
    pdf_pages,
    valid_document,
    write_workbook,
)
from lxml import etree
from openpyxl import load_workbook

from compiler.cli import cli
from compiler.document.blank import with_values
from compiler.formats.definition import get_format
from compiler.formats.grid import table_grid
from compiler.pipeline import compile_workbook
from compiler.render.line_breaks import TITLE_LINE, text_width, title_lines, tokens
from compiler.workbook.layout import narrative_first_row

needs_soffice = pytest.mark.skipif((shutil.which("soffice") or shutil.which("libreoffice")) is None
                                   or shutil.which("pdftotext") is None,
                                   reason="LibreOffice or poppler is not installed")

SHORT_ORG = "临江区档案局"
MEDIUM_ORG = "临江区市场监督管理局"
LONG_ORG = "中共临江市临江区委员会临江区人民政府临江区市场监督管理局综合行政执法大队第一中队"  # 40 characters
FILLER = "本机关认真做好政府信息公开工作。"


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def boundaries(pieces) -> set[int]:
    out, at = set(), 0
    for piece in pieces:
        at += len(piece)
        out.add(at)
    return out


# --------------------------------------------------------------------------- title


def test_the_long_name_is_forty_characters():
    assert len(LONG_ORG) == 40


@pytest.mark.parametrize("org,expected", [
    ("市档案局", ["市档案局2024年政府信息公开工作年度报告"]),
    (SHORT_ORG, ["临江区档案局2024年", "政府信息公开工作年度报告"]),
    (MEDIUM_ORG, ["临江区市场监督管理局2024年", "政府信息公开工作年度报告"]),
    ("临江区人民政府办公室", ["临江区人民政府办公室2024年", "政府信息公开工作年度报告"]),
])
def test_title_breaks_after_the_name_or_the_year(org, expected):
    assert title_lines(org, 2024) == expected


@pytest.mark.parametrize("org", [SHORT_ORG, MEDIUM_ORG, LONG_ORG, "临江区发展和改革委员会",
                                 "内蒙古自治区呼和浩特市赛罕区人民政府"])
def test_title_lines_fit_and_end_only_between_words(org):
    lines = title_lines(org, 2024)
    title = f"{org}2024年政府信息公开工作年度报告"
    assert "".join(lines) == title
    assert all(text_width(line) <= TITLE_LINE for line in lines)
    allowed = boundaries([*tokens(org), "2024年", "政府信息公开", "工作年度报告"])
    assert boundaries(lines) <= allowed, lines
    widths = [text_width(line) for line in lines]
    assert not any(widths[k] < widths[k - 1] and widths[k] < widths[k + 1] for k in range(1, len(widths) - 1))


def test_forty_character_name_takes_three_lines_broken_between_its_units():
    lines = title_lines(LONG_ORG, 2024)
    assert len(lines) == 3
    assert lines[-1].endswith("工作年度报告")
    assert "临江区委员会"[:-1] not in "".join(lines[0][-1:] + lines[1][:1])  # no cut inside 委员会


def broken_lines(element) -> list[str]:
    """The text of a paragraph or cell, split at its explicit line breaks."""
    lines, current = [], ""
    for node in element.iter(f"{W}t", f"{W}br"):
        if node.tag == f"{W}br":
            lines.append(current)
            current = ""
        else:
            current += node.text or ""
    return [*lines, current]


def title_paragraph_lines(docx) -> list[str]:
    title = body_xml(docx).find(f"{W}body/{W}p")
    assert title.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "Title"
    return broken_lines(title)


def test_the_docx_title_carries_explicit_breaks(tmp_path):
    doc = valid_document(org=LONG_ORG)
    out = tmp_path / "long.docx"
    assert compile_workbook(write_workbook(tmp_path / "long.xlsx", doc), output=out).ok
    assert title_paragraph_lines(out) == title_lines(LONG_ORG, 2024)


# --------------------------------------------------------------------------- signature


def style_keeps_with_next(docx, style_id: str) -> bool:
    with zipfile.ZipFile(docx) as zf:
        styles = etree.fromstring(zf.read("word/styles.xml"))
    style = styles.find(f"{W}style[@{W}styleId='{style_id}']")
    return style is not None and style.find(f"{W}pPr/{W}keepNext") is not None


def test_the_last_paragraph_keeps_with_the_signature(tmp_path):
    out = tmp_path / "r.docx"
    assert compile_workbook(SAMPLE_2021, output=out).ok
    styled = paragraphs(out)
    closing = [i for i, (style, _) in enumerate(styled) if style == "ClosingText"]
    assert len(closing) == 1
    assert styled[closing[0]][1] == "本年度共发出收费通知1件，实际收取信息处理费200.00元。"
    assert [s for s, _ in styled[closing[0] + 1:]] == ["SignatureSpace", "Signature", "Signature"]
    for style in ("ClosingText", "SignatureSpace", "Signature"):
        assert style_keeps_with_next(out, style)


# --------------------------------------------------------------------------- table labels


def docx_cell_lines(docx) -> list[tuple[str, list[str], int]]:
    """(text, lines, width in twips) of every non-empty table cell."""
    out = []
    for tc in body_xml(docx).iter(f"{W}tc"):
        lines = broken_lines(tc)
        text = "".join(lines)
        if text:
            out.append((text, lines, int(tc.find(f"{W}tcPr/{W}tcW").get(f"{W}w"))))
    return out


@pytest.mark.parametrize("workbook", [SAMPLE_2021, SEED_WORKBOOK], ids=["2021", "2019"])
def test_label_cells_break_only_between_words_and_fit_their_column(tmp_path, workbook):
    from compiler.render.word_tables import _chars

    out = tmp_path / "r.docx"
    assert compile_workbook(workbook, output=out).ok
    wrapped = 0
    for text, lines, width in docx_cell_lines(out):
        if re.fullmatch(r"[\d.]+", text):
            assert len(lines) == 1
            continue
        assert boundaries(lines) <= boundaries(tokens(text)), lines
        assert all(text_width(line) <= _chars(width) for line in lines), (lines, width)
        wrapped += len(lines) > 1
    assert wrapped >= 10


def test_the_group_labels_get_whole_words_on_their_lines(tmp_path):
    out = tmp_path / "r.docx"
    assert compile_workbook(SAMPLE_2021, output=out).ok
    cells = {text: lines for text, lines, _ in docx_cell_lines(out)}
    assert cells["（四）无法提供"] == ["（四）", "无法", "提供"]
    assert cells["三、本年度办理结果"] == ["三、", "本年度", "办理", "结果"]
    assert cells["社会公益组织"] == ["社会", "公益", "组织"]


def test_rows_under_a_spanning_label_keep_with_the_next_row(tmp_path):
    out = tmp_path / "r.docx"
    assert compile_workbook(SAMPLE_2021, output=out).ok
    table = body_xml(out).findall(f".//{W}tbl")[1]
    rows = table.findall(f"{W}tr")
    kept = [all(p.find(f"{W}pPr/{W}keepNext") is not None for p in tr.iter(f"{W}p")) for tr in rows]
    assert all(kept[:-1]) and not kept[-1]  # table 三 fits on one page: kept whole


# --------------------------------------------------------------------------- the printed pages


def rollup_workbook(tmp_path):
    """A roll-up of three agencies with four- and five-digit sums, narrative filled in by the coordinator."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i, org in enumerate(("临江区财政局", "临江区教育局", "临江区公安局")):
        doc = valid_document(org=org)
        doc = with_values(doc, "requests", {"new": {"natural": 4000 + i, "commercial": 300},
                                            "disclosed": {"natural": 3000 + i, "commercial": 300},
                                            "unavailable_not_held": {"natural": 1000}})
        doc = with_values(doc, "active", {"art20_5": {"licensing": {"decisions": 12000 + i}}})
        write_workbook(inbox / f"{i}.xlsx", doc)
    rolled = tmp_path / "汇总.xlsx"
    result = CliRunner().invoke(cli, ["rollup", str(inbox), "-o", str(rolled), "--org", "临江区人民政府"],
                                env={"LANG": "zh_CN.UTF-8"})
    assert result.exit_code == 0, result.output
    wb = load_workbook(rolled)
    fmt = get_format("2021")
    for section in fmt.sections:
        if section.kind != "table":
            ws = wb[section.sheet]
            row = narrative_first_row(section)
            for r in range(row, row + 5):
                ws.cell(row=r, column=1).value = ws.cell(row=r, column=2).value = None
            ws.cell(row=row, column=1, value="正文")
            ws.cell(row=row, column=2, value=FILLER * 3)
    wb.save(rolled)
    return rolled


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """name → (docx, PDF pages as -layout text, PDF pages as -raw text)."""
    if (shutil.which("soffice") or shutil.which("libreoffice")) is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice or poppler is not installed")
    tmp = tmp_path_factory.mktemp("pages")
    docs = {"sample-2021": SAMPLE_2021, "seed-2019": SEED_WORKBOOK, "rollup": rollup_workbook(tmp)}
    for name, org in (("short", SHORT_ORG), ("medium", MEDIUM_ORG), ("long", LONG_ORG)):
        docs[name] = write_workbook(tmp / f"{name}.xlsx", valid_document(org=org))
    for k in (20, 21, 22):  # the last paragraph ends near the foot of page 3
        doc = valid_document()
        doc["sections"]["other"] = [{"kind": "paragraph", "text": FILLER * k}]
        docs[f"ending-{k}"] = write_workbook(tmp / f"ending-{k}.xlsx", doc)
    made = {}
    for name, workbook in docs.items():
        result = compile_workbook(workbook, output=tmp / f"{name}.docx")
        assert result.ok, [f.message() for f in result.findings]
        made[name] = tmp / f"{name}.docx"
    pdfs = libreoffice_pdfs(list(made.values()), tmp / "pdf")
    return {name: (docx, pdf_pages(pdfs[docx]), pdf_pages(pdfs[docx], "-raw")) for name, docx in made.items()}


@needs_soffice
@pytest.mark.parametrize("name,org", [("short", SHORT_ORG), ("medium", MEDIUM_ORG), ("long", LONG_ORG)])
def test_printed_title_lines_end_at_the_chosen_boundaries(printed, name, org):
    _, layout, _ = printed[name]
    lines = [squeeze(line) for line in layout[0].splitlines() if line.strip()]
    expected = title_lines(org, 2024)
    assert lines[:len(expected)] == expected
    assert lines[len(expected)] == "一、总体情况"


@needs_soffice
@pytest.mark.parametrize("name", ["sample-2021", "seed-2019", "rollup", "ending-20", "ending-21", "ending-22"])
def test_the_last_page_carries_body_text_and_the_signature(printed, name):
    docx, layout, _ = printed[name]
    texts = [t for _, t in paragraphs(docx)]
    org = texts[-2] if texts[-1].endswith("日") else texts[-1]
    lines = [squeeze(line) for line in layout[-1].splitlines() if line.strip() and "—" not in line]
    assert org in lines
    assert lines.index(org) >= 1, lines  # at least one line of the report above the signature
    assert lines[lines.index(org) - 1] not in ("", org)


def label_groups(format_id: str) -> list[list[str]]:
    """For each row label that spans rows: its text and the labels of the rows it spans."""
    groups = []
    for table in get_format(format_id).tables.values():
        grid = table_grid(table)
        for cell in grid.cells:
            if cell.role == "label" and cell.rowspan > 1:
                rows = range(cell.row, cell.row + cell.rowspan)
                inner = [c.text for c in grid.cells if c.role == "label" and c.row in rows and c.col > cell.col]
                groups.append([cell.text, *inner])
    return groups


@needs_soffice
@pytest.mark.parametrize("name,format_id", [("sample-2021", "2021"), ("seed-2019", "2019"), ("rollup", "2021")])
def test_no_row_label_is_split_across_pages(printed, name, format_id):
    _, _, raw = printed[name]
    pages = [squeeze(page) for page in raw]
    groups = label_groups(format_id)
    assert groups
    for group in groups:
        assert any(all(squeeze(label) in page for label in group) for page in pages), group[0]
    for table in get_format(format_id).tables.values():
        for cell in table_grid(table).cells:
            if cell.role == "label":
                assert any(squeeze(cell.text) in page for page in pages), cell.text
