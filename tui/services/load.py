"""A small built-in load for the Monitor step: N GET requests to the test
URL with httpx, a few at a time, so the charts have something to show.
Blocking: the wizard runs it in a thread worker."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx

CONCURRENCY = 4
TIMEOUT_S = 35.0  # just over API Gateway's 30 s integration limit


@dataclass(frozen=True)
class LoadResult:
    sent: int
    statuses: dict[int, int]  # status -> how many; 0 = no answer (connection failed)
    elapsed_s: float

    def summary(self) -> str:
        parts = ", ".join(f"{n} x {s or 'failed'}" for s, n in sorted(self.statuses.items()))
        return f"{parts} in {self.elapsed_s:.1f} s"


def send(url: str, count: int = 100, progress: Callable[[int], None] = lambda _done: None) -> LoadResult:
    """GET `url` `count` times, CONCURRENCY at a time; `progress(done)` every 10."""
    statuses: Counter[int] = Counter()
    started = time.monotonic()
    with httpx.Client(timeout=TIMEOUT_S) as client:

        def one(_i: int) -> int:
            try:
                return client.get(url).status_code
            except httpx.HTTPError:
                return 0

        with ThreadPoolExecutor(CONCURRENCY) as pool:
            for done, status in enumerate(pool.map(one, range(count)), 1):
                statuses[status] += 1
                if done % 10 == 0:
                    progress(done)
    return LoadResult(count, dict(statuses), time.monotonic() - started)
