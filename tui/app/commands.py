"""The command palette (ctrl+p): every action of the app, by name.

Each command is an action of the main screen (or one of a pane's own, shown first), run on
the screen the palette was opened over.
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from .panes.registry import PANES, TITLES

# The snippet panes: what each holds, and what its f key switches between.
SNIPPETS = [
    ("authelia", "the Authelia client block",
     "Authelia form (full block / entry only / provider only)"),
    ("env", "the LibreChat env", "LibreChat form (.env / Docker Compose)"),
]


def on_pane(pane_id: str, action: str) -> str:
    return f"on_pane('{pane_id}', '{action}')"


class AppCommands(Provider):
    def _commands(self) -> list[tuple[str, str, object]]:
        actions = [(f"Go to {title}", f"{f_key} or {alt}", f"show_pane('{pane_id}')")
                   for pane_id, title, f_key, alt, _ in PANES]
        actions += [
            ("Save profile", "ctrl+s", "save"),
            ("Revert to saved (drop unsaved changes)", "ctrl+b", "revert"),
            ("Profiles: open, new, duplicate, rename, delete", "ctrl+o", "profiles"),
            ("New client secret (and its digest)", "Secrets", "regenerate('client_secret')"),
            ("New session secret", "Secrets", "regenerate('session_secret')"),
            ("New client ID", "Secrets", "regenerate('client_id')"),
            ("New client secret and session secret (asks first)", "ctrl+r on Secrets",
             "regenerate_secrets"),
            ("Hash the client secret again", "Secrets", "rehash"),
            ("New signing key for Authelia's provider", "Secrets",
             "regenerate('signing_key')"),
            ("New HMAC secret for Authelia's provider", "Secrets",
             "regenerate('hmac_secret')"),
            ("Show the client ID, secrets and digest in full", "ctrl+f on Secrets",
             on_pane("secrets", "show_values")),
        ]
        for pane_id, snippet, forms in SNIPPETS:
            where = TITLES[pane_id]
            actions += [
                (f"Copy {snippet}", f"c on {where}", on_pane(pane_id, "copy_snippet")),
                (f"Write {snippet} to a file", f"w on {where}",
                 on_pane(pane_id, "write_snippet")),
                (f"Switch {forms}", f"f on {where}", on_pane(pane_id, "toggle_form")),
                (f"Apply {snippet} to your file (shows the diff first)", f"a on {where}",
                 on_pane(pane_id, "apply_to_file")),
            ]
        check = TITLES["check"]
        actions += [
            ("Check your files again (audit)", f"r on {check}", on_pane("check", "recheck")),
            ("Set the files to check (configuration.yml, .env, Compose)", f"p on {check}",
             on_pane("check", "set_paths")),
            ("Run the doctor: live checks of Authelia and LibreChat (or cancel it)",
             f"d on {check}", on_pane("check", "doctor")),
            ("Import the checked files into a new profile (librechat-authelia import)",
             f"i on {check}", on_pane("check", "import_files")),
        ]
        commands = [(name, keys, partial(self.screen.run_action, action))
                    for name, keys, action in actions]
        commands += [
            ("Keys and help", "f1", partial(self.app.run_action, "help")),
            ("Quit", "ctrl+q", partial(self.app.run_action, "quit")),
        ]
        return commands

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
