"""What a two-way route sends back to the client (reference K1).

AWS docs (apigateway-websocket-api-route-response): with a route response
on a Lambda proxy route, "the body of your Lambda function should return";
serverless-offline's parity work (PR #1301, WebSocketClients.js) sends the
answer's `body` the same way. A proxy-shaped answer (an object with
statusCode, headers or body) gives its `body` (nothing when it has none;
a non-string body as its JSON); any other return value (a string, a list,
an object of other keys) is the integration's response as Lambda returned
it, its JSON text, which API Gateway passes through. A function that
returns None sends nothing: our choice, AWS documents no case."""

from __future__ import annotations

from typing import Any

from .. import fastjson

_PROXY_KEYS = frozenset({"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"})


def reply_of(payload: bytes | None, answer: Any) -> bytes | None:
    """The frame to send for the function's raw `payload` (already parsed
    as `answer`), or None for none."""
    if answer is None:
        return None
    if isinstance(answer, dict) and answer.keys() & _PROXY_KEYS:
        body = answer.get("body")
        if body is None:
            return None
        return body.encode() if isinstance(body, str) else fastjson.dumps(body)
    return payload or None
