"""The console's Monitor tab: CloudWatch metrics of the API and its function
over the last minutes, with one GetMetricData call. The local cloud
publishes the same metrics into its CloudWatch (localcloud/metrics.py), so
this one code path serves both targets.

What is read (AWS docs, "Monitor HTTP API metrics": namespace AWS/ApiGateway,
dimensions ApiId and Stage; "Types of metrics for Lambda functions":
namespace AWS/Lambda, dimension FunctionName):
- Count, 4xx, 5xx: Sum per period; Latency: p50 and p99; IntegrationLatency: p50.
- Invocations, Errors, Throttles: Sum; Duration: Average.
Counters with no datapoint in a period are 0 (CloudWatch publishes nothing
for a minute with no requests); timings with none are None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from .errors import call
from .session import Cloud

API_NAMESPACE = "AWS/ApiGateway"
LAMBDA_NAMESPACE = "AWS/Lambda"

# id -> (namespace, metric, statistic, is a counter), in the order shown
API_QUERIES = {
    "count": (API_NAMESPACE, "Count", "Sum", True),
    "client_errors": (API_NAMESPACE, "4xx", "Sum", True),
    "server_errors": (API_NAMESPACE, "5xx", "Sum", True),
    "latency_p50": (API_NAMESPACE, "Latency", "p50", False),
    "latency_p99": (API_NAMESPACE, "Latency", "p99", False),
    "integration_p50": (API_NAMESPACE, "IntegrationLatency", "p50", False),
}
FUNCTION_QUERIES = {
    "invocations": (LAMBDA_NAMESPACE, "Invocations", "Sum", True),
    "errors": (LAMBDA_NAMESPACE, "Errors", "Sum", True),
    "duration": (LAMBDA_NAMESPACE, "Duration", "Average", False),
    "throttles": (LAMBDA_NAMESPACE, "Throttles", "Sum", True),
}


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float | None]  # one per period, oldest first
    counter: bool

    @property
    def total(self) -> float:
        return sum(v for v in self.values if v is not None)

    @property
    def latest(self) -> float | None:
        """The newest period with a value (timings), else None."""
        return next((v for v in reversed(self.values) if v is not None), None)

    @property
    def has_data(self) -> bool:
        return any(v for v in self.values if v is not None)


@dataclass(frozen=True)
class Metrics:
    period_s: int
    start: datetime
    series: dict[str, Series] = field(default_factory=dict)

    @property
    def has_data(self) -> bool:
        """Any datapoint at all: False where nothing publishes these metrics
        (no request yet, or an emulator without them)."""
        return any(s.has_data for s in self.series.values())

    def __getitem__(self, key: str) -> Series:
        return self.series[key]


def read(
    cloud: Cloud,
    api_id: str,
    stage: str,
    function: str,
    minutes: int = 15,
    period_s: int = 60,
    now: datetime | None = None,
) -> Metrics:
    """The last `minutes` of the API's (ApiId + Stage) and the function's
    metrics, `period_s` apart (60 s: API Gateway and Lambda publish
    one-minute metrics)."""
    end = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    end = end - timedelta(seconds=end.timestamp() % period_s) + timedelta(seconds=period_s)
    start = end - timedelta(minutes=minutes)
    api_dims = [{"Name": "ApiId", "Value": api_id}, {"Name": "Stage", "Value": stage}]
    fn_dims = [{"Name": "FunctionName", "Value": function}]
    wanted = [(k, q) for k, q in API_QUERIES.items() if api_id] + [
        (k, q) for k, q in FUNCTION_QUERIES.items() if function
    ]
    queries = [
        _query(k, ns, m, st, api_dims if ns == API_NAMESPACE else fn_dims, period_s) for k, (ns, m, st, _c) in wanted
    ]
    slots = max(1, minutes * 60 // period_s)
    found: dict[str, dict[int, float]] = {key: {} for key, _q in wanted}
    client = cloud.client("cloudwatch")
    token: str | None = None
    for _page in range(20):
        kwargs: dict[str, Any] = {
            "MetricDataQueries": queries,
            "StartTime": start,
            "EndTime": end,
            "ScanBy": "TimestampAscending",
        }
        if token:
            kwargs["NextToken"] = token
        reply = call("read the CloudWatch metrics", client.get_metric_data, **kwargs)
        for result in reply.get("MetricDataResults", []):
            for stamp, value in zip(result.get("Timestamps", []), result.get("Values", [])):
                slot = int((stamp - start).total_seconds() // period_s)
                if 0 <= slot < slots and value is not None:
                    found[result["Id"]][slot] = float(value)
        token = reply.get("NextToken")
        if not token:
            break
    series: dict[str, Series] = {}
    for key, (_ns, metric, stat, counter) in wanted:
        values: list[float | None] = [found[key].get(i, 0.0 if counter else None) for i in range(slots)]
        series[key] = Series(f"{metric} {stat}", values, counter)
    return Metrics(period_s, start, series)


def _query(
    key: str, namespace: str, metric: str, stat: str, dims: list[dict[str, str]], period_s: int
) -> dict[str, Any]:
    return {
        "Id": key,
        "MetricStat": {
            "Metric": {"Namespace": namespace, "MetricName": metric, "Dimensions": dims},
            "Period": period_s,
            "Stat": stat,
        },
        "ReturnData": True,
    }
