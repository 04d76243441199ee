"""The Lambda Runtime API (issue 13 item 4) over real processes: a
provided.al2023 function whose `bootstrap` is the bash + curl runtime of
AWS's "Tutorial: Building a custom runtime" answers Invoke, an HTTP API
route and a function URL; errors it posts surface as Lambda's
FunctionError; its log lines, timeouts and exits behave as a Python
function's; awslambdaric works too. The contract's details and who may use
it: test_runtime_api_contract.py."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.cloudproc import create_function, deploy
from tests.customruntimes import (
    BOOTSTRAP,
    ERROR_BOOTSTRAP,
    FUNCTION,
    HEADERS_BOOTSTRAP,
    HTTP_FUNCTION,
    custom_function,
    invoke,
    log_lines,
    runtime_zip,
)


@pytest.fixture(scope="module")
def tutorial(cloud: Any) -> str:
    return custom_function(cloud, {"bootstrap": BOOTSTRAP, "function.sh": FUNCTION})


def test_tutorial_bootstrap_answers_invoke(cloud: Any, tutorial: str) -> None:
    reply, out = invoke(cloud, tutorial, {"key": "value"})
    assert reply["StatusCode"] == 200 and "FunctionError" not in reply
    # The tutorial's expected output: Echoing request: '{"key":"value"}' (spacing is json.dumps's here).
    assert out == b"""Echoing request: '{"key": "value"}'"""
    reply, out = invoke(cloud, tutorial, {"n": 2})  # warm: the same bootstrap's next loop
    assert out == b"""Echoing request: '{"n": 2}'"""


def test_tutorial_logs_reach_cloudwatch(cloud: Any, tutorial: str) -> None:
    invoke(cloud, tutorial, {"logged": "yes"})
    messages = log_lines(cloud, tutorial, '{"logged": "yes"}')
    # The handler's stderr line, between its START and its REPORT (reference C: one stream per environment).
    assert any(m.startswith("INIT_START Runtime Version: provided:al2023") for m in messages), messages
    index = next(i for i, m in enumerate(messages) if m.strip() == '{"logged": "yes"}')
    assert any(m.startswith("START RequestId:") for m in messages[:index])
    assert any(m.startswith("REPORT RequestId:") for m in messages[index:])


def test_error_posted_is_function_error(cloud: Any) -> None:
    name = custom_function(cloud, {"bootstrap": ERROR_BOOTSTRAP})
    reply, out = invoke(cloud, name, {})
    # Lambda returns the posted error as the payload with FunctionError: Unhandled
    # (Invoke API reference: X-Amz-Function-Error; runtimes-api "Invocation error").
    assert reply["StatusCode"] == 200 and reply["FunctionError"] == "Unhandled"
    assert json.loads(out) == {"errorMessage": "Error parsing event data.", "errorType": "InvalidEventDataException"}


def test_behind_an_http_api_route(cloud: Any) -> None:
    api = deploy(
        cloud,
        runtime_zip({"bootstrap": BOOTSTRAP, "function.sh": HTTP_FUNCTION}),
        runtime="provided.al2023",
        handler="function.handler",
        timeout=10,
    )
    response = api.get("/echo")
    # The function's statusCode, headers and body (reference B: payload 2.0 responses).
    assert response.status_code == 201, response.text
    assert response.text == "from bash" and response.headers["x-runtime"] == "bash"


def test_behind_a_function_url(cloud: Any) -> None:
    from tests.functionurls import add_url, path_url

    name = custom_function(cloud, {"bootstrap": BOOTSTRAP, "function.sh": HTTP_FUNCTION})
    url_id = add_url(cloud, name)
    response = httpx.get(path_url(cloud, url_id), timeout=40)
    # The function's answer mapped as function URLs map it (reference I4).
    assert response.status_code == 201 and response.text == "from bash", response.text


def test_timeout_and_exit(cloud: Any) -> None:
    name = custom_function(cloud, {"bootstrap": HEADERS_BOOTSTRAP}, timeout=2)
    reply, out = invoke(cloud, name, {"do": "sleep"})
    # As for any runtime (reference C3): Sandbox.Timedout with Lambda's message.
    assert reply["FunctionError"] == "Unhandled"
    assert json.loads(out)["errorType"] == "Sandbox.Timedout"
    reply, out = invoke(cloud, name, {"do": "exit"})
    # A runtime that exits mid-invocation: Runtime.ExitError, "exit status 3" (reference C).
    assert json.loads(out) == {
        "errorType": "Runtime.ExitError",
        "errorMessage": f"RequestId: {reply['ResponseMetadata']['RequestId']} Error: Runtime exited with error: exit status 3",
    }
    reply, out = invoke(cloud, name, {})
    assert "FunctionError" not in reply  # a fresh environment answers


def test_missing_or_not_executable_bootstrap(cloud: Any) -> None:
    name, _ = create_function(
        cloud,
        runtime_zip({"function.sh": FUNCTION}),
        runtime="provided.al2023",
        handler="function.handler",
    )
    reply, out = invoke(cloud, name, {})
    # Lambda's answer without a bootstrap: {"errorType": "Runtime.InvalidEntrypoint", "errorMessage":
    # "RequestId: <id> Error: Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]"}
    # (a real answer quoted in a public 2024-03 write-up); the code folder stands for /var/task here.
    assert reply["FunctionError"] == "Unhandled"
    body = json.loads(out)
    assert body["errorType"] == "Runtime.InvalidEntrypoint" and set(body) == {"errorType", "errorMessage"}
    assert body["errorMessage"].startswith(f"RequestId: {reply['ResponseMetadata']['RequestId']} Error: ")
    assert "Couldn't find valid bootstrap(s): [/" in body["errorMessage"]
    name, _ = create_function(
        cloud,
        runtime_zip({"bootstrap": BOOTSTRAP, "function.sh": FUNCTION}, executable=()),
        runtime="provided.al2023",
        handler="function.handler",
    )
    reply, out = invoke(cloud, name, {})
    # Not executable: "fork/exec /var/task/bootstrap: permission denied", Runtime.InvalidEntrypoint
    # (the RIE's log of such a zip, quoted in public reports).
    body = json.loads(out)
    assert body["errorType"] == "Runtime.InvalidEntrypoint"
    assert (
        body["errorMessage"].endswith("/bootstrap: permission denied") and "Error: fork/exec /" in body["errorMessage"]
    )


def test_init_error(cloud: Any) -> None:
    bootstrap = """#!/bin/bash
