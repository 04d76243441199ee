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

from localcloud.metrics import RETENTION_S, MetricRecorder, install, percentile
from tui.services import metrics

NOW = 1_800_000_000.0  # a fixed clock: 2027-01-15 08:00:00 UTC


class FakeCloud:
    def __init__(self, region: str = "us-east-1"):
        self.region = region

    def client(self, service: str) -> Any:
        return boto3.client(service, region_name=self.region)


def traffic(recorder: MetricRecorder) -> None:
    for i in range(100):
        recorder.request("us-east-1", "api1", "$default", 200, 10.0 + i, 5.0 + i)
        recorder.invocation("us-east-1", "fn1", 4.0 + i, error=(i % 10 == 0))
    for _ in range(7):
        recorder.request("us-east-1", "api1", "$default", 404, 1.0, None)  # no route: no integration
    recorder.request("us-east-1", "api1", "$default", 502, 3.0, 2.0)
    recorder.invocation("us-east-1", "fn1", 0.0, error=False, throttled=True)


def test_aggregates_per_second_per_dimension_set() -> None:
    recorder = MetricRecorder(clock=lambda: NOW)
    traffic(recorder)
    points = {(ns, m, dims): data for ns, m, dims, _s, _k, data in recorder.points("us-east-1")}
    staged = (("ApiId", "api1"), ("Stage", "$default"))
    assert points[("AWS/ApiGateway", "Count", staged)] == [108.0, 1.0, 1.0, 108.0]  # sum, min, max, n
    assert points[("AWS/ApiGateway", "Count", (("ApiId", "api1"),))][0] == 108.0
    assert points[("AWS/ApiGateway", "4xx", staged)][0] == 7.0
    assert points[("AWS/ApiGateway", "5xx", staged)][0] == 1.0
    assert len(points[("AWS/ApiGateway", "Latency", staged)]) == 108
    assert len(points[("AWS/ApiGateway", "IntegrationLatency", staged)]) == 101
    fn = (("FunctionName", "fn1"),)
    assert points[("AWS/Lambda", "Invocations", fn)][0] == 100.0  # the throttled one is not an invocation
    assert points[("AWS/Lambda", "Errors", fn)][0] == 10.0
    assert points[("AWS/Lambda", "Throttles", fn)][0] == 1.0
    assert recorder.points("eu-west-1") == []


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
    recorder = MetricRecorder(clock=lambda: NOW)
    install(recorder)
    traffic(recorder)
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
