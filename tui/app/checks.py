"""The Check pane's work off the UI thread: the audit of the user's files, the doctor's live
checks, and the plan of an "apply to file".

Each runs in a daemon thread of its own (background.py), never in a Textual thread
worker: those run in asyncio's default executor, which the interpreter joins at exit, so
quitting would wait for a doctor probe (or an audit verifying a slow digest). Results come
back as messages (AuditFinished, DoctorFinding, DoctorFinished) to the screen that started
the run, which hands them back here; a result of a run that was replaced (a newer audit, a
cancelled doctor run) is dropped.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time

from ..core.profile import Profile
from .background import BackgroundJobs, Target
from .messages import AuditFinished, DoctorFinding, DoctorFinished

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
    """The audit and doctor runs as shown; every change returns True to redraw them."""

    def __init__(self, target: Target) -> None:
        super().__init__(target)
        self.audit = AuditView()
        self.doctor = DoctorView()
        self._audit_generation = 0
        self._doctor_generation = 0
        self._cancel: threading.Event | None = None

    def summary(self) -> list[tuple[str, str, int, int]]:
        """What the summary line says of each run shown: (name, words, errors, warnings)."""
        from .widgets.findings import counted

        def counts(findings: list) -> tuple[int, int]:
            return (sum(f.severity == "error" for f in findings),
                    sum(f.severity == "warning" for f in findings))

        runs = []
        audit, doctor = self.audit, self.doctor
        if audit.state == DONE:
            runs.append(("files", counted(*counts(audit.findings)), *counts(audit.findings)))
        elif audit.state == RUNNING:
            runs.append(("files", "checking…", 0, 0))
        elif audit.state == FAILED:
            runs.append(("files", "not read", 1, 0))
        if doctor.state in (DONE, CANCELLED):
            said = counted(*counts(doctor.findings))
            if doctor.state == CANCELLED:
                said = f"cancelled ({said} so far)" if doctor.findings else "cancelled"
            runs.append(("doctor", said, *counts(doctor.findings)))
        elif doctor.state == RUNNING:
            runs.append(("doctor", "running…", *counts(doctor.findings)))
        elif doctor.state == FAILED:
            runs.append(("doctor", "could not run", 1, 0))
        return runs

    @property
    def doctor_running(self) -> bool:
        return self.doctor.state == RUNNING

    def profile_replaced(self) -> None:
        """Another profile is open: nothing shown or running belongs to it any more."""
        self.stop()
        self._cancel = None
        self._audit_generation += 1
        self._doctor_generation += 1
        self.audit, self.doctor = AuditView(), DoctorView()

    # The audit ----------------------------------------------------------------------------

    def forget_audit(self) -> None:
        """No files to check any more: nothing of an earlier audit stays on screen."""
        self._audit_generation += 1
        self.audit = AuditView()

    def run_audit(self, profile: Profile) -> None:
        """Audit the profile's remembered files; a newer run replaces a running one."""
        self._audit_generation += 1
        self.audit.state = RUNNING
        self.audit.message = ""
        self.start(self._audit, profile, self._audit_generation)

    def _audit(self, profile: Profile, generation: int) -> None:
        from ..userfiles.sources import audit_profile_files

        paths = (*profile.authelia_config_paths, profile.env_path, profile.compose_path)
        try:
            result = audit_profile_files(profile)
        except Exception as error:  # a missing file, an unreadable one: one line
            self.post(AuditFinished(generation, [], paths, _problem(error)))
            return
        self.post(AuditFinished(generation, result.findings, paths))

    def audit_finished(self, news: AuditFinished) -> bool:
        if news.generation != self._audit_generation:
            return False
        audit = self.audit
        if news.problem is None:
            audit.state, audit.findings, audit.paths = DONE, news.findings, news.paths
        else:
            audit.state, audit.findings, audit.message = FAILED, [], news.problem
        audit.finished_at = time.time()
        return True

    # The doctor ---------------------------------------------------------------------------

    def run_doctor(self, profile: Profile, *, timeout: float | None = None,
                   token_probe: bool = True) -> None:
        """Start a live run against the profile's Authelia and LibreChat."""
        from ..doctor import TargetError, target_for_profile

        self.cancel_doctor()
        self._doctor_generation += 1
        self.doctor.findings = []
        self.doctor.finished_at = None
        try:
            target = target_for_profile(profile)
        except TargetError as error:
            self.doctor.state, self.doctor.message = FAILED, str(error)
            return
        self.doctor.state, self.doctor.message = RUNNING, ""
        self.doctor.targets = f"Authelia {target.issuer}, LibreChat {target.app_url}"
        self._cancel = threading.Event()
        self.start(self._doctor, target, DOCTOR_TIMEOUT if timeout is None else timeout,
                   token_probe, self._cancel, self._doctor_generation)

    def cancel_doctor(self) -> bool:
        """Stop a running doctor run (it ends within ~50 ms); what it found stays shown."""
        if self._cancel is not None:
            self._cancel.set()
            self._cancel = None
        if self.doctor.state == RUNNING:
            self.doctor.state = CANCELLED
            self.doctor.finished_at = time.time()
            self._doctor_generation += 1  # later findings of that run are dropped
            return True
        return False

    def stop(self) -> None:
        """The app is closing: a running doctor run stops (its thread is a daemon anyway)."""
        if self._cancel is not None:
            self._cancel.set()

    def _doctor(self, target, timeout: float, token_probe: bool, cancel: threading.Event,
                generation: int) -> None:
        from ..doctor import run

        try:
            run(target, timeout=timeout, token_probe=token_probe, cancel=cancel,
                on_finding=lambda finding: self.post(DoctorFinding(generation, finding)))
        except Exception as error:  # a bug in a probe: shown as one line, never a crash
            self.post(DoctorFinished(generation, _problem(error)))
            return
        self.post(DoctorFinished(generation))

    def doctor_finding(self, news: DoctorFinding) -> bool:
        if news.generation != self._doctor_generation:
            return False
        self.doctor.findings.append(news.finding)
        return True

    def doctor_finished(self, news: DoctorFinished) -> bool:
        if news.generation != self._doctor_generation:
            return False
        if news.problem is None:
            self.doctor.state = DONE
        else:
            self.doctor.state, self.doctor.message = FAILED, news.problem
        self.doctor.finished_at = time.time()
        self._cancel = None
        return True

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
