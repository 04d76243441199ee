"""CloudWatch metrics as API Gateway and Lambda publish them, from the
local cloud's own requests and invocations, so GetMetricData reads them
exactly as it would on AWS (one code path in the wizard for both targets).

Published (AWS docs, "Monitor HTTP API metrics" and "Types of metrics for
Lambda functions"; reference aws-behaviour-2 L3):
- AWS/ApiGateway, dimensions ApiId and ApiId+Stage: Count, 4xx, 5xx
  (0 or 1 per request, so Sum is the count and Average the rate), Latency
  and IntegrationLatency (ms); for a REST API ApiName and ApiName+Stage,
  with 4XXError and 5XXError ("Amazon API Gateway dimensions and metrics").
- AWS/Lambda, dimension FunctionName: Invocations, Errors (0 or 1),
  Duration (ms), Throttles (0 or 1). Invocations counts function errors but
  not throttled or invalid requests. A call that named a version or alias
  is also counted under FunctionName+Resource ("name:alias"/"name:1"), and
  through an alias under FunctionName+Resource+ExecutedVersion (the version
  that ran): _fn_dims.
- AWS/Lambda, dimensions FunctionName and FunctionName+Resource: a
  function URL's UrlRequestCount, Url4xxError, Url5xxError (0 or 1) and
  UrlRequestLatency (ms) (urls-monitoring; reference I7).

Recording is one dict lookup and a few additions on the event loop: one
record per API stage (or function) per second, with its counts and its
timings (for percentiles); the series and their dimension sets (ApiId
alone is the sum of its stages) are made only when something reads them.
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
Point = tuple[str, str, Dims, int, str, Any]  # namespace, metric, dims, second, "counter"|"timing", data
Wanted = tuple[int, int, set[tuple[str, str, Dims]]]  # first second, last second, series


class _Second:
    """One API stage's (or function's) figures in one second."""

    __slots__ = ("counts", "timings", "seen")

    def __init__(self, counters: int, timings: int):
        self.counts = [0] * counters
        self.timings: list[list[float]] = [[] for _ in range(timings)]
        self.seen = [0] * timings  # offered per timing (for the sample)

    def time(self, index: int, value: float) -> None:
        """Reservoir sampling: every timing of the second is equally likely
        to be kept, so percentiles stay representative."""
        values = self.timings[index]
        seen = self.seen[index] = self.seen[index] + 1
        if len(values) < MAX_VALUES_PER_SECOND:
            values.append(value)
        else:
            slot = random.randrange(seen)
            if slot < MAX_VALUES_PER_SECOND:
                values[slot] = value


API_COUNTERS = ("Count", "4xx", "5xx")
# REST APIs name their error counts differently (AWS docs, "Amazon API Gateway metrics" for REST).
REST_COUNTERS = ("Count", "4XXError", "5XXError")
API_TIMINGS = ("Latency", "IntegrationLatency")
LAMBDA_COUNTERS = ("Invocations", "Errors", "Throttles")
LAMBDA_TIMINGS = ("Duration",)
URL_COUNTERS = ("UrlRequestCount", "Url4xxError", "Url5xxError")
URL_TIMINGS = ("UrlRequestLatency",)


class MetricRecorder:
    def __init__(self, clock: Callable[[], float] = time.time):
        self.clock = clock
        self._lock = threading.Lock()  # the loop records, moto's thread reads
        # region, (ApiId or ApiName, its value), stage, second
        self._api: dict[tuple[str, tuple[str, str], str, int], _Second] = {}
        # region, function, qualifier named ("" for none), version that ran, second
        self._fn: dict[tuple[str, str, str, str, int], _Second] = {}
        self._url: dict[tuple[str, str, int], _Second] = {}  # region, function (its URL's requests), second
        self._oldest = 0

    # -- recording (event loop) -------------------------------------------
    def request(
        self,
        region: str,
        api_id: str,
        stage: str,
        status: int,
        latency_ms: float,
        integration_ms: float | None,
        dimension: str = "ApiId",
    ) -> None:
        """One API request API Gateway answered (its own errors too). REST
        APIs publish under ApiName, not ApiId (AWS docs, "Amazon API Gateway
        dimensions"): `dimension` with the name as `api_id`."""
        second = int(self.clock())
        with self._lock:
            record = self._answer(
                self._api, (region, (dimension, api_id), stage, second), second, 2, status, latency_ms
            )
            if integration_ms is not None:
                record.time(1, integration_ms)

    def invocation(
        self,
        region: str,
        function: str,
        duration_ms: float,
        error: bool,
        throttled: bool = False,
        resource: tuple[str, str] = ("", "$LATEST"),
    ) -> None:
        """One Lambda invocation (a throttled one counts only as a throttle);
        `resource`: (the qualifier the caller named or "", the version that ran)."""
        second = int(self.clock())
        key = (region, function, *resource, second)
        with self._lock:
            record = self._fn.get(key)
            if record is None:
                record = self._fn[key] = _Second(4, 1)
                self._trim(second)
            counts = record.counts
            counts[3] += 1  # calls: the denominator of the 0-or-1 counters
            if throttled:
                counts[2] += 1
                return
            counts[0] += 1
            if error:
                counts[1] += 1
            record.time(0, duration_ms)

    def url_request(self, region: str, function: str, status: int, latency_ms: float) -> None:
        """One request to a function's URL, Lambda's own answers too."""
        second = int(self.clock())
        with self._lock:
            self._answer(self._url, (region, function, second), second, 1, status, latency_ms)

    def _answer(self, table: dict[Any, Any], key: Any, second: int, timings: int, status: int, ms: float) -> Any:
        """Count one answer (all, 4xx, 5xx) and its latency; the lock held."""
        record = table.get(key)
        if record is None:
            record = table[key] = _Second(3, timings)
            self._trim(second)
        counts = record.counts
        counts[0] += 1
        if status >= 500:
            counts[2] += 1
        elif status >= 400:
            counts[1] += 1
        record.time(0, ms)
        return record

    def _trim(self, now: int) -> None:
        """Drop seconds past retention (at most once a minute; lock held)."""
        if now - self._oldest < RETENTION_S + 60:
            return
        cutoff = now - RETENTION_S
        for table in (self._api, self._fn, self._url):
            for key in [k for k in table if k[-1] < cutoff]:
                del table[key]  # type: ignore[arg-type]
        self._oldest = cutoff

    # -- reading (moto's thread) --------------------------------------------
    def points(self, region: str, wanted: Wanted | None = None) -> list[Point]:
        """The region's series as AWS publishes them, per second: counters as
        [sum, min, max, samples] of 0-or-1 values (Count: all 1), timings as
        their values; with `wanted`, only those series within [first, last]."""
        first, last = (wanted[0], wanted[1]) if wanted is not None else (0, 1 << 62)
        with self._lock:
            apis = [
                (k[1], k[2], k[3], list(r.counts), [list(t) for t in r.timings])
                for k, r in self._api.items()
                if k[0] == region and first <= k[3] <= last
            ]
            fns = [
                (_fn_dims(k[1], k[2], k[3]), k[4], list(r.counts), [list(t) for t in r.timings])
                for k, r in self._fn.items()
                if k[0] == region and first <= k[4] <= last
            ]
            urls = [
                (k[1], k[2], list(r.counts), [list(t) for t in r.timings])
                for k, r in self._url.items()
                if k[0] == region and first <= k[2] <= last
            ]
        merged: dict[tuple[str, str, Dims, int], Any] = {}  # (namespace, metric, dims, second) -> data

        def add(namespace: str, metric: str, dims: Dims, second: int, data: Any, counter: bool) -> None:
            if wanted is not None and (namespace, metric, dims) not in wanted[2]:
                return
            key = (namespace, metric, dims, second)
            old = merged.get(key)
            if old is None:
                merged[key] = data
            elif counter:
                merged[key] = [old[0] + data[0], min(old[1], data[1]), max(old[2], data[2]), old[3] + data[3]]
            else:
                merged[key] = old + data

        for api_dim, stage, second, counts, timings in apis:
            n = counts[0]
            for dims in ((api_dim,), (api_dim, ("Stage", stage))):
                for metric, hits in zip(REST_COUNTERS if api_dim[0] == "ApiName" else API_COUNTERS, counts):
                    low, high = (1.0, 1.0) if metric == "Count" else (float(hits == n), float(hits > 0))
                    add(API, metric, dims, second, [float(hits), low, high, float(n)], True)
                for metric, values in zip(API_TIMINGS, timings):
                    if values:
                        add(API, metric, dims, second, values, False)
        for dim_sets, second, counts, timings in fns:
            invocations, errors, throttles, calls = counts
            for fn_dims in dim_sets:
                throttled = [float(throttles), float(throttles == calls), float(throttles > 0), float(calls)]
                add(LAMBDA, "Throttles", fn_dims, second, throttled, True)
                if invocations:
                    add(
                        LAMBDA, "Invocations", fn_dims, second, [float(invocations), 1.0, 1.0, float(invocations)], True
                    )
                    failed = [float(errors), float(errors == invocations), float(errors > 0), float(invocations)]
                    add(LAMBDA, "Errors", fn_dims, second, failed, True)
                if timings[0]:
                    add(LAMBDA, "Duration", fn_dims, second, timings[0], False)
        for function, second, counts, timings in urls:
            n = counts[0]
            # urls-monitoring (reference I7): Sum of 0-or-1 counters, latency in ms;
            # FunctionName alone and with Resource (the URL serves $LATEST here).
            for dims in (
                (("FunctionName", function),),
                (("FunctionName", function), ("Resource", f"{function}:$LATEST")),
            ):
                for metric, hits in zip(URL_COUNTERS, counts):
                    low, high = (1.0, 1.0) if metric == "UrlRequestCount" else (float(hits == n), float(hits > 0))
                    add(LAMBDA, metric, dims, second, [float(hits), low, high, float(n)], True)
                if timings[0]:
                    add(LAMBDA, "UrlRequestLatency", dims, second, timings[0], False)
        timing_names = API_TIMINGS + LAMBDA_TIMINGS + URL_TIMINGS
        return [
            (ns, metric, dims, second, "timing" if metric in timing_names else "counter", data)
            for (ns, metric, dims, second), data in merged.items()
        ]


def _fn_dims(function: str, qualifier: str, executed: str) -> list[Dims]:
    """The dimension sets one invocation is counted under. FunctionName
    always; a version or alias named, also with Resource "name:qualifier"
    (aws/aws-cdk#3728 and #18952: an alias's series is FunctionName plus
    Resource "MyLambda:live"); through an alias, also with ExecutedVersion,
    the version that ran (aws/aws-cdk#14248, from ListMetrics: FunctionName,
    Resource "MyFunctionName:live", ExecutedVersion "42"; the Lambda guide's
    monitoring-metrics lists both dimensions). An unqualified or $LATEST call
    has FunctionName alone here: whether AWS adds Resource "name:$LATEST"
    for Invoke was not found in a source."""
    sets: list[Dims] = [(("FunctionName", function),)]
    if qualifier and qualifier != "$LATEST":
        resource = (("FunctionName", function), ("Resource", f"{function}:{qualifier}"))
        sets.append(resource)
        if not qualifier.isdigit():
            sets.append((("ExecutedVersion", executed), *resource))  # sorted by name, as metricsmoto.py reads them
    return sets
