"""Saving the control plane: after a change and before it is acknowledged,
coalesced, and undone if the write fails.

A change takes a ticket under moto's lock. `commit(ticket)` returns once a
save that includes that change is on disk: the first waiter pickles under
moto's lock (fast) and writes + fsyncs outside it (slow), so readers are not
held up by the disk, and every change made before its pickle rides along.
If the write fails, the backends go back to the last snapshot on disk and
every change since then is answered with the failure.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any, Callable

from .persist import SaveFailed, Store


class ControlSaver:
    def __init__(
        self,
        store: Store,
        lock: Any,
        extra: Callable[[], dict[str, Any]],
        restored: Callable[[dict[str, Any]], None],
        log: Callable[[str], None],
    ):
        self.store = store
        self.lock = lock  # moto's
        self.extra = extra
        self.restored = restored
        self.log = log
        self.good = b""  # the snapshot on disk
        self.changed = 0  # tickets handed out (under moto's lock)
        self.saved = 0  # every ticket up to this one is settled
        self.writes = 0
        self._writing = threading.Lock()
        self._failed: deque[tuple[int, int, SaveFailed]] = deque(maxlen=64)

    def change(self) -> int:
        """A change was just made (call with moto's lock held)."""
        self.changed += 1
        return self.changed

    def commit(self, ticket: int) -> None:
        """Return once `ticket`'s change is saved; SaveFailed if it was undone."""
        with self._writing:
            if ticket > self.saved:
                self._save()
            for low, high, err in self._failed:
                if low < ticket <= high:
                    raise err

    def save_now(self) -> None:
        """Save whatever is in memory (shutdown); failures are logged."""
        with self._writing:
            with self.lock:
                self.changed += 1
            self._save()

    def _save(self) -> None:
        with self.lock:
            upto = self.changed
            blob = self.store.snapshot(self.extra())
        try:
            self.store.write_control(blob)
        except OSError as exc:
            err = SaveFailed(self.store.control, exc)
            with self.lock:
                upto = self.changed  # changes made after the pickle go too
                self.restored(self.store.restore(self.good))
            self._failed.append((self.saved, upto, err))
            self.saved = upto
            self.log(f"local cloud: {err}")
            return
        self.writes += 1
        self.good = blob
        self.saved = upto
