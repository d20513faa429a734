"""Slow work off the UI thread, and its results back on it.

Digests (digests.py) and signing keys (keys.py) are made in threads of their own at a lower
CPU priority. They are daemon threads, not Textual thread workers: those run in asyncio's
default executor, which is joined when the app closes, so quitting would wait for a running
job (minutes for a large digest cost, seconds for a 4096-bit key).
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .app import LibreChatAutheliaApp


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
    """Starts jobs in daemon threads and hands their results to the app's thread."""

    def __init__(self, app: LibreChatAutheliaApp) -> None:
        self.app = app
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

    def reply(self, callback, *args) -> None:
        """Hand a result to the app's thread; dropped when the app has already closed.

        An error in `callback` is the app's, like one in any handler: its crash report is
        printed and it exits. Left to call_from_thread, the error would go back to this
        thread only, and the app would run on with a half-updated screen (or, headless,
        never exit).
        """
        if not self.app.is_running:
            return  # the app quit while this thread was working: nobody is waiting

        def on_app_thread() -> None:
            try:
                callback(*args)
            except Exception as error:
                self.app._handle_exception(error)

        try:
            self.app.call_from_thread(on_app_thread)
        except Exception:
            pass  # the app closed in the meantime: nobody is waiting
