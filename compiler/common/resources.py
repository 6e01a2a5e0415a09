"""Where the Word templates and JSON Schemas are, installed or in a source checkout.

The repository keeps them at the top level (``templates/``, ``schemas/``); a wheel ships them
inside the package (see ``pyproject.toml``), so ``compile`` works from any directory.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent


@cache  # where the package is does not change while it runs (looked up for every report)
def _locate(name: str) -> Path:
    for candidate in (PACKAGE_DIR / name, PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"{name}/ not found next to the compiler package")


def templates_dir() -> Path:
    return _locate("templates")


def schemas_dir() -> Path:
    return _locate("schemas")


def default_template(format_id: str) -> Path:
    return templates_dir() / f"{format_id}.docx"
