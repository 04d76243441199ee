"""CloudWatch metrics as API Gateway and Lambda publish them, from the
local cloud's own requests and invocations, so GetMetricData reads them
exactly as it would on AWS (one code path in the wizard for both targets).

Published (AWS docs, "Monitor HTTP API metrics" and "Types of metrics for
Lambda functions"; reference aws-behaviour-2 L3):
- AWS/ApiGateway, dimensions ApiId and ApiId+Stage: Count, 4xx, 5xx
  (0 or 1 per request, so Sum is the count and Average the rate), Latency
  and IntegrationLatency (ms).
- AWS/Lambda, dimension FunctionName: Invocations, Errors (0 or 1),
  Duration (ms), Throttles (0 or 1). Invocations counts function errors but
  not throttled or invalid requests.

Recording is a few dict updates on the event loop, aggregated per second:
counters as (sum, min, max, n), timings as their values (for percentiles).
Nothing is written into moto: moto asks for "AWS metrics" on every
GetMetricData, in the thread that answers it, and metricsmoto.py hands the
aggregates over then (off the event loop, never while a request waits).
Seconds older than RETENTION_S are dropped as new ones arrive, and each
second keeps a uniform sample of at most MAX_VALUES_PER_SECOND timings, so
memory stays flat under hours of load.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import Any

API = "AWS/ApiGateway"
LAMBDA = "AWS/Lambda"
RETENTION_S = 3600  # the Monitor step shows 10 minutes; CloudWatch keeps 1-minute data 15 days
MAX_VALUES_PER_SECOND = 50  # timings kept per series per second (a uniform sample beyond that)

Dims = tuple[tuple[str, str], ...]
Key = tuple[str, str, str, Dims, int]  # region, namespace, metric, dimensions, second


class MetricRecorder:
    def __init__(self, clock: Callable[[], float] = time.time):
        self.clock = clock
        self._lock = threading.Lock()  # the loop records, moto's thread reads
        self._counters: dict[Key, list[float]] = {}
        self._timings: dict[Key, list[float]] = {}
        self._seen: dict[Key, int] = {}  # timings offered per key (for the sample)
        self._oldest = 0

    # -- recording (event loop) -------------------------------------------
    def request(
        self, region: str, api_id: str, stage: str, status: int, latency_ms: float, integration_ms: float | None
    ) -> None:
        """One HTTP API request API Gateway answered (its own errors too)."""
        second = int(self.clock())
        with self._lock:
            self._request(region, api_id, stage, status, latency_ms, integration_ms, second)

    def _request(
        self,
        region: str,
        api_id: str,
        stage: str,
        status: int,
        latency_ms: float,
        integration_ms: float | None,
        second: int,
    ) -> None:
        for dims in ((("ApiId", api_id),),) + (((("ApiId", api_id), ("Stage", stage)),) if stage else ()):
            self._count(region, API, "Count", dims, second, 1.0)
            self._count(region, API, "4xx", dims, second, 1.0 if 400 <= status < 500 else 0.0)
            self._count(region, API, "5xx", dims, second, 1.0 if status >= 500 else 0.0)
            self._time(region, API, "Latency", dims, second, latency_ms)
            if integration_ms is not None:
                self._time(region, API, "IntegrationLatency", dims, second, integration_ms)

    def invocation(self, region: str, function: str, duration_ms: float, error: bool, throttled: bool = False) -> None:
        """One Lambda invocation (a throttled one counts only as a throttle)."""
        second = int(self.clock())
        dims: Dims = (("FunctionName", function),)
        with self._lock:
            self._count(region, LAMBDA, "Throttles", dims, second, 1.0 if throttled else 0.0)
            if throttled:
                return
            self._count(region, LAMBDA, "Invocations", dims, second, 1.0)
            self._count(region, LAMBDA, "Errors", dims, second, 1.0 if error else 0.0)
            self._time(region, LAMBDA, "Duration", dims, second, duration_ms)

    def _count(self, region: str, namespace: str, name: str, dims: Dims, second: int, value: float) -> None:
        """(lock held)"""
        key = (region, namespace, name, dims, second)
        agg = self._counters.get(key)
        if agg is None:
            self._counters[key] = [value, value, value, 1.0]
            self._trim(second)
        else:
            agg[0] += value
            agg[1] = min(agg[1], value)
            agg[2] = max(agg[2], value)
            agg[3] += 1

    def _time(self, region: str, namespace: str, name: str, dims: Dims, second: int, value: float) -> None:
        """(lock held) Reservoir sampling: every timing of the second is
        equally likely to be kept, so percentiles stay representative."""
        key = (region, namespace, name, dims, second)
        values = self._timings.setdefault(key, [])
        seen = self._seen[key] = self._seen.get(key, 0) + 1
        if len(values) < MAX_VALUES_PER_SECOND:
            values.append(value)
        else:
            slot = random.randrange(seen)
            if slot < MAX_VALUES_PER_SECOND:
                values[slot] = value

    def _trim(self, now: int) -> None:
        """Drop seconds past retention (at most once a minute; lock held)."""
        if now - self._oldest < RETENTION_S + 60:
            return
        cutoff = now - RETENTION_S
        for table in (self._counters, self._timings, self._seen):
            for key in [k for k in table if k[4] < cutoff]:
                del table[key]
        self._oldest = cutoff

    # -- reading (moto's thread) --------------------------------------------
    def points(
        self, region: str, wanted: tuple[int, int, set[tuple[str, str, Dims]]] | None = None
    ) -> list[tuple[str, str, Dims, int, str, Any]]:
        """(namespace, metric, dims, second, "counter"|"timing", data) for a
        region; with `wanted`, only those series within [first, last] seconds."""

        def keep(k: Key) -> bool:
            if k[0] != region:
                return False
            return wanted is None or (wanted[0] <= k[4] <= wanted[1] and (k[1], k[2], k[3]) in wanted[2])

        with self._lock:
            counters = [(k, list(v)) for k, v in self._counters.items() if keep(k)]
            timings = [(k, list(v)) for k, v in self._timings.items() if keep(k)]
        out: list[tuple[str, str, Dims, int, str, Any]] = []
        out.extend((k[1], k[2], k[3], k[4], "counter", v) for k, v in counters)
        out.extend((k[1], k[2], k[3], k[4], "timing", v) for k, v in timings)
        return out
