"""What is wrong with a format file, said so that its author can find and fix it.

A format file is data the developers edit by hand; a mistake in it must stop the program when the
formats load, with the file, the place inside it (a JSON Pointer, RFC 6901) and what was expected —
never a KeyError deep inside a report, nor a silently wrong total.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def json_pointer(path) -> str:
    """``("sections", 3, "kind")`` → ``/sections/3/kind`` (``~`` and ``/`` escaped as RFC 6901 says)."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path) or "/"


@dataclass(frozen=True)
class Problem:
    """One mistake: where it is (file and pointer inside it) and what is expected there."""

    file: Path
    pointer: str
    message: str
    note: str = ""  # e.g. "included at 2021.json /tables/review"

    def __str__(self) -> str:
        note = f" ({self.note})" if self.note else ""
        return f"{self.file}: {self.pointer}: {self.message}{note}"


class FormatDefinitionError(ValueError):
    """A format file that is malformed or contradicts itself; the message names every problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
