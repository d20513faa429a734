"""The command palette (ctrl+p): every action of the app, by name."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from .app import LibreChatAutheliaApp


# The snippet panes: what each holds, and what its f key switches between.
SNIPPETS = [
    ("authelia", "the Authelia client block",
     "Authelia form (full block / entry only / provider only)"),
    ("env", "the LibreChat env", "LibreChat form (.env / Docker Compose)"),
]


class AppCommands(Provider):
    def _commands(self) -> list[tuple[str, str, object]]:
        app: LibreChatAutheliaApp = self.app  # type: ignore[assignment]
        from .app import PANES

        commands = [(f"Go to {title}", f"{f_key} or {alt}",
                     partial(app.action_show_pane, pane_id))
                    for pane_id, title, f_key, alt, _ in PANES]
        commands += [
            ("Save profile", "ctrl+s", app.action_save),
            ("Revert to saved (drop unsaved changes)", "ctrl+b", app.action_revert),
            ("Profiles: open, new, duplicate, rename, delete", "ctrl+o", app.action_profiles),
            ("New client secret (and its digest)", "Secrets",
             partial(app.regenerate, "client_secret")),
            ("New session secret", "Secrets", partial(app.regenerate, "session_secret")),
            ("New client ID", "Secrets", partial(app.regenerate, "client_id")),
            ("New client secret and session secret (asks first)", "ctrl+r on Secrets",
             app.regenerate_secrets),
            ("Hash the client secret again", "Secrets", app.rehash),
            ("New signing key for Authelia's provider", "Secrets",
             partial(app.regenerate, "signing_key")),
            ("New HMAC secret for Authelia's provider", "Secrets",
             partial(app.regenerate, "hmac_secret")),
            ("Show the client ID, secrets and digest in full", "ctrl+f on Secrets",
             partial(self._on_pane, "secrets", "show_values")),
        ]
        titles = {pane_id: title for pane_id, title, *_ in PANES}
        for pane_id, snippet, forms in SNIPPETS:
            where = titles[pane_id]
            on_pane = partial(self._on_pane, pane_id)
            commands += [
                (f"Copy {snippet}", f"c on {where}", partial(on_pane, "copy_snippet")),
                (f"Write {snippet} to a file", f"w on {where}", partial(on_pane, "write_snippet")),
                (f"Switch {forms}", f"f on {where}", partial(on_pane, "toggle_form")),
                (f"Apply {snippet} to your file (shows the diff first)", f"a on {where}",
                 partial(on_pane, "apply_to_file")),
            ]
        check = titles["check"]
        commands += [
            ("Check your files again (audit)", f"r on {check}",
             partial(self._on_pane, "check", "recheck")),
            ("Set the files to check (configuration.yml, .env, Compose)", f"p on {check}",
             partial(self._on_pane, "check", "set_paths")),
            ("Run the doctor: live checks of Authelia and LibreChat (or cancel it)",
             f"d on {check}", partial(self._on_pane, "check", "doctor")),
        ]
        commands += [
            ("Keys and help", "f1", app.action_help),
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
