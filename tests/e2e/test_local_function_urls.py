"""Lambda function URLs served by a real local cloud, over real HTTP (curl
and httpx): both URL forms, the event and the response mapping, CORS,
metrics, and hostile requests.

Sources, by test: reference aws-behaviour-2 section I, and the
AWS-validated LocalStack snapshots it cites (localstack 8b9a79f,
tests/aws/services/lambda_/test_lambda.snapshot.json and
test_lambda_api.snapshot.json, recorded 2025-11-24/25)."""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any

import httpx
import pytest

from tests.functionurls import ECHO, HELLO, host_of, make_url, path_url


# -- the data plane ----------------------------------------------------------


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_curl_of_the_host_form_answers_hello(cloud: Any) -> None:
    """The issue's done-when; I4 [R] test_lambda_url_invocation[string]: a
    string is sent unquoted as application/json."""
    _, url_id = make_url(cloud, HELLO)
    url = f"http://{host_of(cloud, url_id)}/"  # curl resolves *.localhost to loopback itself
    out = subprocess.run(["curl", "-s", "-i", url], capture_output=True, text=True, timeout=60)
    head, _, body = out.stdout.partition("\n\n")  # text mode turned CRLF into LF
    assert body == "Hello from Lambda!", out.stdout + out.stderr
    assert head.startswith("HTTP/1.1 200") and "content-type: application/json" in head.lower()
    post = httpx.post(path_url(cloud, url_id, "any/path"), content=b"x", timeout=60)
    assert post.status_code == 200 and post.text == "Hello from Lambda!"


def test_the_event_is_a_function_url_event(cloud: Any) -> None:
    """I3: $default placeholders, accountId anonymous, the url id, the
    requestId the response's x-amzn-RequestId carries (test_request_id_invoke_url),
    rawPath still encoded (test_lambda_url_echo_http_fixture_default), the
    TLS and forwarding headers, form bodies as base64 (test_lambda_url_form_payload)."""
    _, url_id = make_url(cloud, ECHO)
    reply = httpx.post(
        path_url(cloud, url_id, "pa2%Fth/1?q=query&multi=a&multi=b"),
        content=b'{"foo": "bar"}',
        headers={"content-type": "application/json", "Extra-Headers": "With WeiRd CapS", "cookie": "a=1; b=2"},
        timeout=60,
    )
    assert reply.status_code == 200, reply.text
    event = reply.json()
    ctx = event["requestContext"]
    assert event["version"] == "2.0" and event["routeKey"] == "$default" and ctx["stage"] == "$default"
    assert ctx["accountId"] == "anonymous" and ctx["apiId"] == url_id and ctx["domainPrefix"] == url_id
    assert ctx["domainName"] == f"{url_id}.lambda-url.us-east-1.localhost"
    assert ctx["requestId"] == reply.headers["x-amzn-requestid"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", ctx["requestId"])
    assert event["rawPath"] == "/pa2%Fth/1" and ctx["http"]["path"] == "/pa2%Fth/1"
    assert event["rawQueryString"] == "q=query&multi=a&multi=b"
    assert event["queryStringParameters"] == {"q": "query", "multi": "a,b"}
    assert event["cookies"] == ["a=1", "b=2"] and "cookie" not in event["headers"]
    headers = event["headers"]
    assert headers["extra-headers"] == "With WeiRd CapS" and headers["host"] == host_of(cloud, url_id)
    for added in ("x-amzn-tls-cipher-suite", "x-amzn-tls-version", "x-amzn-trace-id", "x-forwarded-for"):
        assert added in headers
    assert event["body"] == '{"foo": "bar"}' and event["isBase64Encoded"] is False
    assert "authorizer" not in ctx and "pathParameters" not in event and "stageVariables" not in event
    assert isinstance(ctx["timeEpoch"], int)
    form = httpx.post(path_url(cloud, url_id, "test/value"), files={"f": ("foo", b"bar")}, timeout=60).json()
    assert form["isBase64Encoded"] is True


@pytest.mark.parametrize(
    ("returned", "status", "content_type", "body"),
    [
        # I4 [R] test_lambda_url_invocation[*], recorded 2025-11-24.
        ({"hello": "world"}, 200, "application/json", b'{"hello":"world"}'),
        ({"statusCode": 200, "body": "body123"}, 200, "application/json", b"body123"),
        (["hello", 3, True], 200, "application/json", b'["hello",3,true]'),
        ("hello", 200, "application/json", b"hello"),
        (3.1, 200, "application/json", b"3.1"),
        (True, 200, "application/json", b"true"),
        ({"statusCode": "418", "body": "i'm a teapot"}, 418, "application/json", b"i'm a teapot"),
    ],
)
def test_the_response_mapping(echo_url: str, returned: Any, status: int, content_type: str, body: bytes) -> None:
    reply = httpx.post(echo_url + "?return=1", json=returned, timeout=60)
    assert reply.status_code == status and reply.content == body
    assert reply.headers["content-type"] == content_type


def test_headers_cookies_and_a_failure(echo_url: str) -> None:
    custom = {"statusCode": 201, "headers": {"X-Custom": "v"}, "cookies": ["a=1", "b=2; Path=/"], "body": "ok"}
    reply = httpx.post(echo_url + "?return=1", json=custom, timeout=60)
    assert reply.status_code == 201 and reply.headers["x-custom"] == "v"
    assert reply.headers.get_list("set-cookie") == ["a=1", "b=2; Path=/"]  # [D] urls-invocation
    # I5 [R] test_lambda_url_invocation_exception: 502, plain words.
    crashed = httpx.get(echo_url + "?crash", timeout=60)
    assert crashed.status_code == 502 and crashed.text == "Internal Server Error"
    assert crashed.headers["x-amzn-requestid"]


@pytest.fixture(scope="module")
def echo_url(cloud: Any) -> str:
    _, url_id = make_url(cloud, ECHO)
    return path_url(cloud, url_id)


# -- CORS (I6) ----------------------------------------------------------------


def test_cors_preflight_and_headers(cloud: Any) -> None:
    """I6 [D] urls-configuration: Lambda adds the configured headers and
    they win over the function's; the preflight is answered without the
    function (unverified, see lambdaurl/service.py)."""
    cors = {"AllowOrigins": ["https://app.example"], "AllowMethods": ["POST"], "AllowHeaders": ["x-k"], "MaxAge": 60}
    _, url_id = make_url(cloud, ECHO, Cors=cors)
    url = path_url(cloud, url_id)
    preflight = httpx.options(
        url, headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}, timeout=60
    )
    assert preflight.status_code in (200, 204)
    assert preflight.headers["access-control-allow-origin"] == "https://app.example"
    assert preflight.headers["access-control-allow-methods"] == "POST"
    assert preflight.headers["access-control-max-age"] == "60"
    returned = {"statusCode": 200, "headers": {"access-control-allow-origin": "*", "x-own": "1"}, "body": "b"}
    actual = httpx.post(url + "?return=1", json=returned, headers={"Origin": "https://app.example"}, timeout=60)
    assert actual.headers.get_list("access-control-allow-origin") == ["https://app.example"]
    assert actual.headers["x-own"] == "1"
    _, closed_id = make_url(cloud, ECHO, permissions=(), Cors=cors)  # Lambda's own 403 gets them too
    denied = httpx.get(path_url(cloud, closed_id), headers={"Origin": "https://app.example"}, timeout=60)
    assert denied.status_code == 403 and denied.headers["access-control-allow-origin"] == "https://app.example"


