"""What every dialog shares: a modal screen, centred, styled by styles/dialogs.tcss."""

from __future__ import annotations

from typing import TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Button

from ...resources import stylesheet

ResultType = TypeVar("ResultType")


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
