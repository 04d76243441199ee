"""The REST Lambda-proxy event and response (reference J4, J5). The event
is payload 1.0 (apigatewayv2/events.event_v1 builds the shared parts) with
REST's own differences applied here."""

from __future__ import annotations

import base64
from typing import Any

from .. import fastjson
from ..apigatewayv2 import events
from ..apigatewayv2.events import BadOutput, HttpRequest, HttpResponse
from . import binarymedia

# J5: the only keys a proxy response may have; any other is a 502 (the
# AWS-validated test_aws_proxy_response_payload_format_validation snapshot).
_ALLOWED_KEYS = frozenset({"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"})


def proxy_event(
    request: HttpRequest,
    about: events.Context,
    path: str,
    deployment_id: str,
    extended_request_id: str,
    binary_media_types: tuple[str, ...] = (),
) -> dict[str, Any]:
    """`path`: the request's path without the stage (J4); `binary_media_types`:
    the stage's deployment's (binarymedia.py)."""
    event = events.event_v1(request, about)
    # J4: REST events have no `version` key (one broke Rust deserialisers: aws/aws-sam-cli#6442).
    del event["version"]
    # J4: Content-Length is not forwarded (medium confidence).
    event["headers"].pop("content-length", None)
    event["multiValueHeaders"].pop("content-length", None)
    event["path"] = path
    content_type = next((v for k, v in request.headers if k == "content-type"), None)
    if request.body and binarymedia.matches(content_type, binary_media_types):
        event["body"], event["isBase64Encoded"] = base64.b64encode(request.body).decode(), True
    elif event["isBase64Encoded"]:
        # REST passes a body as text unless the API's binaryMediaTypes match
        # it (J5 [C] LocalStack integrations/aws.py; [D] lambda-proxy-binary-media);
        # only a body that is not UTF-8 stays base64 here (it cannot be text).
        try:
            event["body"], event["isBase64Encoded"] = request.body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    context = event["requestContext"]
    context["path"] = f"/{about.stage}{path}"  # J4: requestContext.path keeps the stage
    context["extendedRequestId"] = extended_request_id
    context["deploymentId"] = deployment_id
    return event


def proxy_response(payload: bytes, accept: str | None = None, binary_media_types: tuple[str, ...] = ()) -> HttpResponse:
    """J5's strict validation: anything but an object of the allowed keys
    with a numeric statusCode (absent: 200, unless the object is empty) is
    BadOutput, which API Gateway answers with 502. `accept`: the request's
    Accept header, which decides with `binary_media_types` whether a base64
    body goes out as bytes (binarymedia.py)."""
    try:
        result = fastjson.loads(payload)
    except ValueError:
        raise BadOutput("output is not JSON") from None
    if not isinstance(result, dict) or not result:
        raise BadOutput("output is not a non-empty JSON object")
    unknown = set(result) - _ALLOWED_KEYS
    if unknown:
        raise BadOutput(f"unexpected keys {sorted(unknown)}")
    status = events.status_code(result.get("statusCode", 200))
    merged: dict[str, tuple[str, list[str]]] = {}  # lowercased name -> (spelling, values)
    multi = result.get("multiValueHeaders") or {}
    if not isinstance(multi, dict):
        raise BadOutput("multiValueHeaders is not an object")
    for name, values in multi.items():
        if not isinstance(values, list):
            raise BadOutput(f"multiValueHeaders.{name} is not a list")  # J5: a bare string is a 502
        merged[str(name).lower()] = (str(name), [_text(v) for v in values])
    for name, value in events.response_headers(result.get("headers")):
        # J5: a name in both is one header, multiValueHeaders' spelling and values first.
        spelling, values = merged.get(name, (name, []))
        merged[name] = (spelling, [*values, value])
    headers = [events.checked_header(spelling.lower(), ", ".join(values)) for spelling, values in merged.values()]
    if "content-type" not in merged:
        headers.append(("content-type", "application/json"))  # J5: {"statusCode": 200} comes back as JSON
    body = result.get("body")
    if body is not None and not isinstance(body, str):
        raise BadOutput("body is not a string")
    if result.get("isBase64Encoded") is True and binarymedia.matches(accept, binary_media_types):
        # Not valid base64: a malformed output, as HTTP APIs treat it (our choice, unverified for REST).
        return HttpResponse(status, headers, events.decode_body(body, True))
    # J5: without a matching binaryMediaTypes entry, isBase64Encoded: true bodies go out still base64.
    return HttpResponse(status, headers, body.encode("utf-8") if body else b"")


def _text(value: Any) -> str:
    if isinstance(value, (dict, list)):
        raise BadOutput("a header value is not a scalar")
    return ("true" if value else "false") if isinstance(value, bool) else str(value)
