"""What CreateStage / UpdateStage accept as AccessLogSettings (reference H3),
in the wire format's camelCase keys."""

from __future__ import annotations

import re
from typing import Any

# region, account, log group name
LOG_GROUP_ARN = re.compile(r"^arn:aws[a-z-]*:logs:([a-z0-9-]+):(\d{12}):log-group:([^:*]+)(?::\*)?$")


def access_log_problem(settings: Any) -> str | None:
    """AccessLogSettings API Gateway refuses: the format "must include at
    least $context.requestId" and the destination is a log group's ARN
    (botocore's AccessLogSettings docs); the messages' words are ours."""
    if not settings:
        return None
    fmt = settings.get("format") if isinstance(settings, dict) else None
    arn = settings.get("destinationArn") if isinstance(settings, dict) else None
    if not isinstance(arn, str) or not LOG_GROUP_ARN.fullmatch(arn):
        return f"Invalid access log destination {arn}: it must be a CloudWatch Logs log group ARN"
    if not isinstance(fmt, str) or "$context.requestId" not in fmt:
        return "Access log format must include $context.requestId"
    return None
