"""compile import on reports typed by hand: Word, a portal page, a LibreOffice PDF; what cannot be read."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner
from hand_styled import expected, figures_document, hand_docx, portal_html
from PIL import Image

from compiler.cli import cli
from compiler.document.load import load_document
from compiler.formats.definition import ValueSpec
from compiler.messages.findings import UnusableFile
from compiler.pipeline import validate_workbook
from compiler.published.importer import read_number
from compiler.render.pdf import docx_to_pdf

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None or shutil.which("pdftoppm") is None,
                                   reason="LibreOffice or poppler is not installed")
FORMATS = [("2021", 2024), ("2019", 2020)]
IDS = ["2021", "2019"]


def _read(path) -> dict:
    """The imported document once checked (totals computed), as `compile import` writes it."""
    result, _ = validate_workbook(path)
    return result.data


def _codes(path) -> dict[str, list]:
    _, findings = validate_workbook(path)
    out: dict[str, list] = {}
    for f in findings:
        out.setdefault(f.code, []).append(f)
    return out


@pytest.mark.parametrize("format_id, year", FORMATS, ids=IDS)
def test_a_hand_typed_docx_is_read_cell_for_cell(tmp_path, format_id, year):
    doc = figures_document(format_id, year)
    hand_docx(tmp_path / "report.docx", doc)
    assert _read(tmp_path / "report.docx") == expected(doc)


@pytest.mark.parametrize("format_id, year", FORMATS, ids=IDS)
def test_a_hand_typed_docx_is_valid_and_its_label_variants_are_named(tmp_path, format_id, year):
    hand_docx(tmp_path / "report.docx", figures_document(format_id, year))
    codes = _codes(tmp_path / "report.docx")
    assert not [f.message() for fs in codes.values() for f in fs if f.is_error]
    variants = {f.params["found"] for f in codes["label_variant"]}
    assert {"2.其他法律法规禁止公开", "3.危及安全稳定", "（二）部分公开"} <= variants
    blanks = codes.get("blank_as_zero", []) + codes.get("blank_as_zero_many", [])
    assert blanks and not any(f.is_error for f in blanks)  # the zeros left blank are read as 0, with a warning


@pytest.mark.parametrize("format_id, year", FORMATS, ids=IDS)
def test_a_portal_page_is_read_cell_for_cell(tmp_path, format_id, year):
    doc = figures_document(format_id, year)
    page = tmp_path / "page.html"
    page.write_text(portal_html(doc), encoding="utf-8")
    assert _read(page) == expected(doc)


def test_the_portal_page_furniture_is_not_read_into_the_report(tmp_path):
    doc = figures_document("2021", 2024)
    page = tmp_path / "page.html"
    page.write_text(portal_html(doc), encoding="utf-8")
    texts = [b["text"] for blocks in load_document(page).data["sections"].values() for b in blocks]
    assert not any("首页" in t or "ICP" in t or "门户网站" in t for t in texts)
    skipped = _codes(page)["import_text_skipped"]
    assert [f.params["first"] for f in skipped] == ["发布时间：2025-01-20来源：本站浏览次数：128"]


def test_a_portal_page_laid_out_in_tables_is_read(tmp_path):
    """Older portals put the whole article inside layout tables; the report's own tables sit in them."""
    doc = figures_document("2021", 2024)
    source = portal_html(doc)
    start, end = source.index('<div class="article">'), source.index("<footer>")
    source = (source[:start] + '<table width="900"><tr><td width="200">栏目导航</td><td>'
              + source[start:end] + "</td></tr></table>" + source[end:])
    page = tmp_path / "page.html"
    page.write_text(source, encoding="utf-8")
    assert _read(page) == expected(doc)


def test_a_portal_page_in_gbk_is_read(tmp_path):
    doc = figures_document("2021", 2024)
    page = tmp_path / "page.htm"
    page.write_bytes(portal_html(doc).replace('charset="utf-8"', 'charset="gb2312"').encode("gb18030"))
    assert _read(page) == expected(doc)


