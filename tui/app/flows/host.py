"""What a flow may use of the screen that runs it: a Protocol, so no flow imports the screen.

The main screen (screens/main.py) runs each flow in its dialog worker and is passed in as
the host; the flow asks the user through the host's app (dialogs, toasts) and changes the
open profile only through the host's methods named here, so every pane shows the result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from textual.app import App

    from ...core.profile import Profile
    from ...core.store import ProfileChangedOnDisk
    from ..checks import CheckJobs
    from ..session import ProfileSession


class Host(Protocol):
    app: App
    session: ProfileSession
    checks: CheckJobs  # the Check pane's runs, and work off the UI thread (in_thread)

    def notify(self, message: str, **kwargs: Any) -> None: ...

    def replace_profile(self, profile: Profile) -> None:
        """Another profile altogether is open: every pane shows it."""

    def update_profile(self, origin: Any = None, /, **changes: Any) -> None:
        """An edit of the open profile."""

    def action_save(self, replace_changed: bool = False) -> bool: ...

    def show_title(self) -> None: ...

    def show_checks(self) -> None:
        """The Check pane shows the runs as they are now."""

    def show_fresh_profile(self, name: str, save: bool = False) -> None:
        """A complete new profile named `name`, its digest and key made in the background."""

    def save_if_ready(self) -> None:
        """Save now if a save waits and the digest and key are ready."""

    def resolve_changed_on_disk(self, error: ProfileChangedOnDisk) -> object:
        """Ask the user what to do about the open profile changed on disk (a dialog flow)."""
