"""What every pane has: it shows a ViewState and edits the profile through the app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import VerticalScroll
from textual.widgets import Input

from ..state import ViewState

if TYPE_CHECKING:
    from ..app import LibreChatAutheliaApp


class Pane(VerticalScroll):
    """A scrolling pane; subclasses fill `update_view`."""

    @property
    def main_app(self) -> LibreChatAutheliaApp:
        return self.app  # type: ignore[return-value]

    def update_view(self, state: ViewState) -> None:
        raise NotImplementedError


def set_input(widget: Input, value: str) -> None:
    """Show `value` unless the user is typing there, without echoing a Changed event."""
    if widget.has_focus or widget.value == value:
        return
    with widget.prevent(Input.Changed):
        widget.value = value
