"""The report looks like a GB/T 9704 official document: page, grid, styles, footers, tables, signature."""

import zipfile

import pytest
from helpers import SAMPLE_2021, W, body_xml, tables
from lxml import etree

from compiler.pipeline import compile_workbook

NS = {"w": W[1:-1]}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("layout") / "report.docx"
    assert compile_workbook(SAMPLE_2021, output=out).ok
    return out


def part(docx, name):
    with zipfile.ZipFile(docx) as zf:
        return etree.fromstring(zf.read(name))


def attr(el, name):
    return el.get(f"{W}{name}")


def test_a4_page_margins_and_22_line_grid(report):
    sect = body_xml(report).find(f"{W}body/{W}sectPr")
    size = sect.find(f"{W}pgSz")
    assert (attr(size, "w"), attr(size, "h")) == ("11906", "16838")
    margins = sect.find(f"{W}pgMar")
    assert {k: attr(margins, k) for k in ("top", "bottom", "left", "right")} == {
        "top": "2098", "bottom": "1984", "left": "1587", "right": "1474"}
    grid = sect.find(f"{W}docGrid")
    assert (attr(grid, "type"), attr(grid, "linePitch"), attr(grid, "charSpace")) == ("linesAndChars", "579", "-842")


def style(docx, style_id):
    styles = part(docx, "word/styles.xml")
    found = styles.xpath(f"//w:style[@w:styleId='{style_id}']", namespaces=NS)
    assert found, style_id
    return found[0]


@pytest.mark.parametrize("style_id,east_asia,size,bold,jc", [
    ("Normal", "仿宋_GB2312", "32", None, "both"),
    ("Title", "方正小标宋简体", "44", "0", "center"),
    ("Heading1", "黑体", "32", "0", None),
    ("Heading2", "楷体_GB2312", "32", "0", None),
    ("Heading3", "仿宋_GB2312", "32", "1", None),
    ("TableText", "宋体", "21", "0", "center"),
])
def test_styles_set_east_asian_fonts_and_sizes(report, style_id, east_asia, size, bold, jc):
    el = style(report, style_id)
    fonts = el.find(f"{W}rPr/{W}rFonts")
    assert attr(fonts, "eastAsia") == east_asia
    assert el.find(f"{W}rPr/{W}sz").get(f"{W}val") == size
    if bold is not None:
        b = el.find(f"{W}rPr/{W}b")
        assert (attr(b, "val") or "1") == bold
    if jc:
        assert attr(el.find(f"{W}pPr/{W}jc"), "val") == jc


def test_body_text_is_justified_indented_two_characters_at_fixed_28_95pt(report):
    normal = style(report, "Normal")
    spacing = normal.find(f"{W}pPr/{W}spacing")
    assert (attr(spacing, "line"), attr(spacing, "lineRule")) == ("579", "exact")
    assert attr(normal.find(f"{W}pPr/{W}ind"), "firstLineChars") == "200"
    fonts = normal.find(f"{W}rPr/{W}rFonts")
    assert attr(fonts, "ascii") == "Times New Roman"


def test_document_language_is_zh_cn(report):
    lang = part(report, "word/styles.xml").find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert attr(lang, "eastAsia") == "zh-CN"


def test_page_numbers_dash_style_odd_right_even_left(report):
    settings = part(report, "word/settings.xml")
    assert settings.find(f"{W}evenAndOddHeaders") is not None
    sect = body_xml(report).find(f"{W}body/{W}sectPr")
    refs = {attr(r, "type"): r.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
            for r in sect.findall(f"{W}footerReference")}
    assert set(refs) == {"default", "even"}
    rels = part(report, "word/_rels/document.xml.rels")
    targets = {r.get("Id"): r.get("Target") for r in rels}
    for kind, side in (("default", "right"), ("even", "left")):
        footer = part(report, "word/" + targets[refs[kind]])
        p = footer.find(f"{W}p")
        assert attr(p.find(f"{W}pPr/{W}jc"), "val") == side
        text = "".join(t.text for t in p.iter(f"{W}t"))
        assert text.startswith("— ") and text.endswith(" —")
        assert "PAGE" in "".join(i.text for i in p.iter(f"{W}instrText"))
        size = p.find(f"{W}r/{W}rPr/{W}sz")
        assert attr(size, "val") == "28"
        assert attr(p.find(f"{W}r/{W}rPr/{W}rFonts"), "eastAsia") == "宋体"


def test_tables_span_the_text_width_and_numbers_are_centred(report):
    for tbl in body_xml(report).iter(f"{W}tbl"):
        assert attr(tbl.find(f"{W}tblPr/{W}tblW"), "w") == "8845"
        widths = [int(attr(c, "w")) for c in tbl.find(f"{W}tblGrid")]
        assert sum(widths) == 8845
    review = tables(report)[2]
    assert review[3][0]["text"] == "2"
    value_paragraphs = list(body_xml(report).iter(f"{W}tbl"))[2].findall(f"{W}tr")[3].iter(f"{W}p")
    assert {attr(p.find(f"{W}pPr/{W}jc"), "val") for p in value_paragraphs} == {"center"}


def test_signature_block_at_the_end(report):
    body = body_xml(report).find(f"{W}body")
    paras = [p for p in body.iterchildren(f"{W}p")]
    last_two = paras[-2:]
    assert ["".join(p.itertext()) for p in last_two] == ["临江区市场监督管理局", "2025年1月20日"]
    for p in last_two:
        assert attr(p.find(f"{W}pPr/{W}pStyle"), "val") == "Signature"
    signature = style(report, "Signature")
    assert attr(signature.find(f"{W}pPr/{W}jc"), "val") == "right"


def test_a_line_ended_by_a_line_break_is_not_stretched_across_the_page(report):
    """A paragraph holding a newline (a data document's text) breaks the line there; in a justified
    paragraph Word and LibreOffice would spread that short line letter by letter over the whole
    width unless the document says doNotExpandShiftReturn."""
    compat = part(report, "word/settings.xml").find(f"{W}compat")
    assert compat is not None and compat.find(f"{W}doNotExpandShiftReturn") is not None
    order = [etree.QName(el).localname for el in compat]
    assert order.index("doNotExpandShiftReturn") < order.index("useFELayout")  # the schema's order
