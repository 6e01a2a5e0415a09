"""The formats' self-check runs whenever their data or the checker changed, and is not repeated otherwise."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from helpers import ROOT

from compiler.formats.checked import KIND, fingerprint
from compiler.formats.definition import FORMATS_DIR, load_formats
from compiler.formats.problems import FormatDefinitionError

LOAD = ("import sys; from compiler.formats.definition import all_formats; all_formats(); "
        "print('jsonschema' in sys.modules)")


def _load_in_fresh_process(cache) -> str:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    return subprocess.run([sys.executable, "-c", LOAD], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_a_pass_is_remembered_and_the_next_start_skips_the_check(tmp_path):
    assert _load_in_fresh_process(tmp_path) == "True"  # checked: jsonschema was needed
    assert len(list((tmp_path / "gov-info-report-compiler" / KIND).iterdir())) == 2  # one pass per format
    assert _load_in_fresh_process(tmp_path) == "False"  # same files, same checker: not checked again


def test_an_edited_format_is_checked_again_and_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "formats"
    shutil.copytree(FORMATS_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    load_formats(folder)  # both pass and are remembered
    path = folder / "2021.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["sections"][0]["kind"] = "narative"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(FormatDefinitionError, match="narative"):
        load_formats(folder)
    with pytest.raises(FormatDefinitionError, match="narative"):  # a failure is never remembered
        load_formats(folder)


def test_the_fingerprint_changes_with_the_data():
    assert fingerprint({"id": "2021"}) != fingerprint({"id": "2019"})
    assert fingerprint({"a": 1, "b": 2}) == fingerprint({"b": 2, "a": 1})
