"""The doctor: checks a running Authelia and LibreChat from outside, without a browser login.

Beside the core, never imports Textual. The app runs `run(target, on_finding=..., cancel=...)`
in a worker thread and shows each finding as it arrives; the CLI is tui/cli_doctor.py.
"""

from __future__ import annotations

from .findings import CODES, SEVERITIES, Finding, has_errors
from .runner import DEFAULT_TIMEOUT_S, run, run_async, run_deadline
from .target import Target, TargetError, target_from_env, target_from_profile

__all__ = [
    "CODES", "DEFAULT_TIMEOUT_S", "SEVERITIES", "Finding", "Target", "TargetError",
    "has_errors", "run", "run_async", "run_deadline", "target_from_env", "target_from_profile",
]
