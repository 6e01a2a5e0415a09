"""Writing outputs safely: byte-identical .docx files and atomic replacement.

python-docx stamps every zip member with the current time, so two compiles of the same workbook
would differ; a coordinator must be able to tell whether a re-compiled report really changed.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it into place: never a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; an output should look like any other file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

