"""A labelled form row with the core's findings for that field shown under it."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Static

from ...core.findings import Finding
from ...core.shown import shown

ICONS = {"error": "✗", "warning": "!", "info": "i"}


class FindingsText(Static):
    """The findings for one field, or nothing."""

    DEFAULT_CLASSES = "findings -empty"

    def __init__(self, **kwargs) -> None:
        super().__init__(markup=False, **kwargs)
        self._text = ""

    def show(self, findings: list[Finding]) -> None:
        text = "\n".join(f"{ICONS[f.severity]} {shown(f.message, limit=None)}" for f in findings)
        if text == self._text:
            return  # each update re-lays out the form: only when something changed
        self._text = text
        worst = next((s for s in ("error", "warning", "info")
                      if any(f.severity == s for f in findings)), None)
        self.set_class(not findings, "-empty")
        for severity in ("error", "warning", "info"):
            self.set_class(severity == worst, f"-{severity}")
        self.update(text)


class FieldLabel(Widget):
    """The field's name and, under it, its hint: one widget for both lines."""

    COMPONENT_CLASSES = {"field-label--name", "field-label--hint"}
    DEFAULT_CSS = "FieldLabel { height: auto; }"

    text: reactive[str] = reactive("", layout=True)
    hint: reactive[str] = reactive("", layout=True)  # it may follow another field's value

    def __init__(self, text: str, hint: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.set_reactive(FieldLabel.text, text)
        self.set_reactive(FieldLabel.hint, hint)

    def render(self) -> Content:
        name = Content(self.text).stylize(self.get_visual_style("field-label--name"))
        if not self.hint:
            return name
        return Content.assemble(name, "\n", (self.hint, self.get_visual_style("field-label--hint")))


class Field(Vertical):
    """Label and hint, the editing widget, and the findings for `field_name`."""

    DEFAULT_CLASSES = "field"

    def __init__(self, label: str, editor: Widget, field_name: str, hint: str = "") -> None:
        super().__init__(id=f"field-{field_name}")
        self.label = label
        self.editor = editor
        self.field_name = field_name
        self.hint = hint
        self.findings: list[Finding] = []

    def compose(self) -> ComposeResult:
        yield FieldLabel(self.label, self.hint, classes="field-label")
        yield self.editor
        yield FindingsText(id=f"findings-{self.field_name}")

    def show_findings(self, findings: list[Finding]) -> None:
        self.findings = findings
        for text in self.query(FindingsText):  # none until composed: shown on mount then
            text.show(findings)

    def on_mount(self) -> None:
        if self.findings:
            self.query_one(FindingsText).show(self.findings)


class TextInput(Input):
    """A text field whose keys act on it, in the order they were typed.

    Tab moves the focus as soon as it arrives (the main screen's priority binding), so
    keys typed just before it may still be on their way through this field: Textual would
    run their bindings (Backspace, the arrows) on whichever field has the focus once they
    have bubbled up to the app. Here the field that got a key runs its binding itself.
    """

    async def _on_key(self, event: events.Key) -> None:
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            event.prevent_default()
            event.stop()
            await self.run_action(binding.action)
            return


class TickBox(Checkbox):
    """A checkbox whose mark is a character, not only a colour: [X] on, [ ] off.

    Textual's draws an X in both states and tells them apart by colour alone, which is
    lost under NO_COLOR and on many terminals' themes.
    """

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "X" if self.value else " "
        return super()._button
