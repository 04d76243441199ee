"""The pool's bookkeeping (pool.py), in process, with fake workers: the
races are about the order of events on the event loop, so each test sets
that order itself instead of hoping a load test hits it.

The rule under test: a worker counts as busy from the moment it is
promised to a request until that request releases it; no busy or promised
worker is discarded (as surplus, or by a code update); a code update stops
a worker only after its running and queued calls are over, as AWS never
interrupts a running invocation."""

from __future__ import annotations

import asyncio
import random
from typing import Any

from localcloud import pool as pool_module
from localcloud.pool import IMMEDIATE_WORKERS, PIPELINE_AFTER, Pool


class FakeWorker:
    """What the pool reads of a worker. `calls` counts calls submitted and
    not yet answered, as the real worker's pipe would hold them."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.calls = 0
        self.killed = False
        self.last_used = 0.0
        self.killed_while_busy = False
        self.exit = None  # set once its output closed (it died by itself)

    @property
    def busy(self) -> int:
        return self.calls

    @property
    def alive(self) -> bool:
        return not self.killed

    def kill(self) -> None:
        if self.calls and not self.killed:
            self.killed_while_busy = True
        self.killed = True

    def __repr__(self) -> str:
        return f"<w{self.number} calls={self.calls} killed={self.killed}>"


class FakeWatchdog:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def watch_pool(self, pool: Any) -> None:
        pass  # the tests call check_waiters themselves, when they mean to


class FakeRuntime:
    def __init__(self) -> None:
        self.watchdog = FakeWatchdog(asyncio.get_running_loop())
        self.started: list[FakeWorker] = []

    async def spawn(self, info: Any) -> FakeWorker:
        worker = FakeWorker(len(self.started) + 1)
        self.started.append(worker)
        return worker


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


class Driver:
    """Plays the runtime's part: acquire, submit, answer, release."""

    def __init__(self) -> None:
        self.runtime = FakeRuntime()
        self.pool = Pool(self.runtime, info=None)  # type: ignore[arg-type]

    def make_fast(self) -> None:
        self.pool.observed, self.pool.typical_ms = PIPELINE_AFTER, 0.1

    async def acquire_and_submit(self) -> FakeWorker:
        worker = await self.pool.acquire()
        worker.calls += 1  # the request submits its call at once
        return worker

    def answer(self, worker: FakeWorker) -> None:
        """The call at the head of the worker's pipe answers; its request releases the worker."""
        assert worker.calls > 0
        worker.calls -= 1
        self.pool.release(worker)

    async def three_workers_each_with_a_queued_call(self) -> list[FakeWorker]:
        """More workers than IMMEDIATE_WORKERS (a burst scaled out), the
        handler fast, every worker running one call with one queued."""
        workers = [await self.acquire_and_submit() for _ in range(IMMEDIATE_WORKERS)]
        extra = asyncio.ensure_future(self.acquire_and_submit())
        await settle()
        self.pool.check_waiters(self.runtime.watchdog.loop.time() + 1)  # past the scale-out grace
        await settle()
        workers.append(await extra)
        assert len(self.pool.workers) == IMMEDIATE_WORKERS + 1
        self.make_fast()
        for _ in workers:
            await self.acquire_and_submit()  # queued behind the running call
        assert sorted(w.calls for w in workers) == [2] * len(workers)
        return workers


def test_a_worker_promised_to_a_waiting_request_is_not_discarded_as_surplus() -> None:
    """Measured as about 1 run in 10 of wrk -c64: 'Runtime exited before the
    invocation started', 500. A request waiting for a worker is handed one
    whose running call answered while a queued call still runs; that queued
    call answers before the woken request has sent its own, and the worker,
    looking free, was killed as surplus."""

    async def scenario() -> tuple[FakeWorker, FakeWorker]:
        driver = Driver()
        workers = await driver.three_workers_each_with_a_queued_call()
        waiting = asyncio.ensure_future(driver.acquire_and_submit())
        await settle()
        assert driver.pool.waiters, "every worker holds two calls: the request waits"
        target = workers[0]
        driver.answer(target)  # the running call answers: the waiting request is promised `target`
        driver.answer(target)  # the queued call answers before that request has run
        got = await waiting
        return target, got

    target, got = asyncio.run(scenario())
    assert got is target
    assert not target.killed, "a worker promised to a request was discarded under it"