@needs_soffice
@pytest.mark.parametrize("format_id, year", FORMATS, ids=IDS)
def test_a_libreoffice_pdf_of_a_hand_typed_docx_is_read_cell_for_cell(tmp_path, format_id, year):
    doc = figures_document(format_id, year)
    hand_docx(tmp_path / "report.docx", doc)
    docx_to_pdf((tmp_path / "report.docx").read_bytes(), tmp_path / "report.pdf")
    assert _read(tmp_path / "report.pdf") == expected(doc)


@needs_soffice
def test_a_scanned_pdf_is_refused_in_one_sentence(tmp_path):
    hand_docx(tmp_path / "report.docx", figures_document("2021", 2024))
    docx_to_pdf((tmp_path / "report.docx").read_bytes(), tmp_path / "report.pdf")
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "2", str(tmp_path / "report.pdf"),
                    str(tmp_path / "page")], check=True)
    pages = [Image.open(p).convert("RGB") for p in sorted(tmp_path.glob("page*.png"))]
    pages[0].save(tmp_path / "scan.pdf", save_all=True, append_images=pages[1:])
    result = CliRunner().invoke(cli, ["import", str(tmp_path / "scan.pdf")])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "扫描件" in lines[0] and "scan.pdf" in lines[0]
    assert not (tmp_path / "scan.json").exists()


def test_a_missing_row_is_named_and_left_unread(tmp_path):
    hand_docx(tmp_path / "report.docx", figures_document("2021", 2024), drop_row="1.本机关不掌握相关")
    out = tmp_path / "data.json"
    result = CliRunner().invoke(cli, ["import", str(tmp_path / "report.docx"), "-o", str(out)])
    assert result.exit_code == 1
    assert "表三中没有找到「（四）无法提供 / 1.本机关不掌握相关政府信息」行" in result.output
    assert "导入结果：不完整" in result.output
    row = json.loads(out.read_text(encoding="utf-8"))["tables"]["requests"]["unavailable_not_held"]
    assert set(row.values()) == {None}  # never zero: nothing was read there


def test_a_missing_row_gives_one_finding_not_one_per_cell(tmp_path):
    hand_docx(tmp_path / "report.docx", figures_document("2021", 2024), drop_row="1.本机关不掌握相关")
    codes = _codes(tmp_path / "report.docx")
    assert len(codes["import_row_missing"]) == 1
    assert "not_a_number" not in codes
    skipped = codes["balance_skipped"]  # the balances that need the row wait for it, and say which row
    assert [f.params["cells"] for f in skipped] == ["表三!（四）无法提供 / 1.本机关不掌握相关政府信息"]


def test_a_partial_import_to_a_workbook_leaves_the_missing_row_blank(tmp_path):
    hand_docx(tmp_path / "report.docx", figures_document("2021", 2024), drop_row="1.本机关不掌握相关")
    workbook = tmp_path / "start.xlsx"
    CliRunner().invoke(cli, ["import", str(tmp_path / "report.docx"), "-o", str(workbook)])
    loaded = load_document(workbook)
    assert loaded.data["tables"]["requests"]["unavailable_not_held"]["natural"] == 0
    assert any(f.code in ("blank_as_zero", "blank_as_zero_many") for f in loaded.findings)


