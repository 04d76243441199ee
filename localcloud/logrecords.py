"""Lambda's system log lines as JSON records, for a function whose
LoggingConfig says LogFormat JSON: one object per CloudWatch event, with
"time", "type" and "record" (reference L2, from real LogResult captures;
the record schemas of the Telemetry API reference, telemetry-schema-reference):
platform.initStart, platform.start, platform.runtimeDone, platform.report.
The status is "success", "error" (the function failed) or "timeout"; the
report's metrics carry initDurationMs on a cold start only."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any


def _time(ms: int) -> str:
    stamp = dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def record(ms: int, kind: str, body: dict[str, Any]) -> tuple[int, str]:
    return ms, json.dumps({"time": _time(ms), "type": kind, "record": body}, separators=(",", ":"))


def init_start(ms: int, function: str, runtime_version: str, arn: str, version: str = "$LATEST") -> tuple[int, str]:
    return record(
        ms,
        "platform.initStart",
        {
            "initializationType": "on-demand",
            "phase": "init",
            "runtimeVersion": runtime_version,
            "runtimeVersionArn": arn,
            "functionName": function,
            "functionVersion": version,  # the published version's number, as the text START line says
        },
    )


def report_records(report: Any) -> list[tuple[int, str]]:
    status = {"ok": "success", "timeout": "timeout"}.get(report.status, "error")
    duration = round(report.duration_ms, 3)
    metrics: dict[str, Any] = {
        "durationMs": duration,
        "billedDurationMs": math.ceil(report.duration_ms),
        "memorySizeMB": report.memory_mb,
        "maxMemoryUsedMB": report.max_rss_mb,
    }
    if report.init_ms is not None:
        metrics["initDurationMs"] = round(report.init_ms, 3)
    done: dict[str, Any] = {"requestId": report.request_id, "status": status, "metrics": {"durationMs": duration}}
    if report.error_type and status != "success":
        done["errorType"] = report.error_type
    final: dict[str, Any] = {"requestId": report.request_id, "status": status, "metrics": metrics}
    if report.error_type and status != "success":
        final["errorType"] = report.error_type
    return [
        record(report.started_ms, "platform.start", {"requestId": report.request_id, "version": report.version}),
        *report.between,
        record(report.ended_ms, "platform.runtimeDone", done),
        record(report.ended_ms, "platform.report", final),
    ]
