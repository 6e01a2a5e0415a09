"""``--previous``: each agency checked against its own last year, and no other.

What the user gives — one report file, a folder of them, or the archive — becomes a
``PreviousLookup``: for an agency and a year it finds that agency's report of that year (through the
alias table for renamed agencies), or nothing. A batch therefore checks every workbook against its
own year − 1; an agency without one gets one warning, never a false carry-over error. Only one file
given for one workbook is taken at its word: if it is another agency's or another year's report,
that is an error naming both.

The lookup is small and picklable (it travels to the batch workers in ``Options``): a single file's
entry is held in memory, a folder's entries are written once into a temporary archive, and the
archive itself is read by path in whichever process asks.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from compiler.archive.names import canonical, org_key
from compiler.archive.store import DEFAULT_ARCHIVE, Archive, ArchiveError, Entry
from compiler.checks.previous_year import check_previous_year
from compiler.document.model import ReadResult, pointer
from compiler.formats.definition import UnknownFormat, get_format
from compiler.messages.findings import Finding, UnusableFile
from compiler.messages.texts import text

ARCHIVE_WORD = "archive"  # ``--previous archive`` / ``--from archive``


class PreviousArgumentError(Exception):
    """``--previous`` names nothing usable: a bad argument (exit 2), nothing is compiled."""

    def __init__(self, key: str, **params):
        self.key, self.params = key, params
        super().__init__(text(key, "zh", **params))

    def message(self, lang: str) -> str:
        return text(self.key, lang, **self.params)


@dataclass(frozen=True)
class PreviousLookup:
    """Where last year's reports are found."""

    label: str  # what the user gave, for messages: a file name, a folder, the archive
    archive: Path | None = None  # the archive to search (a folder's reports sit in a temporary one)
    entries: tuple[Entry, ...] = ()  # a report file given on the command line
    explicit: bool = False  # one file for one workbook: a mismatch is an error, not "not found"
    aliases: tuple[tuple[str, str], ...] = ()  # old → new keys, for the entries held in memory
    label_en: str = ""

    def find(self, org: str, year: int) -> Entry | None:
        if self.archive is not None:
            with Archive(self.archive, create=False) as archive:
                return archive.find(org, year)
        aliases = dict(self.aliases)
        wanted = canonical(org_key(org), aliases)
        for entry in self.entries:
            if entry.year == year and canonical(entry.key, aliases) == wanted:
                return entry
        return None

    def similar_names(self, org: str, year: int) -> list[str]:
        if self.archive is None:
            return []
        with Archive(self.archive, create=False) as archive:
            return archive.similar_names(org, year)


def lookup_for_file(path: Path, explicit: bool, aliases: dict[str, str] | None = None) -> PreviousLookup:
    """One report file. Raises UnusableFile when it cannot be read at all."""
    from compiler.archive.entries import entry_from_file

    entry = entry_from_file(path)
    return PreviousLookup(label=Path(path).name, entries=(entry,), explicit=explicit,
                          aliases=tuple(sorted((aliases or {}).items())))


@dataclass
class Resolved:
    lookup: PreviousLookup
    notes: list[str]  # files of a folder that could not be read, duplicates (zh)
    notes_en: list[str]


@contextmanager
def resolve_previous(value: str | Path, archive_path: Path | None, single: bool, jobs: int = 1
                     ) -> Iterator[Resolved]:
    """``--previous VALUE`` as a lookup, for as long as the run lasts (a folder's temporary archive is
    removed afterwards). ``single``: one workbook is being compiled, so an explicit file is taken at its
    word. Raises PreviousArgumentError for a path that does not exist or a file that cannot be read."""
    value = str(value)
    aliases = _aliases_of(archive_path)
    if value == ARCHIVE_WORD:
        path = Path(archive_path or DEFAULT_ARCHIVE)
        if not path.is_file():
            raise PreviousArgumentError("previous_archive_missing", path=path)
        _check_archive(path)
        yield Resolved(PreviousLookup(label=text("the_archive", "zh", name=path.name),
                                      label_en=text("the_archive", "en", name=path.name), archive=path), [], [])
        return
    path = Path(value)
    if not path.exists():
        raise PreviousArgumentError("previous_missing", path=path)
    if path.is_file():
        try:
            lookup = lookup_for_file(path, explicit=single, aliases=aliases)
        except UnusableFile as exc:
            raise PreviousArgumentError("previous_file_unusable", name=path.name, reason=exc.finding.message("zh"),
                                        reason_en=exc.finding.message("en")) from None
        yield Resolved(lookup, [], [])
        return
    workdir = Path(tempfile.mkdtemp(prefix="compile-previous-"))
    try:
        yield _folder_lookup(path, workdir / "previous.sqlite", archive_path, jobs)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _aliases_of(archive_path: Path | None) -> dict[str, str]:
    if archive_path is None or not Path(archive_path).is_file():
        return {}
    with Archive(Path(archive_path), create=False) as archive:
        return archive.aliases()


