"""Test helpers: build real workbooks from data documents, and read real .docx files back."""

from __future__ import annotations

import copy
import zipfile
from pathlib import Path

from lxml import etree

from compiler.document.blank import blank_document, with_values
from compiler.formats.definition import get_format
from compiler.workbook.writer import save_workbook

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SEED_WORKBOOK = SAMPLES / "seed-2020-政务服务大数据管理局.xlsx"
SAMPLE_2021 = SAMPLES / "sample-2024-临江区市场监督管理局.xlsx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}


def valid_document(format_id: str = "2021", year: int = 2024, org: str = "测试区档案局") -> dict:
    """A minimal document that passes every rule: narrative filled, all tables zero."""
    doc = blank_document(get_format(format_id), year, org)
    doc["meta"]["date"] = f"{year + 1}-01-15"
    doc["sections"]["overview"] = [{"kind": "paragraph", "text": "本年度认真贯彻落实《条例》。"}]
    doc["sections"]["problems"] = [{"kind": "paragraph", "text": "公开质量有待提高。上一年度年报所提问题已完成整改。"}]
    doc["sections"]["other"] = [{"kind": "paragraph", "text": "本年度未收取信息处理费。"}]
    return doc


def write_workbook(path: Path, document: dict) -> Path:
    save_workbook(get_format(document["format"]), document["meta"]["year"], path, document=document)
    return path


def workbook_with(tmp_path: Path, table_id: str | None = None, values: dict | None = None,
                  format_id: str = "2021", year: int = 2024, name: str = "book.xlsx", **meta) -> Path:
    doc = valid_document(format_id, year)
    doc["meta"].update(meta)
    if table_id:
        doc = with_values(doc, table_id, values)
    return write_workbook(tmp_path / name, doc)


def body_xml(docx: Path) -> etree._Element:
    with zipfile.ZipFile(docx) as zf:
        return etree.fromstring(zf.read("word/document.xml"))


def paragraphs(docx: Path) -> list[tuple[str, str]]:
    """(style id, text) of every body paragraph outside tables."""
    body = body_xml(docx).find(f"{W}body")
    out = []
    for p in body.iterchildren(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        out.append((style.get(f"{W}val") if style is not None else "", "".join(p.itertext())))
    return out


def tables(docx: Path) -> list[list[list[dict]]]:
    """Each table as a full grid: every grid position holds its cell's text and merge facts."""
    result = []
    for tbl in body_xml(docx).iter(f"{W}tbl"):
        grid: list[list[dict]] = []
        for tr in tbl.iterchildren(f"{W}tr"):
            row: list[dict] = []
            for tc in tr.iterchildren(f"{W}tc"):
                span_el = tc.find(f"{W}tcPr/{W}gridSpan")
                span = int(span_el.get(f"{W}val")) if span_el is not None else 1
                vm = tc.find(f"{W}tcPr/{W}vMerge")
                vmerge = None if vm is None else (vm.get(f"{W}val") or "continue")
                text = "".join(tc.itertext())
                for i in range(span):
                    row.append({"text": text, "span": span, "vmerge": vmerge, "first": i == 0})
            grid.append(row)
        result.append(grid)
    return result


def column_texts(grid, col: int) -> list[str]:
    return [row[col]["text"] for row in grid]


def row_by_label(grid, label: str) -> list[str]:
    for row in grid:
        if any(cell["text"] == label for cell in row):
            return [c["text"] for c in row]
    raise AssertionError(f"no row labelled {label!r}")


def deep(document: dict) -> dict:
    return copy.deepcopy(document)


def libreoffice_pdfs(sources: list[Path], outdir: Path) -> dict[Path, Path]:
    """Each .docx or .xlsx converted to PDF in ONE LibreOffice run (start-up is most of the cost).

    A .docx goes through ``for_libreoffice`` and the project's font aliases, exactly as ``--pdf``
    does; a workbook is converted as it is, the way a clerk would print it."""
    import os
    import shutil
    import subprocess

    from compiler.render.pdf import for_libreoffice, write_fonts_conf

    outdir.mkdir(parents=True, exist_ok=True)
    staged = []
    for source in sources:
        target = outdir / f"{len(staged):02d}-{source.stem}{source.suffix}"
        data = source.read_bytes()
        target.write_bytes(for_libreoffice(data) if source.suffix == ".docx" else data)
        staged.append(target)
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    env = dict(os.environ, FONTCONFIG_FILE=str(write_fonts_conf(outdir)), HOME=str(outdir))
    subprocess.run([binary, "--headless", "--norestore", "--nolockcheck",
                    f"-env:UserInstallation=file://{outdir / 'profile'}", "--convert-to", "pdf",
                    "--outdir", str(outdir), *map(str, staged)],
                   check=True, capture_output=True, timeout=300, env=env)
    return {source: target.with_suffix(".pdf") for source, target in zip(sources, staged, strict=True)}


def pdf_pages(pdf: Path, mode: str = "-layout") -> list[str]:
    """The text of each page (pdftotext; ``-layout`` keeps lines as printed, ``-raw`` content order)."""
    import subprocess

    text = subprocess.run(["pdftotext", mode, str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages
