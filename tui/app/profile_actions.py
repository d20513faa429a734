"""The profile dialog's choices carried out: open, new, duplicate, rename and delete.

Each runs in the app's dialog worker (it waits for the user's answers) and changes the
open profile only through the app, so every field shows the result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.store import StoreError
from .widgets.text import outside_markup

if TYPE_CHECKING:
    from .app import LibreChatAutheliaApp
    from .dialogs.profiles import ProfileAction


async def carry_out(app: LibreChatAutheliaApp, choice: ProfileAction) -> None:
    handler = {"open": _open, "new": _new_or_duplicate, "duplicate": _new_or_duplicate,
               "rename": _rename, "delete": _delete}[choice.kind]
    await handler(app, choice)


async def _open(app: LibreChatAutheliaApp, choice: ProfileAction) -> None:
    if choice.name == app.session.name or not await app.settle_unsaved("switch"):
        return
    try:
        app.open_profile(choice.name)
    except StoreError as error:
        app.notify(outside_markup(error), title="Cannot open profile", severity="error",
                   timeout=15)


async def _new_or_duplicate(app: LibreChatAutheliaApp, choice: ProfileAction) -> None:
    from .dialogs.confirm import NameDialog

    if not await app.settle_unsaved("switch"):
        return
    suggestion = app.session.unused_name(choice.name if choice.kind == "duplicate"
                                         else "librechat")
    name = await app.push_screen_wait(NameDialog(
        "Name of the new profile", suggestion, app.check_new_name))
    if not name:
        return
    if choice.kind == "new":
        app.show_fresh_profile(name, save=True)
        return
    try:
        source = app.session.store.load(choice.name)
    except StoreError as error:
        app.notify(outside_markup(error), severity="error")
        return
    if app.save_as(name, source.with_changes(checklist=())):
        app.notify("The copy shares the client ID and secrets. For another "
                   "deployment, make new ones on Secrets (ctrl+r).")


async def _rename(app: LibreChatAutheliaApp, choice: ProfileAction) -> None:
    from .dialogs.confirm import NameDialog

    name = await app.push_screen_wait(NameDialog(
        f"New name for {choice.name}", choice.name, app.check_new_name))
    if not name or name == choice.name:
        return
    try:
        app.session.rename(choice.name, name)
    except StoreError as error:
        app.notify(outside_markup(error), severity="error")
        return
    app.show_title()
    app.notify(f"Renamed {choice.name} to {name}.")


async def _delete(app: LibreChatAutheliaApp, choice: ProfileAction) -> None:
    from .dialogs.confirm import ConfirmDialog

    sure = await app.push_screen_wait(ConfirmDialog(
        f"Delete the profile {choice.name}? Its secrets are gone for good "
        "(Authelia and LibreChat keep working with what you pasted).",
        "Delete", danger=True))
    if not sure:
        return
    try:
        app.session.store.delete(choice.name)
    except StoreError as error:
        app.notify(outside_markup(error), severity="error")
        return
    app.notify(f"Deleted {choice.name}.")
    if choice.name == app.session.name:
        app.open_initial_profile(None)  # the next saved profile, or a new one
