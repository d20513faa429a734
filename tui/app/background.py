"""Slow work off the UI thread, its results posted back as messages.

Digests (digests.py), signing keys (keys.py) and the Check pane's work (checks.py) run in
threads of their own at a lower CPU priority, and report by posting a message (messages.py)
to the screen that started them: post_message is thread-safe, and an error in the handler
takes Textual's usual path. They are daemon threads, not Textual thread workers: those run
in asyncio's default executor, which is joined when the app closes, so quitting would wait
for a running job (minutes for a large digest cost, seconds for a 4096-bit key).
"""

from __future__ import annotations

import os
import threading
from typing import Protocol

from textual.message import Message


class Target(Protocol):
    """Who hears the news: a screen or widget (anything with post_message)."""

    def post_message(self, message: Message) -> bool: ...


def lower_thread_priority() -> None:
    """Let the UI thread win the CPU over a worker and the threads it starts.

    argon2id runs one thread per lane (4 by default): on a 2-core homelab box they would
    otherwise starve the event loop. On Linux, nice applies per thread and is inherited.
    """
    try:
        thread = threading.get_native_id()
        nice = os.getpriority(os.PRIO_PROCESS, thread)
        os.setpriority(os.PRIO_PROCESS, thread, min(nice + 10, 19))
    except (AttributeError, OSError):
        pass  # not Linux, or not allowed: the work still runs, just less politely


class BackgroundJobs:
    """Starts jobs in daemon threads; they post their results to `target`."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self._threads: set[threading.Thread] = set()

    @property
    def running(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    @property
    def busy(self) -> bool:
        """Work is running or about to start (tests wait for this)."""
        return self.running

    def start(self, job, *args) -> None:
        def run() -> None:
            lower_thread_priority()
            try:
                job(*args)
            finally:
                self._threads.discard(threading.current_thread())

        thread = threading.Thread(target=run, name=f"job-{job.__name__}", daemon=True)
        self._threads.add(thread)
        thread.start()

    def post(self, message: Message) -> None:
        """Hand a result to the target; dropped when the app has closed meanwhile."""
        try:
            self.target.post_message(message)
        except RuntimeError:
            pass  # the event loop is closed: nobody is waiting
