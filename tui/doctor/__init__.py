"""The doctor: checks a running Authelia and LibreChat from outside, without a browser login.

Beside the core, never imports Textual. The app runs `run(target, on_finding=..., cancel=...)`
in a worker thread and shows each finding as it arrives; the CLI is tui/cli/doctor.py.

`run`, `run_async`, `run_deadline` and `DEFAULT_TIMEOUT_S` load the runner (and httpx, about
80 ms) on first use, so importing this package for its codes and targets stays cheap.
"""

from __future__ import annotations

from ..core.findings import Finding, has_errors
from .findings import CODES, SEVERITIES, fixes_in_order
from .target import (
    Target,
    TargetError,
    target_for_profile,
    target_from_env,
    target_from_profile,
)

_FROM_RUNNER = ("DEFAULT_TIMEOUT_S", "run", "run_async", "run_deadline")

__all__ = [
    "CODES", "SEVERITIES", "Finding", "Target", "TargetError", "fixes_in_order", "has_errors",
    "target_for_profile", "target_from_env", "target_from_profile", *_FROM_RUNNER,
]


def __getattr__(name: str):
    if name in _FROM_RUNNER:
        from . import runner

        return getattr(runner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
