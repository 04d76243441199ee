"""Request -> Lambda event (payload 2.0 and 1.0), and Lambda output -> HTTP
response, following reference B1-B4 field by field."""

from __future__ import annotations

import base64
import binascii
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote

from .. import fastjson

# B2: only these bodies reach the function as text; the rest is base64.
_TEXT_TYPES = ("application/json", "application/xml", "application/javascript")
# Ids, not secrets: a fast generator beats a syscall per request.
_rand = random.Random()
# What HTTP (RFC 9110) allows in a header's name and value, as uvicorn checks it.
_BAD_HEADER_NAME = re.compile(r'[\x00-\x1f\x7f()<>@,;:\[\]={} \t\\"]')
BAD_HEADER_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass
class HttpRequest:
    method: str
    raw_path: str  # decoded, with any named stage's prefix
    raw_query: str  # still percent-encoded, without '?'
    headers: list[tuple[str, str]]  # names lowercased, in arrival order
    body: bytes
    source_ip: str
    protocol: str = "HTTP/1.1"
    signed_path: str = ""  # the path as the client sent it, still encoded: what SigV4 signed (IAM routes)


@dataclass
class Context:
    """What API Gateway knows about the request besides the request."""

    account: str
    api_id: str
    domain: str
    stage: str
    route_key: str
    path_parameters: dict[str, str]
    stage_variables: dict[str, str]
    request_id: str
    resource_path: str  # the route's path, for 1.0's `resource`
    time_epoch_ms: int = field(default_factory=lambda: int(time.time() * 1000))
    authorizer: dict[str, Any] | None = None  # what an authorizer passes on (2.0: {"jwt": ...})


def new_request_id() -> str:
    """API Gateway's request id shape: 16 characters of base64 ending in
    '=' (e.g. RL2XYiwjPHcEMEQ=), which is what 11 random bytes encode to."""
    return binascii.b2a_base64(_rand.getrandbits(88).to_bytes(11, "big"), newline=False).decode()


def trace_id(epoch_s: int) -> str:
    return f"Root=1-{epoch_s:08x}-{_rand.getrandbits(96):024x}"


_clf_cache: list[Any] = [None, ""]


def clf_time(epoch_ms: int) -> str:
    second = epoch_ms // 1000
    if _clf_cache[0] != second:  # many requests share a second
        t = time.gmtime(second)
        _clf_cache[:] = [
            second,
            f"{t.tm_mday:02d}/{_MONTHS[t.tm_mon - 1]}/{t.tm_year}:{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000",
        ]
    return _clf_cache[1]


def is_text(content_type: str | None) -> bool:
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media.startswith("text/") or media in _TEXT_TYPES


