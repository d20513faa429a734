"""Getting a snippet out of the app: to the clipboard, into a file the user names, or
applied to the user's own file.

"Apply to file" (a on the Authelia and LibreChat env panes) asks the path (the remembered
one first), shows the core's masked diff, and writes only after the user's Apply; the
toast names the backup. The path is remembered in the profile like any edit (unsaved
until ctrl+s). The core (tui/userfiles/apply.py) refuses what is unsafe; its refusal is
shown as one line.

Each flow runs in the main screen's dialog worker and knows only Textual's App (for its
dialogs and toasts) and the data it is handed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.app import App

from ..core.files import write_snippet
from ..core.profile import Profile
from ..core.shown import shown_path
from .checks import CheckJobs
from .clipboard import copy_text
from .widgets.text import outside_markup, outside_path_markup

# apply target -> what it writes, for the dialogs and toasts
TARGET_NAMES = {"authelia": "Authelia's configuration.yml", "env": "LibreChat's .env",
                "compose": "the Docker Compose override"}


async def copy_snippet(app: App, text: str | None, title: str) -> None:
    if text is None:
        app.notify("Nothing to copy: the profile has errors (see the message).",
                   severity="error")
        return
    copied, message = await copy_text(app, text)
    app.notify(message, title=f"{title} {'copied' if copied else 'sent to your terminal'}")


async def write_snippet_to_file(app: App, text: str | None, default_name: str) -> None:
    from .dialogs.write import WriteDialog

    if text is None:
        app.notify("Nothing to write: the profile has errors (see the message).",
                   severity="error")
        return

    def write(path: str, mode: str) -> Path:
        return write_snippet(path, text, overwrite=mode == "replace", append=mode == "append",
                             default_name=default_name)

    dialog = WriteDialog("Write to which file? (a folder gets the file name " + default_name
                         + ")", str(Path.cwd() / default_name), write)
    written = await app.push_screen_wait(dialog)
    if written is None:
        app.notify("Nothing was written.")
        return
    verb = {"append": "Appended to", "replace": "Replaced"}.get(dialog.mode, "Wrote")
    app.notify(f"{verb} (readable only by you: it holds secrets)\n"
               f"{outside_path_markup(Path(written).resolve())}")


def default_path(profile: Profile, target: str) -> str:
    if target == "env":
        return profile.env_path
    if target == "compose":
        return profile.compose_path
    # The first remembered file (a folder cannot be applied to: the user names the file).
    return next((p for p in profile.authelia_config_paths
                 if Path(p).expanduser().is_file()), "")


def remembered(profile: Profile, target: str, path: str) -> dict:
    """The profile change that remembers `path` for `target` ({} when it already is)."""
    if target == "env":
        return {} if profile.env_path == path else {"env_path": path}
    if target == "compose":
        return {} if profile.compose_path == path else {"compose_path": path}
    current = profile.authelia_config_paths
    if path in current or len(current) > 1:
        # Several files are merged in Authelia's order: the list stays as the user set it.
        return {}
    return {"authelia_config_paths": (path,)}


async def apply_to_file(app: App, jobs: CheckJobs, target: str, text: str | None,
                        current: Callable[[], Profile], remember: Callable[..., None]) -> bool:
    """Apply the profile (`current()`) to the user's file; True when a file was written.

    `remember(**changes)` keeps the chosen path in the profile."""
    from .dialogs.files import ApplyPathDialog, DiffDialog

    if text is None:
        app.notify("Nothing to apply: the profile has errors (see the message).",
                   severity="error")
        return False
    what = TARGET_NAMES[target]
    profile = current()

    async def plan(path: str):
        return await jobs.plan_apply(target, profile, path)

    chosen = await app.push_screen_wait(ApplyPathDialog(
        f"Apply the profile to which file? ({what}; nothing is written before you see the "
        "diff)", default_path(profile, target), plan))
    if chosen is None:
        app.notify("Nothing was written.")
        return False
    path, the_plan = chosen
    changes = remembered(current(), target, path)
    if changes:
        remember(**changes)
    if not the_plan.changed:
        app.notify(f"{outside_path_markup(the_plan.path)} already matches the profile: "
                   "nothing to write.")
        return False
    sure = await app.push_screen_wait(DiffDialog(
        f"Apply to {shown_path(the_plan.path)}?", the_plan.diff, list(the_plan.notes)))
    if not sure:
        app.notify("Nothing was written.")
        return False
    backup, problem = await jobs.write_plan(the_plan)
    if problem:
        app.notify(outside_markup(problem), title="Not applied", severity="error", timeout=20)
        return False
    if backup is None:
        app.notify("Created (readable only by you: it holds secrets)\n"
                   f"{outside_path_markup(the_plan.real)}",
                   title="Applied")
    else:
        app.notify(f"{outside_path_markup(the_plan.real)}\nBackup: "
                   f"{outside_path_markup(backup)}", title="Applied", timeout=15)
    return True
