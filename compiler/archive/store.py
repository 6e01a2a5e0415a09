"""The archive: one SQLite file holding every agency's years (default ``年报档案.sqlite``).

Each row is one agency and year: the data document (JSON, totals computed), whether it passed the
checks, the file it came from and when it was added. Rows are keyed by the normalised 机关名称
(``names.org_key``) and the year; renamed agencies are joined only through the explicit alias table.

Why it cannot be damaged:
- every change is one transaction (``BEGIN IMMEDIATE`` … ``COMMIT``): a crash, a full disk or Ctrl-C
  mid-write leaves the archive as it was before;
- writers from several processes queue behind SQLite's file lock (``busy_timeout``) instead of
  failing or interleaving. The classic rollback journal is used rather than WAL so the archive stays
  one self-contained file a coordinator can copy, mail or keep on a shared drive;
- the schema is versioned (``PRAGMA user_version``) and upgraded in place by ``MIGRATIONS``, inside
  the same kind of transaction, so a later version of the tool opens an older archive; an archive
  written by a newer version is refused rather than misread.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from compiler.archive.names import canonical, org_key, same_agency_keys
from compiler.messages.findings import Finding

DEFAULT_ARCHIVE = "年报档案.sqlite"
APPLICATION_ID = 0x4E424441  # marks the file as one of our archives ("NBDA", 年报档案)
BUSY_TIMEOUT_MS = 60_000
VALID, INVALID = "valid", "invalid"

# Schema versions, oldest first: MIGRATIONS[n] takes an archive from version n to n + 1.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE reports (
        org_key     TEXT    NOT NULL,
        year        INTEGER NOT NULL,
        org         TEXT    NOT NULL,
        format      TEXT    NOT NULL,
        status      TEXT    NOT NULL CHECK (status IN ('valid', 'invalid')),
        errors      INTEGER NOT NULL DEFAULT 0,
        warnings    INTEGER NOT NULL DEFAULT 0,
        first_error TEXT    NOT NULL DEFAULT '',
        source      TEXT    NOT NULL,
        source_kind TEXT    NOT NULL,
        document    TEXT    NOT NULL,
        added       TEXT    NOT NULL,
        PRIMARY KEY (org_key, year)
    );
    CREATE TABLE aliases (
        old_key  TEXT PRIMARY KEY,
        old_name TEXT NOT NULL,
        new_key  TEXT NOT NULL,
        new_name TEXT NOT NULL,
        added    TEXT NOT NULL
    );
    """,
]


def schema_version() -> int:
    """The schema version this version of the tool writes."""
    return len(MIGRATIONS)


class ArchiveError(Exception):
    """The archive cannot be used (missing, not an archive, newer than this tool, locked too long)."""

    def __init__(self, code: str, **params):
        self.finding = Finding(code, params={k: str(v) for k, v in params.items()})
        super().__init__(self.finding.message())


@dataclass(frozen=True)
class Entry:
    """One agency's report of one year, as kept in the archive."""

    org: str
    year: int
    format: str
    status: str
    source: str
    source_kind: str
    document: dict = field(repr=False, compare=False)
    errors: int = 0
    warnings: int = 0
    first_error: str = ""
    added: str = ""

    @property
    def key(self) -> str:
        return org_key(self.org)

    @property
    def valid(self) -> bool:
        return self.status == VALID


_COLUMNS = ("org", "year", "format", "status", "errors", "warnings", "first_error", "source", "source_kind",
            "document", "added")
# every query is built from these constants and "?" placeholders; values are always bound, never formatted in
_SELECT = "SELECT " + ", ".join(_COLUMNS) + " FROM reports"  # noqa: S608
_INSERT = ("INSERT OR REPLACE INTO reports (org_key, " + ", ".join(_COLUMNS) + ") VALUES ("  # noqa: S608
           + ", ".join("?" * (len(_COLUMNS) + 1)) + ")")


def _marks(values) -> str:
    return ",".join("?" * len(values))


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


