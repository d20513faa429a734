"""Screen 6: the audit of the user's own files, and the doctor's live checks.

The audit (tui/userfiles) reads the configuration.yml and .env the profile remembers and
lists what is wrong, grouped by severity, each finding with its fix; Enter on a finding
that applying the profile fixes offers that apply (its diff first), and on one whose fix is
a wrong value in the profile shows that field (tui/app/fixes.py decides). The doctor
(tui/doctor) asks the running Authelia and LibreChat; its lines appear as its probes
finish. Both run in daemon threads (tui/app/checks.py) started by the main screen: this
pane shows what it is handed and asks for runs with CheckRequested.
"""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Label, ListItem, ListView, Static

from ...core import fields
from ...core.shown import shown, shown_path
from ...core.words import plural
from ...doctor.findings import fixes_in_order
from ..checks import CANCELLED, DONE, FAILED, NOT_RUN, RUNNING, AuditView, DoctorView
from ..fixes import TARGET_NAMES, route
from ..messages import CheckRequested, FixRequested, JumpToField
from ..state import ViewState
from ..widgets.findings import counted
from .base import Pane
from .registry import FIELD_PANES

MARKS = {"error": "✗", "warning": "!", "info": "i", "ok": "✓"}
GROUPS = (("error", "Errors"), ("warning", "Warnings"), ("info", "Info"))
SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"

PANE_TITLES = {"assumptions": "Assumptions", "secrets": "Secrets"}


def when(timestamp: float | None) -> str:
    return time.strftime("%H:%M:%S", time.localtime(timestamp)) if timestamp else ""


class GroupHeader(ListItem):
    """'Errors (2)': a heading in the list, skipped by the cursor."""

    def __init__(self, text: str, severity: str) -> None:
        super().__init__(Label(text, markup=False), classes=f"group-header -{severity}",
                         disabled=True)


class FindingItem(ListItem):
    def __init__(self, finding, fix: tuple[str, object]) -> None:
        self.finding = finding
        kind, target = fix
        self.field = target if kind == "field" and FIELD_PANES.get(str(target)) else None
        self.targets = target if kind == "apply" else ()
        head = Content.assemble((f"{MARKS.get(finding.severity, '?')} {finding.code}", "bold"),
                                f"  {shown_path(finding.where)}" if finding.where else "")
        lines = [Static(head, classes="finding-head"),
                 Static(shown(finding.message, limit=None), classes="finding-message",
                        markup=False)]
        if finding.fix:
            lines.append(Static(f"fix: {shown(finding.fix, limit=None)}", classes="finding-fix",
                                markup=False))
        hint = ""
        if self.targets:
            hint = (f"↵ Enter: apply the profile to {TARGET_NAMES[self.targets[0]]} "
                    "(shows the diff first)")
        elif self.field:
            pane_id = FIELD_PANES[self.field]
            hint = (f"↵ Enter: {fields.title(self.field)} on "
                    f"{PANE_TITLES.get(pane_id, pane_id)}")
        if hint:
            lines.append(Static(hint, classes="finding-jump", markup=False))
        super().__init__(*lines, classes=f"finding -{finding.severity}")


