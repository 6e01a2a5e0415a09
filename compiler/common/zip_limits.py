"""The size limits every zip we open from outside must respect: workbooks and Word templates.

Both arrive by e-mail, so a file is measured before anything inflates it: its size on disk, the
number of parts, the total uncompressed size and the compression ratio (a zip bomb is tiny on disk
and enormous inflated).
"""

from __future__ import annotations

MAX_FILE_BYTES = 20 * 1024 * 1024  # a filled report workbook is well under 1 MB
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200  # checked above RATIO_FLOOR: small files may compress very well
RATIO_FLOOR = 10 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000


def human_size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def zip_excess(infos) -> tuple[str, str] | None:
    """What in a zip's member list exceeds the limits, as (Chinese, English), or None."""
    if len(infos) > MAX_ZIP_ENTRIES:
        return f"包含 {len(infos)} 个部件，上限 {MAX_ZIP_ENTRIES}", f"{len(infos)} parts, limit {MAX_ZIP_ENTRIES}"
    total = sum(i.file_size for i in infos)
    compressed = max(1, sum(i.compress_size for i in infos))
    if total > MAX_UNCOMPRESSED_BYTES:
        return (f"解压后 {human_size(total)}，上限 {human_size(MAX_UNCOMPRESSED_BYTES)}",
                f"{human_size(total)} uncompressed, limit {human_size(MAX_UNCOMPRESSED_BYTES)}")
    if total > RATIO_FLOOR and total / compressed > MAX_COMPRESSION_RATIO:
        return f"压缩比 {total // compressed}:1", f"compression ratio {total // compressed}:1"
    return None
