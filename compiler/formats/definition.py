"""Official report formats, loaded from the JSON definitions beside this module.

Every other stage (blank workbook, reader, schema, Word tables, rules) asks this module about a
format, so a future revision of the State Council's format is one more JSON file here plus a
Word template — no code path names a format.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from compiler.formats.checked import fingerprint, passed_before, remember_pass
from compiler.formats.includes import Origins, resolve_file
from compiler.formats.problems import FormatDefinitionError, Problem
from compiler.formats.self_check import reference_problems, shape_problems

FORMATS_DIR = Path(__file__).parent


class UnknownFormat(LookupError):
    """Raised when a format id or a report year matches no definition."""


@dataclass(frozen=True)
class HeaderNode:
    """A node of a column-header or row-label tree; leaves carry the value ids."""

    label: str
    id: str = ""  # leaves only: the value id (inner nodes group leaves and carry none)
    children: tuple[HeaderNode, ...] = ()
    aliases: tuple[str, ...] = ()

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def leaves(self) -> Iterator[HeaderNode]:
        if self.is_leaf:
            yield self
        for child in self.children:
            yield from child.leaves()

    def depth(self) -> int:
        return 1 + max((c.depth() for c in self.children), default=0)

    def leaf_count(self) -> int:
        return sum(1 for _ in self.leaves())


def _node(raw: dict) -> HeaderNode:
    return HeaderNode(
        label=raw.get("label", ""),
        id=raw.get("id", ""),
        children=tuple(_node(c) for c in raw.get("children", ())),
        aliases=tuple(raw.get("aliases", ())),
    )


@dataclass(frozen=True)
class ValueSpec:
    """What a value cell may hold: a count, a signed count, or an amount with decimals."""

    type: str
    unit: str = ""
    max_decimals: int = 0
    decimals: int | None = None

    @classmethod
    def from_raw(cls, raw: dict) -> ValueSpec:
        return cls(
            type=raw.get("type", "count"),
            unit=raw.get("unit", ""),
            max_decimals=raw.get("max_decimals", 0),
            decimals=raw.get("decimals"),
        )


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    spec: ValueSpec
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Block:
    """One sub-block of table 二: a caption row, a header row and a few data rows."""

    id: str
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[HeaderNode, ...]


@dataclass(frozen=True)
class Derived:
    """A total the program computes: ``target`` = sum of ``terms`` along ``axis``.

    axis "row": the target is a row, summed over the term rows, in every column.
    axis "column": the target is a column, summed over the term columns, in every row.
    """

    axis: str
    target: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Check:
    """An equation the agency's figures must satisfy (a 勾稽关系), in every column or row."""

    id: str
    axis: str
    left: tuple[str, ...]
    right: tuple[str, ...]
    label: str


