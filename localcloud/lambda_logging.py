"""LoggingConfig (reference L2), which moto drops: what CreateFunction and
UpdateFunctionConfiguration accept, and what the function then reports.
LogFormat Text (the default) or JSON; ApplicationLogLevel
TRACE|DEBUG|INFO|WARN|ERROR|FATAL and SystemLogLevel DEBUG|INFO|WARN (the
enums of botocore's model) apply only with JSON (reference L2, from the
logformat docs); under JSON both default to INFO (the Lambda docs'
"Log-level filtering"); LogGroup defaults to /aws/lambda/<name> (botocore's
model of LoggingConfig.LogGroup)."""

from __future__ import annotations

import json
from typing import Any

from .moto_bridge import WsgiReply

FORMATS = ("Text", "JSON")
APPLICATION_LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL")
SYSTEM_LEVELS = ("DEBUG", "INFO", "WARN")


def requested_logging(body: bytes) -> dict[str, Any] | None:
    try:
        found = json.loads(body).get("LoggingConfig")
    except (ValueError, AttributeError):
        return None
    return found if isinstance(found, dict) else None


def logging_config_problem(body: bytes) -> WsgiReply | None:
    """AWS's 400 for a LoggingConfig it refuses (else None)."""
    wanted = requested_logging(body)
    if wanted is None:
        return None
    problems = []
    if "LogFormat" in wanted and wanted["LogFormat"] not in FORMATS:
        problems.append(f"LogFormat must be one of {', '.join(FORMATS)}")
    if "ApplicationLogLevel" in wanted and wanted["ApplicationLogLevel"] not in APPLICATION_LEVELS:
        problems.append(f"ApplicationLogLevel must be one of {', '.join(APPLICATION_LEVELS)}")
    if "SystemLogLevel" in wanted and wanted["SystemLogLevel"] not in SYSTEM_LEVELS:
        problems.append(f"SystemLogLevel must be one of {', '.join(SYSTEM_LEVELS)}")
    if not problems:
        return None
    body_out = json.dumps({"Type": "User", "message": "; ".join(problems)}).encode()
    headers = [("Content-Type", "application/json"), ("x-amzn-ErrorType", "InvalidParameterValueException")]
    return WsgiReply(400, headers, body_out)


def merged_logging(current: dict[str, Any] | None, wanted: dict[str, Any], name: str) -> dict[str, Any]:
    """The function's LoggingConfig after an update naming `wanted`."""
    out = dict(current or {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"})
    out.update(
        {k: v for k, v in wanted.items() if k in ("LogFormat", "ApplicationLogLevel", "SystemLogLevel", "LogGroup")}
    )
    if out.get("LogFormat") == "JSON":
        out.setdefault("ApplicationLogLevel", "INFO")
        out.setdefault("SystemLogLevel", "INFO")
    else:  # the levels apply only with JSON
        out.pop("ApplicationLogLevel", None)
        out.pop("SystemLogLevel", None)
    return out


def reported(fn: Any, name: str) -> dict[str, Any]:
    return dict(getattr(fn, "logging_config", None) or {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"})
