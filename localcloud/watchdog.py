"""One timer for the runtime's deadlines: invocations that outlive their
function's timeout, and requests that have waited for a worker past the
pool's scale-out grace.

A timer per request (armed, then cancelled when the answer came first, as
it almost always does) cost about 5 us of the gateway's CPU per request,
a twentieth of all of it. This ticks every TICK_S, and only while something
is being watched, so an idle local cloud stays asleep.
"""

from __future__ import annotations

import asyncio
from typing import Any

TICK_S = 0.01


class Watchdog:
    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.workers: set[Any] = set()  # each has check_deadline(now)
        self.pools: set[Any] = set()  # each has check_waiters(now)
        self._handle: asyncio.TimerHandle | None = None
        self._due = 0.0

    def watch_worker(self, worker: Any) -> None:
        self.workers.add(worker)
        if self._handle is None:
            self._arm()

    def watch_pool(self, pool: Any) -> None:
        self.pools.add(pool)
        if self._handle is None:
            self._arm()

    def _arm(self) -> None:
        self._due = self.loop.time() + TICK_S
        self._handle = self.loop.call_at(self._due, self._tick)

    def _tick(self) -> None:
        self._handle = None
        now = self.loop.time()
        for worker in list(self.workers):
            if not worker.check_deadline(now):
                self.workers.discard(worker)
        # Timers run before the I/O of the same loop turn: after a stall (a
        # long GC pass, a big save) a waiter's age says nothing about the
        # workers, whose answers may be waiting to be read. Skip a turn.
        if now - self._due <= TICK_S:
            for pool in list(self.pools):
                if not pool.check_waiters(now):
                    self.pools.discard(pool)
        if self.workers or self.pools:
            self._arm()