class Archive:
    """An open archive. Use as a context manager; each method is one transaction."""

    def __init__(self, path: Path, create: bool = True):
        self.path = Path(path)
        if not self.path.exists() and not create:
            raise ArchiveError("archive_missing", path=self.path)
        if self.path.exists() and self.path.is_dir():
            raise ArchiveError("archive_unreadable", path=self.path, detail="这是一个文件夹")
        try:
            self._db = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except sqlite3.Error as exc:
            raise ArchiveError("archive_unreadable", path=self.path, detail=exc) from None
        try:
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._db.execute("PRAGMA synchronous = FULL")
            self._upgrade()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise self._error(exc) from None
        except ArchiveError:
            self._db.close()
            raise

    def _error(self, exc: sqlite3.Error) -> ArchiveError:
        if "locked" in str(exc) or "busy" in str(exc):
            return ArchiveError("archive_busy", path=self.path)
        return ArchiveError("archive_unreadable", path=self.path, detail=exc)

    # --- schema --------------------------------------------------------------------------------

    def _upgrade(self) -> None:
        """Bring the schema to the current version, in one transaction (two processes opening a new
        or old archive at once: the second waits, then finds the work done)."""
        if self._versions() == (APPLICATION_ID, schema_version()):
            return
        with self._transaction():
            app_id, version = self._versions()
            empty = not self._db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone()
            if app_id != APPLICATION_ID and not (empty and app_id == 0 and version == 0):
                raise ArchiveError("archive_unreadable", path=self.path, detail="不是本工具的年报档案")
            if version > schema_version():
                raise ArchiveError("archive_newer", path=self.path, found=version, known=schema_version())
            for step in MIGRATIONS[version:]:
                for statement in _statements(step):
                    self._db.execute(statement)
            self._db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self._db.execute(f"PRAGMA user_version = {schema_version()}")

    def _versions(self) -> tuple[int, int]:
        app_id = self._db.execute("PRAGMA application_id").fetchone()[0]
        return app_id, self._db.execute("PRAGMA user_version").fetchone()[0]

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise self._error(exc) from None
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            self._db.execute("COMMIT")

    # --- reports -------------------------------------------------------------------------------

    def put(self, entry: Entry) -> Entry | None:
        """Add one report; returns the entry it replaced (same agency and year), if any."""
        return self.put_many([entry])[0]

    def put_many(self, entries: list[Entry]) -> list[Entry | None]:
        """Add several reports in one transaction: all of them or, on any failure, none."""
        replaced: list[Entry | None] = []
        try:
            with self._transaction():
                for entry in entries:
                    entry = replace(entry, added=entry.added or _now())
                    replaced.append(self._get_exact(entry.key, entry.year))
                    self._db.execute(
                        _INSERT,
                        (entry.key, entry.org, entry.year, entry.format, entry.status, entry.errors, entry.warnings,
                         entry.first_error, entry.source, entry.source_kind,
                         json.dumps(entry.document, ensure_ascii=False), entry.added))
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from None
        return replaced

    def _get_exact(self, key: str, year: int) -> Entry | None:
        row = self._db.execute(_SELECT + " WHERE org_key = ? AND year = ?", (key, year)).fetchone()
        return _entry(row) if row else None

    def find(self, org: str, year: int) -> Entry | None:
        """The report of ``org`` for ``year``, under its own name or any name aliased to it."""
        key = org_key(org)
        exact = self._get_exact(key, year)
        if exact is not None:
            return exact
        keys = sorted(same_agency_keys(key, self.aliases()) - {key})
        if not keys:
            return None
        rows = self._db.execute(_SELECT + f" WHERE year = ? AND org_key IN ({_marks(keys)}) ORDER BY added DESC",  # noqa: S608
                                (year, *keys)).fetchall()
        return _entry(rows[0]) if rows else None

    def latest(self, org: str) -> Entry | None:
        """The most recent year of ``org`` (aliases included)."""
        keys = sorted(same_agency_keys(org_key(org), self.aliases()))
        row = self._db.execute(_SELECT + f" WHERE org_key IN ({_marks(keys)}) ORDER BY year DESC, added DESC LIMIT 1",  # noqa: S608
                               keys).fetchone()
        return _entry(row) if row else None

    def entries(self, org: str | None = None) -> list[Entry]:
        """Every report (of ``org`` and its aliases when given), by agency then year."""
        if org is None:
            rows = self._db.execute(_SELECT + " ORDER BY org_key, year").fetchall()
        else:
            keys = sorted(same_agency_keys(org_key(org), self.aliases()))
            rows = self._db.execute(_SELECT + f" WHERE org_key IN ({_marks(keys)}) ORDER BY year, org_key",  # noqa: S608
                                    keys).fetchall()
        return [_entry(r) for r in rows]

    def similar_names(self, org: str, year: int) -> list[str]:
        """Other agencies' names of ``year`` that look like ``org`` (for the hint that an alias may be
        missing); never used to match."""
        import difflib

        key = org_key(org)
        names = {r[0]: r[1] for r in self._db.execute("SELECT org_key, org FROM reports WHERE year = ?", (year,))}
        close = difflib.get_close_matches(key, [k for k in names if k != key], n=3, cutoff=0.6)
        return [names[k] for k in close]

    # --- aliases -------------------------------------------------------------------------------

    def aliases(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT old_key, new_key FROM aliases").fetchall())

    def alias_rows(self) -> list[tuple[str, str, str]]:
        return self._db.execute("SELECT old_name, new_name, added FROM aliases ORDER BY old_key").fetchall()

    def add_alias(self, old: str, new: str) -> str | None:
        """Record that agency ``old`` was renamed ``new``; returns the name ``old`` pointed to before,
        if it pointed elsewhere. Raises ValueError for a name aliased to itself or a loop."""
        old_key, new_key = org_key(old), org_key(new)
        if not old_key or not new_key:
            raise ValueError("empty")
        if old_key == new_key:
            raise ValueError("same")
        with self._transaction():
            current = self.aliases()
            current.pop(old_key, None)  # replaced by this alias
            if canonical(new_key, current) == old_key or old_key in _chain(new_key, current):
                raise ValueError("loop")
            before = self._db.execute("SELECT new_name FROM aliases WHERE old_key = ?", (old_key,)).fetchone()
            self._db.execute("INSERT OR REPLACE INTO aliases VALUES (?, ?, ?, ?, ?)",
                             (old_key, old.strip(), new_key, new.strip(), _now()))
        return before[0] if before and org_key(before[0]) != new_key else None

    # --- life cycle ----------------------------------------------------------------------------

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _entry(row) -> Entry:
    values = dict(zip(_COLUMNS, row, strict=True))
    values["document"] = json.loads(values["document"])
    return Entry(**values)


def _chain(key: str, aliases: dict[str, str]) -> set[str]:
    seen = {key}
    while key in aliases and aliases[key] not in seen:
        key = aliases[key]
        seen.add(key)
    return seen


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def open_archive(path: Path | str | None, create: bool = True) -> Archive:
    return Archive(Path(path) if path else Path(DEFAULT_ARCHIVE), create=create)
