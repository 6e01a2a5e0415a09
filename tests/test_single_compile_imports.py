"""A single compile loads only what it uses: once the formats have passed their check and the
template is prepared (both kept in the user cache), no jsonschema, docxtpl, python-docx, openpyxl,
worker processes, batch or archive machinery."""

from __future__ import annotations

import os
import subprocess
import sys

from helpers import ROOT, SAMPLE_2021

HEAVY = ("jsonschema", "docxtpl", "docx", "openpyxl", "multiprocessing", "concurrent", "sqlite3",
         "compiler.inbox.batch", "compiler.common.parallel", "compiler.archive.store", "traceback")
CODE = ("import sys\n"
        "from compiler.cli import main\n"
        "sys.argv = ['compile', sys.argv[1], '-o', sys.argv[2]]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        f"print(sorted(m for m in sys.modules if m in {HEAVY!r} or m.split('.')[0] in {HEAVY!r}))\n")


def _compile(tmp_path, name: str) -> str:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    return subprocess.run([sys.executable, "-c", CODE, str(SAMPLE_2021), str(tmp_path / name)], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]


def test_a_second_compile_imports_nothing_heavy_and_writes_the_same_report(tmp_path):
    first = _compile(tmp_path, "first.docx")
    assert "docxtpl" in first and "jsonschema" in first  # the first run prepares and checks
    assert _compile(tmp_path, "second.docx") == "[]"
    assert (tmp_path / "first.docx").read_bytes() == (tmp_path / "second.docx").read_bytes()
