"""The pool of warm workers (execution environments) kept for one function
version: reuse the warm ones, start more up to a limit for concurrent
requests, queue beyond it.

Up to one worker per CPU starts at once for concurrent requests, as on AWS.
Beyond that, a request waits SCALE_OUT_GRACE_S for a worker to free up
before another environment starts: more processes than cores cannot run a
fast handler any sooner, they only add context switches (measured: 12.2k
req/s with 2 workers, 10.1k with 8, on 2 cores), while a slow handler still
gets its parallel environments, each a grace period later than AWS would.

For a handler that typically answers within PIPELINE_BELOW_MS, a request
that finds every worker busy is queued on one that has no other request
queued, instead of waiting here: the worker reads it the moment it answers
the one before, where a worker waiting on an empty pipe has to be put to
sleep and woken again for each request (measured: 61 us of worker CPU per
invocation in lock-step, 28 us with one request queued). Each invocation
still runs alone in its environment, and its timeout runs from its own
start. A request queued behind one that kills its worker never ran; the
runtime runs it on another worker.

A worker counts as busy from the moment it is promised to a request until
that request releases it (Pool.load), not only while a call sits in its
pipe: a request woken with a worker submits its call a loop turn later, and
in between the worker looked free. So it was discarded as surplus or
retired under that request, or handed out twice. Only a worker with no
request left is discarded (or one that died); a code update retires the
others when their running and queued calls are over, as AWS never
interrupts a running invocation."""

from __future__ import annotations

import asyncio
import functools
import os
import time
from typing import Protocol

from .concurrency import ACCOUNT_LIMIT
from .functioninfo import FunctionInfo
from .watchdog import Watchdog
from .workerproc import Worker, WorkerDied

__all__ = ["Pool", "Worker", "WorkerDied"]

# Every concurrent invocation gets its own environment, as on AWS, up to
# the function's concurrency (concurrency.py throttles beyond it). 8 here
# held a 50 ms handler to 151-155 req/s from 16 to 64 connections.
MAX_WORKERS_PER_FUNCTION = ACCOUNT_LIMIT
# A fast handler (see PIPELINE_BELOW_MS) is CPU-bound: more processes than
# this only add context switches, and extra ones started in a burst were
# discarded and started again (the hello benchmark's workers churned).
MAX_FAST_WORKERS = 8
SCALE_OUT_GRACE_S = 0.02  # under a cold start, above the queueing of a busy fast handler
IMMEDIATE_WORKERS = min(MAX_WORKERS_PER_FUNCTION, max(2, os.cpu_count() or 2))
# A handler that typically finishes within PIPELINE_BELOW_MS (judged after
# PIPELINE_AFTER invocations) gets a second request queued on a busy worker.
PIPELINE_BELOW_MS = 2.0
PIPELINE_AFTER = 20


class PoolHost(Protocol):
    """What a pool uses of the runtime that owns it (runtime.Runtime): typed
    here so the pool does not import the runtime, which imports the pool."""

    @property
    def watchdog(self) -> Watchdog: ...

    async def spawn(self, info: FunctionInfo) -> Worker: ...


