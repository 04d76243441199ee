"""The local cloud's CloudWatch metrics (localcloud/metrics.py): aggregated
per second in memory, read by moto's GetMetricData as AWS's own metrics,
and read back by the wizard's service layer (tui/services/metrics.py).

Metric names, namespaces and dimensions: AWS docs "Monitor HTTP API
metrics" (AWS/ApiGateway: Count, 4xx, 5xx, Latency, IntegrationLatency by
ApiId and Stage) and "Types of metrics for Lambda functions" (AWS/Lambda:
Invocations, Errors, Duration, Throttles by FunctionName); reference
aws-behaviour-2 L3: Invocations counts function errors, not throttles."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import boto3
from moto import mock_aws

from localcloud.metrics import MAX_VALUES_PER_SECOND, RETENTION_S, MetricRecorder
from localcloud.metricsmoto import install, percentile
from tui.services import metrics

NOW = 1_800_000_000.0  # a fixed clock: 2027-01-15 08:00:00 UTC


class FakeCloud:
    def __init__(self, region: str = "us-east-1"):
        self.region = region

    def client(self, service: str) -> Any:
        return boto3.client(service, region_name=self.region)


class Clock:
    """10 requests a second: below the per-second sample, so figures are exact."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


def traffic(recorder: MetricRecorder, clock: Clock) -> None:
    for i in range(100):
        clock.now = NOW + i // 10
        recorder.request("us-east-1", "api1", "$default", 200, 10.0 + i, 5.0 + i)
        recorder.invocation("us-east-1", "fn1", 4.0 + i, error=(i % 10 == 0))
    for _ in range(7):
        recorder.request("us-east-1", "api1", "$default", 404, 1.0, None)  # no route: no integration
    recorder.request("us-east-1", "api1", "$default", 502, 3.0, 2.0)
    recorder.invocation("us-east-1", "fn1", 0.0, error=False, throttled=True)


def totals(recorder: MetricRecorder, **kw: Any) -> dict[tuple[str, str, Any], float]:
    """Per series: the sum of counters, the number of timings, over all seconds."""
    out: dict[tuple[str, str, Any], float] = {}
    for ns, m, dims, _second, kind, data in recorder.points("us-east-1", **kw):
        out[(ns, m, dims)] = out.get((ns, m, dims), 0.0) + (data[0] if kind == "counter" else len(data))
    return out


def test_aggregates_per_second_per_dimension_set() -> None:
    clock = Clock()
    recorder = MetricRecorder(clock=clock)
    traffic(recorder, clock)
    seconds = {s for _ns, _m, _d, s, _k, _v in recorder.points("us-east-1")}
    assert seconds == {int(NOW) + i for i in range(10)}  # one aggregate per second
    points = totals(recorder)
    staged = (("ApiId", "api1"), ("Stage", "$default"))
    assert points[("AWS/ApiGateway", "Count", staged)] == 108.0
    assert points[("AWS/ApiGateway", "Count", (("ApiId", "api1"),))] == 108.0
    assert points[("AWS/ApiGateway", "4xx", staged)] == 7.0
    assert points[("AWS/ApiGateway", "5xx", staged)] == 1.0
    assert points[("AWS/ApiGateway", "Latency", staged)] == 108
    assert points[("AWS/ApiGateway", "IntegrationLatency", staged)] == 101  # the 404s reached no integration
    fn = (("FunctionName", "fn1"),)
    assert points[("AWS/Lambda", "Invocations", fn)] == 100.0  # the throttled one is not an invocation
    assert points[("AWS/Lambda", "Errors", fn)] == 10.0
    assert points[("AWS/Lambda", "Throttles", fn)] == 1.0
    assert recorder.points("eu-west-1") == []


def test_a_read_gets_only_its_series_and_window() -> None:
    clock = Clock()
    recorder = MetricRecorder(clock=clock)
    traffic(recorder, clock)
    staged = (("ApiId", "api1"), ("Stage", "$default"))
    wanted = (int(NOW) + 2, int(NOW) + 3, {("AWS/ApiGateway", "Count", staged)})
    assert totals(recorder, wanted=wanted) == {("AWS/ApiGateway", "Count", staged): 20.0}


def test_timings_beyond_the_cap_are_a_uniform_sample() -> None:
    recorder = MetricRecorder(clock=lambda: NOW)
    for i in range(1000):
        recorder.invocation("us-east-1", "fn1", float(i), error=False)
    [kept] = [d for _ns, m, _d, _s, _k, d in recorder.points("us-east-1") if m == "Duration"]
    assert len(kept) == MAX_VALUES_PER_SECOND and set(kept) <= {float(i) for i in range(1000)}
    assert 250 < sum(kept) / len(kept) < 750  # a sample of all, not the first 50 (mean 24.5)
    assert totals(recorder)[("AWS/Lambda", "Invocations", (("FunctionName", "fn1"),))] == 1000


