"""The pool of warm workers (execution environments) kept for one function
version: reuse the warm ones, start more up to a limit for concurrent
requests, queue beyond it.

Up to one worker per CPU starts at once for concurrent requests, as on AWS.
Beyond that, a request waits SCALE_OUT_GRACE_S for a worker to free up
before another environment starts: more processes than cores cannot run a
fast handler any sooner, they only add context switches (measured: 12.2k
req/s with 2 workers, 10.1k with 8, on 2 cores), while a slow handler still
gets its parallel environments, each a grace period later than AWS would."""

from __future__ import annotations

import asyncio
import os
import time
from typing import TYPE_CHECKING

from .workerproc import Worker, WorkerDied

if TYPE_CHECKING:
    from .runtime import FunctionInfo, Runtime

__all__ = ["Pool", "Worker", "WorkerDied"]

MAX_WORKERS_PER_FUNCTION = 8
SCALE_OUT_GRACE_S = 0.02  # under a cold start, above the queueing of a busy fast handler
IMMEDIATE_WORKERS = min(MAX_WORKERS_PER_FUNCTION, max(2, os.cpu_count() or 2))


class Pool:
    """Workers for one function version (code + settings)."""

    def __init__(self, runtime: Runtime, info: FunctionInfo):
        self.runtime = runtime
        self.info = info
        self.idle: list[Worker] = []
        self.total = 0
        self.waiters: list[asyncio.Future[Worker]] = []
        self.retired = False
        self.loop: asyncio.AbstractEventLoop | None = None  # get_running_loop() is a syscall

    async def acquire(self) -> Worker:
        """A warm worker, or a new one (cold) as the module docstring says."""
        while self.idle:
            worker = self.idle.pop()
            if worker.alive:
                return worker
            self.total -= 1
        if self.total < IMMEDIATE_WORKERS:
            return await self._spawn()
        loop = self.loop or asyncio.get_running_loop()
        self.loop = loop
        future: asyncio.Future[Worker] = loop.create_future()
        self.waiters.append(future)
        if self.total < MAX_WORKERS_PER_FUNCTION:
            timer = loop.call_later(SCALE_OUT_GRACE_S, self._scale_out, future)
            future.add_done_callback(lambda _f: timer.cancel())
        return await future

    async def _spawn(self) -> Worker:
        self.total += 1
        try:
            return await self.runtime.spawn(self.info)
        except BaseException:
            self.total -= 1
            raise

    def _scale_out(self, future: asyncio.Future[Worker]) -> None:
        """No worker freed up within the grace: start one for this waiter."""
        if future.done() or self.total >= MAX_WORKERS_PER_FUNCTION or future not in self.waiters:
            return
        self.waiters.remove(future)
        self.total += 1
        task = asyncio.ensure_future(self.runtime.spawn(self.info))
        task.add_done_callback(lambda t, f=future: self._hand_over(t, f))

    def release(self, worker: Worker) -> None:
        worker.last_used = time.monotonic()
        if not worker.alive or self.retired:
            self.discard(worker)
            return
        while self.waiters:
            future = self.waiters.pop(0)
            if not future.done():
                future.set_result(worker)
                return
        self.idle.append(worker)

    def discard(self, worker: Worker) -> None:
        worker.kill()
        self.total -= 1
        # Someone waiting gets a fresh worker instead.
        while self.waiters and self.total < MAX_WORKERS_PER_FUNCTION:
            future = self.waiters.pop(0)
            if not future.done():
                self.total += 1
                task = asyncio.ensure_future(self.runtime.spawn(self.info))
                task.add_done_callback(lambda t, f=future: self._hand_over(t, f))
                return

    def _hand_over(self, task: asyncio.Task[Worker], future: asyncio.Future[Worker]) -> None:
        if task.exception() is not None:
            self.total -= 1
            if not future.done():
                future.set_exception(task.exception())  # type: ignore[arg-type]
        elif future.done():
            self.release(task.result())
        else:
            future.set_result(task.result())

    def retire(self) -> None:
        self.retired = True
        for worker in self.idle:
            worker.kill()
        self.total -= len(self.idle)
        self.idle.clear()
