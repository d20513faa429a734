"""Words for counts: "1 error", "2 errors", "0 warnings" (never "error(s)"); and the
profile's name in the commands a message suggests."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """`count` and `word`, the plural when count is not 1; `many` for an irregular plural
    ("info" stays "info")."""
    return f"{count} {word if count == 1 else (many if many is not None else word + 's')}"


def with_name(text: str, name: str) -> str:
    """`text` with the placeholder of a suggested command (`--profile NAME`) given the
    profile's real name, so the command can be run as printed."""
    import shlex

    return text.replace("--profile NAME", f"--profile {shlex.quote(name)}")
