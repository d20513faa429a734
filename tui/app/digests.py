"""Digest work off the UI thread: hashing the client secret and verifying the digest.

Both are slow by design (Authelia pays the same cost per token request), so they run in
background threads (background.py); the results come back as messages (DigestMade,
DigestFailed, DigestVerified) to the screen that asked, which hands them back here.
"""

from __future__ import annotations

import time

from textual.message_pump import MessagePump

from ..core import digest as core_digest
from ..core.checks import verify_digest_findings
from ..core.findings import Finding
from ..core.profile import Profile
from .background import BackgroundJobs
from .messages import DigestFailed, DigestMade, DigestVerified, RehashRequested
from .state import CHECKING, HASHING, MISMATCH, MISSING, OUTSIDE, VERIFIED

REHASH_DELAY = 0.6  # seconds after the last keystroke in the client secret (tests: 0)


def measure_verification(profile: Profile) -> tuple[list, float]:
    """The digest findings for `profile` and how long one verification took."""
    start = time.perf_counter()
    try:
        findings = verify_digest_findings(profile)
    except Exception as error:  # a library's own refusal (e.g. a secret over its size limit)
        findings = [Finding("digest-unreadable", "error",
                            f"the digest cannot be checked against this client secret "
                            f"({type(error).__name__}): fix the secret",
                            field="client_secret_digest")]
    return findings, time.perf_counter() - start


class DigestJobs(BackgroundJobs):
    """One verification at a time, the latest hash wins; results kept per (secret, digest)."""

    def __init__(self, target: MessagePump) -> None:
        super().__init__(target)
        self.target: MessagePump = target
        self.hashing = False
        self._generation = 0
        # (secret, digest) -> (digest findings, seconds for one verification)
        self._verified: dict[tuple[str, str], tuple[list, float]] = {}
        self._rehash_timer = None
        self._verifying = False
        self._verify_next: Profile | None = None

    @property
    def busy(self) -> bool:
        return self.running or self._rehash_timer is not None

    def cancel_pending(self) -> None:
        """Forget digest work asked for the profile on screen: another one replaces it."""
        if self._rehash_timer is not None:
            self._rehash_timer.stop()
            self._rehash_timer = None
        self._generation += 1  # a hash still running is dropped when it ends
        self.hashing = False

    def status(self, profile: Profile) -> tuple[str, list, float | None]:
        """(status word, digest findings, seconds of one verification) for `profile`."""
        if profile.digest_outside:  # nothing to make or check here
            return OUTSIDE, [], None
        if self.hashing:
            return HASHING, [], None
        if not profile.client_secret_digest:
            return MISSING, [], None
        if profile.client_secret and core_digest.secret_problem(profile.client_secret):
            return MISMATCH, [], None  # cannot be made from this secret: its field says why
        cached = self._verified.get((profile.client_secret, profile.client_secret_digest))
        if cached is None:
            return CHECKING, [], None
        findings, seconds = cached
        return (MISMATCH if findings else VERIFIED), findings, seconds

    def profile_changed(self, profile: Profile) -> None:
        """Verify a digest not seen before, once the screen has caught up."""
        key = (profile.client_secret, profile.client_secret_digest)
        if profile.client_secret_digest and key not in self._verified and not self.hashing \
                and not profile.digest_outside:
            # After the next refresh: the worker's imports would otherwise slow the first paint.
            self.target.call_after_refresh(self._request_verify, profile)

    # Verification -----------------------------------------------------------------------

    def _request_verify(self, profile: Profile) -> None:
        """One verification at a time (argon2id may take a GiB each); the latest one wins."""
        if self._verifying:
            self._verify_next = profile
            return
        self._verifying = True
        self.start(self._verify, profile)

    def _verify(self, profile: Profile) -> None:
        findings, seconds = measure_verification(profile)
        self.post(DigestVerified(profile.client_secret, profile.client_secret_digest,
                                 findings, seconds))

    def verified(self, news: DigestVerified, current: Profile) -> None:
        """A verification ended; the next one (of the profile now open) starts if asked for."""
        self._verified[(news.secret, news.digest)] = (news.findings, news.seconds)
        self._verifying = False
        following, self._verify_next = self._verify_next, None
        if (following is not None and not self.hashing
                and (current.client_secret, current.client_secret_digest) not in self._verified):
            self._request_verify(current)

    # Hashing ----------------------------------------------------------------------------

    def schedule_rehash(self) -> None:
        """Hash again once the user stops typing the secret; until then, show it is coming."""
        if self._rehash_timer is not None:
            self._rehash_timer.stop()
        self.hashing = True
        self._rehash_timer = self.target.set_timer(
            REHASH_DELAY, lambda: self.target.post_message(RehashRequested()))

    def rehash(self, profile: Profile, params: dict[str, int] | None = None) -> None:
        """Hash `profile`'s client secret with its algorithm in a worker thread."""
        if self._rehash_timer is not None:
            self._rehash_timer.stop()
            self._rehash_timer = None
        if profile.digest_outside:
            # Authelia's configuration fills the digest in: never made (or replaced) here.
            self._generation += 1
            self.hashing = False
            return
        if (not profile.client_secret or core_digest.secret_problem(profile.client_secret)
                or profile.digest_algorithm not in core_digest.ALGORITHMS):
            # Nothing that can be hashed: the checks say what is missing or wrong, and the
            # old digest stays marked as not matching (so it is never saved with it).
            self._generation += 1
            self.hashing = False
            self.profile_changed(profile)  # the old digest is checked against the new secret
            return
        if params is None:
            params = core_digest.params_for(profile.client_secret_digest,
                                            profile.digest_algorithm)
        self._generation += 1
        self.hashing = True
        self.start(self._hash, profile.client_secret, profile.digest_algorithm, params,
                   self._generation)

    def _hash(self, secret: str, algorithm: str, params: dict[str, int], generation: int) -> None:
        try:
            value = core_digest.hash(secret, algorithm, **params)
        except core_digest.DigestError as error:
            self.post(DigestFailed(str(error), generation))
            return
        except Exception as error:  # a library's own refusal: never "hashing" for ever
            self.post(DigestFailed(f"{type(error).__name__} while hashing", generation))
            return
        hashed = Profile(client_secret=secret, client_secret_digest=value)
        findings, seconds = measure_verification(hashed)
        self.post(DigestMade(secret, value, findings, seconds, generation))

    def hash_failed(self, news: DigestFailed) -> bool:
        """True when the failed hash was the latest one asked for (the user is told)."""
        if news.generation != self._generation:
            return False
        self.hashing = False
        return True

    def hashed(self, news: DigestMade) -> bool:
        """True when the digest is the latest one asked for (the profile may take it)."""
        self._verified[(news.secret, news.value)] = (news.findings, news.seconds)
        if news.generation != self._generation:
            return False  # a newer hash was asked for meanwhile
        self.hashing = False
        return True
