"""The panes: ids, titles, keys, which fields each edits, and where each pane's class lives."""

from __future__ import annotations

from importlib import import_module

from ...core import fields

# id, tab title, function key, alt+letter alias, pane class. Function keys and alt+letter
# reach the app through SSH and tmux, and no text field uses them; alt+digit does not
# survive tmux (it arrives as a Latin-1 character).
PANES = [
    ("assumptions", "Assumptions", "f2", "alt+a", "assumptions:AssumptionsPane"),
    ("secrets", "Secrets", "f3", "alt+s", "secrets:SecretsPane"),
    ("authelia", "Authelia", "f4", "alt+u", "snippets:AutheliaPane"),
    ("env", "LibreChat env", "f5", "alt+l", "snippets:EnvPane"),
    ("checklist", "Checklist", "f6", "alt+c", "checklist:ChecklistPane"),
    ("check", "Check", "f7", "alt+k", "check:CheckPane"),
]
PANE_IDS = [pane_id for pane_id, *_ in PANES]
TITLES = {pane_id: title for pane_id, title, *_ in PANES}
# The pane bar's names when the full ones do not fit (below 80 columns): whole words, so
# that they fit 60 columns side by side.
SHORT_TITLES = {"assumptions": "Assume", "secrets": "Secrets", "authelia": "Authelia",
                "env": "Env", "checklist": "Steps", "check": "Check"}

# Where each profile field is edited, and the fields shown only when the profile writes
# Authelia's provider section: both from the core's field registry.
FIELD_PANES = fields.FIELD_PANES
PROVIDER_ONLY = fields.PROVIDER_ONLY


def pane_class(pane_id: str):
    """Import a pane's module when it is first built: start-up loads only the first."""
    location = next(p[-1] for p in PANES if p[0] == pane_id)
    module, name = location.split(":")
    return getattr(import_module(f"{__package__}.{module}"), name)
