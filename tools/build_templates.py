"""Builds the Word templates in templates/ (one per format), GB/T 9704 page and styles included.

The templates are committed; run this only to change their design:
    python tools/build_templates.py
A coordinator may equally open templates/2021.docx in Word or WPS and edit letterhead, fonts or
fixed wording directly — the compiler only needs the Jinja tags to stay in place.
"""

from __future__ import annotations

import datetime as dt
import sys
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compiler.common.zips import deterministic_zip  # noqa: E402
from compiler.formats.definition import all_formats  # noqa: E402

# Fonts: change here or in Word (Styles pane). WPS users without the _GB2312 fonts may use 仿宋/楷体.
BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
PAGE_NUMBER_FONT = "宋体"

LINE_EXACT = 579  # 28.95 pt: 22 lines in the 225 mm text block


def _el(tag: str, **attrs) -> OxmlElement:
    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), str(value))
    return el


def _rpr(east_asia: str, size: int, bold: bool = False, latin: str = LATIN_FONT) -> OxmlElement:
    rpr = OxmlElement("w:rPr")
    rpr.append(_el("w:rFonts", ascii=latin, hAnsi=latin, eastAsia=east_asia, cs=latin, hint="eastAsia"))
    if bold:
        rpr.append(_el("w:b"))
        rpr.append(_el("w:bCs"))
    else:
        rpr.append(_el("w:b", val="0"))
        rpr.append(_el("w:bCs", val="0"))
    rpr.append(_el("w:color", val="000000"))
    rpr.append(_el("w:kern", val="2"))
    rpr.append(_el("w:sz", val=size))
    rpr.append(_el("w:szCs", val=size))
    rpr.append(_el("w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA"))
    return rpr


