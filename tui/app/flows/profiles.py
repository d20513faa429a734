"""The profile dialogs: the first profile to open, revert, the profile list and its choices
(open, new, duplicate, rename, delete), a profile asked for that does not exist, and a
profile changed on disk meanwhile.

Each flow runs in the screen's dialog worker (it waits for the user's answers) and changes
the open profile only through its host (host.py), so every pane shows the result.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ...core.profile import Profile
from ...core.store import ProfileChangedOnDisk, StoreError
from ..session import DEFAULT_PROFILE_NAME
from ..widgets.text import outside_markup
from .host import Host

if TYPE_CHECKING:
    from ..dialogs.profiles import ProfileAction


def open_profile(host: Host, name: str) -> None:
    host.replace_profile(host.session.open(name))
    for warning in host.session.store.permission_warnings(name):
        host.notify(outside_markup(warning), title="Your secrets are readable by others",
                    severity="warning", timeout=20)


def check_new_name(host: Host, name: str) -> str | None:
    """Why `name` cannot be a new profile's name, or None."""
    try:
        if host.session.store.exists(name):
            return f"a profile named {name} already exists"
    except StoreError as error:
        return str(error)
    return None


def save_as(host: Host, name: str, profile: Profile) -> bool:
    host.session.start(name, profile)
    host.replace_profile(profile)
    return host.action_save()


async def settle_unsaved(host: Host, what: str) -> bool:
    """True when it is fine to leave the current profile (saved, or discarded)."""
    if not host.session.dirty:
        return True
    from ..dialogs.confirm import UnsavedDialog

    answer = await host.app.push_screen_wait(UnsavedDialog(what))
    if answer == "save":
        return host.action_save()
    return answer == "discard"


# The first profile ------------------------------------------------------------------------

def open_initial_profile(host: Host, requested: str | None) -> str | None:
    """The requested profile, else the last used, else any, else a new saved one.

    Returns the requested name when there is no such profile (the user is asked)."""
    try:
        return _open_initial_profile(host, requested)
    except StoreError as error:  # the profiles directory itself cannot be read
        host.notify(outside_markup(error), title="Cannot read the profiles", severity="error",
                    timeout=20)
        host.show_fresh_profile(requested or DEFAULT_PROFILE_NAME, save=False)
    return None


def _open_initial_profile(host: Host, requested: str | None) -> str | None:
    session = host.session
    if requested:
        if not session.store.exists(requested):
            # Shown, not saved: the user is asked first (a typo must not create one).
            host.show_fresh_profile(requested, save=False)
            return requested
        # If it cannot be read, the last used one (or any) opens instead, after the error.
        candidates: Iterable[str] = [requested, *(n for n in session.names_last_used_first()
                                                  if n != requested)]
    else:
        candidates = session.names_last_used_first()
    for name in candidates:
        try:
            open_profile(host, name)
            return None
        except StoreError as error:
            host.notify(f"{outside_markup(error)}. The file was left as it is.",
                        title="Cannot open profile", severity="error", timeout=20)
    first_run = not session.store.names()
    host.show_fresh_profile(session.unused_name(DEFAULT_PROFILE_NAME), save=first_run)
    return None


async def ask_about_missing_profile(host: Host, name: str) -> None:
    from ..dialogs.confirm import MissingProfileDialog

    answer = await host.app.push_screen_wait(MissingProfileDialog(name))
    if answer == "create":
        host.session.save_when_ready()
        host.save_if_ready()
    elif answer == "quit":
        host.app.exit()
    else:
        open_initial_profile(host, None)
        await choose_profile(host)


# Revert, and a profile changed on disk ------------------------------------------------------

async def revert(host: Host) -> None:
    """Back to the profile as saved, after a confirmation."""
    from ..dialogs.confirm import ConfirmDialog

    session = host.session
    saved = session.saved
    if saved is None or not session.dirty:
        host.notify("Nothing to revert: the profile is as saved." if saved is not None
                    else "Nothing to revert to: this profile was never saved.")
        return
    sure = await host.app.push_screen_wait(ConfirmDialog(
        f"Drop every unsaved change and go back to {session.name} as saved?",
        "Revert", danger=True))
    if sure:
        host.replace_profile(saved)
        host.notify(f"Back to {session.name} as saved.")


