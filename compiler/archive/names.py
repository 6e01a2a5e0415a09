"""One agency, one key: 机关名称 compared the way people mean them, and the aliases of renamed agencies.

「临江区 市场监督管理局」, 「临江区市场监督管理局」 and the same name typed with full-width letters or
digits are one agency; 「临江区工商局」 and 「临江区市场监督管理局」 are two until someone says otherwise
(``compile archive alias 旧名 新名``). Nothing is merged on a guess.
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060\ufeff]+")


def org_key(name: str | None) -> str:
    """The comparison key of a 机关名称: NFKC (full-width → half-width), no spaces or invisible
    characters, Latin letters in one case. Empty for an empty name."""
    text = unicodedata.normalize("NFKC", str(name or ""))
    return _INVISIBLE.sub("", text).casefold()


def canonical(key: str, aliases: dict[str, str]) -> str:
    """Follow ``old → new`` renames from ``key`` to the agency's current key (a cycle stops where
    it would repeat)."""
    seen = {key}
    while key in aliases and aliases[key] not in seen:
        key = aliases[key]
        seen.add(key)
    return key


def same_agency_keys(key: str, aliases: dict[str, str]) -> set[str]:
    """Every key that names the same agency as ``key`` through the alias table (itself included)."""
    target = canonical(key, aliases)
    keys = {key, target}
    keys |= {k for k in aliases if canonical(k, aliases) == target}
    return keys
