"""Entry point of the terminal app."""

from __future__ import annotations


def run(profile_name: str | None = None) -> int:
    from .app import LibreChatAutheliaApp

    LibreChatAutheliaApp(profile_name=profile_name).run()
    return 0
