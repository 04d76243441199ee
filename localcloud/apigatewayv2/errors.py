"""API Gateway's own answers for HTTP APIs (reference B5): exceptions a
data-plane handler raises, and the one place that turns them into
responses. A handler says *why* (the note the request log and the test
screen show); what the client gets is decided here."""

from __future__ import annotations

import json

from .events import HttpResponse

# Exact casing matters: HTTP APIs say "Internal Server Error", REST APIs
# "Internal server error" (B5's casing trap).
MESSAGES = {
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    413: "Request Entity Too Large",
    429: "Too Many Requests",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
_BODIES = {status: json.dumps({"message": text}, separators=(",", ":")).encode() for status, text in MESSAGES.items()}


def gateway_error(status: int) -> HttpResponse:
    """API Gateway's answer for `status`: {"message": ...} as JSON."""
    return HttpResponse(status, [("content-type", "application/json")], _BODIES[status])


class GatewayError(Exception):
    """API Gateway answers by itself; `note` says why (None: nothing to add)."""

    status = 500
    headers: tuple[tuple[str, str], ...] = ()  # sent with the answer (a 401's www-authenticate)
    body: bytes | None = None  # instead of {"message": <the status's text>} (IAM's own words)

    def __init__(self, note: str | None = None):
        super().__init__(note or MESSAGES[self.status])
        self.note = note


class NotFound(GatewayError):
    """No API, stage or route for the request (B5 rows 1-3)."""

    status = 404


class PayloadTooLarge(GatewayError):
    """Over the 10 MB payload quota, or over Lambda's invoke payload limit."""

    status = 413


class HeaderFieldsTooLarge(GatewayError):
    """Request line and header values over 10,240 bytes (http-api-quotas).
    AWS documents the quota, not the status (a user report quotes "HTTP
    header is larger than 10240 bytes."): 431 (RFC 6585) is ours."""

    status = 431


class ApiConfigurationError(GatewayError):
    """The route cannot reach a function: no integration, a kind we do not
    run, a missing function, or no permission to invoke it (B5)."""

    status = 500


class IntegrationFailure(GatewayError):
    """The function failed, or answered with output API Gateway cannot map (B5)."""

    status = 500


class IntegrationTimeout(GatewayError):
    """The integration's timeout passed before Lambda answered (B5: 503)."""

    status = 503

    def __init__(self, timeout_ms: int):
        super().__init__(f"integration timeout ({timeout_ms} ms)")
        self.timeout_ms = timeout_ms


def answer(error: GatewayError) -> HttpResponse:
    """The response for an error a handler raised."""
    response = gateway_error(error.status)
    if error.headers or error.body is not None:
        body = response.body if error.body is None else error.body
        response = HttpResponse(response.status, [*response.headers, *error.headers], body)
    return response
