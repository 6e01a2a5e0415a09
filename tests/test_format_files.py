"""The format files check themselves: a mistake in compiler/formats is refused when the formats load,
with the file, the place inside it and what is expected there.

Each case copies the real format folder, makes one edit in one file, loads the folder and expects
exactly one problem at one place. The cases are data (one row each), like pyxform's test tables.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from compiler.formats.definition import FORMATS_DIR, all_formats, format_files, load_formats
from compiler.formats.includes import resolve_file
from compiler.formats.problems import FormatDefinitionError
from compiler.formats.self_check import SCHEMA_FILE


@dataclass(frozen=True)
class Mistake:
    """Edit ``file`` at ``pointer`` (set a value, delete the key, or rename the key); expect one problem."""

    name: str
    file: str
    pointer: str
    edit: str  # "set", "delete" or "rename"
    value: object
    at: tuple[str, str]  # (file, pointer) the message must name
    expected: str  # words of the message that say what is expected

    def apply(self, folder: Path) -> None:
        path = folder / self.file
        data = json.loads(path.read_text(encoding="utf-8"))
        *parents, last = [int(t) if t.isdigit() else t for t in self.pointer.strip("/").split("/")]
        node = data
        for key in parents:
            node = node[key]
        if self.edit == "set":
            node[last] = self.value
        elif self.edit == "delete":
            del node[last]
        elif self.edit == "rename":
            node[self.value] = node.pop(last)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


SUMMARY_WITH_NOPE = "本年度共新收政府信息公开申请{new}件，其中{nope}件。"

THE_NINE = [
    Mistake("a misspelt key", "2021.json", "/sections/4/required", "rename", "requried",
            ("2021.json", "/sections/4/requried"),
            "unknown key 'requried'; expected one of: id, heading, kind, sheet, table, required"),
    Mistake("a section kind that does not exist", "2021.json", "/sections/0/kind", "set", "narative",
            ("2021.json", "/sections/0/kind"), "'narative' is not allowed; expected one of: narrative, table"),
    Mistake("a misspelt row in a previous-year check", "2021.json", "/previous_year_checks/0/current/row", "set",
            "carried_ovr", ("2021.json", "/previous_year_checks/0/current/row"),
            "unknown row 'carried_ovr' in requests; expected one of: new, carried_over,"),
    Mistake("a misspelt kind of previous-year check", "2021.json", "/previous_year_checks/1/kind", "set",
            "continuty", ("2021.json", "/previous_year_checks/1/kind"),
            "'continuty' is not allowed; expected one of: equal, continuity"),
    Mistake("a narrative phrase with no group for the number", "shared/narrative.json", "/text_checks/0/pattern",
            "set", "共收到申请\\d+件", ("shared/narrative.json", "/text_checks/0/pattern"),
            "the pattern has no capture group; expected one group (…) around the number"),
    Mistake("a value type that does not exist", "2021.json", "/sections/5/fields/0/type", "set", "cuont",
            ("2021.json", "/sections/5/fields/0/type"),
            "'cuont' is not allowed; expected one of: count, signed_count, amount"),
    Mistake("a summary-sentence placeholder that names no figure", "shared/narrative.json", "/summary_sentence",
            "set", SUMMARY_WITH_NOPE, ("shared/narrative.json", "/summary_sentence"),
            "{nope} names no figure; expected one of: new, carried_over,"),
    Mistake("a section pointing at a table that does not exist", "2021.json", "/sections/1/table", "set", "activ",
            ("2021.json", "/sections/1/table"), "unknown table 'activ'; expected one of: active, requests, review"),
    Mistake("a section without its heading", "2021.json", "/sections/2/heading", "delete", None,
            ("2021.json", "/sections/2"), "missing key 'heading'"),
]

MORE = [
    Mistake("a rule on an axis that does not exist", "shared/requests-table.json", "/checks/0/axis", "set",
            "diagonal", ("shared/requests-table.json", "/checks/0/axis"),
            "'diagonal' is not allowed; expected one of: row, column"),
    Mistake("a derived total over a row that does not exist", "2021.json", "/tables/requests/derived/0/terms/2",
            "set", "no_such_row", ("2021.json", "/tables/requests/derived/0/terms/2"),
            "unknown row 'no_such_row' in requests"),
    Mistake("a row-wise check naming a column", "shared/requests-table.json", "/checks/0/left/1", "set", "natural",
            ("shared/requests-table.json", "/checks/0/left/1"), "unknown row 'natural' in requests"),
    Mistake("a figure over a row that does not exist", "2019.json", "/figures/new/rows/0", "set", "nowhere",
            ("2019.json", "/figures/new/rows/0"), "unknown row 'nowhere' in requests"),
    Mistake("a figure in a block that does not exist", "2021.json", "/figures/penalty/block", "set", "art20_7",
            ("2021.json", "/figures/penalty/block"), "unknown block 'art20_7' in active; expected one of: art20_1,"),
    Mistake("a narrative phrase naming no figure", "shared/narrative.json", "/text_checks/1/figure", "set",
            "nothing", ("shared/narrative.json", "/text_checks/1/figure"), "unknown figure 'nothing'"),
    Mistake("a narrative phrase that is not a regex", "shared/narrative.json", "/text_checks/2/pattern", "set",
            "予以公开(\\d+件", ("shared/narrative.json", "/text_checks/2/pattern"), "not a valid regular expression"),
    Mistake("a continuity check on a column the block lacks", "2021.json", "/previous_year_checks/1/stock", "set",
            "in_forse", ("2021.json", "/previous_year_checks/1/stock"),
            "unknown column 'in_forse' in active/art20_1; expected one of: issued, repealed, in_force"),
    Mistake("a fields sentence naming no field", "2021.json", "/sections/5/fields_sentence", "set",
            "共{fee_notice}件", ("2021.json", "/sections/5/fields_sentence"),
            "{fee_notice} names no field of this section; expected one of: fee_notices, fee_collected"),
    Mistake("a sentence placeholder with a format spec", "shared/narrative.json", "/summary_sentence", "set",
            "共{new:>3}件", ("shared/narrative.json", "/summary_sentence"), "is not a plain {name} placeholder"),
    Mistake("a misspelt key in a shared table", "shared/review-table.json", "/columns/0/children/0/lable",
            "set", "结果维持", ("shared/review-table.json", "/columns/0/children/0/lable"), "unknown key 'lable'"),
    Mistake("a leaf of a header tree without an id", "shared/review-table.json", "/columns/0/children/0/id",
            "delete", None, ("shared/review-table.json", "/columns/0/children/0"), "missing key 'id'"),
    Mistake("two sections on one sheet", "2019.json", "/sections/5/sheet", "set", "问题及改进",
            ("2019.json", "/sections/5/sheet"), "is used by an earlier section too"),
    Mistake("an include of a file that does not exist", "2021.json", "/tables/review/$include", "set",
            "shared/revew-table.json", ("2021.json", "/tables/review/$include"),
            "no such file 'shared/revew-table.json'"),
    Mistake("an include of a part that does not exist", "2021.json", "/summary_sentence/$include", "set",
            "shared/narrative.json#/summary", ("2021.json", "/summary_sentence/$include"),
            "shared/narrative.json has nothing at #/summary"),
    Mistake("an include that leaves the formats folder", "2021.json", "/tables/review/$include", "set",
            "../definition.py", ("2021.json", "/tables/review/$include"), "points outside the formats folder"),
    Mistake("a key both included and written", "2021.json", "/tables/requests/checks", "set", [],
            ("2021.json", "/tables/requests/checks"), "'checks' is already included from 'shared/requests-table.json'"),
    Mistake("a file that includes itself", "shared/review-table.json", "/columns/0/children/0", "set",
            {"$include": "review-table.json#/columns/0/children/1"},
            ("shared/review-table.json", "/columns/0/children/0/$include"), "includes itself"),
]


@pytest.fixture
def formats_copy(tmp_path):
    folder = tmp_path / "formats"
    folder.mkdir()
    for path in format_files(FORMATS_DIR):
        shutil.copy(path, folder / path.name)
    shutil.copytree(FORMATS_DIR / "shared", folder / "shared")
    return folder


@pytest.mark.parametrize("mistake", THE_NINE + MORE, ids=lambda m: m.name)
def test_a_mistake_in_a_format_file_is_refused_with_its_place_and_what_is_expected(formats_copy, mistake):
    mistake.apply(formats_copy)
    with pytest.raises(FormatDefinitionError) as refused:
        load_formats(formats_copy)
    assert len(refused.value.problems) == 1, str(refused.value)
    problem = refused.value.problems[0]
    file, pointer = mistake.at
    assert (problem.file.resolve(), problem.pointer) == ((formats_copy / file).resolve(), pointer)
    assert mistake.expected in problem.message
    assert f"{problem.file}: {pointer}: " in str(refused.value)


def test_a_file_that_is_not_json_is_refused_with_its_line(formats_copy):
    path = formats_copy / "shared" / "narrative.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"summary_sentence":', '"summary_sentence"'),
                    encoding="utf-8")
    with pytest.raises(FormatDefinitionError, match=r"narrative\.json: line \d+ column \d+: not valid JSON"):
        load_formats(formats_copy)


def test_the_untouched_copy_loads_like_the_package_formats(formats_copy):
    assert load_formats(formats_copy) == all_formats()


def test_the_format_schema_is_a_valid_draft_2020_12_schema_and_every_format_file_meets_it():
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    for path in format_files(FORMATS_DIR):
        data, _ = resolve_file(path, FORMATS_DIR)
        assert list(Draft202012Validator(schema).iter_errors(data)) == [], path.name


def test_every_shared_file_is_used_by_a_format():
    used = set()
    for path in format_files(FORMATS_DIR):
        _, origins = resolve_file(path, FORMATS_DIR)
        used |= {file.resolve() for file, _, _ in origins.values()}
    shared = {p.resolve() for p in (FORMATS_DIR / "shared").glob("*.json")}
    assert shared and shared <= used, sorted(p.name for p in shared - used)


def test_blocks_the_two_formats_share_are_written_once():
    """Table 四, table 三's columns and checks, the narrative phrases and the summary sentence."""
    for path in format_files(FORMATS_DIR):
        written = json.loads(path.read_text(encoding="utf-8"))
        assert set(written["tables"]["review"]) == {"$include"}, path.name
        assert not {"columns", "checks"} & set(written["tables"]["requests"]), path.name
        assert all(set(item) == {"$include"} for item in written["text_checks"]), path.name
        assert set(written["summary_sentence"]) == {"$include"}, path.name
    formats = all_formats()
    assert formats["2019"].tables["review"].raw == formats["2021"].tables["review"].raw
    assert formats["2019"].text_checks == formats["2021"].text_checks
    assert formats["2019"].summary_sentence == formats["2021"].summary_sentence


def test_the_wheel_ships_every_format_file_the_loader_reads(tmp_path):
    builders = pytest.importorskip("hatchling.builders.wheel")
    root = FORMATS_DIR.parent.parent
    wheel = next(iter(builders.WheelBuilder(str(root)).build(directory=str(tmp_path), versions=["standard"])))
    shipped = set(zipfile.ZipFile(wheel).namelist())
    needed = {p.relative_to(root).as_posix() for p in FORMATS_DIR.rglob("*.json")}
    assert {"compiler/formats/format.schema.json", "compiler/formats/shared/narrative.json"} <= needed
    assert needed <= shipped, sorted(needed - shipped)
