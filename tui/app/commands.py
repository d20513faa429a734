"""The command palette (ctrl+p): every action of the app, by name."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from .app import LibreChatAutheliaApp


class AppCommands(Provider):
    def _commands(self) -> list[tuple[str, str, object]]:
        app: LibreChatAutheliaApp = self.app  # type: ignore[assignment]
        from .app import PANES

        commands = [(f"Go to {title}", f"{f_key.upper()} / {alt}",
                     partial(app.action_show_pane, pane_id))
                    for pane_id, title, f_key, alt, _ in PANES]
        commands += [
            ("Save profile", "ctrl+s", app.action_save),
            ("Profiles: open, new, duplicate, rename, delete", "ctrl+o", app.action_profiles),
            ("New client secret (and its digest)", "Secrets",
             partial(app.regenerate, "client_secret")),
            ("New session secret", "Secrets", partial(app.regenerate, "session_secret")),
            ("New client ID", "Secrets", partial(app.regenerate, "client_id")),
            ("Hash the client secret again", "Secrets", app.rehash),
            ("Copy the Authelia client block", "c on Authelia",
             partial(self._on_pane, "authelia", "copy_snippet")),
            ("Write the Authelia client block to a file", "w on Authelia",
             partial(self._on_pane, "authelia", "write_snippet")),
            ("Switch Authelia form (full block / entry only)", "f on Authelia",
             partial(self._on_pane, "authelia", "toggle_form")),
            ("Copy the LibreChat env", "c on LibreChat env",
             partial(self._on_pane, "env", "copy_snippet")),
            ("Write the LibreChat env to a file", "w on LibreChat env",
             partial(self._on_pane, "env", "write_snippet")),
            ("Switch LibreChat form (.env / Docker Compose)", "f on LibreChat env",
             partial(self._on_pane, "env", "toggle_form")),
            ("Show keys (help)", "F1", app.action_help),
            ("Quit", "ctrl+q", app.action_quit),
        ]
        return commands

    async def _on_pane(self, pane_id: str, action: str) -> None:
        app: LibreChatAutheliaApp = self.app  # type: ignore[assignment]
        await app.action_show_pane(pane_id)
        pane = app.query_one(f"#pane-{pane_id}")
        getattr(pane, f"action_{action}")()

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
