"""Entry point of the terminal app."""

from __future__ import annotations


def run(profile_name: str | None = None) -> int:
    from .startup import hold_collector

    hold_collector()  # released by the app once every pane is built
    from .app import LibreChatAutheliaApp

    LibreChatAutheliaApp(profile_name=profile_name).run()
    return 0
