"""A labelled form row with the core's findings for that field shown under it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Label, Static

from ...core.checks import Finding

ICONS = {"error": "✗", "warning": "!", "info": "i"}


class FindingsText(Static):
    """The findings for one field, or nothing."""

    DEFAULT_CLASSES = "findings -empty"

    def __init__(self, **kwargs) -> None:
        super().__init__(markup=False, **kwargs)
        self._text = ""

    def show(self, findings: list[Finding]) -> None:
        text = "\n".join(f"{ICONS[f.severity]} {f.message}" for f in findings)
        if text == self._text:
            return  # each update re-lays out the form: only when something changed
        self._text = text
        worst = next((s for s in ("error", "warning", "info")
                      if any(f.severity == s for f in findings)), None)
        self.set_class(not findings, "-empty")
        for severity in ("error", "warning", "info"):
            self.set_class(severity == worst, f"-{severity}")
        self.update(text)


class Field(Vertical):
    """Label, the editing widget, and the findings for `field_name`."""

    DEFAULT_CLASSES = "field"

    def __init__(self, label: str, editor: Widget, field_name: str, hint: str = "") -> None:
        super().__init__(id=f"field-{field_name}")
        self.label = label
        self.editor = editor
        self.field_name = field_name
        self.hint = hint

    def compose(self) -> ComposeResult:
        yield Label(self.label, classes="field-label")
        yield self.editor
        if self.hint:
            yield Static(self.hint, classes="field-hint")
        yield FindingsText(id=f"findings-{self.field_name}")

    def show_findings(self, findings: list[Finding]) -> None:
        self.query_one(FindingsText).show(findings)