@dataclass(frozen=True)
class Table:
    id: str
    kind: str  # "blocks" (table 二) or "grid" (tables 三 and 四)
    title: str
    raw: dict = field(repr=False, compare=False)

    # --- blocks -------------------------------------------------------------
    @cached_property
    def blocks(self) -> tuple[Block, ...]:
        return tuple(
            Block(
                id=b["id"],
                caption=b["caption"],
                columns=tuple(Column(c["id"], c["label"], ValueSpec.from_raw(c), tuple(c.get("aliases", ())))
                              for c in b["columns"]),
                rows=tuple(_node(r) for r in b["rows"]),
            )
            for b in self.raw.get("blocks", ())
        )

    @property
    def value_columns(self) -> int:
        return self.raw.get("value_columns", 3)

    @property
    def row_header(self) -> str:
        return self.raw.get("row_header", "信息内容")

    # --- grid ---------------------------------------------------------------
    @property
    def corner(self) -> str:
        return self.raw.get("corner", "")

    @cached_property
    def column_tree(self) -> tuple[HeaderNode, ...]:
        return tuple(_node(c) for c in self.raw.get("columns", ()))

    @cached_property
    def row_tree(self) -> tuple[HeaderNode, ...]:
        return tuple(_node(r) for r in self.raw.get("rows", ()))

    @cached_property
    def value_spec(self) -> ValueSpec:
        return ValueSpec(type=self.raw.get("value_type", "count"))

    @cached_property
    def _column_leaves(self) -> tuple[HeaderNode, ...]:
        return tuple(leaf for node in self.column_tree for leaf in node.leaves())

    @cached_property
    def _row_leaves(self) -> tuple[HeaderNode, ...]:
        return tuple(leaf for node in self.row_tree for leaf in node.leaves())

    def column_leaves(self) -> tuple[HeaderNode, ...]:
        return self._column_leaves

    def row_leaves(self) -> tuple[HeaderNode, ...]:
        return self._row_leaves

    def header_depth(self) -> int:
        return max(n.depth() for n in self.column_tree)

    def label_depth(self) -> int:
        """Number of row-label columns; 0 when rows carry no labels (table 四)."""
        if not any(leaf.label for leaf in self.row_leaves()):
            return 0
        return max(n.depth() for n in self.row_tree)

    @cached_property
    def derived(self) -> tuple[Derived, ...]:
        return tuple(Derived(d["axis"], d["target"], tuple(d["terms"])) for d in self.raw.get("derived", ()))

    @cached_property
    def checks(self) -> tuple[Check, ...]:
        return tuple(
            Check(c["id"], c["axis"], tuple(c["left"]), tuple(c["right"]), c.get("label", ""))
            for c in self.raw.get("checks", ())
        )

    def spec_for(self, key: tuple[str, ...]) -> ValueSpec:
        """What the value cell at ``key`` (a path inside this table's data) may hold."""
        if self.kind == "blocks":
            block = next(b for b in self.blocks if b.id == key[0])
            return next(c.spec for c in block.columns if c.id == key[-1])
        return self.value_spec

    def derived_ids(self, axis: str) -> set[str]:
        return {d.target for d in self.derived if d.axis == axis}

    def row_label(self, row_id: str) -> str:
        return next(leaf.label for leaf in self.row_leaves() if leaf.id == row_id)

    def column_label(self, col_id: str) -> str:
        """The column's label with its parents (e.g. 行政诉讼/复议后起诉/总计) so it is unambiguous."""
        path = _label_path(self.column_tree, col_id, []) or [col_id]
        if len(self.column_tree) == 1 and len(path) > 1:
            path = path[1:]  # a single root (申请人情况) adds nothing to a message
        return "/".join(path)


def _label_path(nodes, col_id: str, trail: list[str]) -> list[str] | None:
    """The labels from the root down to column ``col_id`` (a module function: a recursive closure
    refers to itself, so every call would leave a reference cycle for the cyclic collector)."""
    for n in nodes:
        path = trail + ([n.label] if n.label else [])
        if n.id == col_id:
            return path
        found = _label_path(n.children, col_id, path)
        if found:
            return found
    return None


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    spec: ValueSpec


@dataclass(frozen=True)
class Section:
    id: str
    heading: str
    kind: str  # "narrative" or "table"
    sheet: str
    table: str  # the table id of a "table" section; "" for a narrative one
    required: bool
    hint: str
    prefill: tuple[dict, ...]
    fields: tuple[Field, ...]
    fields_sentence: str


@dataclass(frozen=True)
class Format:
    id: str
    name: str
    source: str
    first_year: int
    last_year: int | None
    workbook_version: int
    sections: tuple[Section, ...]
    tables: dict[str, Table]
    figures: dict[str, dict] = field(default_factory=dict)  # named sums of table cells
    text_checks: tuple[dict, ...] = ()  # phrases in the narrative that state a figure
    summary_sentence: str = ""  # the generated sentence of the year's application figures
    previous_year_checks: tuple[dict, ...] = ()
    year_review: dict = field(default_factory=dict)  # copied text, stale years, figure jumps (compiler.review)
    narrative_rules: dict = field(default_factory=dict)  # combined figures, wordings, percentages, 五, fees

    def covers(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)

    @property
    def years_label(self) -> str:
        return f"{self.first_year}–{self.last_year}" if self.last_year else f"{self.first_year} 起"

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)

    def narrative_sections(self) -> list[Section]:
        return [s for s in self.sections if s.kind == "narrative"]

    def table_sections(self) -> list[Section]:
        return [s for s in self.sections if s.kind == "table"]


