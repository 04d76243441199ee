"""The Lambda events of a WebSocket API's routes (reference K4, real
captures: gist noid11, aws-lambda-go#547/548, boto3#3789).

CONNECT and DISCONNECT carry the handshake's headers; MESSAGE carries the
frame's text as `body` and no headers; DISCONNECT adds the close code and
reason ("observed, not documented"). Header names arrive lowercased
(uvicorn's ASGI scope): AWS keeps the client's casing (K4)."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs

from ..moto_bridge import ACCOUNT
from .connections import Connection
from .ids import new_id

# Close codes' reasons as API Gateway words them in disconnectReason (K4).
_REASONS = {1000: "Connection Closed Normally", 1001: "Going Away", 1005: "No Status Received"}


def _request_time(now: float) -> str:
    return time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now))


def _identity(connection: Connection) -> dict[str, Any]:
    keys = ("cognitoIdentityPoolId", "cognitoIdentityId", "principalOrgId", "cognitoAuthenticationType", "userArn")
    identity: dict[str, Any] = dict.fromkeys(keys)
    identity.update(dict.fromkeys(("accountId", "caller", "accessKey", "cognitoAuthenticationProvider", "user")))
    identity["userAgent"] = connection.user_agent
    identity["sourceIp"] = connection.source_ip
    return identity


def _context(connection: Connection, domain: str, route_key: str, event_type: str) -> dict[str, Any]:
    now = time.time()
    request_id = new_id()
    return {
        "routeKey": route_key,
        "eventType": event_type,
        "extendedRequestId": request_id,
        "requestTime": _request_time(now),
        "messageDirection": "IN",
        "stage": connection.stage,
        "connectedAt": int(connection.connected_at * 1000),
        "requestTimeEpoch": int(now * 1000),
        "identity": _identity(connection),
        "requestId": request_id,
        "domainName": domain,
        "connectionId": connection.connection_id,
        "apiId": connection.api_id,
        "accountId": ACCOUNT,
    }


def _with_headers(event: dict[str, Any], headers: list[tuple[str, str]], query: str) -> dict[str, Any]:
    multi: dict[str, list[str]] = {}
    for name, value in headers:
        multi.setdefault(name, []).append(value)
    event["headers"] = {name: values[-1] for name, values in multi.items()}
    event["multiValueHeaders"] = multi
    if query:
        params = parse_qs(query, keep_blank_values=True)
        event["queryStringParameters"] = {k: v[-1] for k, v in params.items()}
        event["multiValueQueryStringParameters"] = params
    event["isBase64Encoded"] = False
    return event


def connect_event(connection: Connection, domain: str, headers: list[tuple[str, str]], query: str) -> dict[str, Any]:
    context = _context(connection, domain, "$connect", "CONNECT")
    context.update(disconnectStatusCode=None, messageId=None, disconnectReason=None)
    return _with_headers({"requestContext": context}, headers, query)


def message_event(connection: Connection, domain: str, route_key: str, body: str) -> dict[str, Any]:
    context = _context(connection, domain, route_key, "MESSAGE")
    context["messageId"] = new_id()
    return {"requestContext": context, "body": body, "isBase64Encoded": False}


def disconnect_event(
    connection: Connection, domain: str, headers: list[tuple[str, str]], query: str, code: int
) -> dict[str, Any]:
    context = _context(connection, domain, "$disconnect", "DISCONNECT")
    context.update(disconnectStatusCode=code, messageId=None, disconnectReason=_REASONS.get(code, ""))
    return _with_headers({"requestContext": context}, headers, query)
