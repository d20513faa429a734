"""The Check pane's work off the UI thread: the audit of the user's files, the doctor's live
checks, and the plan of an "apply to file".

Each runs in a daemon thread of its own (background.py), never in a Textual thread
worker: those run in asyncio's default executor, which the interpreter joins at exit, so
quitting would wait for a doctor probe (or an audit verifying a slow digest). Results come
back on the app's thread through `call_from_thread`; a result of a run that was replaced
(a newer audit, a cancelled doctor run) is dropped.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from typing import TYPE_CHECKING

from ..core.profile import Profile
from .background import BackgroundJobs

if TYPE_CHECKING:
    from .app import LibreChatAutheliaApp

# Seconds per request of a doctor run from the app (the CLI's default too).
DOCTOR_TIMEOUT = 5.0

# Audit states
NOT_RUN = "not-run"
RUNNING = "running"
DONE = "done"
FAILED = "failed"  # the files could not be read: `message` says why
CANCELLED = "cancelled"


class AuditView:
    """What the Check pane shows of the audit: a state, its findings and when it ran."""

    def __init__(self) -> None:
        self.state = NOT_RUN
        self.findings: list = []
        self.message = ""
        self.finished_at: float | None = None
        self.paths: tuple = ()  # the files the shown result is about


class DoctorView:
    """The doctor's run as shown: findings in the order the probes finished."""

    def __init__(self) -> None:
        self.state = NOT_RUN
        self.findings: list = []
        self.message = ""
        self.finished_at: float | None = None
        self.targets = ""  # "Authelia https://…, LibreChat https://…"


def _problem(error: BaseException) -> str:
    """One line for the screen: the core's own message, never a traceback."""
    if isinstance(error, ValueError) and str(error):
        return str(error)
    if isinstance(error, OSError):
        from .dialogs.write import describe_os_error

        return describe_os_error(error)
    return f"{type(error).__name__} (unexpected; nothing was written)"


