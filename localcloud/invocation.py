"""What one invocation leaves behind: its result, and its log lines
(formatted only when something reads them)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

__all__ = ["InvokeResult", "Report", "log_texts"]


@dataclass
class InvokeResult:
    request_id: str
    payload: bytes
    error_type: str | None = None  # set for FunctionError: Unhandled
    log: Any = ()  # (ms, text) lines, or a Report that formats them when asked
    status: str = "ok"  # ok | error | timeout | crash | throttled (never ran: concurrency.py)

    @property
    def logs(self) -> list[str]:
        return log_texts(self.log)

    @property
    def function_error(self) -> str | None:
        return "Unhandled" if self.error_type else None


class Report:
    """An invocation's START .. END / REPORT lines, formatted only when
    something reads them (a Logs call, Tail, the test screen): under load
    most leave the bounded buffer unread, and formatting them all was a few
    percent of a warm request."""

    __slots__ = (
        "request_id",
        "started_ms",
        "ended_ms",
        "between",
        "duration_ms",
        "memory_mb",
        "max_rss_mb",
        "init_ms",
        "status",
        "error_type",
        "json",
        "version",
    )

    def __init__(
        self,
        request_id: str,
        started_ms: int,
        ended_ms: int,
        between: list[tuple[int, str]],
        duration_ms: float,
        memory_mb: int,
        max_rss_mb: int,
        init_ms: float | None,
        status: str,
        error_type: str | None,
        json: bool = False,
        version: str = "$LATEST",
    ):
        self.version = version  # START names the version that ran ("Version: 1", the Lambda guide's examples)
        self.request_id, self.started_ms, self.ended_ms, self.between = request_id, started_ms, ended_ms, between
        self.duration_ms, self.memory_mb, self.max_rss_mb = duration_ms, memory_mb, max_rss_mb
        self.init_ms, self.status, self.error_type = init_ms, status, error_type
        self.json = json  # LoggingConfig LogFormat JSON: platform records (logrecords.py)

    def lines(self) -> list[tuple[int, str]]:
        if self.json:
            from .logrecords import report_records

            return report_records(self)
        request_id, duration = self.request_id, self.duration_ms
        report = (
            f"REPORT RequestId: {request_id}\tDuration: {duration:.2f} ms\tBilled Duration: {math.ceil(duration)} ms"
            f"\tMemory Size: {self.memory_mb} MB\tMax Memory Used: {self.max_rss_mb} MB"
        )
        if self.init_ms is not None:
            report += f"\tInit Duration: {self.init_ms:.2f} ms"
        if self.status in ("timeout", "crash", "error"):
            report += f"\tStatus: {self.status if self.status != 'crash' else 'error'}"
            if self.error_type:
                report += f"\tError Type: {self.error_type}"
        return [
            (self.started_ms, f"START RequestId: {request_id} Version: {self.version}"),
            *self.between,
            (self.ended_ms, f"END RequestId: {request_id}"),
            (self.ended_ms, report),
        ]


def log_texts(log: Any) -> list[str]:
    """The texts of an invocation's log: (ms, text) lines, or a Report."""
    return [text for _, text in (log.lines() if isinstance(log, Report) else log)]