def test_old_seconds_are_dropped() -> None:
    clock = [NOW]
    recorder = MetricRecorder(clock=lambda: clock[0])
    recorder.request("us-east-1", "api1", "$default", 200, 1.0, 1.0)
    clock[0] = NOW + RETENTION_S + 120
    recorder.request("us-east-1", "api1", "$default", 200, 1.0, 1.0)
    seconds = {s for _ns, _m, _d, s, _k, _v in recorder.points("us-east-1")}
    assert seconds == {int(clock[0])}


def test_percentile_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile([7.0], 99) == 7.0


@mock_aws
def test_service_layer_reads_what_the_recorder_holds() -> None:
    clock = Clock()
    recorder = MetricRecorder(clock=clock)
    install(recorder)
    traffic(recorder, clock)
    now = datetime.fromtimestamp(NOW + 30, timezone.utc)
    read = metrics.read(FakeCloud(), "api1", "$default", "fn1", minutes=5, period_s=60, now=now)  # type: ignore[arg-type]
    assert read.has_data
    assert read["count"].total == 108
    assert read["client_errors"].total == 7
    assert read["server_errors"].total == 1
    assert read["invocations"].total == 100
    assert read["errors"].total == 10
    assert read["throttles"].total == 1
    assert read["latency_p50"].latest is not None and 50 <= read["latency_p50"].latest <= 70
    assert read["latency_p99"].latest is not None and read["latency_p99"].latest >= 105
    assert read["duration"].latest is not None and 40 < read["duration"].latest < 60
    assert len(read["count"].values) == 5
    # Another API in the same region: nothing of this one's.
    other = metrics.read(FakeCloud(), "api2", "$default", "fn2", minutes=5, period_s=60, now=now)  # type: ignore[arg-type]
    assert not other.has_data


@mock_aws
def test_percentiles_and_averages_survive_merging_per_period() -> None:
    """Past 101 timings in a period, moto is handed p0..p100 instead of every
    value: the integer percentiles read the same, counters stay exact."""
    clock = Clock()
    recorder = MetricRecorder(clock=clock)
    install(recorder)
    for i in range(1, 201):
        clock.now = NOW + i // 20  # 20 a second: none sampled away
        recorder.request("us-east-1", "api3", "prod", 200, float(i), None)
        recorder.invocation("us-east-1", "fn3", float(i), error=False)
    now = datetime.fromtimestamp(NOW + 30, timezone.utc)
    read = metrics.read(FakeCloud(), "api3", "prod", "fn3", minutes=2, period_s=60, now=now)  # type: ignore[arg-type]
    assert read["count"].total == 200 and read["invocations"].total == 200
    assert read["latency_p50"].latest == percentile([float(i) for i in range(1, 201)], 50) == 100.0
    assert read["latency_p99"].latest == 198.0
    assert read["duration"].latest == 100.5  # Average over an aggregated datum: exact
    assert read["integration_p50"].latest is None  # no integration answered


def test_a_version_or_alias_is_counted_under_resource_and_an_alias_by_executed_version() -> None:
    """Lambda's Resource ("name:alias", "name:1") and ExecutedVersion
    dimensions (aws/aws-cdk#3728, #18952 and #14248, the last from
    ListMetrics): an unqualified call has FunctionName alone, a version
    also Resource, an alias also Resource+ExecutedVersion; FunctionName sums all."""
    clock = Clock()
    recorder = MetricRecorder(clock=clock)
    recorder.invocation("us-east-1", "fn", 1.0, error=False)
    recorder.invocation("us-east-1", "fn", 1.0, error=False, resource=("1", "1"))
    recorder.invocation("us-east-1", "fn", 1.0, error=True, resource=("live", "2"))
    recorder.invocation("us-east-1", "fn", 1.0, error=False, resource=("live", "1"))
    points = totals(recorder)
    fn = ("FunctionName", "fn")
    assert points[("AWS/Lambda", "Invocations", (fn,))] == 4
    assert points[("AWS/Lambda", "Invocations", (fn, ("Resource", "fn:1")))] == 1
    live = (fn, ("Resource", "fn:live"))
    assert points[("AWS/Lambda", "Invocations", live)] == 2
    assert points[("AWS/Lambda", "Errors", live)] == 1
    assert points[("AWS/Lambda", "Invocations", (("ExecutedVersion", "2"), *live))] == 1
    assert points[("AWS/Lambda", "Errors", (("ExecutedVersion", "2"), *live))] == 1
    assert points[("AWS/Lambda", "Errors", (("ExecutedVersion", "1"), *live))] == 0
    # A version named directly has no ExecutedVersion series.
    assert not [d for (_n, _m, d) in points if ("Resource", "fn:1") in d and len(d) == 3]
