"""Files shipped beside the code: the .tcss styles."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def styles_dir() -> Path:
    """tui/styles inside an installed wheel; the top-level styles/ in a source checkout."""
    for candidate in (_HERE / "styles", _HERE.parent / "styles"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the styles directory is missing from this installation")


def stylesheet(name: str) -> Path:
    return styles_dir() / name
