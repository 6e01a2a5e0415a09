"""The portal page on a phone (390 px) and on a desktop (1280 px), laid out by headless Chromium.

The page is shown in an iframe of the given width (headless Chromium will not make a window
narrower than 500 px), each table region is scrolled to its right end, and a script reports where
things are: the row labels must stay at the left edge, the text of every cell spanning columns
(行政许可 1856, 申请人情况 …) inside the visible part of its region, no caption repeated under the
heading, and on a desktop no table scrolls at all."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess

import pytest
from helpers import SAMPLE_2021, SEED_WORKBOOK

from compiler.pipeline import Options, compile_workbook

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")

PROBE = """
const frame = document.getElementById("page");
frame.addEventListener("load", () => {
  const doc = frame.contentDocument;
  const out = {width: frame.contentWindow.innerWidth, tables: []};
  for (const wrap of doc.querySelectorAll(".table-wrap")) {
    const scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
    const firsts = [...wrap.querySelectorAll("tbody th.sticky")].filter(th => th.style.left === "0em");
    const table = {name: wrap.getAttribute("aria-labelledby"), scrolls: scrolls, label_offsets: [], hidden: [],
                   pins: wrap.querySelectorAll(".pin").length,
                   captions: [...wrap.querySelectorAll("caption")]
                               .filter(c => getComputedStyle(c).display !== "none").length};
    for (const end of [0, wrap.scrollWidth]) {  // as the page opens, and scrolled to the right end
      wrap.scrollLeft = end;
      const box = wrap.getBoundingClientRect();
      const labels = Math.max(box.left, ...[...wrap.querySelectorAll("tbody th.sticky")].map(
        th => th.getBoundingClientRect().right));
      table.label_offsets.push(...firsts.map(th => Math.round(th.getBoundingClientRect().left - box.left)));
      for (const pin of wrap.querySelectorAll(".pin")) {
        // text in a cell spanning columns must be in view whenever enough of its cell is
        const cell = pin.closest("th, td").getBoundingClientRect();
        const text = pin.getBoundingClientRect();
        const from = Math.max(cell.left, pin.closest("thead") ? box.left : labels);
        const to = Math.min(cell.right, box.right);
        if (to - from >= text.width + 8 && (text.left < from - 1 || text.right > to + 1)) {
          table.hidden.push([pin.textContent, end]);
        }
      }
    }
    out.tables.push(table);
  }
  const pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
"""


def laid_out(page: str, width: int, tmp_path) -> dict:
    wrapper = tmp_path / f"frame-{width}.html"
    wrapper.write_text(
        f'<!DOCTYPE html><html><body><iframe id="page" width="{width}" height="900" '
        f'srcdoc="{html.escape(page, quote=True)}"></iframe><script>{PROBE}</script></body></html>',
        encoding="utf-8")
    dom = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
         "--window-size=1400,1000", "--virtual-time-budget=5000", "--dump-dom", wrapper.as_uri()],
        check=True, capture_output=True, text=True, timeout=120).stdout
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert found, dom[-2000:]
    return json.loads(html.unescape(found.group(1)))


@pytest.fixture(scope="module", params=["2021", "2019"])
def page(request, tmp_path_factory):
    out = tmp_path_factory.mktemp("phone") / "report.docx"
    workbook = SAMPLE_2021 if request.param == "2021" else SEED_WORKBOOK
    assert compile_workbook(workbook, output=out, options=Options(outputs=("html",))).ok
    return out.with_suffix(".html").read_text(encoding="utf-8")


def test_on_a_phone_labels_stay_and_spanning_values_show(page, tmp_path):
    facts = laid_out(page, 390, tmp_path)
    assert facts["width"] == 390
    tables = {t["name"]: t for t in facts["tables"]}
    assert set(tables) == {"section-active", "section-requests", "section-review"}
    assert tables["section-requests"]["scrolls"]  # table 三 is wider than a phone
    for table in tables.values():
        assert table["captions"] == 0
        assert all(abs(offset) <= 1 for offset in table["label_offsets"]), table  # at the left edge (its border)
        assert not table["hidden"], table
    assert tables["section-requests"]["label_offsets"] and tables["section-active"]["label_offsets"]
    assert tables["section-active"]["pins"] >= 2  # 本年处理决定数量 and its figure, among others


def test_on_a_desktop_no_table_scrolls(page, tmp_path):
    facts = laid_out(page, 1280, tmp_path)
    assert facts["width"] == 1280
    for table in facts["tables"]:
        assert not table["scrolls"], table["name"]
        assert table["captions"] == 0
        assert not table["hidden"], table
