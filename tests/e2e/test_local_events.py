"""Reference B1-B3: the event the function receives, over real HTTP."""

from __future__ import annotations

import base64
import json
import re
import time
from typing import Any

import httpx
import pytest

from tests.cloudproc import ECHO, Deployed, deploy


@pytest.fixture(scope="module")
def echo(cloud: Any) -> Deployed:
    return deploy(cloud, ECHO, routes=("ANY /echo", "GET /pets/{id}", "ANY /files/{path+}"))


def event_of(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    return json.loads(response.text)


def test_basic_get_event_fields(echo: Deployed) -> None:
    before = int(time.time() * 1000)
    response = echo.get("/echo", headers={"User-Agent": "conformance/1"})
    event = event_of(response)
    assert event["version"] == "2.0"
    assert event["routeKey"] == "ANY /echo"  # the matched route, not the request
    assert event["rawPath"] == "/echo"
    assert event["rawQueryString"] == ""
    for absent in ("queryStringParameters", "cookies", "body", "pathParameters", "stageVariables"):
        assert absent not in event, absent
    assert event["isBase64Encoded"] is False
    ctx = event["requestContext"]
    assert ctx["accountId"] == "123456789012" and ctx["apiId"] == echo.api_id
    assert ctx["domainName"] == f"{echo.api_id}.execute-api.localhost" and ctx["domainPrefix"] == echo.api_id
    assert ctx["http"] == {
        "method": "GET",
        "path": "/echo",
        "protocol": "HTTP/1.1",
        "sourceIp": "127.0.0.1",
        "userAgent": "conformance/1",
    }
    assert ctx["routeKey"] == "ANY /echo" and ctx["stage"] == "$default"
    assert re.fullmatch(r"[A-Za-z0-9+/]{15}=", ctx["requestId"])
    assert response.headers["apigw-requestid"] == ctx["requestId"]
    assert re.fullmatch(r"\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000", ctx["time"])
    assert before <= ctx["timeEpoch"] <= int(time.time() * 1000)  # milliseconds
    assert "authorizer" not in ctx and "authentication" not in ctx and "routeId" not in ctx
    headers = event["headers"]
    assert headers["content-length"] == "0" and headers["user-agent"] == "conformance/1"
    assert headers["x-forwarded-for"] == "127.0.0.1" and headers["x-forwarded-proto"] == "http"
    assert re.fullmatch(r"Root=1-[0-9a-f]{8}-[0-9a-f]{24}", headers["x-amzn-trace-id"])
    assert all(name == name.lower() for name in headers)


def test_the_function_runs_in_the_trace_api_gateway_started(cloud: Any) -> None:
    """_X_AMZN_TRACE_ID continues the X-Amzn-Trace-Id that API Gateway adds."""
    api = deploy(
        cloud,
        "import json, os\ndef lambda_handler(event, context):\n"
        "    return {'statusCode': 200, 'body': json.dumps([event['headers']['x-amzn-trace-id'],"
        " os.environ['_X_AMZN_TRACE_ID']])}\n",
    )
    for _ in range(2):
        header, env = api.get("/echo").json()
        # The function's own segment is the Parent (lambci/docker-lambda#70: Root;Parent;Sampled).
        assert re.fullmatch(re.escape(header) + r";Parent=[0-9a-f]{16};Sampled=0", env)


def test_request_ids_are_unique(echo: Deployed) -> None:
    ids = {event_of(echo.get("/echo"))["requestContext"]["requestId"] for _ in range(5)}
    assert len(ids) == 5


def test_repeated_headers_are_joined_with_a_bare_comma(echo: Deployed) -> None:
    event = event_of(echo.get("/echo", headers=[("X-Multi", "a"), ("X-Multi", "b")]))
    assert event["headers"]["x-multi"] == "a,b"


def test_cookies_move_out_of_headers(echo: Deployed) -> None:
    event = event_of(echo.get("/echo", headers={"Cookie": "a=1; b=2"}))
    assert event["cookies"] == ["a=1", "b=2"]
    assert "cookie" not in event["headers"]


def test_query_strings(echo: Deployed) -> None:
    event = event_of(echo.get("/echo?name=J%C3%BCrgen&tag=a&tag=b&empty="))
    assert event["rawQueryString"] == "name=J%C3%BCrgen&tag=a&tag=b&empty="  # still encoded
    assert event["queryStringParameters"] == {"name": "Jürgen", "tag": "a,b", "empty": ""}


def test_path_parameters_and_greedy_proxy(echo: Deployed) -> None:
    event = event_of(echo.get("/pets/42"))
    assert event["routeKey"] == "GET /pets/{id}" and event["pathParameters"] == {"id": "42"}
    event = event_of(echo.get("/files/a/b/c.txt"))
    assert event["pathParameters"] == {"path": "a/b/c.txt"}


def test_raw_path_is_percent_decoded(echo: Deployed) -> None:
    event = event_of(echo.get("/files/%40id/x%20y"))
    assert event["rawPath"] == "/files/@id/x y"
    assert event["requestContext"]["http"]["path"] == "/files/@id/x y"


@pytest.mark.parametrize(
    ("content_type", "encoded"),
    [
        ("application/json", False),
        ("text/plain; charset=utf-8", False),
        ("application/xml", False),
        ("application/javascript", False),
        ("application/x-www-form-urlencoded", True),
        ("application/octet-stream", True),
        ("multipart/form-data; boundary=x", True),
        (None, True),
    ],
)
def test_body_encoding_follows_content_type(echo: Deployed, content_type: str | None, encoded: bool) -> None:
    body = b'{"a": 1}'
    headers = {"Content-Type": content_type} if content_type else {}
    event = event_of(echo.request("POST", "/echo", content=body, headers=headers))
    assert event["isBase64Encoded"] is encoded
    assert (base64.b64decode(event["body"]) if encoded else event["body"].encode()) == body
    assert event["headers"]["content-length"] == str(len(body))


def test_named_stage_keeps_its_prefix_in_raw_path(cloud: Any) -> None:
    api = deploy(cloud, ECHO, routes=("GET /echo",), stage="dev", stage_variables={"color": "blue"})
    event = event_of(api.get("/echo"))
    assert event["rawPath"] == "/dev/echo" and event["requestContext"]["http"]["path"] == "/dev/echo"
    assert event["requestContext"]["stage"] == "dev" and event["routeKey"] == "GET /echo"
    assert event["stageVariables"] == {"color": "blue"}


def test_payload_1_0_event(cloud: Any) -> None:
    api = deploy(cloud, ECHO, routes=("GET /items/{id}",), payload="1.0")
    event = event_of(api.get("/items/7?x=1&x=2", headers=[("X-A", "1"), ("X-A", "2")]))
    assert event["version"] == "1.0" and event["httpMethod"] == "GET"
    assert event["resource"] == "/items/{id}" and event["path"] == "/items/7"
    assert event["pathParameters"] == {"id": "7"}
    assert event["queryStringParameters"] == {"x": "2"}
    assert event["multiValueQueryStringParameters"] == {"x": ["1", "2"]}
    assert event["multiValueHeaders"]["x-a"] == ["1", "2"]
    assert event["stageVariables"] is None and event["body"] is None  # 1.0: null, not omitted
    assert event["requestContext"]["identity"]["sourceIp"] == "127.0.0.1"


def test_host_form_url_works_too(echo: Deployed) -> None:
    # curl and browsers resolve *.localhost to loopback; httpx needs the Host header.
    response = httpx.get(f"{echo.cloud.endpoint}/echo", headers={"Host": f"{echo.api_id}.execute-api.localhost"})
    assert event_of(response)["rawPath"] == "/echo"
