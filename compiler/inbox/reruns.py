"""What a batch run remembers of the last one, so that running it again reflects the inbox as it is now.

``summary.json`` keeps, for every workbook, the SHA-256 of its content and the files written for it,
and for the run a fingerprint of everything else an output depends on (compiler version, format,
template, options, language). On the next run into the same folder:

* a workbook whose content and fingerprint are unchanged, and whose outputs are all still there,
  is not compiled again: its row is taken over as it was;
* a workbook whose content changed is compiled again, and the files written for its old content
  (report, extra outputs, error report) are replaced or removed, so an error report never outlives
  the error and a report never shows figures the workbook no longer has.

Files the last run did not write are never overwritten without ``--force``.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from compiler import __version__

CHUNK = 1024 * 1024


def content_hash(path: Path) -> str:
    """SHA-256 of the file's bytes; empty when it cannot be read (it is then compiled, and reported)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb", buffering=0) as fh:  # unbuffered: no terminal check, no seek
            for chunk in iter(lambda: fh.read(CHUNK), b""):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


def source_key(path: Path | str) -> str:
    return os.path.normcase(os.path.abspath(path))


def run_fingerprint(options, lang: str) -> str:
    """Everything besides the workbook an output depends on; another fingerprint rebuilds all.

    Empty (nothing is taken over) when the run compares with last year's reports from anything
    but one workbook file (a folder, an archive): what they hold may change between runs."""
    previous = options.previous
    if previous is not None and not (isinstance(previous, (str, os.PathLike)) and Path(previous).is_file()):
        return ""
    parts = {
        "compiler": __version__,
        "lang": lang,
        "format": options.format_id,
        "strict": options.strict,
        "outputs": sorted(options.outputs),
        "template": content_hash(options.template) if options.template else "",
        "previous": content_hash(Path(previous)) if previous is not None else "",
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


@dataclass
class LastRun:
    """The last run's units by source, if its summary.json is readable and of the same fingerprint."""

    fingerprint: str = ""
    units: dict[str, dict] = field(default_factory=dict)

    def unit(self, source: str) -> dict | None:
        return self.units.get(source_key(source))

    def written_for(self, source: str) -> set[str]:
        """The names of the files the last run wrote for ``source`` (whatever its fingerprint)."""
        unit = self.unit(source) or {}
        names = [unit.get("output"), *unit.get("extra_outputs", []), unit.get("error_report")]
        return {n for n in names if n}

    def unchanged(self, source: str, digest: str, fingerprint: str, out_dir: Path) -> dict | None:
        """The last run's row for ``source`` when nothing it depends on changed and its files exist."""
        unit = self.unit(source)
        if (unit is None or not digest or unit.get("sha256") != digest or not fingerprint
                or self.fingerprint != fingerprint
                or unit.get("status") not in ("valid", "invalid", "unusable")):
            return None
        if not all((out_dir / name).is_file() for name in self.written_for(source)):
            return None
        return unit


def last_run(summary: Path) -> LastRun:
    try:
        report = json.loads(summary.read_text(encoding="utf-8"))
        units = {source_key(u["path"] if u.get("path") else u["source"]): u for u in report.get("units", [])}
        return LastRun(str(report.get("fingerprint", "")), units)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return LastRun()
