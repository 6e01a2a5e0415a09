"""A workbook's parts are read once, straight from the file's bytes, with zipfile's own checks."""

from __future__ import annotations

import io
import zipfile

import pytest
from helpers import SAMPLE_2021, SEED_WORKBOOK

from compiler.messages.findings import UnusableFile
from compiler.workbook.opening import _read_member, check_file


@pytest.mark.parametrize("path", [SAMPLE_2021, SEED_WORKBOOK], ids=["2021", "2019"])
def test_every_part_reads_as_zipfile_reads_it(path):
    content = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        for info in zf.infolist():
            assert _read_member(zf, info, content) == zf.read(info), info.filename
    parts = check_file(path)
    with zipfile.ZipFile(path) as zf:
        assert parts.read("xl/workbook.xml") == zf.read("xl/workbook.xml")


def test_a_damaged_part_is_a_corrupt_file(tmp_path):
    content = bytearray(SAMPLE_2021.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as zf:
        info = zf.getinfo("xl/workbook.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    content[start + info.compress_size // 2] ^= 0xFF  # inside the deflated data
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(bytes(content))
    with pytest.raises(UnusableFile) as caught:
        check_file(damaged)
    assert caught.value.finding.code == "file_corrupt"