def test_url_requests_are_cloudwatch_metrics(cloud: Any) -> None:
    """I7 (urls-monitoring): UrlRequestCount, Url4xxError, Url5xxError (Sum)
    and UrlRequestLatency in AWS/Lambda by FunctionName, read with the
    GetMetricData call one makes on AWS."""
    import datetime as dt

    name, url_id = make_url(cloud, ECHO, permissions=("url",))  # 403: no lambda:InvokeFunction
    assert httpx.get(path_url(cloud, url_id), timeout=60).status_code == 403
    cloud.client("lambda").add_permission(
        FunctionName=name, StatementId="i", Action="lambda:InvokeFunction", Principal="*", InvokedViaFunctionUrl=True
    )
    assert httpx.get(path_url(cloud, url_id), timeout=60).status_code == 200
    assert httpx.get(path_url(cloud, url_id) + "?crash", timeout=60).status_code == 502
    now = dt.datetime.now(dt.timezone.utc)
    queries = [
        {
            "Id": metric.lower(),
            "MetricStat": {
                "Metric": {
                    "Namespace": "AWS/Lambda",
                    "MetricName": metric,
                    "Dimensions": [{"Name": "FunctionName", "Value": name}],
                },
                "Period": 60,
                "Stat": "Sum" if metric != "UrlRequestLatency" else "SampleCount",
            },
        }
        for metric in ("UrlRequestCount", "Url4xxError", "Url5xxError", "UrlRequestLatency")
    ]
    data = cloud.client("cloudwatch").get_metric_data(
        MetricDataQueries=queries, StartTime=now - dt.timedelta(minutes=10), EndTime=now + dt.timedelta(minutes=1)
    )
    sums = {r["Id"]: sum(r["Values"]) for r in data["MetricDataResults"]}
    assert sums == {"urlrequestcount": 3, "url4xxerror": 1, "url5xxerror": 1, "urlrequestlatency": 3}


def test_hostile_requests_get_answers_not_tracebacks(cloud: Any) -> None:
    """Made-up ids, odd bytes and encodings in the path, a body over the
    limit: each gets an answer (403 for an unknown URL, as I5; 413), and
    the cloud keeps serving."""
    import socket

    _, url_id = make_url(cloud, ECHO)
    log_start = len(cloud.log.read_text())
    raw_paths = [
        b"/_aws/lambda-url/",
        b"/_aws/lambda-url/%ff%fe/x",
        b"/_aws/lambda-url/" + b"a" * 5000,
        b"/_aws/lambda-url/" + url_id.encode() + b"/%ff%00\xc3\xa9?%zz=%&a=\xff",
    ]
    statuses = []
    for raw in raw_paths:
        with socket.create_connection(("127.0.0.1", cloud.port), timeout=60) as sock:
            sock.sendall(b"GET " + raw + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            reply = b""
            while chunk := sock.recv(65536):
                reply += chunk
        statuses.append(int(reply.split(b" ", 2)[1]))
    assert statuses[:3] == [403, 403, 403] and statuses[3] in (200, 400), statuses
    too_big = httpx.post(path_url(cloud, url_id), content=b"x" * (11 * 1024 * 1024), timeout=60)
    assert too_big.status_code == 413
    assert httpx.get(path_url(cloud, url_id), timeout=60).status_code == 200
    assert "Traceback" not in cloud.log.read_text()[log_start:]
