"""The main screen's profile dialogs: revert, quit, the profile list and its choices, and a
profile changed on disk meanwhile.

A part of MainScreen (screens/main.py) kept in a file of its own: each flow runs in the
screen's dialog worker (it waits for the user's answers) and changes the open profile only
through the screen's own methods, so every pane shows the result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from ...core.profile import Profile
from ...core.store import ProfileChangedOnDisk, StoreError
from ..widgets.text import outside_markup
from .asking import DIALOG, one_dialog_at_a_time

if TYPE_CHECKING:
    from ..dialogs.profiles import ProfileAction
    from ..session import ProfileSession


class ProfileFlows:
    """Mixed into MainScreen, which provides the methods named below."""

    session: ProfileSession

    if TYPE_CHECKING:  # provided by MainScreen and Screen
        def replace_profile(self, profile: Profile) -> None: ...
        def action_save(self, replace_changed: bool = False) -> bool: ...
        def show_title(self) -> None: ...
        def show_fresh_profile(self, name: str, save: bool = False) -> None: ...
        def open_initial_profile(self, requested: str | None) -> str | None: ...
        def _save_if_ready(self) -> None: ...
        def notify(self, message: str, **kwargs) -> None: ...
        def call_later(self, callback, *args) -> bool: ...
        app: object

    def open_profile(self, name: str) -> None:
        self.replace_profile(self.session.open(name))
        for warning in self.session.store.permission_warnings(name):
            self.notify(outside_markup(warning), title="Your secrets are readable by others",
                        severity="warning", timeout=20)

    def check_new_name(self, name: str) -> str | None:
        try:
            if self.session.store.exists(name):
                return f"a profile named {name} already exists"
        except StoreError as error:
            return str(error)
        return None

    def save_as(self, name: str, profile: Profile) -> bool:
        self.session.start(name, profile)
        self.replace_profile(profile)
        return self.action_save()

    async def settle_unsaved(self, what: str) -> bool:
        """True when it is fine to leave the current profile (saved, or discarded)."""
        if not self.session.dirty:
            return True
        from ..dialogs.confirm import UnsavedDialog

        answer = await self.app.push_screen_wait(UnsavedDialog(what))
        if answer == "save":
            return self.action_save()
        return answer == "discard"

    @one_dialog_at_a_time
    async def action_revert(self) -> None:
        """Back to the profile as saved, after a confirmation."""
        from ..dialogs.confirm import ConfirmDialog

        saved = self.session.saved
        if saved is None or not self.session.dirty:
            self.notify("Nothing to revert: the profile is as saved." if saved is not None
                        else "Nothing to revert to: this profile was never saved.")
            return
        sure = await self.app.push_screen_wait(ConfirmDialog(
            f"Drop every unsaved change and go back to {self.session.name} as saved?",
            "Revert", danger=True))
        if sure:
            self.replace_profile(saved)
            self.notify(f"Back to {self.session.name} as saved.")

    @work(group=DIALOG)
    async def ask_about_missing_profile(self, name: str) -> None:
        from ..dialogs.confirm import MissingProfileDialog

        answer = await self.app.push_screen_wait(MissingProfileDialog(name))
        if answer == "create":
            self.session.save_when_ready()
            self._save_if_ready()
        elif answer == "quit":
            self.app.exit()
        else:
            self.open_initial_profile(None)
            await self.choose_profile()

    # Not a key's flow: a save refused by the store may come from inside another flow (the
    # save before a switch), whose dialog is gone by then; that flow goes on after it.
    @work(group=DIALOG)
    async def resolve_changed_on_disk(self, error: ProfileChangedOnDisk) -> None:
        """Someone else changed the open profile's file: the user decides, nothing is lost."""
        from ..dialogs.confirm import ChangedOnDiskDialog, NameDialog

        answer = await self.app.push_screen_wait(ChangedOnDiskDialog(error.name, error.deleted))
        if answer == "reload":
            try:
                self.open_profile(error.name)
            except StoreError as failure:
                self.notify(outside_markup(failure), title="Cannot reload", severity="error")
                return
            self.notify(f"Reloaded {error.name} from disk.")
        elif answer == "keep":
            self.action_save(replace_changed=True)
        elif answer == "new":
            name = await self.app.push_screen_wait(NameDialog(
                "Save what you see as a new profile named", self.session.unused_name(
                    f"{error.name}-mine"), self.check_new_name))
            if name:
                self.save_as(name, self.session.profile)
        else:
            self.notify("Not saved: the file on disk is left as it is.")

    # The profile dialog ------------------------------------------------------------------

    @one_dialog_at_a_time
    async def action_profiles(self) -> None:
        await self.choose_profile()

    async def choose_profile(self) -> None:
        from ..dialogs.profiles import ProfilesDialog

        store = self.session.store
        try:
            names = store.names()
        except StoreError as error:
            self.notify(outside_markup(error), title="Cannot read the profiles", severity="error")
            return
        problems = {}
        for name in names:
            try:
                store.load(name)
            except StoreError as error:
                problems[name] = getattr(error, "problem", str(error))
        choice = await self.app.push_screen_wait(
            ProfilesDialog(names, self.session.name, problems))
        if choice is not None:
            handler = {"open": self._open_chosen, "new": self._new_or_duplicate,
                       "duplicate": self._new_or_duplicate, "rename": self._rename,
                       "delete": self._delete}[choice.kind]
            await handler(choice)

    async def _open_chosen(self, choice: ProfileAction) -> None:
        if choice.name == self.session.name or not await self.settle_unsaved("switch"):
            return
        try:
            self.open_profile(choice.name)
        except StoreError as error:
            self.notify(outside_markup(error), title="Cannot open profile", severity="error",
                        timeout=15)

    async def _new_or_duplicate(self, choice: ProfileAction) -> None:
        from ..dialogs.confirm import NameDialog

        if not await self.settle_unsaved("switch"):
            return
        suggestion = self.session.unused_name(choice.name if choice.kind == "duplicate"
                                              else "librechat")
        name = await self.app.push_screen_wait(NameDialog(
            "Name of the new profile", suggestion, self.check_new_name))
        if not name:
            return
        if choice.kind == "new":
            self.show_fresh_profile(name, save=True)
            return
        try:
            source = self.session.store.load(choice.name)
        except StoreError as error:
            self.notify(outside_markup(error), severity="error")
            return
        if self.save_as(name, source.with_changes(checklist=())):
            self.notify("The copy shares the client ID and secrets. For another "
                        "deployment, make new ones on Secrets (ctrl+r).")

    async def _rename(self, choice: ProfileAction) -> None:
        from ..dialogs.confirm import NameDialog

        name = await self.app.push_screen_wait(NameDialog(
            f"New name for {choice.name}", choice.name, self.check_new_name))
        if not name or name == choice.name:
            return
        try:
            self.session.rename(choice.name, name)
        except StoreError as error:
            self.notify(outside_markup(error), severity="error")
            return
        self.show_title()
        self.notify(f"Renamed {choice.name} to {name}.")

    async def _delete(self, choice: ProfileAction) -> None:
        from ..dialogs.confirm import ConfirmDialog

        sure = await self.app.push_screen_wait(ConfirmDialog(
            f"Delete the profile {choice.name}? Its secrets are gone for good "
            "(Authelia and LibreChat keep working with what you pasted).",
            "Delete", danger=True))
        if not sure:
            return
        try:
            self.session.store.delete(choice.name)
        except StoreError as error:
            self.notify(outside_markup(error), severity="error")
            return
        self.notify(f"Deleted {choice.name}.")
        if choice.name == self.session.name:
            self.open_initial_profile(None)  # the next saved profile, or a new one
