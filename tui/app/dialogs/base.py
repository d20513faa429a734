"""What every dialog shares: a modal screen, centred, styled by styles/dialogs.tcss."""

from __future__ import annotations

from typing import TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Button

from ...resources import stylesheet

ResultType = TypeVar("ResultType")

# Keys that scroll a dialog's long text while a button keeps the focus: the key, and the
# `scroll_<how>` method of the scrolled view it calls (scroll_view).
SCROLL_KEYS = {"up": "up", "down": "down", "pageup": "page_up", "pagedown": "page_down",
               "home": "home", "end": "end"}


def scroll_bindings(*keys: str) -> list[Binding]:
    """Hidden bindings of `keys` (of SCROLL_KEYS) to the dialog's `scroll` action."""
    return [Binding(key, f"scroll('{SCROLL_KEYS[key]}')", show=False) for key in keys]


def scroll_view(view, how: str) -> None:
    """Scroll `view` one step (`how`: a value of SCROLL_KEYS), at once."""
    getattr(view, f"scroll_{how}")(animate=False)


class Dialog(ModalScreen[ResultType]):
    # Screens read their CSS_PATH when first shown: start-up parses only app.tcss.
    CSS_PATH = [stylesheet("dialogs.tcss")]
    # Arrows move between the buttons (a text field keeps them for its cursor).
    BINDINGS = [Binding("left", "move_button(-1)", show=False),
                Binding("right", "move_button(1)", show=False)]

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")

    def action_move_button(self, step: int) -> None:
        buttons = [b for b in self.query(Button) if b.display and not b.disabled]
        if not buttons:
            return
        focused = self.focused
        if focused in buttons:
            index = (buttons.index(focused) + step) % len(buttons)
        else:
            index = 0 if step > 0 else len(buttons) - 1
        buttons[index].focus()
