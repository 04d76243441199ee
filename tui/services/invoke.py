"""Invoke a function directly, as the Lambda console's Test tab does: the
event as the payload, RequestResponse, LogType=Tail, and what the console
shows of the answer: the result, whether the function failed, the log's
last 4 KB and the REPORT line's figures (duration, billed duration, memory
size, max memory used, init duration)."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass

from .errors import call
from .session import Cloud

_REPORT_FIGURES = {
    "duration_ms": r"\tDuration: ([\d.]+) ms",
    "billed_ms": r"\tBilled Duration: (\d+) ms",
    "memory_mb": r"\tMemory Size: (\d+) MB",
    "max_memory_mb": r"\tMax Memory Used: (\d+) MB",
    "init_ms": r"\tInit Duration: ([\d.]+) ms",
}


@dataclass(frozen=True)
class Invocation:
    status: int
    function_error: str  # "" when it succeeded; "Unhandled" as Lambda says when the handler raised
    result: str  # the payload, as text
    log_tail: str
    request_id: str
    figures: dict[str, float]

    @property
    def succeeded(self) -> bool:
        return not self.function_error

    def summary(self) -> str:
        """The console's one line: what happened and the REPORT figures."""
        shown = {
            "duration_ms": "Duration {:g} ms",
            "billed_ms": "Billed {:g} ms",
            "max_memory_mb": "Max memory {:g} MB",
            "init_ms": "Init {:g} ms",
        }
        parts = [fmt.format(self.figures[key]) for key, fmt in shown.items() if key in self.figures]
        head = "Succeeded" if self.succeeded else f"Failed ({self.function_error})"
        return "  ".join([head, *parts])


_JSON_METRICS = {
    "durationMs": "duration_ms",
    "billedDurationMs": "billed_ms",
    "memorySizeMB": "memory_mb",
    "maxMemoryUsedMB": "max_memory_mb",
    "initDurationMs": "init_ms",
}


def figures(log_tail: str) -> dict[str, float]:
    """The REPORT line's figures (Text: tab-separated; JSON: the
    platform.report record's metrics, reference L2)."""
    for line in log_tail.splitlines():
        if line.startswith("{") and '"platform.report"' in line:
            try:
                metrics = json.loads(line)["record"]["metrics"]
            except (ValueError, KeyError, TypeError):
                continue
            return {ours: float(metrics[theirs]) for theirs, ours in _JSON_METRICS.items() if theirs in metrics}
    report = next((line for line in log_tail.splitlines() if line.startswith("REPORT RequestId:")), "")
    out = {}
    for key, pattern in _REPORT_FIGURES.items():
        found = re.search(pattern, report)
        if found:
            out[key] = float(found.group(1))
    return out


def invoke(cloud: Cloud, function: str, payload: bytes) -> Invocation:
    reply = call(
        f"invoke the function {function}",
        cloud.client("lambda").invoke,
        FunctionName=function,
        InvocationType="RequestResponse",
        LogType="Tail",
        Payload=payload,
    )
    tail = base64.b64decode(reply.get("LogResult") or b"").decode("utf-8", "replace")
    body = reply["Payload"].read().decode("utf-8", "replace")
    request_id = (reply.get("ResponseMetadata") or {}).get("RequestId", "")
    return Invocation(reply["StatusCode"], reply.get("FunctionError") or "", body, tail, request_id, figures(tail))