class Pool:
    """Workers for one function version (code + settings)."""

    def __init__(self, runtime: PoolHost, info: FunctionInfo):
        self.runtime = runtime
        self.info = info
        self.workers: set[Worker] = set()  # started and not discarded
        self.load: dict[Worker, int] = {}  # of those, per worker: requests it was handed to and not released by
        self.idle: list[Worker] = []  # of those, the ones with no call
        self.total = 0  # workers plus those still starting
        self.waiters: list[tuple[asyncio.Future[Worker], float]] = []  # and since when (loop time)
        self.retired = False
        self.typical_ms = PIPELINE_BELOW_MS  # moving average of the handler's duration
        self.observed = 0

    def observe(self, duration_ms: float) -> None:
        """A finished invocation's duration, for the pipelining decision."""
        self.observed += 1
        self.typical_ms += (duration_ms - self.typical_ms) * 0.1

    @property
    def limit(self) -> int:
        """How many environments it may have: one per concurrent request
        (concurrency.py caps those), fewer for a fast handler."""
        return MAX_FAST_WORKERS if self.fast else MAX_WORKERS_PER_FUNCTION

    @property
    def fast(self) -> bool:
        return self.observed >= PIPELINE_AFTER and self.typical_ms < PIPELINE_BELOW_MS

    async def acquire(self) -> Worker:
        """A warm worker, or a new one (cold) as the module docstring says."""
        while self.idle:
            worker = self.idle.pop()
            if worker.alive:
                return self._lend(worker)
            self.discard(worker)
        if self.total < IMMEDIATE_WORKERS:
            return self._lend(await self._spawn())
        if self.fast:
            load = self.load
            for worker in self.workers:
                if load[worker] == 1 and worker.alive:
                    return self._lend(worker)  # queued behind the call it is running
        loop = self.runtime.watchdog.loop  # kept there: get_running_loop() is a syscall
        future: asyncio.Future[Worker] = loop.create_future()
        self.waiters.append((future, loop.time()))
        if self.total < self.limit:
            self.runtime.watchdog.watch_pool(self)
        try:
            return await future
        except asyncio.CancelledError:
            # Handed a worker just as this request was cancelled: give it back.
            if future.done() and not future.cancelled() and future.exception() is None:
                self.release(future.result())
            raise

    def _lend(self, worker: Worker) -> Worker:
        self.load[worker] += 1
        return worker

    async def _spawn(self) -> Worker:
        self.total += 1
        try:
            worker = await self.runtime.spawn(self.info)
        except BaseException:
            self.total -= 1
            raise
        self.workers.add(worker)
        self.load[worker] = 0
        return worker

    def check_waiters(self, now: float) -> bool:
        """For the watchdog: start a worker for each request that has waited
        past the grace with no worker freed up. False once none waits."""
        waited = [w for w in self.waiters if now - w[1] >= SCALE_OUT_GRACE_S]
        for waiter in waited:
            if self.total >= self.limit:
                break
            self.waiters.remove(waiter)
            if not waiter[0].done():
                self._spawn_for(waiter[0])
        return bool(self.waiters) and self.total < self.limit

    def _spawn_for(self, future: asyncio.Future[Worker]) -> None:
        self.total += 1
        task = asyncio.ensure_future(self.runtime.spawn(self.info))
        task.add_done_callback(functools.partial(self._hand_over, future=future))

    def release(self, worker: Worker) -> None:
        """A request that acquired `worker` is done with it (its call
        answered or failed, or it never submitted one)."""
        worker.last_used = time.monotonic()
        if worker not in self.load:
            return  # discarded already: it died under another of its requests
        self.load[worker] -= 1
        self._settle(worker)

    def _settle(self, worker: Worker) -> None:
        """Where a worker goes when one of its requests is over."""
        load = self.load[worker]
        if not worker.alive:
            # Its other requests' calls never started there: the runtime runs them elsewhere.
            self.discard(worker)
            return
        if load:  # a queued call runs now, or a request it was promised to has yet to send one
            if load == 1 and self.fast:
                self._give(worker)
            return
        if self._give(worker):
            return  # a request waiting since before a code update still gets the version it asked for
        if self.retired:
            self.discard(worker)
            return
        if self.fast and len(self.workers) > IMMEDIATE_WORKERS:
            # Queueing serves a fast handler; an extra environment started in
            # a burst only adds context switches from here on.
            self.discard(worker)
            return
        self.idle.append(worker)

    def _give(self, worker: Worker) -> bool:
        while self.waiters:
            future, _since = self.waiters.pop(0)
            if not future.done():
                self.load[worker] += 1
                future.set_result(worker)
                return True
        return False

    def discard(self, worker: Worker) -> None:
        """Stop a worker and forget it (once, however many calls report it).
        Only for a dead worker or one no request holds (see the docstring)."""
        if worker.exit is None:
            # Not one whose output closed: that one is exiting by itself and
            # is reaped (workerproc). A kill now could beat the sandbox's
            # parent relaying its real status, and -9 reads as out of memory.
            worker.kill()
        if worker not in self.workers:
            return
        self.workers.discard(worker)
        del self.load[worker]
        self.total -= 1
        # Someone waiting gets a fresh worker instead.
        while self.waiters and self.total < self.limit:
            future, _since = self.waiters.pop(0)
            if not future.done():
                self._spawn_for(future)
                return

    def _hand_over(self, task: asyncio.Task[Worker], future: asyncio.Future[Worker]) -> None:
        if task.exception() is not None:
            self.total -= 1
            if not future.done():
                future.set_exception(task.exception())  # type: ignore[arg-type]
            return
        worker = task.result()
        self.workers.add(worker)
        self.load[worker] = 0
        if future.done():  # its request gave up meanwhile
            self._settle(worker)
        else:
            self.load[worker] = 1
            future.set_result(worker)

    def retire(self) -> None:
        """Code or settings changed: idle workers stop now, the others when
        their running and queued calls are over (release)."""
        self.retired = True
        idle, self.idle = self.idle, []
        for worker in idle:
            self.discard(worker)
