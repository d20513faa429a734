"""The user's files: a snippet to the clipboard, into a file the user names, or applied to
the user's own file; and the files the Check pane audits.

"Apply to file" (a on the Authelia and LibreChat env panes) asks the path (the remembered
one first), shows the core's masked diff, and writes only after the user's Apply; the
toast names the backup. The path is remembered in the profile like any edit (unsaved
until ctrl+s). The core (tui/userfiles/apply.py) refuses what is unsafe; its refusal is
shown as one line.

Each flow runs in the main screen's dialog worker and knows only Textual's App (for its
dialogs and toasts) and the data it is handed, or its host (host.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.app import App

from ...core.files import write_snippet
from ...core.profile import Profile
from ...core.shown import shown_path
from ..checks import CheckJobs
from ..clipboard import copy_text
from ..fixes import TARGET_NAMES, remembered_path
from ..widgets.text import outside_markup, outside_path_markup
from .host import Host

# Said in the diff dialog when the profile on screen is not the one saved.
UNSAVED_NOTE = ("This applies your unsaved changes: the profile as you see it, not as saved "
                "(ctrl+s saves it).")


async def copy_snippet(app: App, text: str | None, title: str) -> None:
    if text is None:
        app.notify("Nothing to copy: the profile has errors (see the message).",
                   severity="error")
        return
    copied, message = await copy_text(app, text)
    app.notify(message, title=f"{title} {'copied' if copied else 'sent to your terminal'}")


async def write_snippet_to_file(app: App, text: str | None, default_name: str) -> None:
    from ..dialogs.write import WriteDialog

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
    # The first remembered file (a folder cannot be applied to: the user names the file).
    return remembered_path(profile, target)


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
                        current: Callable[[], Profile], remember: Callable[..., None],
                        unsaved: bool = False) -> bool:
    """Apply the profile (`current()`) to the user's file; True when a file was written.

    `remember(**changes)` keeps the chosen path in the profile; `unsaved`: the profile has
    changes not saved yet (the diff dialog says that they are applied)."""
    from ..dialogs.files import ApplyPathDialog

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
    return await confirm_and_write(app, jobs, the_plan, f"Apply to {shown_path(the_plan.path)}?",
                                   unsaved, remember)


async def apply_fix(app: App, jobs: CheckJobs, targets: tuple[str, ...], code: str,
                    profile: Profile, unsaved: bool = False,
                    remember: Callable[..., None] | None = None) -> bool:
    """Enter on an audit finding that applying the profile fixes: the diff of the first of
    `targets` (remembered files) that the profile changes; True when one was written."""
    for target in targets:
        path = remembered_path(profile, target)
        if not path:
            continue
        the_plan, problem = await jobs.plan_apply(target, profile, path)
        if problem:
            app.notify(outside_markup(problem), title="Cannot apply", severity="error",
                       timeout=20)
            return False
        if the_plan.changed:
            return await confirm_and_write(
                app, jobs, the_plan, f"Apply the profile to {shown_path(the_plan.path)}? "
                f"({TARGET_NAMES[target]}: it fixes {code})", unsaved, remember)
    app.notify(f"Your files already match the profile where it fixes {code}: see the "
               "finding's fix.", severity="warning")
    return False


async def confirm_and_write(app: App, jobs: CheckJobs, the_plan, title: str,
                            unsaved: bool, remember: Callable[..., None] | None = None,
                            ) -> bool:
    """The masked diff, then the write after the user's Apply; True when written. What the
    profile takes from the file (the client_id of the client apply adopted) goes to
    `remember`, like any edit."""
    from ...core.words import with_name
    from ..dialogs.files import DiffDialog

    notes = [UNSAVED_NOTE] if unsaved else []
    # The commands the notes suggest name the open profile, to run as shown.
    notes += [with_name(note, app.profile_name) for note in the_plan.notes]
    sure = await app.push_screen_wait(DiffDialog(title, the_plan.diff, notes))
    if not sure:
        app.notify("Nothing was written.")
        return False
    backup, problem = await jobs.write_plan(the_plan)
    if problem:
        app.notify(outside_markup(problem), title="Not applied", severity="error", timeout=20)
        return False
    if remember is not None and the_plan.profile_changes:
        remember(**the_plan.profile_changes)
    if backup is None:
        app.notify("Created (readable only by you: it holds secrets)\n"
                   f"{outside_path_markup(the_plan.real)}",
                   title="Applied")
    else:
        app.notify(f"{outside_path_markup(the_plan.real)}\nBackup: "
                   f"{outside_path_markup(backup)}", title="Applied", timeout=15)
    return True


async def set_check_paths(host: Host) -> None:
    """The files the Check pane audits, remembered in the profile; audited at once."""
    from ..dialogs.files import PathsDialog

    profile = host.session.profile
    paths = await host.app.push_screen_wait(PathsDialog(
        (profile.authelia_config_paths, profile.env_path, profile.compose_path)))
    if paths is None:
        return
    config, env, compose = paths
    host.update_profile(authelia_config_paths=config, env_path=env, compose_path=compose)
    if config and env:
        host.checks.run_audit(host.session.profile)
    else:
        host.checks.forget_audit()
    host.show_checks()
    if host.session.dirty:
        host.notify("The files are remembered in the profile: save it with ctrl+s.")
