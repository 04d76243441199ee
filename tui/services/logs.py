"""CloudWatch Logs: a function's (`/aws/lambda/<name>`) and an API stage's
access logs. The local cloud writes real log events too, so one code path
serves both targets."""

from __future__ import annotations

import re
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


def access_log_group(api_name: str) -> str:
    """Where deploy sends an API's access logs. Log group names allow only
    A-Z a-z 0-9 . - _ / # (CreateLogGroup's pattern in botocore's model),
    so the API name's other characters become '-'."""
    safe = re.sub(r"[^A-Za-z0-9._\-/#]", "-", api_name)
    return f"/aws/apigateway/{safe}/access-logs"


def recent_events(
    cloud: Cloud, function: str, since_ms: int | None = None, limit: int = 200, pattern: str | None = None
) -> list[LogEvent]:
    """Up to `limit` events of the function's log group, oldest first ([]
    if the group does not exist yet: Lambda creates it on the first invoke)."""
    return group_events(cloud, log_group(function), f"the function {function}", since_ms, limit, pattern)


def group_events(
    cloud: Cloud, group: str, whose: str, since_ms: int | None = None, limit: int = 200, pattern: str | None = None
) -> list[LogEvent]:
    """Up to `limit` events of a log group, oldest first ([] if there is no
    such group). All pages: AWS may answer a page with no events and a
    token to go on."""
    kwargs: dict[str, object] = {"logGroupName": group}
    if since_ms is not None:
        kwargs["startTime"] = since_ms
    if pattern:
        kwargs["filterPattern"] = pattern
    try:
        events = every(
            f"read the logs of {whose}",
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
    """Delete the function's group; False if there was none."""
    return delete_group(cloud, log_group(function))


def delete_group(cloud: Cloud, group: str) -> bool:
    """Delete a log group; False if there was none."""
    try:
        call(f"delete the log group {group}", cloud.client("logs").delete_log_group, logGroupName=group)
        return True
    except WizardError as err:
        if err.code in NOT_FOUND:
            return False
        raise


def group_exists(cloud: Cloud, group: str) -> bool:
    found = every(
        f"look up the log group {group}",
        cloud.client("logs"),
        "describe_log_groups",
        "logGroups",
        logGroupNamePrefix=group,
    )
    return any(g.get("logGroupName") == group for g in found)


def create_group(cloud: Cloud, group: str) -> None:
    """A log group with no expiry, as the console's "Create log group" makes."""
    call(f"create the log group {group}", cloud.client("logs").create_log_group, logGroupName=group)