def _format(raw: dict) -> Format:
    """The Format of data that has passed :func:`format_from_data`'s checks."""
    sections = tuple(
        Section(
            id=s["id"],
            heading=s["heading"],
            kind=s["kind"],
            sheet=s["sheet"],
            table=s.get("table", ""),
            required=s.get("required", False),
            hint=s.get("hint", ""),
            prefill=tuple(s.get("prefill", ())),
            fields=tuple(Field(f["id"], f["label"], ValueSpec.from_raw(f)) for f in s.get("fields", ())),
            fields_sentence=s.get("fields_sentence", ""),
        )
        for s in raw["sections"]
    )
    tables = {tid: Table(tid, t["kind"], t["title"], t) for tid, t in raw["tables"].items()}
    return Format(
        id=raw["id"],
        name=raw["name"],
        source=raw["source"],
        first_year=raw["years"]["first"],
        last_year=raw["years"]["last"],
        workbook_version=raw["workbook_version"],
        sections=sections,
        tables=tables,
        figures=raw.get("figures", {}),
        text_checks=tuple(raw.get("text_checks", ())),
        summary_sentence=raw.get("summary_sentence", ""),
        previous_year_checks=tuple(raw.get("previous_year_checks", ())),
        year_review=raw.get("year_review", {}),
        narrative_rules=raw.get("narrative_rules", {}),
    )


def format_from_data(raw: object, origins: Origins | None = None, file: Path | None = None) -> Format:
    """A format built from its (resolved) data, once the data has passed its own checks.

    ``origins`` says where each part of ``raw`` was written (see :mod:`compiler.formats.includes`),
    so a problem is reported in the file and at the place its author has to edit.
    """
    if origins is None:
        origins = Origins({(): (file or Path("<format data>"), (), "")})
    key = fingerprint(raw)
    if isinstance(raw, dict) and passed_before(key):  # the same data passed the same checks before
        return _format(raw)
    found = shape_problems(raw)
    if not found and isinstance(raw, dict):  # the schema says it is a dict
        found = reference_problems(raw)
    if found or not isinstance(raw, dict):
        raise FormatDefinitionError([origins.problem(place, message) for place, message in found])
    remember_pass(key)
    return _format(raw)


def format_data(file: Path) -> dict:
    """The data of a format file with its ``$include`` references resolved (not yet checked)."""
    raw, _ = resolve_file(file, file.parent)
    return raw  # type: ignore[return-value]


def load_format(file: Path) -> Format:
    """One format file: includes resolved (inside its folder), checked, built."""
    raw, origins = resolve_file(file, file.parent)
    return format_from_data(raw, origins)


def format_files(directory: Path) -> list[Path]:
    """The format definitions in ``directory``: its ``*.json`` files except JSON Schemas (shared parts sit below)."""
    return sorted(p for p in directory.glob("*.json") if not p.name.endswith(".schema.json"))


def load_formats(directory: Path) -> dict[str, Format]:
    formats: dict[str, Format] = {}
    for path in format_files(directory):
        fmt = load_format(path)
        if fmt.id in formats:
            raise FormatDefinitionError([Problem(path, "/id", f"id {fmt.id!r} is already used by another format file")])
        formats[fmt.id] = fmt
    return formats


@cache
def all_formats() -> dict[str, Format]:
    return load_formats(FORMATS_DIR)


def get_format(format_id: str) -> Format:
    try:
        return all_formats()[str(format_id)]
    except KeyError:
        known = "、".join(all_formats())
        raise UnknownFormat(f"未知的年报格式「{format_id}」；可用的格式：{known}") from None


def format_for_year(year: int) -> Format:
    for fmt in all_formats().values():
        if fmt.covers(year):
            return fmt
    raise UnknownFormat(f"没有适用于 {year} 年的年报格式")
