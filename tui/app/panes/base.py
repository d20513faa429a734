"""What every pane has: it shows a ViewState and edits the profile through the app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import VerticalScroll
from textual.widgets import Input, Select

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


Options = list[tuple[str, str]]


def options_with(options: Options, value: str) -> Options:
    """The options, plus `value` from a hand-edited file: shown, and the findings explain it."""
    return options if value in [v for _, v in options] else [*options, (value, value)]


def new_select(options: Options, value: str, **kwargs) -> Select:
    """A select that starts at the profile's `value`.

    A Select reports its value with a Changed event once mounted; starting anywhere else
    would make that event change the profile.
    """
    return Select(options_with(options, value), value=value, allow_blank=False, compact=True,
                  **kwargs)


def set_select(select: Select, options: Options, value: str) -> None:
    """Show `value` without echoing a Changed event."""
    if select.value == value:
        return
    with select.prevent(Select.Changed):
        select.set_options(options_with(options, value))
        select.value = value
