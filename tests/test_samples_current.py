"""The committed samples are what tools/build_samples.py makes today: a change to the workbook layout
that forgets to rebuild them fails here, not in an agency's hands."""

import importlib.util
import json

import pytest
from helpers import ROOT, SAMPLES

from compiler.formats.definition import get_format
from compiler.workbook.writer import save_workbook

spec = importlib.util.spec_from_file_location("build_samples", ROOT / "tools" / "build_samples.py")
build_samples = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_samples)

FILLED = {"seed-2020-政务服务大数据管理局": build_samples.seed_2020,
          "sample-2024-临江区市场监督管理局": build_samples.district_2024}


@pytest.mark.parametrize("name", sorted(FILLED))
def test_filled_samples_are_current(tmp_path, name):
    document = FILLED[name]()
    assert json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8")) == json.loads(json.dumps(document))
    fresh = tmp_path / "fresh.xlsx"
    save_workbook(get_format(document["format"]), document["meta"]["year"], fresh, document=document)
    assert fresh.read_bytes() == (SAMPLES / f"{name}.xlsx").read_bytes(), "run: python tools/build_samples.py"


@pytest.mark.parametrize("format_id,year", [("2019", 2020), ("2021", 2025)])
def test_blank_samples_are_current(tmp_path, format_id, year):
    fresh = tmp_path / "fresh.xlsx"
    save_workbook(get_format(format_id), year, fresh)
    committed = SAMPLES / f"blank-{format_id}.xlsx"
    assert fresh.read_bytes() == committed.read_bytes(), "run: python tools/build_samples.py"
