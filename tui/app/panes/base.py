"""What every pane has: it shows a ViewState and posts the user's edits as messages."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Select

from ..messages import FieldLeft, ProfileEdited, RevealRequested
from ..state import ViewState
from ..widgets.field import Field
from ..widgets.select import PaneSelect


class Pane(VerticalScroll):
    """A scrolling pane that shows a ViewState; subclasses fill `update_view`.

    The main screen hands every pane each new state (`show_state`); a pane draws it when
    it is on screen, and a pane built later is composed with the state of that moment.
    Edits go back up as messages (tui/app/messages.py). It remembers which of its controls
    had the focus, so coming back to the pane puts the cursor where the user left it (and
    scrolls it into sight) instead of on the first field.
    """

    last_focused: Widget | None = None
    can_focus = False  # a Tab stop on the pane itself would show no mark

    @property
    def busy(self) -> bool:
        """An edit waits for a pause in typing before it is applied (tests wait for it)."""
        return False

    def __init__(self, state: ViewState, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state = state
        self._drawn: ViewState | None = None
        self._ids: dict[str, Widget] = {}

    def by_id(self, widget_id: str) -> Widget | None:
        """The descendant with this id, or None while it is not mounted. Found in one walk
        of the pane and remembered: `update_view` runs at every edit and every Tab, and a
        query walks all of the pane's widgets each time (a tenth of a keystroke's work)."""
        widget = self._ids.get(widget_id)
        if widget is None or not widget.is_attached:
            widget = self._walk().get(widget_id)
        return widget

    def fields(self) -> list[Field]:
        """The pane's mounted Field rows, in order (a pane that mounts more later calls
        `_walk` once they are mounted)."""
        ids = self._ids or self._walk()
        return [w for w in ids.values() if isinstance(w, Field) and w.is_attached]

    def _walk(self) -> dict[str, Widget]:
        self._ids = {w.id: w for w in self.walk_children() if w.id}
        return self._ids

    async def built(self) -> None:
        """Every field is there (a pane may mount some just after the first screen)."""

    def show_state(self, state: ViewState, *, now: bool) -> None:
        """The state to show; drawn `now`, or when the pane is next shown."""
        self.state = state
        if now:
            self.draw()

    def draw(self, *, again: bool = False) -> None:
        """Show the latest state, unless it already is (or `again`); once composed."""
        if self._composed and (again or self._drawn is not self.state):
            self._drawn = self.state
            self.update_view(self.state)

    _composed = False

    def _on_mount(self) -> None:
        self._composed = True  # the children are mounted before the pane's own Mount
        if self.display:
            self.draw()

    def update_view(self, state: ViewState) -> None:
        raise NotImplementedError

    def edit(self, origin: Widget | None = None, /, **changes) -> None:
        self.post_message(ProfileEdited(changes, origin))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.last_focused = event.widget

    def focus_target(self) -> Widget:
        """Where the focus goes when the pane is shown: the last focused control, or the first."""
        last = self.last_focused
        if last is not None and last.is_attached and last.focusable:
            return last
        return next((w for w in self.query("*") if w.focusable), self)

    def on_input_blurred(self, event: Input.Blurred) -> None:
        # Typing may leave text the profile holds differently (a trailing slash, an IDNA
        # host): once the user leaves the field it shows what is held (after the edits
        # still on their way to the screen).
        self.post_message(FieldLeft(self))


class RevealsSecrets:
    """ctrl+t on a pane that shows secrets: every pane shows them in clear, or masked again
    (the main screen holds the choice: `state.revealed`)."""

    @staticmethod
    def reveal_bindings(show: bool = True) -> list[Binding]:
        """One key, two labels: the footer says what ctrl+t will do now."""
        tooltip = "Reveal or hide the secrets (on every screen)"
        return [Binding("ctrl+t", "reveal", "Reveal", id="reveal", show=show, tooltip=tooltip),
                Binding("ctrl+t", "hide", "Hide", id="hide", show=show, tooltip=tooltip)]

    state: ViewState

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "reveal":
            return not self.state.revealed
        if action == "hide":
            return self.state.revealed
        return True

    def action_reveal(self) -> None:
        self.post_message(RevealRequested(True))

    def action_hide(self) -> None:
        self.post_message(RevealRequested(False))


def set_input(widget: Input, value: str) -> None:
    """Show the profile's `value` in `widget`, without echoing a Changed event.

    The only text left alone is the user's own typing: a focused field whose text produced
    the profile's current value (its keystrokes may be ahead of the profile, or not yet
    normalised). Any other change of the profile — another profile opened, a value
    regenerated, a revert — is shown, focused or not.
    """
    if widget.has_focus and getattr(widget, "typed_value", None) == value:
        return
    widget.typed_value = value
    if widget.value == value:
        return
    with widget.prevent(Input.Changed):
        widget.value = value
        widget.cursor_position = len(value)  # typing goes on at the end, as after a click
        if widget.has_focus and widget.select_on_focus:
            widget.select_all()  # an example value: the next keystroke replaces it


def typed(widget: Input, value: str) -> None:
    """Note that the user's typing in `widget` gave the profile `value`."""
    widget.typed_value = value


Options = list[tuple[str, str]]


def options_with(options: Options, value: str) -> Options:
    """The options, plus `value` from a hand-edited file: shown, and the findings explain it."""
    return options if value in [v for _, v in options] else [*options, (value, value)]


def new_select(options: Options, value: str, **kwargs) -> Select:
    """A select that starts at the profile's `value`.

    A Select reports its value with a Changed event once mounted; starting anywhere else
    would make that event change the profile.
    """
    return PaneSelect(options_with(options, value), value=value, allow_blank=False,
                      compact=True, **kwargs)


def set_select(select: Select, options: Options, value: str) -> None:
    """Show `value` without echoing a Changed event."""
    if select.value == value:
        return
    with select.prevent(Select.Changed):
        select.set_options(options_with(options, value))
        select.value = value
