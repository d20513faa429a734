"""Screen 5: the steps to apply the configuration and verify the login, ticked off.

A step's command stands on lines of its own (nothing to trim before pasting) and `c`
copies it; what to do if the login still fails is guidance under the steps, not a step.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Label, ListItem, ListView, ProgressBar, Static

from ...core.checklist import Step, Where, checklist_steps, progress, troubleshooting
from ..messages import SnippetAction, StepTicked
from ..state import ViewState
from .base import Pane
from .registry import PANES

KEYS = {pane_id: f_key for pane_id, _, f_key, *_ in PANES}
# The steps name the app's keys, not the CLI's commands.
APP_WHERE = Where(
    provider_keys=f"{KEYS['authelia']} shows these two keys alone: f switches it to "
                  "Provider only",
    client_block=f"the Authelia client block ({KEYS['authelia']}: c copies it, a applies it)",
    env_block=f"the LibreChat .env block ({KEYS['env']}: c copies it, a applies it)",
    compose_block=f"the LibreChat Compose block ({KEYS['env']}, its Docker Compose form)",
)


class StepItem(ListItem):
    def __init__(self, number: int, step: Step, done: bool) -> None:
        self.title = Label(classes="step-title", markup=False)
        self.detail = Static(classes="step-detail", markup=False)
        self.command = Static(classes="step-command", markup=False)
        super().__init__(self.title, self.detail, self.command, id=f"step-{step.id}")
        self.number = number
        self.show(step, done)

    def show(self, step: Step, done: bool) -> None:
        self.step, self.done = step, done
        self.set_class(done, "-done")
        mark = "[x]" if done else "[ ]"
        self.title.update(f"{mark} {self.number}. {step.title}")
        self.detail.update(step.detail)
        self.command.update(step.command)
        self.command.display = bool(step.command)


class ChecklistPane(Pane):
    BINDINGS = [
        Binding("space", "tick", "Tick", id="tick", tooltip="Tick or untick the selected step"),
        Binding("x,enter", "tick", "Tick", show=False),
        Binding("c", "copy_command", "Copy command", id="copy-command",
                tooltip="Copy the selected step's command"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="checklist-progress-text")
        yield ProgressBar(show_eta=False, show_percentage=False, id="checklist-progress")
        yield ListView(id="steps")
        yield Label("If the login still fails", classes="section")
        yield Static(id="troubleshooting", markup=False)

    def update_view(self, state: ViewState) -> None:
        profile = state.profile
        steps = checklist_steps(profile, APP_WHERE)
        done, total = progress(profile)
        self.query_one("#checklist-progress-text", Static).update(
            f"{done} of {total} steps done" + ("  ✓ All done!" if done == total else "")
            + "    space ticks the selected step")
        self.query_one(ProgressBar).update(total=total, progress=done)
        self.query_one("#troubleshooting", Static).update(troubleshooting(profile))
        view = self.query_one("#steps", ListView)
        items = list(view.query(StepItem))
        if [i.step.id for i in items] == [s.id for s in steps]:
            for item, step in zip(items, steps, strict=True):
                item.show(step, step.id in profile.checklist)
        else:
            view.clear()
            view.extend(StepItem(n, s, s.id in profile.checklist)
                        for n, s in enumerate(steps, 1))
            self.call_after_refresh(self._highlight_first)

    def _highlight_first(self) -> None:
        view = self.query_one("#steps", ListView)
        if view.index is None and view.children:
            view.index = 0

    def on_list_view_highlighted(self, event: ListView.Highlighted) -> None:
        # The list is as tall as its steps and the pane scrolls, not the list: keep the
        # highlighted step in sight, or space would tick a step the user cannot see.
        if event.item is not None:
            self.scroll_to_widget(event.item, animate=False)

    def on_list_view_selected(self, event: ListView.Selected) -> None:
        event.stop()
        if isinstance(event.item, StepItem):
            self.post_message(StepTicked(event.item.step.id))

    def action_tick(self) -> None:
        item = self.query_one("#steps", ListView).highlighted_child
        if isinstance(item, StepItem):
            self.post_message(StepTicked(item.step.id))

    def action_copy_command(self) -> None:
        item = self.query_one("#steps", ListView).highlighted_child
        if not isinstance(item, StepItem):
            return
        if not item.step.command:
            self.notify("This step has no command to copy.", severity="warning")
            return
        self.post_message(SnippetAction("copy", item.step.command,
                                        f"Step {item.number}'s command"))