def _ppr(jc: str = "both", first_line_chars: int | None = 200, line: int = LINE_EXACT, rule: str = "exact",
         keep_next: bool = False, outline: int | None = None, right: int | None = None,
         snap: bool = True, after: int = 0, keep_lines: bool = False) -> OxmlElement:
    ppr = OxmlElement("w:pPr")
    if keep_next:
        ppr.append(_el("w:keepNext"))
    if keep_lines:
        ppr.append(_el("w:keepLines"))
    if not snap:
        ppr.append(_el("w:snapToGrid", val="0"))
    ppr.append(_el("w:spacing", before=0, after=after, line=line, lineRule=rule))
    ind = {}
    if first_line_chars:
        ind.update(firstLineChars=first_line_chars, firstLine=first_line_chars * 16 // 5)
    else:
        ind.update(firstLineChars=0, firstLine=0)
    if right is not None:
        ind.update(right=right)
    ppr.append(_el("w:ind", **ind))
    ppr.append(_el("w:jc", val=jc))
    if outline is not None:
        ppr.append(_el("w:outlineLvl", val=outline))
    return ppr


def _set_style(style, ppr, rpr) -> None:
    el = style.element
    for child in list(el):
        if child.tag in (qn("w:pPr"), qn("w:rPr")):
            el.remove(child)
    el.append(ppr)
    el.append(rpr)


def _style(doc, name: str, base: str | None = "Normal"):
    try:
        style = doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base:
        style.base_style = doc.styles[base]
    style.hidden = False
    style.quick_style = True
    return style


def _doc_defaults(doc) -> None:
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        styles.remove(defaults)
    defaults = OxmlElement("w:docDefaults")
    rpr_default = OxmlElement("w:rPrDefault")
    rpr_default.append(_rpr(BODY_FONT, 32))
    ppr_default = OxmlElement("w:pPrDefault")
    ppr_default.append(_ppr())
    defaults.append(rpr_default)
    defaults.append(ppr_default)
    styles.insert(0, defaults)


def _styles(doc) -> None:
    _doc_defaults(doc)
    _set_style(doc.styles["Normal"], _ppr(), _rpr(BODY_FONT, 32))
    # the title, then one blank body line before the text (GB/T 9704 §7.3.1–7.3.2)
    # the title's lines are broken by the compiler at word boundaries (explicit breaks); off the
    # character grid, so Word and WPS set 2号 type at its own width and each line fits as chosen
    _set_style(_style(doc, "Title"), _ppr(jc="center", first_line_chars=None, line=700, keep_next=True,
                                          after=LINE_EXACT, snap=False, keep_lines=True),
               _rpr(TITLE_FONT, 44, latin=TITLE_FONT))
    _set_style(_style(doc, "Heading 1"), _ppr(keep_next=True, outline=0), _rpr(H1_FONT, 32, latin=H1_FONT))
    _set_style(_style(doc, "Heading 2"), _ppr(keep_next=True, outline=1), _rpr(H2_FONT, 32))
    _set_style(_style(doc, "Heading 3"), _ppr(keep_next=True, outline=2), _rpr(BODY_FONT, 32, bold=True))
    _set_style(_style(doc, "TableText"), _ppr(jc="center", first_line_chars=None, line=300, rule="exact", snap=False),
               _rpr(TABLE_FONT, 21))
    # the report's last paragraph keeps with the signature, and the signature block with itself:
    # 机关名称 and 成文日期 never stand alone on the last page
    _set_style(_style(doc, "ClosingText"), _ppr(keep_next=True), _rpr(BODY_FONT, 32))
    _set_style(_style(doc, "SignatureSpace"), _ppr(jc="right", first_line_chars=None, keep_next=True),
               _rpr(BODY_FONT, 32))
    _set_style(_style(doc, "Signature"), _ppr(jc="right", first_line_chars=None, right=640, keep_next=True,
                                              keep_lines=True),
               _rpr(BODY_FONT, 32))
    _set_style(_style(doc, "PageNumber"), _ppr(jc="right", first_line_chars=None, line=240, rule="auto", snap=False),
               _rpr(PAGE_NUMBER_FONT, 28, latin=PAGE_NUMBER_FONT))
    for name in ("Heading 1", "Heading 2", "Heading 3", "Title"):
        for link in doc.styles[name].element.findall(qn("w:link")):
            doc.styles[name].element.remove(link)


def _page(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(25)
    sect = section._sectPr
    pgmar = sect.find(qn("w:pgMar"))
    for key, value in (("top", 2098), ("bottom", 1984), ("left", 1587), ("right", 1474)):
        pgmar.set(qn(f"w:{key}"), str(value))
    for old in sect.findall(qn("w:docGrid")):
        sect.remove(old)
    sect.append(_el("w:docGrid", type="linesAndChars", linePitch=LINE_EXACT, charSpace=-842))
    doc.settings.odd_and_even_pages_header_footer = True
    _no_stretch_before_line_breaks(doc)
    _footer(section.footer.paragraphs[0], "right")
    _footer(section.even_page_footer.paragraphs[0], "left")


def _no_stretch_before_line_breaks(doc) -> None:
    """A line ended by a line break (a paragraph of a data document with a newline) is not
    justified letter by letter across the page: ``w:doNotExpandShiftReturn``, which Word, WPS and
    LibreOffice all honour. It sits before ``w:useFELayout`` in ``w:compat`` (the schema's order)."""
    compat = doc.settings.element.find(qn("w:compat"))
    if compat is None:
        compat = OxmlElement("w:compat")
        doc.settings.element.append(compat)
    if compat.find(qn("w:doNotExpandShiftReturn")) is None:
        later = compat.find(qn("w:useFELayout"))
        flag = OxmlElement("w:doNotExpandShiftReturn")
        if later is not None:
            later.addprevious(flag)
        else:
            compat.insert(0, flag)


def _footer(paragraph, side: str) -> None:
    """「— 1 —」 in 4号宋体, odd pages right and even pages left, one character in from the margin."""
    paragraph.style = "PageNumber"
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(_el("w:jc", val=side))
    ppr.append(_el("w:ind", **{side: 280}))

    def run(text=None, fld=None, instr=None):
        r = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        rpr.append(_el("w:rFonts", ascii=PAGE_NUMBER_FONT, hAnsi=PAGE_NUMBER_FONT, eastAsia=PAGE_NUMBER_FONT,
                       hint="eastAsia"))
        rpr.append(_el("w:sz", val=28))
        rpr.append(_el("w:szCs", val=28))
        r.append(rpr)
        if fld:
            r.append(_el("w:fldChar", fldCharType=fld))
        elif instr:
            t = OxmlElement("w:instrText")
            t.set(qn("xml:space"), "preserve")
            t.text = instr
            r.append(t)
        else:
            t = OxmlElement("w:t")
            t.set(qn("xml:space"), "preserve")
            t.text = text
            r.append(t)
        paragraph._p.append(r)

    run("— ")
    run(fld="begin")
    run(instr=" PAGE ")
    run(fld="separate")
    run("1")
    run(fld="end")
    run(" —")


BODY = [
    ("Title", '{{ title_lines|join("\\n") }}'),
    ("Normal", "{%p for s in sections %}"),
    ("Heading 1", "{{ s.heading }}"),
    ("Normal", "{%p for b in s.blocks %}"),
    ("Normal", '{%p if b.kind == "heading" %}'),
    ("Heading 2", "{{ b.number }}{{ b.text }}"),
    ("Normal", '{%p elif b.kind == "subheading" %}'),
    ("Heading 3", "{{ b.number }}{{ b.text }}"),
    ("Normal", "{%p elif b.closing %}"),
    ("ClosingText", "{{ b.text }}"),
    ("Normal", "{%p else %}"),
    ("Normal", "{{ b.text }}"),
    ("Normal", "{%p endif %}"),
    ("Normal", "{%p endfor %}"),
    ("Normal", "{%p if s.table %}"),
    ("TableText", "{{p s.table }}"),
    ("Normal", "{%p endif %}"),
    ("Normal", "{%p endfor %}"),
    ("SignatureSpace", ""),
    ("Signature", "{{ org }}"),
    ("Normal", "{%p if date %}"),
    ("Signature", "{{ date }}"),
    ("Normal", "{%p endif %}"),
]


def build_template(format_id: str) -> bytes:
    doc = Document()
    _styles(doc)
    _page(doc)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    for style, text in BODY:
        doc.add_paragraph(text, style=style)
    core = doc.core_properties
    core.title = "政府信息公开工作年度报告模板"
    core.subject = f"年报格式 {format_id}"
    core.author = core.last_modified_by = "compiler"
    core.comments = ("由 tools/build_templates.py 生成；可在 Word/WPS 中修改样式、字体和固定文字，"
                     "请保留双花括号和花括号百分号模板标记。")
    core.created = core.modified = dt.datetime(2021, 1, 1)
    core.revision = 1
    buffer = BytesIO()
    doc.save(buffer)
    return deterministic_zip(buffer.getvalue())


def main() -> None:
    out = ROOT / "templates"
    out.mkdir(exist_ok=True)
    for format_id in all_formats():
        path = out / f"{format_id}.docx"
        path.write_bytes(build_template(format_id))
        print(path)


if __name__ == "__main__":
    main()