curl -sS "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/init/error" \\
  -H "Lambda-Runtime-Function-Error-Type: Unhandled" \\
  -d '{"errorMessage" : "Failed to load function.", "errorType" : "InvalidFunctionException"}'
exit 1
"""
    name = custom_function(cloud, {"bootstrap": bootstrap})
    reply, out = invoke(cloud, name, {})
    # The init error the runtime posted is the invocation's answer (runtimes-api "Initialization error").
    assert reply["FunctionError"] == "Unhandled"
    body = json.loads(out)
    assert body["errorType"] == "InvalidFunctionException" and body["errorMessage"] == "Failed to load function."


def test_awslambdaric(cloud: Any) -> None:
    """AWS's Python runtime interface client (reference M2) as the bootstrap."""
    import os
    import sys

    import awslambdaric as ric

    # The test's own interpreter and awslambdaric's folder: what the
    # sandbox lets the environment read (the Python, the cloud's site
    # packages), not the venv's pyvenv.cfg.
    site = os.path.dirname(os.path.dirname(ric.__file__))
    python = os.path.realpath(sys.executable)
    bootstrap = f"#!/bin/sh\nPYTHONPATH={site} exec {python} -m awslambdaric function.handler\n"
    code = """import os
def handler(event, context):
    print("ric log line")
    return {"event": event, "request_id": context.aws_request_id, "arn": context.invoked_function_arn,
            "remaining": context.get_remaining_time_in_millis(), "trace": os.environ.get("_X_AMZN_TRACE_ID")}
"""
    name = custom_function(cloud, {"bootstrap": bootstrap, "function.py": code})
    reply, out = invoke(cloud, name, {"ric": 1})
    assert "FunctionError" not in reply, "\n".join(log_lines(cloud, name, "REPORT"))
    answer = json.loads(out)
    assert answer["event"] == {"ric": 1} and answer["request_id"] == reply["ResponseMetadata"]["RequestId"]
    assert answer["arn"].endswith(f":function:{name}") and 0 < answer["remaining"] <= 10_000
    assert answer["trace"].startswith("Root=1-")
    raising = custom_function(
        cloud, {"bootstrap": bootstrap, "function.py": "def handler(event, context):\n    raise KeyError('k')\n"}
    )
    reply, out = invoke(cloud, raising, {})
    # awslambdaric posts the error as AWS's Python runtime answers it (reference C: errorType, errorMessage,
    # requestId, stackTrace; awslambdaric bootstrap.make_error).
    body = json.loads(out)
    assert reply["FunctionError"] == "Unhandled" and body["errorType"] == "KeyError"
    assert body["errorMessage"] == "'k'" and body["requestId"] == reply["ResponseMetadata"]["RequestId"]
    broken = custom_function(cloud, {"bootstrap": bootstrap, "function.py": "import not_a_module\n"})
    reply, out = invoke(cloud, broken, {})
    # An import failure: awslambdaric posts /init/error and exits 1 (reference M2); the answer is
    # AWS's Python one, requestId "" (reference C: LocalStack's AWS-recorded test_lambda_runtime_error).
    body = json.loads(out)
    assert reply["FunctionError"] == "Unhandled" and body["errorType"] == "Runtime.ImportModuleError"
    assert body["errorMessage"].startswith("Unable to import module 'function': No module named 'not_a_module'")
    assert body["requestId"] == ""
