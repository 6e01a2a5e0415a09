"""Remembering format data that has passed its self-check, so that start-up does not repeat it.

Every time the formats load they are checked (``self_check``: the JSON Schema of format files, then
the references). That takes 12 ms, plus 70 ms to import jsonschema, in every ``compile`` run, for
files that rarely change. So a pass is remembered in the user's cache under a hash of the resolved
format data *and* of the checker itself (``format.schema.json`` and ``self_check.py``): the same
data checked by the same checker passes again without being run; any change to a format file, a
shared block, the schema or the checks means a new hash, and the full check runs. A failure is never
remembered.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from compiler.common.user_cache import has_entry, write_entry

KIND = "formats-checked"
_CHECKER_FILES = ("format.schema.json", "self_check.py")


@cache
def _checker_fingerprint() -> bytes:
    digest = hashlib.sha256()
    for name in _CHECKER_FILES:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.digest()


def fingerprint(raw: object) -> str:
    """The hash of ``raw`` (resolved format data) as seen by the current checker."""
    text = json.dumps(raw, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(_checker_fingerprint() + text.encode("utf-8")).hexdigest()


def passed_before(key: str) -> bool:
    return has_entry(KIND, key)


def remember_pass(key: str) -> None:
    write_entry(KIND, key, b"")
