"""Byte-identical zip packages (.docx, .xlsx).

python-docx and openpyxl stamp every zip member with the current time, so two compiles of the same
workbook would differ; a coordinator must be able to tell whether a re-compiled report really changed.
"""

from __future__ import annotations

import io
import re
import zipfile

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def deterministic_zip(data: bytes, modified: str | None = None) -> bytes:
    """The same package with fixed timestamps and attributes on every member, in the same order.

    ``modified`` (W3CDTF) replaces the document's last-modified property, which openpyxl always
    sets to the current time while saving.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            member.create_system = 0
            content = src.read(info.filename)
            if modified and info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + modified.encode() + rb"\g<2>", content)
            dst.writestr(member, content)
    return out.getvalue()
