"""Reference B4-B6 over real HTTP: route precedence, response mapping and
API Gateway's own error answers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.cloudproc import Deployed, deploy

ROUTE_ECHO = """
def lambda_handler(event, context):
    return {"statusCode": 200, "body": event["routeKey"]}
"""


@pytest.fixture(scope="module")
def pets(cloud: Any) -> Deployed:
    # The AWS docs' worked example, plus tie-break cases.
    return deploy(
        cloud,
        ROUTE_ECHO,
        routes=(
            "GET /pets/dog/1",
            "GET /pets/dog/{id}",
            "GET /pets/{proxy+}",
            "ANY /{proxy+}",
            "$default",
            "ANY /things",
            "GET /things",
            "POST /only-post",
            "ANY /a/{x}/c",
            "ANY /a/b/{y}",
        ),
    )


@pytest.mark.parametrize(
    ("method", "path", "route"),
    [
        ("GET", "/pets/dog/1", "GET /pets/dog/1"),
        ("GET", "/pets/dog/2", "GET /pets/dog/{id}"),
        ("GET", "/pets/cat/1", "GET /pets/{proxy+}"),
        ("POST", "/test/5", "ANY /{proxy+}"),
        ("GET", "/things", "GET /things"),  # an exact method beats ANY
        ("DELETE", "/things", "ANY /things"),
        ("GET", "/a/b/c", "ANY /a/b/{y}"),  # a literal beats {param}, from the left
        ("GET", "/pets", "ANY /{proxy+}"),  # {proxy+} needs one segment after /pets
        ("GET", "/", "$default"),
        ("GET", "/only-post", "ANY /{proxy+}"),
    ],
)
def test_route_precedence(pets: Deployed, method: str, path: str, route: str) -> None:
    response = pets.request(method, path)
    assert response.status_code == 200 and response.text == route


@pytest.fixture(scope="module")
def strict(cloud: Any) -> Deployed:
    return deploy(cloud, ROUTE_ECHO, routes=("POST /only-post", "GET /pets/{proxy+}", "ANY /my-function"))


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/only-post"), ("GET", "/pets"), ("GET", "/nowhere"), ("GET", "/my-function/"), ("GET", "/")],
)
def test_unmatched_requests_are_404_not_found(strict: Deployed, method: str, path: str) -> None:
    response = strict.request(method, path)
    assert response.status_code == 404
    assert response.text == '{"message":"Not Found"}'
    assert response.headers["content-type"] == "application/json" and response.headers["apigw-requestid"]


def returning(value: Any) -> str:
    return f"import json\ndef lambda_handler(event, context):\n    return json.loads({json.dumps(json.dumps(value))})\n"


@pytest.mark.parametrize(
    ("value", "status", "content_type", "body"),
    [
        ("Hello from Lambda!", 200, "application/json", "Hello from Lambda!"),
        ({"message": "hi"}, 200, "application/json", '{"message": "hi"}'),
        ({"body": "hi"}, 200, "application/json", '{"body": "hi"}'),  # no statusCode: the whole object
        ([1, 2], 200, "application/json", "[1, 2]"),
        ({"statusCode": 201, "body": "made"}, 201, "text/plain; charset=utf-8", "made"),
        ({"statusCode": 200, "body": '"Hello from Lambda!"'}, 200, "text/plain; charset=utf-8", '"Hello from Lambda!"'),
        ({"statusCode": 200, "headers": {"Content-Type": "text/html"}, "body": "<p>"}, 200, "text/html", "<p>"),
        ({"statusCode": 200, "body": "aGk=", "isBase64Encoded": True}, 200, "text/plain; charset=utf-8", "hi"),
        ({"statusCode": 404}, 404, "text/plain; charset=utf-8", ""),
    ],
)
def test_response_mapping(cloud: Any, value: Any, status: int, content_type: str, body: str) -> None:
    api = deploy(cloud, returning(value))
    response = api.get("/echo")
    assert (response.status_code, response.headers["content-type"], response.text) == (status, content_type, body)
    assert response.headers["content-length"] == str(len(response.content))


def test_console_hello_world_is_exactly_what_aws_sends(cloud: Any) -> None:
    from tui.services.packaging import HELLO_CODE

    api = deploy(cloud, HELLO_CODE, routes=("ANY /my-function",))
    response = api.get("/my-function")
    assert response.status_code == 200
    assert response.text == '"Hello from Lambda!"' and len(response.content) == 20
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert set(response.headers) >= {"date", "content-length", "apigw-requestid"}
    assert "server" not in response.headers


def test_cookies_become_set_cookie_and_multivalue_headers_are_ignored(cloud: Any) -> None:
    api = deploy(
        cloud,
        returning(
            {
                "statusCode": 200,
                "cookies": ["a=1; Path=/", "b=2"],
                "body": "x",
                "multiValueHeaders": {"X-Ignored": ["1", "2"]},
                "headers": {"X-Kept": "yes"},
            }
        ),
    )
    response = api.get("/echo")
    assert response.headers.get_list("set-cookie") == ["a=1; Path=/", "b=2"]
    assert "x-ignored" not in response.headers and response.headers["x-kept"] == "yes"


@pytest.mark.parametrize(
    "code",
    [
        "def lambda_handler(event, context):\n    raise ValueError('boom')\n",
        "def lambda_handler(event, context):\n    return {'statusCode': 'abc'}\n",
        "def lambda_handler(event, context):\n    return {'statusCode': 200, 'body': {'not': 'a string'}}\n",
        "def lambda_handler(event, context):\n    return {1, 2}\n",  # not JSON-serialisable
        # Headers no HTTP response may carry (a response-splitting attempt among them).
        "def lambda_handler(event, context):\n    return {'statusCode': 200, 'headers': {'x-a': 'v\\r\\nx-b: 1'}}\n",
        "def lambda_handler(event, context):\n    return {'statusCode': 200, 'headers': {'bad name': 'v'}}\n",
        "def lambda_handler(event, context):\n    return {'statusCode': 200, 'cookies': ['a=1\\nb=2']}\n",
    ],
)
def test_function_errors_and_malformed_output_are_500(cloud: Any, code: str) -> None:
    api = deploy(cloud, code)
    for method in ("GET", "POST"):  # the direct path and the ASGI one
        response = api.request(method, "/echo")
        assert response.status_code == 500, (method, response.text)
        assert response.text == '{"message":"Internal Server Error"}' and "apigw-requestid" in response.headers


def test_payload_1_0_without_status_code_is_500(cloud: Any) -> None:
    api = deploy(cloud, returning("just a string"), payload="1.0")
    assert api.get("/echo").status_code == 500
    ok = deploy(
        cloud, returning({"statusCode": 202, "multiValueHeaders": {"X-M": ["1", "2"]}, "body": "ok"}), payload="1.0"
    )
    response = ok.get("/echo")
    assert response.status_code == 202 and response.headers.get_list("x-m") == ["1", "2"]
    split = deploy(
        cloud, returning({"statusCode": 200, "multiValueHeaders": {"X-M": ["1", "2\r\nx-evil: 1"]}}), payload="1.0"
    )
    response = split.get("/echo")
    assert response.status_code == 500 and "x-evil" not in response.headers


def test_missing_invoke_permission_is_500_and_the_handler_never_runs(cloud: Any) -> None:
    api = deploy(cloud, "def lambda_handler(event, context):\n    print('RAN')\n    return 'x'\n", permission=False)
    response = api.get("/echo")
    assert response.status_code == 500 and response.text == '{"message":"Internal Server Error"}'
    assert api.logs() == []  # no START line: nothing was invoked
    # AWS's body says nothing; the local cloud's request log says why.
    logged = [line for line in cloud.log.read_text().splitlines() if f"/{api.api_id}/echo -> 500" in line]
    assert logged and f"no permission to invoke {api.function}" in logged[-1] and "add-permission" in logged[-1]


def test_permission_scoped_to_another_route_does_not_open_this_one(cloud: Any) -> None:
    api = deploy(
        cloud,
        "def lambda_handler(event, context):\n    return 'x'\n",
        permission=False,
        routes=("ANY /open", "ANY /closed"),
    )
    cloud.client("lambda").add_permission(
        FunctionName=api.function,
        StatementId="s",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=f"arn:aws:execute-api:us-east-1:123456789012:{api.api_id}/*/*/open",
    )
    assert api.get("/open").status_code == 200
    assert api.get("/closed").status_code == 500


def test_integration_timeout_is_503(cloud: Any) -> None:
    api = deploy(
        cloud,
        "import time\ndef lambda_handler(event, context):\n    time.sleep(1.5)\n    return 'late'\n",
        integration_timeout_ms=300,
        timeout=5,
    )
    response = api.get("/echo")
    assert response.status_code == 503 and response.text == '{"message":"Service Unavailable"}'


def test_function_timeout_is_500_and_the_worker_is_replaced(cloud: Any) -> None:
    code = "import time\ndef lambda_handler(event, context):\n    if event.get('rawQueryString') == 'slow':\n        time.sleep(5)\n    return 'ok'\n"
    api = deploy(cloud, code, timeout=1)
    assert api.get("/echo?slow").status_code == 500
    response = api.get("/echo")
    assert response.status_code == 200 and response.text == "ok"
    logs = "\n".join(api.logs())
    assert "Task timed out after 1.00 seconds" in logs and "Status: timeout" in logs


def test_body_over_10_mb_is_refused(cloud: Any) -> None:
    api = deploy(cloud, "def lambda_handler(event, context):\n    return 'x'\n")
    response = api.request("POST", "/echo", content=b"x" * (10 * 1024 * 1024 + 1))
    assert response.status_code == 413 and json.loads(response.text) == {"message": "Request Entity Too Large"}


def test_unknown_api_is_404(cloud: Any) -> None:
    import httpx

    response = httpx.get(f"{cloud.endpoint}/_aws/execute-api/nosuchapi/x")
    assert response.status_code == 404 and response.text == '{"message":"Not Found"}'


def test_the_test_screen_can_ask_what_the_function_saw_and_returned(cloud: Any) -> None:
    """/_apigw-wizard/invocations/<apigw-requestid>: the wizard's test screen
    shows the event and the function's answer (AWS does not return them)."""
    import httpx

    from localcloud.client import invocation

    api = deploy(cloud, "def lambda_handler(event, context):\n    print('seen', event['rawPath'])\n    return 'hi'\n")
    response = api.get("/echo", params={"q": "1"})
    found = invocation(cloud.port, response.headers["apigw-requestid"])  # signed with the owner's key
    assert found is not None
    assert found["route_key"] == "ANY /echo" and found["note"] is None
    assert found["event"]["rawPath"] == "/echo" and found["event"]["queryStringParameters"] == {"q": "1"}
    assert found["returned"] == '"hi"' and found["error_type"] is None
    assert any(line.startswith(f"START RequestId: {found['lambda_request_id']}") for line in found["logs"])
    assert "seen /echo" in found["logs"]

    closed = deploy(cloud, "def lambda_handler(event, context):\n    return 'x'\n", permission=False)
    refused = closed.get("/echo")
    found = invocation(cloud.port, refused.headers["apigw-requestid"])
    assert (
        found is not None and found["event"] is None and found["returned"] is None and "no permission" in found["note"]
    )
    assert invocation(cloud.port, "unknown") is None
    # Not for anyone but the owner: what a function saw may hold secrets.
    assert (
        httpx.get(f"{cloud.endpoint}/_apigw-wizard/invocations/{response.headers['apigw-requestid']}").status_code
        == 403
    )