async def resolve_changed_on_disk(host: Host, error: ProfileChangedOnDisk) -> None:
    """Someone else changed the open profile's file: the user decides, nothing is lost."""
    from ..dialogs.confirm import ChangedOnDiskDialog, NameDialog

    answer = await host.app.push_screen_wait(ChangedOnDiskDialog(error.name, error.deleted))
    if answer == "reload":
        try:
            open_profile(host, error.name)
        except StoreError as failure:
            host.notify(outside_markup(failure), title="Cannot reload", severity="error")
            return
        host.notify(f"Reloaded {error.name} from disk.")
    elif answer == "keep":
        host.action_save(replace_changed=True)
    elif answer == "new":
        name = await host.app.push_screen_wait(NameDialog(
            "Save what you see as a new profile named", host.session.unused_name(
                f"{error.name}-mine"), lambda name: check_new_name(host, name)))
        if name:
            save_as(host, name, host.session.profile)
    else:
        host.notify("Not saved: the file on disk is left as it is.")


# The profile dialog -------------------------------------------------------------------------

async def choose_profile(host: Host) -> None:
    from ..dialogs.profiles import ProfilesDialog

    store = host.session.store
    try:
        names = store.names()
    except StoreError as error:
        host.notify(outside_markup(error), title="Cannot read the profiles", severity="error")
        return
    problems = {}
    for name in names:
        try:
            store.load(name)
        except StoreError as error:
            problems[name] = getattr(error, "problem", str(error))
    choice = await host.app.push_screen_wait(
        ProfilesDialog(names, host.session.name, problems))
    if choice is not None:
        handler = {"open": _open_chosen, "new": _new_or_duplicate,
                   "duplicate": _new_or_duplicate, "rename": _rename,
                   "delete": _delete}[choice.kind]
        await handler(host, choice)


async def _open_chosen(host: Host, choice: ProfileAction) -> None:
    if choice.name == host.session.name or not await settle_unsaved(host, "switch"):
        return
    try:
        open_profile(host, choice.name)
    except StoreError as error:
        host.notify(outside_markup(error), title="Cannot open profile", severity="error",
                    timeout=15)


async def _new_or_duplicate(host: Host, choice: ProfileAction) -> None:
    from ..dialogs.confirm import NameDialog

    if not await settle_unsaved(host, "switch"):
        return
    suggestion = host.session.unused_name(choice.name if choice.kind == "duplicate"
                                          else "librechat")
    name = await host.app.push_screen_wait(NameDialog(
        "Name of the new profile", suggestion, lambda name: check_new_name(host, name)))
    if not name:
        return
    if choice.kind == "new":
        host.show_fresh_profile(name, save=True)
        return
    try:
        source = host.session.store.load(choice.name)
    except StoreError as error:
        host.notify(outside_markup(error), severity="error")
        return
    if save_as(host, name, source.with_changes(checklist=())):
        host.notify("The copy shares the client ID and secrets. For another "
                    "deployment, make new ones on Secrets (ctrl+r).")


async def _rename(host: Host, choice: ProfileAction) -> None:
    from ..dialogs.confirm import NameDialog

    name = await host.app.push_screen_wait(NameDialog(
        f"New name for {choice.name}", choice.name, lambda name: check_new_name(host, name)))
    if not name or name == choice.name:
        return
    try:
        host.session.rename(choice.name, name)
    except StoreError as error:
        host.notify(outside_markup(error), severity="error")
        return
    host.show_title()
    host.notify(f"Renamed {choice.name} to {name}.")


async def _delete(host: Host, choice: ProfileAction) -> None:
    from ..dialogs.confirm import ConfirmDialog

    sure = await host.app.push_screen_wait(ConfirmDialog(
        f"Delete the profile {choice.name}? Its secrets are gone for good "
        "(Authelia and LibreChat keep working with what you pasted).",
        "Delete", danger=True))
    if not sure:
        return
    try:
        host.session.store.delete(choice.name)
    except StoreError as error:
        host.notify(outside_markup(error), severity="error")
        return
    host.notify(f"Deleted {choice.name}.")
    if choice.name == host.session.name:
        open_initial_profile(host, None)  # the next saved profile, or a new one