class CheckPane(Pane):
    BINDINGS = [
        Binding("r", "recheck", "Re-check", id="recheck",
                tooltip="Audit the remembered files again"),
        Binding("p", "set_paths", "Files", id="set-paths",
                tooltip="Set the files to check (configuration.yml, .env, Compose)"),
        Binding("d", "doctor", "Doctor", id="doctor",
                tooltip="Run the doctor's live checks (d again cancels a run)"),
        Binding("i", "import_files", "Import", id="import-files",
                tooltip="Import the files checked here into a new profile (as "
                "librechat-authelia import does)"),
        # The list's own Enter selects; this row is for the help (and a pane without focus).
        Binding("enter", "jump", "Fix", show=False,
                tooltip="Fix the selected finding: apply the profile to the file (its diff "
                "first), or show the profile field that holds the wrong value"),
    ]

    def __init__(self, state: ViewState, **kwargs) -> None:
        super().__init__(state, **kwargs)
        self.audit, self.doctor = AuditView(), DoctorView()  # the screen hands in its runs
        self._spinner = None
        self._frame = 0
        self._shown_audit: tuple | None = None  # (state, findings id) last put in the list
        self._follow_doctor = False  # keep the doctor's lines in sight (after d)

    def compose(self) -> ComposeResult:
        yield Label("Your files", classes="section")
        yield Static(id="check-files", markup=False)
        yield Static(id="audit-status", markup=False)
        yield ListView(id="audit-findings")
        yield Label("Doctor: the live deployment", classes="section")
        yield Static(id="doctor-status", markup=False)
        yield Static(id="doctor-lines", markup=False)
        yield Static(id="doctor-fixes", markup=False)

    # Showing ------------------------------------------------------------------------------

    def update_view(self, state: ViewState) -> None:
        self.query_one("#check-files", Static).update(self._files_text(state.profile))
        self.show_results()

    def show_checks(self, audit: AuditView, doctor: DoctorView) -> None:
        """The audit and the doctor as they are now (handed down as they progress)."""
        self.audit, self.doctor = audit, doctor
        self.show_results()

    def _files_text(self, profile) -> str:
        if not profile.authelia_config_paths and not profile.env_path:
            return ("No files to check yet. Press p to name Authelia's configuration.yml and "
                    "LibreChat's .env (and a Compose override if you use one); then i imports "
                    "them into a new profile, as `librechat-authelia import` does. a on the "
                    "Authelia and LibreChat env screens remembers the file it writes, too.")
        rows = [("configuration.yml", ", ".join(map(shown_path, profile.authelia_config_paths))
                 or "(not set)"),
                (".env", shown_path(profile.env_path) or "(not set)")]
        if profile.compose_path:
            rows.append(("Compose", shown_path(profile.compose_path)))
        return "\n".join(f"{name}: {path}" for name, path in rows) + \
            "\np changes them, r checks them again, i imports them into a new profile."

    def show_results(self) -> None:
        if not self.is_mounted:
            return  # drawn once mounted
        self._show_audit()
        self._show_doctor()
        self._keep_focus()

    def _keep_focus(self) -> None:
        """The pane's keys (r, p, d) keep working while its list is rebuilt: the focus stays
        on the list (empty while nothing is shown, so never lost with a hidden widget)."""
        if not self.display or self.app.screen is not self.screen:
            return  # another pane, or a dialog on top: the focus is theirs
        if self.screen.focused is None or self.screen.focused is self:
            self.query_one("#audit-findings", ListView).focus()

    def _show_audit(self) -> None:
        audit = self.audit
        profile = self.state.profile
        status = self.query_one("#audit-status", Static)
        view = self.query_one("#audit-findings", ListView)
        text = ""
        if audit.state == RUNNING:
            text = "Checking the files… (a digest is verified: it takes a moment)"
        elif audit.state == FAILED:
            text = f"✗ Cannot check the files: {shown(audit.message, limit=None)}"
        elif audit.state == DONE:
            counts = [plural(sum(f.severity == s for f in audit.findings), word)
                      for s, word in (("error", "error"), ("warning", "warning"),
                                      ("info", "note"))]
            stale = (audit.paths != (*profile.authelia_config_paths, profile.env_path,
                                     profile.compose_path))
            text = (f"{', '.join(counts)} (checked at {when(audit.finished_at)}"
                    f"{'; the files changed since: r checks again' if stale else ''})")
            if not any(f.severity == "error" for f in audit.findings):
                text += "  ✓ No errors."
        status.update(text)
        status.display = bool(text)
        showing = (audit.state, id(audit.findings))
        if showing == self._shown_audit:
            return
        self._shown_audit = showing
        view.clear()
        if audit.state != DONE:
            return
        items: list[ListItem] = []
        for severity, title in GROUPS:
            group = [f for f in audit.findings if f.severity == severity]
            if group:
                items.append(GroupHeader(f"{title} ({len(group)})", severity))
                items += [FindingItem(f, self._fix(f)) for f in group]
        view.extend(items)
        self.call_after_refresh(self._highlight_first)

    def _fix(self, finding) -> tuple[str, object]:
        return route(finding, self.state.profile, self.state.findings)

    def _highlight_first(self) -> None:
        view = self.query_one("#audit-findings", ListView)
        if view.index is None:
            view.index = next((i for i, item in enumerate(view.children)
                               if isinstance(item, FindingItem)), None)

    def _show_doctor(self) -> None:
        doctor = self.doctor
        status = self.query_one("#doctor-status", Static)
        lines = self.query_one("#doctor-lines", Static)
        fixes = self.query_one("#doctor-fixes", Static)
        running = doctor.state == RUNNING
        if running and self._spinner is None:
            self._spinner = self.set_interval(0.12, self._spin)
        elif not running and self._spinner is not None:
            self._spinner.stop()
            self._spinner = None
        status.update(self._doctor_status())
        lines.update("\n".join(f"{MARKS.get(f.severity, '?')} {shown(f.code)}: "
                               f"{shown(f.message, limit=None)}"
                               for f in doctor.findings))
        lines.display = bool(doctor.findings)
        to_fix = [f for f in fixes_in_order(doctor.findings) if f.fix and f.severity != "ok"]
        fixes.update("Fixes:\n" + "\n".join(f"{MARKS.get(f.severity, '?')} {shown(f.code)}: "
                                            f"{shown(f.fix, limit=None)}"
                                            for f in to_fix) if to_fix and not running else "")
        fixes.display = bool(to_fix) and not running
        if self._follow_doctor:
            self.call_after_refresh(self._scroll_to_doctor)

    def _doctor_status(self) -> str:
        doctor = self.doctor
        if doctor.state == NOT_RUN:
            return ("Not run yet. d asks the running Authelia and LibreChat (at the profile's "
                    "URLs) the questions that decide a login; nothing is changed.")
        if doctor.state == RUNNING:
            return (f"{SPINNER[self._frame % len(SPINNER)]} running… "
                    f"{plural(len(doctor.findings), 'check')} done — d cancels\n"
                    f"{shown(doctor.targets, limit=None)}")
        if doctor.state == FAILED:
            return f"✗ Cannot run the doctor: {shown(doctor.message, limit=None)}"
        errors = sum(f.severity == "error" for f in doctor.findings)
        warnings = sum(f.severity == "warning" for f in doctor.findings)
        verdict = counted(errors, warnings) if errors or warnings else "✓ no problems"
        if doctor.state == CANCELLED:
            found = (f"what it found so far ({plural(errors, 'error')}, "
                     f"{plural(warnings, 'warning')})" if doctor.findings
                     else "nothing checked yet")
            return f"Cancelled at {when(doctor.finished_at)}: {found}. d runs it again."
        if doctor.state == DONE:
            return f"Ran at {when(doctor.finished_at)}: {verdict}. d runs it again."
        return ""

    def _spin(self) -> None:
        self._frame += 1
        if self.doctor.state == RUNNING:
            self.query_one("#doctor-status", Static).update(self._doctor_status())

    # Keys ---------------------------------------------------------------------------------

    def action_recheck(self) -> None:
        profile = self.state.profile
        if not profile.authelia_config_paths or not profile.env_path:
            self.notify("No files to check yet: press p to name them.", severity="warning")
            return
        self.post_message(CheckRequested("audit"))

    def action_set_paths(self) -> None:
        self.post_message(CheckRequested("paths"))

    def action_import_files(self) -> None:
        profile = self.state.profile
        if not profile.authelia_config_paths or not profile.env_path:
            self.notify("No files to import yet: press p to name them.", severity="warning")
            return
        self.post_message(CheckRequested("import"))

    def action_doctor(self) -> None:
        if self.doctor.state != RUNNING:
            self._follow_doctor = True
        self.post_message(CheckRequested("doctor"))  # runs it, or cancels a running one

    def _scroll_to_doctor(self) -> None:
        """The doctor's section at the top of the pane, or as far down as it goes."""
        if self.is_attached and self._follow_doctor:
            self.scroll_to_widget(self.query_one("#doctor-status"), animate=False, top=True)

    def on_list_view_highlighted(self, event: ListView.Highlighted) -> None:
        # The list is as tall as its findings: the pane scrolls to keep the cursor in sight
        # (with its group's heading, for the first of a group).
        item = event.item
        if item is None or self.screen.focused is not event.list_view:
            return
        self._follow_doctor = False  # the user is reading the audit
        view = event.list_view
        index = view.children.index(item) if item in view.children else -1
        if index > 0 and isinstance(view.children[index - 1], GroupHeader):
            view.children[index - 1].scroll_visible(animate=False, immediate=True)
        item.scroll_visible(animate=False)

    def on_list_view_selected(self, event: ListView.Selected) -> None:
        event.stop()
        self._jump(event.item)

    def action_jump(self) -> None:
        self._jump(self.query_one("#audit-findings", ListView).highlighted_child)

    def _jump(self, item) -> None:
        if not isinstance(item, FindingItem):
            return
        # Decided again now: the profile may have changed since the list was built.
        kind, target = self._fix(item.finding)
        if kind == "apply":
            self.post_message(FixRequested(item.finding.code, target))
        elif kind == "field" and FIELD_PANES.get(str(target)):
            self.post_message(JumpToField(str(target)))
        else:
            self.notify(f"{item.finding.code} is fixed in your file, not by the profile: "
                        "see its fix.", severity="information")
