"""CloudWatch Logs of a function (`/aws/lambda/<name>`). The local cloud
writes real log events too, so one code path serves both targets."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import NOT_FOUND, WizardError, call
from .paging import every
from .session import Cloud


@dataclass(frozen=True)
class LogEvent:
    timestamp_ms: int
    stream: str
    message: str


def log_group(function: str) -> str:
    return f"/aws/lambda/{function}"


def recent_events(
    cloud: Cloud, function: str, since_ms: int | None = None, limit: int = 200, pattern: str | None = None
) -> list[LogEvent]:
    """Up to `limit` events of the function's log group, oldest first ([]
    if the group does not exist yet: Lambda creates it on the first invoke).
    All pages: AWS may answer a page with no events and a token to go on."""
    kwargs: dict[str, object] = {"logGroupName": log_group(function)}
    if since_ms is not None:
        kwargs["startTime"] = since_ms
    if pattern:
        kwargs["filterPattern"] = pattern
    try:
        events = every(
            f"read the logs of the function {function}",
            cloud.client("logs"),
            "filter_log_events",
            "events",
            max_items=limit,
            **kwargs,
        )
    except WizardError as err:
        if err.code in NOT_FOUND:
            return []
        raise
    return [LogEvent(e["timestamp"], e.get("logStreamName", ""), e["message"].rstrip("\n")) for e in events]


def delete_log_group(cloud: Cloud, function: str) -> bool:
    """Delete the group; False if there was none."""
    try:
        call(
            f"delete the log group {log_group(function)}",
            cloud.client("logs").delete_log_group,
            logGroupName=log_group(function),
        )
        return True
    except WizardError as err:
        if err.code in NOT_FOUND:
            return False
        raise