def test_a_table_split_inside_a_merged_cell_is_not_guessed(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(portal_html(figures_document("2021", 2024), split_before="4.保护第三方"), encoding="utf-8")
    codes = _codes(page)
    ragged = [f.params["label"] for f in codes["import_row_ragged"]]
    assert ragged[0] == "（三）不予公开 / 4.保护第三方合法权益"
    data = load_document(page).data["tables"]["requests"]
    assert data["withheld_third_party"]["natural"] is None


def test_a_section_and_a_table_not_found_are_named(tmp_path):
    doc = figures_document("2021", 2024)
    page = tmp_path / "page.html"
    source = portal_html(doc)
    start = source.index("<p style=\"text-indent:2em\"><strong>四、")
    end = source.index("<p style=\"text-indent:2em\"><strong>五、")
    source = source[:start] + source[end:]
    source = source.replace("<strong>六、其他需要报告的事项</strong>", "<strong>六、附则</strong>")
    page.write_text(source, encoding="utf-8")
    codes = _codes(page)
    assert [f.params["table"] for f in codes["import_table_missing"]] == ["四、政府信息公开行政复议、行政诉讼情况"]
    assert [f.params["heading"] for f in codes["import_section_missing"]] == ["六、其他需要报告的事项"]
    result = CliRunner().invoke(cli, ["check", str(page)])
    assert result.exit_code == 1


def test_a_page_that_holds_no_report_is_unusable(tmp_path):
    page = tmp_path / "news.html"
    page.write_text("<html><body><nav>首页</nav><p>今日要闻：全区召开工作会议。</p></body></html>", encoding="utf-8")
    with pytest.raises(UnusableFile) as info:
        load_document(page)
    assert info.value.finding.code == "report_not_found"


def test_the_year_of_the_title_and_the_labels_choose_the_format(tmp_path):
    """A 2023 report typed in the 2019 layout is read in that layout, and the year check says so."""
    doc = figures_document("2019", 2020)
    doc["meta"]["year"], doc["meta"]["date"] = 2023, "2024-01-18"
    hand_docx(tmp_path / "report.docx", doc)
    loaded = load_document(tmp_path / "report.docx")
    assert loaded.format.id == "2019"
    assert "format_year_mismatch" in _codes(tmp_path / "report.docx")


@pytest.mark.parametrize("title, org, year", [
    ("临江区市场监督管理局2024年政府信息公开工作年度报告", "临江区市场监督管理局", 2024),
    ("临江区档案局关于2023年度政府信息公开工作年度报告", "临江区档案局", 2023),
    ("2024年度临江区档案局政府信息公开工作年度报告", "临江区档案局", 2024),
    ("临江区档案局政府信息公开工作年度报告（2024年）", "临江区档案局", 2024),
    ("临江区档案局二〇二〇年政府信息公开年报", "临江区档案局", 2020),
])
def test_the_title_gives_the_agency_and_the_year_however_it_is_worded(tmp_path, title, org, year):
    doc = figures_document("2021", 2024)
    page = tmp_path / "page.html"
    page.write_text(portal_html(doc).replace(f"{doc['meta']['org']}2024年政府信息公开工作年度报告</div>",
                                             f"{title}</div>"), encoding="utf-8")
    meta = load_document(page).data["meta"]
    assert (meta["org"], meta["year"]) == (org, year)


def test_a_notice_about_the_report_is_no_title(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>关于印发2024年政府信息公开工作要点的通知</p></body></html>", encoding="utf-8")
    with pytest.raises(UnusableFile):
        load_document(page)


@pytest.mark.parametrize("printed, spec, read", [
    ("12件", ValueSpec("count"), (12, None)),
    ("1,856", ValueSpec("count"), (1856, None)),
    ("１２", ValueSpec("count"), (12, None)),
    ("+1036", ValueSpec("signed_count"), (1036, None)),
    ("\u22123", ValueSpec("signed_count"), (-3, None)),
    ("", ValueSpec("count"), (0, "blank_as_zero")),
    ("—", ValueSpec("count"), (0, "dash_as_zero")),
    ("12.3456万元", ValueSpec("amount", unit="万元", max_decimals=4), (12.3456, None)),
    ("251000元", ValueSpec("amount", unit="万元", max_decimals=4), ("251000元", None)),  # another unit: not converted
    ("200.00", ValueSpec("amount", unit="元", max_decimals=2), (200, None)),
])
def test_a_printed_figure_is_read_as_typed_or_left_as_text(printed, spec, read):
    value, code, _ = read_number(printed, spec)
    assert (value, code) == read and type(value) is type(read[0])
