"""HTTP API access logs (reference H3): a stage's AccessLogSettings name a
CloudWatch Logs group (DestinationArn) and a Format whose $context
variables are filled per request (http-api-logging-variables), one line per
request in the group, where `aws logs filter-log-events` reads it.

Values a request does not have are written as "-", as API Gateway writes
them. $context.protocol is always HTTP/1.1 (the variables page says so even
for HTTP/2 clients). The stream name is not documented for HTTP APIs: ours
is `{apiId}_{stage}`, so do not rely on it."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from awsrules.accesslogs import LOG_GROUP_ARN

from ..moto_bridge import ACCOUNT
from .errors import MESSAGES

_VARIABLE = re.compile(r"\$context\.([A-Za-z0-9_.]+)")


@dataclass(frozen=True)
class AccessLog:
    region: str
    group: str
    format: str


def settings_of(stored: Any) -> AccessLog | None:
    """From a stage's accessLogSettings as moto keeps them; None when off."""
    if not isinstance(stored, dict):
        return None
    found = LOG_GROUP_ARN.match(str(stored.get("destinationArn") or ""))
    fmt = stored.get("format")
    if found is None or not isinstance(fmt, str) or not fmt:
        return None
    return AccessLog(found.group(1), found.group(3), fmt)


@dataclass(frozen=True)
class _Target:  # what LogSink.add reads
    region: str
    log_group: str


def _clf(epoch_s: float) -> str:
    return time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(epoch_s))


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    return next((v for k, v in headers if k == name), None)


def values(ctx: Any, received_s: float, latency_ms: float, integration_ms: float | None) -> dict[str, str]:
    """$context name -> its value for this request (strings, as substituted)."""
    request = ctx.request
    response = ctx.response
    host = _header(request.headers, "host") or ""
    status = response.status if response is not None else 500
    own_error = ctx.result is None and status >= 400  # API Gateway answered by itself
    message = MESSAGES.get(status, "") if own_error else ""
    found: dict[str, str | None] = {
        "requestId": ctx.request_id,
        "extendedRequestId": ctx.request_id,
        "accountId": ACCOUNT,
        "apiId": ctx.api_id,
        "domainName": host.split(":")[0] or None,
        "domainPrefix": host.split(".")[0] or None,
        "httpMethod": request.method,
        "path": request.raw_path,
        "routeKey": ctx.route_key,
        "stage": ctx.stage or None,
        "protocol": "HTTP/1.1",
        "requestTime": _clf(received_s),
        "requestTimeEpoch": str(int(received_s * 1000)),
        "status": str(status),
        "responseLength": str(len(response.body)) if response is not None else None,
        "responseLatency": str(round(latency_ms)),
        "integrationLatency": str(round(integration_ms)) if integration_ms is not None else None,
        "integration.latency": str(round(integration_ms)) if integration_ms is not None else None,
        "integrationStatus": "200" if ctx.result is not None else None,
        "integration.integrationStatus": "200" if ctx.result is not None else None,
        "integration.status": str(status) if ctx.result is not None else None,
        "integrationErrorMessage": ctx.note if ctx.result is not None and status >= 500 else None,
        "error.message": message or None,
        "error.messageString": f'"{message}"' if message else None,
        "identity.sourceIp": request.source_ip,
        "identity.userAgent": _header(request.headers, "user-agent"),
    }
    return {name: value for name, value in found.items() if value is not None}


def line(fmt: str, known: dict[str, str]) -> str:
    return _VARIABLE.sub(lambda m: known.get(m.group(1), "-"), fmt)


class AccessLogs:
    """Writes a request's line into its stage's group, through the sink
    the runtime's log lines take (stored when something reads logs)."""

    def __init__(self, sink: Any):
        self.sink = sink

    def write(self, ctx: Any, received_s: float, latency_ms: float, integration_ms: float | None) -> None:
        stage_view = ctx.stage_view
        settings = stage_view.access_log if stage_view is not None else None
        if settings is None:
            return
        text = line(settings.format, values(ctx, received_s, latency_ms, integration_ms))
        self.sink.add(
            _Target(settings.region, settings.group), f"{ctx.api_id}_{ctx.stage}", [(int(received_s * 1000), text)]
        )
