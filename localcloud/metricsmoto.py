"""The recorder's figures (metrics.py) as moto's CloudWatch reads them:
GetMetricData, GetMetricStatistics and ListMetrics see them as metrics AWS
publishes itself (moto asks every `CloudWatchMetricProvider` for those).

Moto's GetMetricData walks every datum it is given once per period and per
query, so a read here is split per query, and each query is handed only
its own series inside its time window, already merged per period: one
aggregated datum for a counter (exact Sum, Min, Max, SampleCount,
Average), and for a timing either its values or, past 101 of them, its
percentiles p0..p100 (nearest rank on those gives the same integer
percentiles). Moto computes no percentiles; `install` teaches its
Statistics pNN (nearest rank, over single values).
"""

from __future__ import annotations

import math
import threading
import weakref
from datetime import datetime, timezone
from typing import Any

from .metrics import Dims, MetricRecorder

Series = tuple[str, str, Dims]

_recorders: weakref.WeakSet[MetricRecorder] = weakref.WeakSet()
_installed = False
_reading = threading.local()  # .datums: what the provider hands moto during one query of a read


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def install(recorder: MetricRecorder) -> None:
    """Make moto's CloudWatch read this recorder's figures (and compute pNN)."""
    global _installed
    _recorders.add(recorder)
    if _installed:
        return
    from moto.cloudwatch import models
    from moto.core.common_models import CloudWatchMetricProvider

    class LocalCloudMetrics(CloudWatchMetricProvider):
        @staticmethod
        def get_cloudwatch_metrics(account_id: str, region: str) -> Any:
            prepared = getattr(_reading, "datums", None)
            if prepared is not None:
                return prepared
            return [d for r in list(_recorders) for d in datums(r.points(region), None, 60, ())]

    models.LocalCloudMetrics = LocalCloudMetrics  # type: ignore[attr-defined]  # kept alive: __subclasses__ is weak
    stock = models.Statistics.get_statistics_for_type

    def get_statistics_for_type(self: Any, stat: str) -> Any:
        if len(stat) > 1 and stat[0] == "p":
            try:
                p = float(stat[1:])
            except ValueError:
                return stock(self, stat)
            values = self.metric_single_values_list
            return percentile(values, p) if values else None
        return stock(self, stat)

    models.Statistics.get_statistics_for_type = get_statistics_for_type  # type: ignore[method-assign]
    stock_read = models.CloudWatchBackend.get_metric_data

    def get_metric_data(
        self: Any, queries: list[dict[str, Any]], start_time: Any, end_time: Any, *args: Any, **kw: Any
    ) -> Any:
        if not all("MetricStat" in q for q in queries):  # metric math and Insights: everything, unmerged
            return stock_read(self, queries, start_time, end_time, *args, **kw)
        first, last = _seconds(start_time) - 1, _seconds(end_time) + 1
        wanted = {_series(q) for q in queries}
        points = [
            p for r in list(_recorders) for p in r.points(self.region_name, (first, last, wanted))
        ]  # once per read: the split below only filters
        results: list[Any] = []
        try:
            for query in queries:
                stat = query["MetricStat"]
                series = _series(query)
                own = [p for p in points if (p[0], p[1], p[2]) == series]
                _reading.datums = datums(own, _seconds(start_time), int(stat["Period"]), (stat["Stat"],))
                results.extend(stock_read(self, [query], start_time, end_time, *args, **kw))
        finally:
            _reading.datums = None
        return results

    models.CloudWatchBackend.get_metric_data = get_metric_data  # type: ignore[method-assign]
    _installed = True


def datums(points: list[tuple[str, str, Dims, int, str, Any]], start: int | None, period: int, stats: Any) -> list[Any]:
    """moto datums of recorder points, merged per `period` from `start`
    (None: per second, as recorded); timings as percentiles when a pNN is asked."""
    from moto.cloudwatch.models import MetricAggregatedDatum, MetricDatum

    merged: dict[tuple[str, str, Dims, int, str], list[Any]] = {}
    for namespace, name, dims, second, kind, data in points:
        bucket = second if start is None else start + (second - start) // period * period
        key = (namespace, name, dims, bucket, kind)
        if kind == "counter":
            agg = merged.get(key)
            merged[key] = (
                list(data)
                if agg is None
                else [agg[0] + data[0], min(agg[1], data[1]), max(agg[2], data[2]), agg[3] + data[3]]
            )
        else:
            merged.setdefault(key, []).extend(data)
    percentiles = any(str(s).startswith("p") for s in stats)
    out: list[Any] = []
    for (namespace, name, dims, bucket, kind), data in merged.items():
        stamp = datetime.fromtimestamp(bucket, timezone.utc).replace(tzinfo=None)  # moto's naive UTC
        dimensions = [{"Name": n, "Value": v} for n, v in dims]
        if kind == "counter":
            total, low, high, n = data
            out.append(MetricAggregatedDatum(namespace, name, low, high, n, total, dimensions, stamp, "Count"))
        elif percentiles or start is None:
            values = data if len(data) <= 101 else _percentiles(data)
            out.extend(MetricDatum(namespace, name, v, dimensions, stamp, "Milliseconds") for v in values)
        else:
            out.append(
                MetricAggregatedDatum(
                    namespace, name, min(data), max(data), len(data), sum(data), dimensions, stamp, "Milliseconds"
                )
            )
    return out


def _percentiles(values: list[float]) -> list[float]:
    """p0..p100 by nearest rank, one sort."""
    ordered = sorted(values)
    n = len(ordered)
    return [ordered[min(max(1, math.ceil(p / 100 * n)), n) - 1] for p in range(101)]


def _series(query: dict[str, Any]) -> Series:
    metric = query["MetricStat"]["Metric"]
    dims = tuple(sorted((d["Name"], d["Value"]) for d in metric.get("Dimensions", [])))
    return metric["Namespace"], metric["MetricName"], dims


def _seconds(stamp: Any) -> int:
    if isinstance(stamp, datetime) and stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=timezone.utc)
    return int(stamp.timestamp())
