"""What every dialog shares: a modal screen, centred, styled by styles/dialogs.tcss."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

from ...resources import stylesheet

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    # Screens read their CSS_PATH when first shown: start-up parses only app.tcss.
    CSS_PATH = [stylesheet("dialogs.tcss")]

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")
