"""PDF through LibreOffice headless, with the free fonts that stand in for the 公文 fonts.

The .docx keeps the real font names (仿宋_GB2312, 方正小标宋简体 …) for Word and WPS; only here,
for LibreOffice on Linux, does ``fonts/30-gov-cn-fonts.conf`` map them to Debian's free CJK fonts.
LibreOffice reads Word's character grid (``linesAndChars`` with a negative ``charSpace``) as extra
letter spacing, so the copy it converts uses a line grid and the equivalent tracking instead:
22 lines of 28 characters, as GB/T 9704 asks.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from compiler.common.files import write_atomic
from compiler.common.resources import PACKAGE_DIR

CONVERT_TIMEOUT = 180
TRACKING = "-6"  # twentieths of a point: 16 pt characters on a 15.7 pt pitch = 28 per line


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed (the catalogue's pdf_unavailable says how to install it)."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


ALIASES = "30-gov-cn-fonts.conf"


def font_aliases() -> Path:
    for candidate in (PACKAGE_DIR / "fonts" / ALIASES, PACKAGE_DIR.parent / "fonts" / ALIASES):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"fonts/{ALIASES}")


def write_fonts_conf(folder: Path) -> Path:
    """A FONTCONFIG_FILE that reads our aliases first, then the system's configuration."""
    path = folder / "fonts.conf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"  <include>{font_aliases()}</include>\n"
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n</fontconfig>\n',
        encoding="utf-8",
    )
    return path


def for_libreoffice(docx: bytes) -> bytes:
    """The same document with the character grid expressed the way LibreOffice lays it out."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = re.sub(rb'w:type="linesAndChars"( w:linePitch="\d+") w:charSpace="-?\d+"',
                              rb'w:type="lines"\1', data)
            elif info.filename == "word/styles.xml":
                data = re.sub(rb"(<w:rPrDefault><w:rPr>.*?)(<w:kern )",
                              rb'\1<w:spacing w:val="' + TRACKING.encode() + rb'"/>\2', data, count=1, flags=re.S)
            dst.writestr(info, data)
    return out.getvalue()


def docx_to_pdf(docx: bytes, target: Path) -> Path:
    """Convert and write ``target`` atomically; raises PdfUnavailable without LibreOffice."""
    binary = soffice()
    if binary is None:
        raise PdfUnavailable("LibreOffice (soffice) not found")
    with tempfile.TemporaryDirectory(prefix="report-pdf-") as tmp:
        tmp_path = Path(tmp)
        source = tmp_path / "report.docx"
        source.write_bytes(for_libreoffice(docx))
        env = dict(os.environ, FONTCONFIG_FILE=str(write_fonts_conf(tmp_path)), HOME=tmp)
        subprocess.run(
            [binary, "--headless", "--norestore", "--nolockcheck",
             f"-env:UserInstallation=file://{tmp_path / 'profile'}",
             "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(tmp_path), str(source)],
            check=True, capture_output=True, timeout=CONVERT_TIMEOUT, env=env,
        )
        produced = tmp_path / "report.pdf"
        if not produced.exists():
            raise RuntimeError("LibreOffice produced no PDF")
        write_atomic(target, produced.read_bytes())
    return target