def test_a_promised_worker_is_not_listed_idle_nor_retired_under_its_call() -> None:
    """Issue (b): a code update under load killed a worker that was running
    an invocation (reported as Runtime.OutOfMemory). The worker went to the
    idle list while promised to a waiting request; that request's call ran
    on it, and the update stopped every idle worker."""

    async def scenario() -> dict[str, Any]:
        driver = Driver()
        seen: dict[str, Any] = {}
        a = await driver.acquire_and_submit()
        b = await driver.acquire_and_submit()
        driver.make_fast()
        assert await driver.acquire_and_submit() in (a, b)
        assert await driver.acquire_and_submit() in (a, b)
        assert a.calls == b.calls == 2
        waiting = asyncio.ensure_future(driver.acquire_and_submit())
        await settle()
        driver.answer(a)  # running call answers: promised to the waiting request
        driver.answer(a)  # queued call answers before that request ran
        seen["idle_while_promised"] = a in driver.pool.idle
        got = await waiting  # its call now runs on `a`
        seen["got"] = got is a
        driver.pool.retire()  # code update
        seen["killed_at_update"] = a.killed
        driver.answer(a)  # its last call answers: now it goes
        seen["killed_after"] = a.killed
        seen["busy_kills"] = [w for w in driver.runtime.started if w.killed_while_busy]
        return seen

    seen = asyncio.run(scenario())
    assert seen["got"]
    assert not seen["idle_while_promised"], "a promised worker was listed as idle"
    assert not seen["killed_at_update"], "the code update killed a worker running an invocation"
    assert seen["killed_after"], "the old version's worker stays once its calls are over"
    assert seen["busy_kills"] == []


def test_a_code_update_stops_workers_only_after_their_running_and_queued_calls() -> None:
    async def scenario() -> list[tuple[str, bool]]:
        driver = Driver()
        workers = await driver.three_workers_each_with_a_queued_call()
        steps = []
        driver.pool.retire()
        for worker in workers:
            steps.append(("after the update", worker.killed))
            driver.answer(worker)
            steps.append(("its queued call still to run", worker.killed))
            driver.answer(worker)
            steps.append(("all its calls answered", not worker.killed))
        return steps

    steps = asyncio.run(scenario())
    assert not any(bad for _, bad in steps), steps


def test_a_request_cancelled_just_after_being_promised_a_worker_gives_it_back() -> None:
    async def scenario() -> tuple[bool, bool]:
        driver = Driver()
        a = await driver.acquire_and_submit()
        b = await driver.acquire_and_submit()
        waiting = asyncio.ensure_future(driver.pool.acquire())
        await settle()
        driver.answer(a)  # promised to the waiting request...
        waiting.cancel()  # ...which is cancelled (its client went away) before it runs
        await settle()
        driver.answer(b)
        both_idle = a in driver.pool.idle and b in driver.pool.idle
        driver.pool.retire()
        return both_idle, a.killed and b.killed

    both_idle, both_stopped_at_update = asyncio.run(scenario())
    assert both_idle and both_stopped_at_update


def test_random_orderings_never_kill_a_worker_under_a_call() -> None:
    """Many interleavings of requests arriving, calls answering, the
    scale-out tick and code updates: no worker is ever killed while a call
    runs or is queued on it, and every request gets a worker."""

    async def scenario(seed: int) -> list[FakeWorker]:
        rng = random.Random(seed)
        pools: list[Driver] = [Driver()]
        pending: list[tuple[Driver, asyncio.Future[FakeWorker]]] = []
        running: list[tuple[Driver, FakeWorker]] = []
        for step in range(400):
            driver = pools[-1]
            if step == 30:
                driver.make_fast()
            roll = rng.random()
            if roll < 0.4:
                pending.append((driver, asyncio.ensure_future(driver.acquire_and_submit())))
            elif roll < 0.8 and running:
                d, worker = running.pop(rng.randrange(len(running)))
                d.answer(worker)
            elif roll < 0.9:
                for d in pools:
                    d.pool.check_waiters(d.runtime.watchdog.loop.time() + 1)
            elif roll < 0.93:
                driver.pool.retire()  # a code update: the next requests go to a new pool
                fresh = Driver()
                fresh.make_fast()
                pools.append(fresh)
            if rng.random() < 0.7:
                await settle()
            for item in [p for p in pending if p[1].done()]:
                pending.remove(item)
                running.append((item[0], item[1].result()))
        while pending or running:  # drain
            for d in pools:
                d.pool.check_waiters(d.runtime.watchdog.loop.time() + 1)
            await settle()
            for item in [p for p in pending if p[1].done()]:
                pending.remove(item)
                running.append((item[0], item[1].result()))
            if running:
                d, worker = running.pop(0)
                d.answer(worker)
        return [w for d in pools for w in d.runtime.started]

    for seed in range(30):
        started = asyncio.run(scenario(seed))
        assert not [w for w in started if w.killed_while_busy], f"seed {seed}"


def test_module_constants_the_tests_rely_on() -> None:
    assert IMMEDIATE_WORKERS < pool_module.MAX_WORKERS_PER_FUNCTION
