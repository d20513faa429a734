"""The app's messages: news from background jobs, and the panes' intents.

Data goes down (the main screen hands each pane the state it shows); news comes back up as
these messages, to the screen that started the job or owns the pane. Nothing here imports
the rest of the app.
"""

from __future__ import annotations

from typing import Any

from textual.message import Message

# News from background jobs (posted from their threads: post_message is thread-safe) ------


class DigestMade(Message):
    """A hash of `secret` finished: `value` is its digest, verified in `seconds`."""

    def __init__(self, secret: str, value: str, findings: list, seconds: float,
                 generation: int) -> None:
        super().__init__()
        self.secret, self.value, self.findings = secret, value, findings
        self.seconds, self.generation = seconds, generation


class DigestFailed(Message):
    def __init__(self, problem: str, generation: int) -> None:
        super().__init__()
        self.problem, self.generation = problem, generation


class DigestVerified(Message):
    """The digest of `secret` was checked against it."""

    def __init__(self, secret: str, digest: str, findings: list, seconds: float) -> None:
        super().__init__()
        self.secret, self.digest, self.findings, self.seconds = secret, digest, findings, seconds


class KeyMade(Message):
    def __init__(self, bits: int, pem: str, key_id: str, generation: int) -> None:
        super().__init__()
        self.bits, self.pem, self.key_id, self.generation = bits, pem, key_id, generation


class KeyFailed(Message):
    def __init__(self, problem: str, generation: int) -> None:
        super().__init__()
        self.problem, self.generation = problem, generation


class KeyChecked(Message):
    """The signing key `key` (pem, bits) was read back and checked."""

    def __init__(self, key: tuple[str, int], findings: list) -> None:
        super().__init__()
        self.key, self.findings = key, findings


class AuditFinished(Message):
    """An audit of the user's files ended: findings, or the problem that stopped it."""

    def __init__(self, generation: int, findings: list, paths: tuple,
                 problem: str | None = None) -> None:
        super().__init__()
        self.generation, self.findings, self.paths, self.problem = (generation, findings,
                                                                    paths, problem)


class DoctorFinding(Message):
    def __init__(self, generation: int, finding: Any) -> None:
        super().__init__()
        self.generation, self.finding = generation, finding


class DoctorFinished(Message):
    """A doctor run ended, or stopped on `problem`."""

    def __init__(self, generation: int, problem: str | None = None) -> None:
        super().__init__()
        self.generation, self.problem = generation, problem


# The panes' intents (they bubble up to the main screen) ------------------------------------


class ProfileEdited(Message):
    """The user changed `changes` in `origin` (a field that keeps its typing)."""

    def __init__(self, changes: dict[str, Any], origin: Any = None) -> None:
        super().__init__()
        self.changes, self.origin = changes, origin


class FieldLeft(Message):
    """The focus left a text field of `pane`: it shows the profile's value as held now."""

    def __init__(self, pane: Any) -> None:
        super().__init__()
        self.pane = pane


class FieldProblems(Message):
    """Findings of a field the profile does not hold (the digest cost being typed)."""

    def __init__(self, field: str, findings: list) -> None:
        super().__init__()
        self.field, self.findings = field, findings


class RegenerateRequested(Message):
    """A new value for `field`; "secrets" asks first, then makes both secrets."""

    def __init__(self, field: str) -> None:
        super().__init__()
        self.field = field


class RehashRequested(Message):
    def __init__(self, params: dict[str, int] | None = None) -> None:
        super().__init__()
        self.params = params


class SnippetAction(Message):
    """`kind` is copy, write or apply; `text` None when there is nothing to give.

    `name` is the title (copy), the default file name (write) or the target (apply)."""

    def __init__(self, kind: str, text: str | None, name: str) -> None:
        super().__init__()
        self.kind, self.text, self.name = kind, text, name


class RevealRequested(Message):
    """Show the secrets in clear on every pane (`revealed`), or masked again."""

    def __init__(self, revealed: bool) -> None:
        super().__init__()
        self.revealed = revealed


class ValuesRequested(Message):
    """The client ID, the secrets (as revealed or not) and the digest in full."""


class StepTicked(Message):
    def __init__(self, step_id: str) -> None:
        super().__init__()
        self.step_id = step_id


class JumpToField(Message):
    def __init__(self, field: str) -> None:
        super().__init__()
        self.field = field


class FixRequested(Message):
    """Enter on the audit finding `code`: apply the profile to the first of `targets` (apply
    targets) that it changes, after its diff."""

    def __init__(self, code: str, targets: tuple[str, ...]) -> None:
        super().__init__()
        self.code, self.targets = code, targets


class CheckRequested(Message):
    """`kind`: audit (the files again), paths (which files), import (the files into a new
    profile) or doctor (run or cancel)."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind


class PaneChosen(Message):
    def __init__(self, pane_id: str) -> None:
        super().__init__()
        self.pane_id = pane_id