def _check_archive(path: Path) -> None:
    try:
        Archive(path, create=False).close()
    except ArchiveError as exc:
        raise PreviousArgumentError("previous_archive_refused", message=exc.finding.message("zh"),
                                    message_en=exc.finding.message("en")) from None


def _folder_lookup(folder: Path, temporary: Path, archive_path: Path | None, jobs: int) -> Resolved:
    """Every report in ``folder``, read once, in a temporary archive the workers can search."""
    from compiler.archive.entries import report_files
    from compiler.common.parallel import ordered_map

    files = report_files(folder)
    notes, notes_en = [], []
    chosen: dict[tuple[str, int], Entry] = {}
    jobs = max(1, min(jobs, len(files)))
    for path, loaded in zip(files, ordered_map(load_entry, [(p, None) for p in files], jobs), strict=True):
        if not isinstance(loaded, Entry):
            notes.append(f"{path.name}：{loaded[0]}")
            notes_en.append(f"{path.name}: {loaded[1]}")
            continue
        if not loaded.key or not loaded.year:
            notes.append(text("previous_no_name", "zh", name=path.name))
            notes_en.append(text("previous_no_name", "en", name=path.name))
            continue
        key = (loaded.key, loaded.year)
        kept = chosen.get(key)
        if kept is None or (loaded.valid and not kept.valid):
            chosen[key] = loaded
        if kept is not None and kept.document.get("tables") != loaded.document.get("tables"):
            params = {"name": path.name, "other": Path(kept.source).name, "org": loaded.org, "year": loaded.year,
                      "used": Path(chosen[key].source).name}
            notes.append(text("previous_duplicate", "zh", **params))
            notes_en.append(text("previous_duplicate", "en", **params))
    with Archive(temporary) as archive:
        archive.put_many(list(chosen.values()))
        for old, new in _alias_names(archive_path):
            archive.add_alias(old, new)
    return Resolved(PreviousLookup(label=f"{folder}", archive=temporary), notes, notes_en)


def _alias_names(archive_path: Path | None) -> list[tuple[str, str]]:
    if archive_path is None or not Path(archive_path).is_file():
        return []
    with Archive(Path(archive_path), create=False) as archive:
        return [(old, new) for old, new, _ in archive.alias_rows()]


# --- the check ----------------------------------------------------------------------------------

def previous_year_findings(result: ReadResult, lookup: PreviousLookup,
                           also: Callable[[ReadResult, str], list[Finding]] | None = None) -> list[Finding]:
    """This workbook against its own agency's last year, found through ``lookup``; ``also(last_year,
    name)`` adds the checks of another stage once last year is found (the year-over-year review)."""
    meta = result.data.get("meta", {})
    org, year = str(meta.get("org") or ""), meta.get("year")
    if not org_key(org) or not isinstance(year, int):
        return []  # completeness has already said the name or year is missing
    org_src, year_src = result.sources.get(pointer("meta", "org")), result.sources.get(pointer("meta", "year"))
    found = lookup.find(org, year - 1)
    if found is None and lookup.explicit and lookup.entries:
        other = lookup.entries[0]
        same_agency = canonical(other.key, dict(lookup.aliases)) == canonical(org_key(org), dict(lookup.aliases))
        src = year_src if same_agency else org_src
        return [Finding("previous_other_report", src.sheet if src else "", src.cell if src else "", {
            "file": lookup.label, "previous_org": other.org or "—", "previous_year": other.year or "—",
            "org": org, "year": year, "last_year": year - 1})]
    if found is None:
        similar = lookup.similar_names(org, year - 1)
        hint = text("similar_names_hint", "zh", names="、".join(f"「{n}」" for n in similar)) if similar else ""
        hint_en = text("similar_names_hint", "en", names=", ".join(similar)) if similar else ""
        src = org_src
        return [Finding("previous_not_found", src.sheet if src else "", src.cell if src else "", {
            "org": org, "year": year - 1, "where": lookup.label, "where_en": lookup.label_en or lookup.label,
            "hint": hint, "hint_en": hint_en})]
    name = Path(found.source).name
    src = year_src
    if not found.valid:
        return [Finding("previous_invalid", src.sheet if src else "", src.cell if src else "", {
            "file": name, "count": found.errors, "first": found.first_error})]
    try:
        previous = ReadResult(format=get_format(found.format), data=found.document)
    except UnknownFormat:
        return [Finding("previous_unusable", src.sheet if src else "", src.cell if src else "", {
            "file": name, "detail": f"格式 {found.format} 未知"})]
    return check_previous_year(result, previous, name) + (also(previous, name) if also else [])


def load_entry(task: tuple[Path, str | None]):
    """One file and its format override (runs in a worker): its entry, or the sentences (zh, en)
    saying why it cannot be used."""
    from compiler.archive.entries import entry_from_file

    path, format_id = task
    try:
        return entry_from_file(path, format_id)
    except UnusableFile as exc:
        return (exc.finding.message("zh"), exc.finding.message("en"))