class CheckJobs(BackgroundJobs):
    def __init__(self, app: LibreChatAutheliaApp) -> None:
        super().__init__(app)
        self.audit = AuditView()
        self.doctor = DoctorView()
        self._audit_generation = 0
        self._doctor_generation = 0
        self._cancel: threading.Event | None = None

    @property
    def doctor_running(self) -> bool:
        return self.doctor.state == RUNNING

    def _changed(self) -> None:
        self.app.check_results_changed()

    def profile_replaced(self) -> None:
        """Another profile is open: nothing shown or running belongs to it any more."""
        self.stop()
        self._cancel = None
        self._audit_generation += 1
        self._doctor_generation += 1
        self.audit, self.doctor = AuditView(), DoctorView()
        self._changed()

    # The audit ----------------------------------------------------------------------------

    def forget_audit(self) -> None:
        """No files to check any more: nothing of an earlier audit stays on screen."""
        self._audit_generation += 1
        self.audit = AuditView()
        self._changed()

    def run_audit(self, profile: Profile) -> None:
        """Audit the profile's remembered files; a newer run replaces a running one."""
        self._audit_generation += 1
        self.audit.state = RUNNING
        self.audit.message = ""
        self.start(self._audit, profile, self._audit_generation)
        self._changed()

    def _audit(self, profile: Profile, generation: int) -> None:
        from ..userfiles.sources import audit_profile_files

        try:
            result = audit_profile_files(profile)
        except Exception as error:  # a missing file, an unreadable one: one line
            self.reply(self._audit_failed, _problem(error), generation)
            return
        self.reply(self._audit_done, result.findings, generation,
                    (*profile.authelia_config_paths, profile.env_path, profile.compose_path))

    def _audit_done(self, findings: list, generation: int, paths: tuple) -> None:
        if generation != self._audit_generation:
            return
        self.audit.state, self.audit.findings, self.audit.paths = DONE, findings, paths
        self.audit.finished_at = time.time()
        self._changed()

    def _audit_failed(self, message: str, generation: int) -> None:
        if generation != self._audit_generation:
            return
        self.audit.state, self.audit.findings, self.audit.message = FAILED, [], message
        self.audit.finished_at = time.time()
        self._changed()

    # The doctor ---------------------------------------------------------------------------

    def run_doctor(self, profile: Profile, *, timeout: float = DOCTOR_TIMEOUT,
                   token_probe: bool = True) -> None:
        """Start a live run against the profile's Authelia and LibreChat."""
        from ..doctor import TargetError, target_from_profile

        self.cancel_doctor()
        self._doctor_generation += 1
        self.doctor.findings = []
        self.doctor.finished_at = None
        try:
            target = target_from_profile(profile)
        except TargetError as error:
            self.doctor.state, self.doctor.message = FAILED, str(error)
            self._changed()
            return
        self.doctor.state, self.doctor.message = RUNNING, ""
        self.doctor.targets = f"Authelia {target.issuer}, LibreChat {target.app_url}"
        self._cancel = threading.Event()
        self.start(self._doctor, target, timeout, token_probe, self._cancel,
                    self._doctor_generation)
        self._changed()

    def cancel_doctor(self) -> None:
        """Stop a running doctor run (it ends within ~50 ms); what it found stays shown."""
        if self._cancel is not None:
            self._cancel.set()
            self._cancel = None
        if self.doctor.state == RUNNING:
            self.doctor.state = CANCELLED
            self.doctor.finished_at = time.time()
            self._doctor_generation += 1  # later findings of that run are dropped
            self._changed()

    def stop(self) -> None:
        """The app is closing: a running doctor run stops (its thread is a daemon anyway)."""
        if self._cancel is not None:
            self._cancel.set()

    def _doctor(self, target, timeout: float, token_probe: bool, cancel: threading.Event,
                generation: int) -> None:
        from ..doctor import run

        try:
            run(target, timeout=timeout, token_probe=token_probe, cancel=cancel,
                on_finding=lambda finding: self.reply(self._doctor_finding, finding,
                                                       generation))
        except Exception as error:  # a bug in a probe: shown as one line, never a crash
            self.reply(self._doctor_failed, _problem(error), generation)
            return
        self.reply(self._doctor_done, generation)

    def _doctor_finding(self, finding, generation: int) -> None:
        if generation == self._doctor_generation:
            self.doctor.findings.append(finding)
            self._changed()

    def _doctor_done(self, generation: int) -> None:
        if generation == self._doctor_generation:
            self.doctor.state = DONE
            self.doctor.finished_at = time.time()
            self._cancel = None
            self._changed()

    def _doctor_failed(self, message: str, generation: int) -> None:
        if generation == self._doctor_generation:
            self.doctor.state, self.doctor.message = FAILED, message
            self.doctor.finished_at = time.time()
            self._cancel = None
            self._changed()

    # Apply to file ------------------------------------------------------------------------

    async def in_thread(self, name: str, fn, *args):
        """`fn(*args)` in a daemon thread, awaited here: (result, None), or (None, the
        refusal in one line). Tests wait for it through `busy`."""
        future: concurrent.futures.Future = concurrent.futures.Future()

        def job() -> None:
            try:
                future.set_result((fn(*args), None))
            except Exception as error:
                future.set_result((None, _problem(error)))

        self.start(job)
        return await asyncio.wrap_future(future)

    async def plan_apply(self, target: str, profile: Profile, path: str):
        """The core's plan (an Authelia plan verifies the digest, slow by design)."""
        from ..userfiles.apply import plan_apply

        return await self.in_thread("plan", plan_apply, target, profile, path)

    async def write_plan(self, plan):
        """Back up and replace the file (fsyncs: off the UI thread); (backup, problem)."""
        from ..userfiles.apply import write_plan

        return await self.in_thread("write", write_plan, plan)
