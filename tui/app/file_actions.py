"""The user's own files from the app: which to check, where a finding is fixed, and apply.

"Apply to file" (a on the Authelia and LibreChat env panes) asks the path (the remembered
one first), shows the core's masked diff, and writes only after the user's Apply; the
toast names the backup. The path is remembered in the profile like any edit (unsaved
until ctrl+s). The core (tui/userfiles/apply.py) refuses what is unsafe; its refusal is
shown as one line.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from textual.widget import Widget

from ..core.shown import shown_path
from .panes.base import Pane
from .widgets.text import outside_markup, outside_path_markup

if TYPE_CHECKING:
    from .app import LibreChatAutheliaApp

# apply target -> what it writes, for the dialogs and toasts
TARGET_NAMES = {"authelia": "Authelia's configuration.yml", "env": "LibreChat's .env",
                "compose": "the Docker Compose override"}


def field_pane(app: LibreChatAutheliaApp, field: str) -> str | None:
    """The pane where `field` is edited, or None when no pane has it."""
    from .app import PANES
    from .panes.check import FIELD_PANES

    if field in FIELD_PANES:
        return FIELD_PANES[field]
    for pane_id, *_ in PANES:  # a field added later, on whichever pane holds it
        if app._pane_built(pane_id) and app.query_one(f"#pane-{pane_id}").query(
                f"#field-{field}"):
            return pane_id
    return None


def _first_control(field: Widget) -> Widget | None:
    return next((w for w in field.query("*") if w.focusable), None)


def _shown(widget: Widget, pane: Pane) -> bool:
    """Not hidden by the profile's choices (the pane itself may be off screen)."""
    node = widget
    while node is not None and node is not pane:
        if not node.display:
            return False
        node = node.parent
    return True


# Fields shown only when the profile writes Authelia's provider section (provider "new").
PROVIDER_ONLY = ("hmac_secret", "signing_key", "key_bits", "key_path")


async def jump_to_field(app: LibreChatAutheliaApp, field: str) -> None:
    """Show the pane that edits `field`, with the focus in that field."""
    pane_id = field_pane(app, field)
    if pane_id is None:
        app.notify(f"No screen edits {field}: fix it in your file.", severity="warning")
        return
    if not app._pane_built(pane_id):
        await app._build_pane(pane_id)
    pane = app.query_one(f"#pane-{pane_id}", Pane)
    for _ in range(20):  # a pane builds its lower fields just after it is mounted
        app._update_pane(pane_id)  # a pane off screen may not show the profile's choices yet
        found = pane.query(f"#field-{field}")
        if found:
            if not _shown(found.first(), pane):
                if field in PROVIDER_ONLY and field_pane(app, "provider"):
                    app.notify("Choose the provider section 'new' first (the profile then "
                               "writes Authelia's provider essentials too).")
                    await jump_to_field(app, "provider")
                else:
                    app.notify("That field is hidden by the profile's other choices.",
                               severity="warning")
                return
            control = _first_control(found.first())
            if control is not None:
                pane.last_focused = control  # where show_pane puts the focus
                break
        await asyncio.sleep(0.02)
    await app.action_show_pane(pane_id)


async def set_check_paths(app: LibreChatAutheliaApp) -> None:
    from .dialogs.files import PathsDialog

    profile = app.profile
    paths = await app.push_screen_wait(PathsDialog(
        (profile.authelia_config_paths, profile.env_path, profile.compose_path)))
    if paths is None:
        return
    config, env, compose = paths
    app.update_profile(authelia_config_paths=config, env_path=env, compose_path=compose)
    if config and env:
        app.checks.run_audit(app.profile)
    else:
        app.checks.forget_audit()
    if app.dirty:
        app.notify("The files are remembered in the profile: save it with ctrl+s.")


def default_path(app: LibreChatAutheliaApp, target: str) -> str:
    profile = app.profile
    if target == "env":
        return profile.env_path
    if target == "compose":
        return profile.compose_path
    # The first remembered file (a folder cannot be applied to: the user names the file).
    return next((p for p in profile.authelia_config_paths
                 if Path(p).expanduser().is_file()), "")


def remembered(app: LibreChatAutheliaApp, target: str, path: str) -> dict:
    """The profile change that remembers `path` for `target` ({} when it already is)."""
    profile = app.profile
    if target == "env":
        return {} if profile.env_path == path else {"env_path": path}
    if target == "compose":
        return {} if profile.compose_path == path else {"compose_path": path}
    current = profile.authelia_config_paths
    if path in current or len(current) > 1:
        # Several files are merged in Authelia's order: the list stays as the user set it.
        return {}
    return {"authelia_config_paths": (path,)}


async def apply_to_file(app: LibreChatAutheliaApp, target: str, text: str | None) -> None:
    from .dialogs.files import ApplyPathDialog, DiffDialog

    if text is None:
        app.notify("Nothing to apply: the profile has errors (see the message).",
                   severity="error")
        return
    what = TARGET_NAMES[target]
    profile = app.profile

    async def plan(path: str):
        return await app.checks.plan_apply(target, profile, path)

    chosen = await app.push_screen_wait(ApplyPathDialog(
        f"Apply the profile to which file? ({what}; nothing is written before you see the "
        "diff)", default_path(app, target), plan))
    if chosen is None:
        app.notify("Nothing was written.")
        return
    path, the_plan = chosen
    changes = remembered(app, target, path)
    if changes:
        app.update_profile(**changes)
    if not the_plan.changed:
        app.notify(f"{outside_path_markup(the_plan.path)} already matches the profile: "
                   "nothing to write.")
        return
    sure = await app.push_screen_wait(DiffDialog(
        f"Apply to {shown_path(the_plan.path)}?", the_plan.diff, list(the_plan.notes)))
    if not sure:
        app.notify("Nothing was written.")
        return
    backup, problem = await app.checks.write_plan(the_plan)
    if problem:
        app.notify(outside_markup(problem), title="Not applied", severity="error", timeout=20)
        return
    if backup is None:
        app.notify("Created (readable only by you: it holds secrets)\n"
                   f"{outside_path_markup(the_plan.real)}",
                   title="Applied")
    else:
        app.notify(f"{outside_path_markup(the_plan.real)}\nBackup: "
                   f"{outside_path_markup(backup)}", title="Applied", timeout=15)
    profile = app.profile
    if profile.authelia_config_paths and profile.env_path:
        app.checks.run_audit(profile)  # the Check pane shows the files as they now are