def _joined_headers(request: HttpRequest, ctx: Context) -> dict[str, str]:
    """Lowercased, repeats joined with a bare comma; API Gateway's own
    headers added or overwritten (B1)."""
    headers: dict[str, str] = {}
    for name, value in request.headers:
        headers[name] = f"{headers[name]},{value}" if name in headers else value
    headers["content-length"] = str(len(request.body))
    headers["host"] = ctx.domain
    forwarded = headers.get("x-forwarded-for")
    headers["x-forwarded-for"] = f"{forwarded}, {request.source_ip}" if forwarded else request.source_ip
    headers["x-forwarded-port"] = ctx.domain.rpartition(":")[2] if ":" in ctx.domain else "80"
    headers["x-forwarded-proto"] = "http"
    headers["x-amzn-trace-id"] = trace_id(ctx.time_epoch_ms // 1000)
    return headers


def query_map(raw_query: str) -> dict[str, list[str]]:
    if not raw_query:
        return {}  # most requests: parse_qsl's setup is a few us
    out: dict[str, list[str]] = {}
    for key, value in parse_qsl(raw_query, keep_blank_values=True):
        out.setdefault(key, []).append(value)
    return out


def body_field(request: HttpRequest, content_type: str | None) -> tuple[str | None, bool]:
    if not request.body:
        return None, False
    if is_text(content_type):
        try:
            return request.body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(request.body).decode(), True


def event_v2(request: HttpRequest, ctx: Context) -> dict[str, Any]:
    headers = _joined_headers(request, ctx)
    cookie_header = headers.pop("cookie", None)
    body, b64 = body_field(request, headers.get("content-type"))
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": ctx.route_key,
        "rawPath": request.raw_path,
        "rawQueryString": request.raw_query,
    }
    if cookie_header:
        event["cookies"] = [c.strip() for c in cookie_header.replace(",", ";").split(";") if c.strip()]
    event["headers"] = headers
    if request.raw_query:
        event["queryStringParameters"] = {k: ",".join(v) for k, v in query_map(request.raw_query).items()}
    event["requestContext"] = {
        "accountId": ctx.account,
        "apiId": ctx.api_id,
        **({"authorizer": ctx.authorizer} if ctx.authorizer is not None else {}),
        "domainName": ctx.domain.partition(":")[0],
        "domainPrefix": ctx.api_id,
        "http": {
            "method": request.method,
            "path": request.raw_path,
            "protocol": request.protocol,
            "sourceIp": request.source_ip,
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": ctx.request_id,
        "routeKey": ctx.route_key,
        "stage": ctx.stage,
        "time": clf_time(ctx.time_epoch_ms),
        "timeEpoch": ctx.time_epoch_ms,
    }
    if body is not None:
        event["body"] = body
    if ctx.path_parameters:
        event["pathParameters"] = dict(ctx.path_parameters)
    event["isBase64Encoded"] = b64
    if ctx.stage_variables:
        event["stageVariables"] = dict(ctx.stage_variables)
    return event


def event_v1(request: HttpRequest, ctx: Context) -> dict[str, Any]:
    """Payload 1.0: absent maps are null, not omitted (B3)."""
    multi: dict[str, list[str]] = {}
    for name, value in request.headers:
        multi.setdefault(name, []).append(value)
    headers = _joined_headers(request, ctx)
    for name in (
        "content-length",
        "host",
        "x-forwarded-for",
        "x-forwarded-port",
        "x-forwarded-proto",
        "x-amzn-trace-id",
    ):
        multi[name] = [headers[name]]
    query = query_map(request.raw_query)
    body, b64 = body_field(request, headers.get("content-type"))
    path = request.raw_path
    return {
        "version": "1.0",
        "resource": ctx.resource_path,
        "path": path,
        "httpMethod": request.method,
        "headers": {k: v[-1] for k, v in multi.items()},
        "multiValueHeaders": multi,
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "requestContext": {
            "accountId": ctx.account,
            "apiId": ctx.api_id,
            # 1.0 on an HTTP API: the JWT's claims and scopes directly (the docs' 1.0 example
            # has "authorizer": {"claims": null, "scopes": null}; its shape with a real JWT is unverified).
            **({"authorizer": _v1_authorizer(ctx.authorizer)} if ctx.authorizer is not None else {}),
            "domainName": ctx.domain.partition(":")[0],
            "domainPrefix": ctx.api_id,
            "extendedRequestId": ctx.request_id,
            "httpMethod": request.method,
            "identity": {
                "sourceIp": request.source_ip,
                "userAgent": headers.get("user-agent", ""),
                "accessKey": None,
                "accountId": None,
                "caller": None,
                "cognitoAuthenticationProvider": None,
                "cognitoAuthenticationType": None,
                "cognitoIdentityId": None,
                "cognitoIdentityPoolId": None,
                "principalOrgId": None,
                "user": None,
                "userArn": None,
            },
            "path": path,
            "protocol": request.protocol,
            "requestId": ctx.request_id,
            "requestTime": clf_time(ctx.time_epoch_ms),
            "requestTimeEpoch": ctx.time_epoch_ms,
            "resourceId": ctx.route_key,
            "resourcePath": ctx.resource_path,
            "stage": ctx.stage,
        },
        "pathParameters": dict(ctx.path_parameters) or None,
        "stageVariables": dict(ctx.stage_variables) or None,
        "body": body,
        "isBase64Encoded": b64,
    }


def _v1_authorizer(found: dict[str, Any]) -> Any:
    """1.0 on an HTTP API (unverified, reference G1/G2): a JWT's claims and
    scopes, or a Lambda authorizer's context keys, directly (as REST puts them)."""
    return found.get("jwt") or found.get("lambda") or found


class BadOutput(ValueError):
    """The function's output is not a response API Gateway can send."""


@dataclass
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def response_headers(raw: Any) -> list[tuple[str, str]]:
    if raw is None:
        return []
    if not isinstance(raw, dict):
        raise BadOutput("headers is not an object")
    out = []
    for name, value in raw.items():
        if isinstance(value, (dict, list)):
            raise BadOutput(f"header {name} is not a scalar")
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        out.append(checked_header(str(name).lower(), text))
    return out


def checked_header(name: str, value: str) -> tuple[str, str]:
    if _BAD_HEADER_NAME.search(name) or not name or BAD_HEADER_VALUE.search(value):
        raise BadOutput(f"header {name!r} has characters no HTTP header may carry")
    return name, value


def decode_body(body: Any, b64: Any) -> bytes:
    if body is None:
        return b""
    if not isinstance(body, str):
        raise BadOutput("body is not a string")
    if b64 is True:
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise BadOutput("body is not valid base64") from None
    return body.encode("utf-8")


def status_code(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise BadOutput("statusCode is not a number")
    try:
        status = int(value)
    except ValueError:
        raise BadOutput("statusCode is not a number") from None
    if not 100 <= status <= 599:
        raise BadOutput("statusCode is out of range")
    return status


def response_v2(payload: bytes) -> HttpResponse:
    """B4: JSON without statusCode is the body itself (a JSON string's
    contents); with statusCode it is the custom form; multiValueHeaders
    is ignored; no content-type means text/plain."""
    try:
        result = fastjson.loads(payload) if payload.strip() else None
    except ValueError:
        raise BadOutput("output is not JSON") from None
    if not isinstance(result, dict) or "statusCode" not in result:
        if result is None and not payload.strip():
            raise BadOutput("output is empty")
        body = result.encode() if isinstance(result, str) else payload
        return HttpResponse(200, [("content-type", "application/json")], body)
    status = status_code(result["statusCode"])
    headers = response_headers(result.get("headers"))
    cookies = result.get("cookies") or []
    if not isinstance(cookies, list):
        raise BadOutput("cookies is not a list")
    for cookie in map(str, cookies):
        if BAD_HEADER_VALUE.search(cookie):
            raise BadOutput("a cookie has characters no HTTP header may carry")
        headers.append(("set-cookie", cookie))
    if not any(name == "content-type" for name, _ in headers):
        headers.append(("content-type", "text/plain; charset=utf-8"))
    return HttpResponse(status, headers, decode_body(result.get("body"), result.get("isBase64Encoded")))


def response_v1(payload: bytes) -> HttpResponse:
    """B3: 1.0 does not guess; a response without statusCode is a 500."""
    try:
        result = fastjson.loads(payload)
    except ValueError:
        raise BadOutput("output is not JSON") from None
    if not isinstance(result, dict) or "statusCode" not in result:
        raise BadOutput("output has no statusCode")
    status = status_code(result["statusCode"])
    headers = response_headers(result.get("headers"))
    multi = result.get("multiValueHeaders") or {}
    if not isinstance(multi, dict):
        raise BadOutput("multiValueHeaders is not an object")
    single = {name for name, _ in headers}
    for name, values in multi.items():
        if str(name).lower() in single:
            continue
        for value in values if isinstance(values, list) else [values]:
            headers.append(checked_header(str(name).lower(), str(value)))
    # Low confidence: 1.0 without a content-type is sent as JSON, as REST
    # APIs do; the reference documents the text/plain default for 2.0 only.
    if not any(name == "content-type" for name, _ in headers):
        headers.append(("content-type", "application/json"))
    return HttpResponse(status, headers, decode_body(result.get("body"), result.get("isBase64Encoded")))


def decoded_path(raw: str) -> str:
    """HTTP APIs hand the function the percent-DEcoded path (B1)."""
    return unquote(raw)
