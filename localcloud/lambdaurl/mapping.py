"""A function URL request -> its Lambda event, and the function's output
-> the HTTP response. Payload 2.0, with the rules that set function URLs
apart from HTTP APIs (reference I3, I4; LocalStack's AWS-validated
snapshots test_lambda_url_* in tests/aws/services/lambda_/test_lambda.py,
recorded 2025-11-24):

- routeKey and stage are "$default"; apiId and domainPrefix the url id;
  accountId "anonymous" for AuthType NONE (the caller's account with
  AWS_IAM, where authorizer.iam says who called); requestId is the Lambda
  invocation's id, the one in x-amzn-RequestId and the log's END line.
- rawPath keeps the client's percent-encoding (/pa2%Fth/1).
- Lambda adds x-amzn-tls-cipher-suite and x-amzn-tls-version (AWS serves
  URLs over TLS only; the values are the recorded ones), x-amzn-trace-id
  and x-forwarded-*; the host is this cloud's name for the URL, so links a
  handler builds lead back here (as execute-api events do).
- Bodies: the HTTP API's rule for what arrives as text (reference B2; the
  form payload test records multipart as base64).
- Output: a JSON object with statusCode is a response; anything else is the
  body, re-serialised compactly ({"hello":"world"}), a JSON string sent
  unquoted; the default content type is application/json, custom form
  included (not text/plain as on HTTP APIs).
"""

from __future__ import annotations

import json
import time
from typing import Any

from .. import fastjson
from ..apigatewayv2 import events
from ..apigatewayv2.events import BadOutput, HttpRequest, HttpResponse

TLS_HEADERS = (("x-amzn-tls-cipher-suite", "ECDHE-RSA-AES128-GCM-SHA256"), ("x-amzn-tls-version", "TLSv1.2"))


def event(
    request: HttpRequest,
    url_id: str,
    domain: str,
    request_id: str,
    account: str = "anonymous",
    authorizer: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """`domain`: host[:port] as this cloud serves the URL; `request.raw_path`
    is the path within the URL, still percent-encoded."""
    epoch_ms = int(time.time() * 1000)
    headers: dict[str, str] = {}
    for name, value in request.headers:
        headers[name] = f"{headers[name]},{value}" if name in headers else value
    headers["host"] = domain
    headers.update(TLS_HEADERS)
    headers["x-amzn-trace-id"] = events.trace_id(epoch_ms // 1000)
    forwarded = headers.get("x-forwarded-for")
    headers["x-forwarded-for"] = f"{forwarded}, {request.source_ip}" if forwarded else request.source_ip
    headers["x-forwarded-port"] = domain.rpartition(":")[2] if ":" in domain else "80"
    headers["x-forwarded-proto"] = "http"
    cookie_header = headers.pop("cookie", None)
    body, b64 = events.body_field(request, headers.get("content-type"))
    out: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": request.raw_path,
        "rawQueryString": request.raw_query,
    }
    if cookie_header:
        out["cookies"] = [c.strip() for c in cookie_header.replace(",", ";").split(";") if c.strip()]
    out["headers"] = headers
    if request.raw_query:
        out["queryStringParameters"] = {k: ",".join(v) for k, v in events.query_map(request.raw_query).items()}
    out["requestContext"] = {
        "accountId": account,
        "apiId": url_id,
        **({"authorizer": authorizer} if authorizer is not None else {}),
        "domainName": domain.partition(":")[0],
        "domainPrefix": url_id,
        "http": {
            "method": request.method,
            "path": request.raw_path,
            "protocol": request.protocol,
            "sourceIp": request.source_ip,
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": request_id,
        "routeKey": "$default",
        "stage": "$default",
        "time": events.clf_time(epoch_ms),
        "timeEpoch": epoch_ms,
    }
    if body is not None:
        out["body"] = body
    out["isBase64Encoded"] = b64
    return out


def response(payload: bytes) -> HttpResponse:
    """I4. Raises BadOutput when a custom response cannot be sent."""
    try:
        result = fastjson.loads(payload) if payload.strip() else None
    except ValueError:
        # Not JSON (a runtime that writes raw bytes): sent as it came.
        return HttpResponse(200, [("content-type", "application/json")], payload)
    if not isinstance(result, dict) or "statusCode" not in result:
        if isinstance(result, str):
            body = result.encode()
        else:
            body = json.dumps(result, separators=(",", ":"), ensure_ascii=False).encode()
        return HttpResponse(200, [("content-type", "application/json")], body)
    status = events.status_code(result["statusCode"])
    headers = events.response_headers(result.get("headers"))
    cookies = result.get("cookies") or []
    if not isinstance(cookies, list):
        raise BadOutput("cookies is not a list")
    for cookie in map(str, cookies):
        if events.BAD_HEADER_VALUE.search(cookie):
            raise BadOutput("a cookie has characters no HTTP header may carry")
        headers.append(("set-cookie", cookie))
    if not any(name == "content-type" for name, _ in headers):
        headers.append(("content-type", "application/json"))
    body_value = result.get("body")
    if isinstance(body_value, (dict, list)):
        body_value = json.dumps(body_value)  # LocalStack does this; AWS's answer is unrecorded
    return HttpResponse(status, headers, events.decode_body(body_value, result.get("isBase64Encoded")))
