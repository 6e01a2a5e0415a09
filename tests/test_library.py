"""The library surface: what ``import compiler`` offers, that it stays cheap, and that the command
is a thin layer over it (the README's Python example runs; every command is documented)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile

import pytest
from click.testing import CliRunner
from helpers import ROOT, SAMPLE_2021, paragraphs, workbook_with

import compiler
from compiler.cli import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_public_name_is_listed_and_loads():
    assert set(compiler.__all__) == {"__version__", *compiler._EXPORTS}
    assert "compile_workbook" in compiler.__all__ and "Finding" in compiler.__all__
    for name in compiler.__all__:
        assert getattr(compiler, name) is not None, name
    assert set(compiler.__all__) <= set(dir(compiler))


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_thing"):
        compiler.no_such_thing  # noqa: B018


def test_star_import_gives_the_public_names():
    namespace: dict = {}
    exec("from compiler import *", namespace)  # noqa: S102 - a fixed statement
    assert {"compile_workbook", "rollup", "check_template", "new_workbook"} <= set(namespace)


def test_importing_the_package_loads_no_stage_and_no_heavy_library():
    code = ("import sys, compiler; print(sorted(m for m in sys.modules if m.startswith('compiler') "
            "or m.split('.')[0] in ('docxtpl', 'jsonschema', 'openpyxl', 'lxml', 'jinja2')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['compiler']"


def test_the_readme_python_example_runs(tmp_path, monkeypatch):
    section = README[README.index("## Use from Python"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert len(code.strip().splitlines()) == 3
    workbook = re.search(r'compile_workbook\("([^"]+)"', code).group(1)
    (tmp_path / workbook).write_bytes(SAMPLE_2021.read_bytes())
    monkeypatch.chdir(tmp_path)
    exec(code, {"print": lambda *a: None})  # noqa: S102 - the README's own example
    assert paragraphs(tmp_path / "报告.docx")[0][1].endswith("政府信息公开工作年度报告")


def test_check_json_prints_the_librarys_report(tmp_path):
    book = workbook_with(tmp_path, "requests", {"new": {"natural": 5}})
    result = CliRunner().invoke(cli, ["check", "--json", "--limit-errors", "1", str(book)])
    expected = compiler.compile_workbook(book, write=False).as_dict("zh", limit=1)
    assert json.loads(result.output) == [expected]
    assert expected["status"] == "invalid" and expected["errors"] >= 1 and len(expected["findings"]) == 1


def test_new_workbook_writes_what_compile_new_writes(tmp_path):
    by_library = compiler.new_workbook(2024, tmp_path / "lib.xlsx", org="临江区档案局")
    args = ["new", "--year", "2024", "--org", "临江区档案局", "-o", str(tmp_path / "cli.xlsx")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert by_library.read_bytes() == (tmp_path / "cli.xlsx").read_bytes()
    assert compiler.load_document(by_library).format.id == "2021"


def test_the_wheel_ships_py_typed(tmp_path):
    builders = pytest.importorskip("hatchling.builders.wheel")
    wheel = next(iter(builders.WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])))
    assert "compiler/py.typed" in zipfile.ZipFile(wheel).namelist()


COMMANDS = sorted(cli.commands.items())


@pytest.mark.parametrize("name, command", COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_and_its_options_are_documented_in_the_readme(name, command):
    assert f"compile {name}" in README, f"README does not mention `compile {name}`"
    for param in command.params:
        for opt in param.opts:
            if opt.startswith("--") and opt not in ("--help",):
                assert opt in README, f"README does not mention {opt} of `compile {name}`"


def test_every_module_the_readme_names_exists():
    """The README's module table is where a newcomer starts reading the code: every file it names
    is there (a bare name somewhere in the package, a path under compiler/)."""
    table = README[README.index("## How it works"):README.index("Adding a future revision")]
    package = ROOT / "compiler"
    names = re.findall(r"`([\w./*<>-]+\.(?:py|json))`", table)
    assert len(names) > 20

    def exists(name: str) -> bool:
        if "/" not in name:
            return any(package.rglob(name))
        return (ROOT / name).exists() if name.startswith("compiler/") else (package / name).exists()

    missing = [n for n in names if "*" not in n and "<" not in n and not exists(n)]
    assert not missing, f"the README names modules that do not exist: {missing}"
