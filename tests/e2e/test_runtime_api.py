"""The Lambda Runtime API (issue 13 item 4) over real processes: a
provided.al2023 function whose `bootstrap` is the bash + curl runtime of
AWS's "Tutorial: Building a custom runtime" answers Invoke and an HTTP API
route; errors it posts surface as Lambda's FunctionError; its log lines,
timeouts and exits behave as a Python function's."""

from __future__ import annotations

import base64
import io
import json
import os
import time
import zipfile
from typing import Any

import httpx
import pytest

from tests.cloudproc import create_function, deploy

# The tutorial's bootstrap (docs.aws.amazon.com/lambda/latest/dg/runtimes-walkthrough.html),
# with #!/bin/bash for its #!/bin/sh: `source` and pipefail are bash's (on
# Amazon Linux /bin/sh is bash; on Debian it is dash).
BOOTSTRAP = """#!/bin/bash
set -euo pipefail

# Initialization - load function handler
source $LAMBDA_TASK_ROOT/"$(echo $_HANDLER | cut -d. -f1).sh"

# Processing
while true
do
  HEADERS="$(mktemp)"
  # Get an event. The HTTP request will block until one is received
  EVENT_DATA=$(curl -sS -LD "$HEADERS" "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next")

  # Extract request ID by scraping response headers received above
  REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)

  # Run the handler function from the script
  RESPONSE=$($(echo "$_HANDLER" | cut -d. -f2) "$EVENT_DATA")

  # Send the response
  curl -sS "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/$REQUEST_ID/response"  -d "$RESPONSE"
done
"""

# The tutorial's function.sh.
FUNCTION = """function handler () {
  EVENT_DATA=$1
  echo "$EVENT_DATA" 1>&2;
  RESPONSE="Echoing request: '$EVENT_DATA'"

  echo $RESPONSE
}
"""

# The Runtime API guide's error example (runtimes-api.html, "Invocation
# error"): the runtime posts the error with Lambda-Runtime-Function-Error-Type.
ERROR_BOOTSTRAP = """#!/bin/bash
set -euo pipefail
while true; do
  HEADERS="$(mktemp)"
  curl -sS -LD "$HEADERS" "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next" > /dev/null
  REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
  curl -sS "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/$REQUEST_ID/error" \\
    -H "Lambda-Runtime-Function-Error-Type: Unhandled" \\
    -d '{"errorMessage" : "Error parsing event data.", "errorType" : "InvalidEventDataException"}'
done
"""

# Answers with what a runtime learns from /next: its headers and address.
HEADERS_BOOTSTRAP = """#!/bin/bash
set -euo pipefail
while true; do
  HEADERS="$(mktemp)"
  curl -sS -D "$HEADERS" -o /tmp/event "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next"
  REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
  if grep -q sleep /tmp/event; then sleep 30; fi
  if grep -q exit /tmp/event; then exit 3; fi
  python3 -c 'import json, sys; print(json.dumps({"api": sys.argv[1], "headers": open(sys.argv[2]).read()}))' \\
    "$AWS_LAMBDA_RUNTIME_API" "$HEADERS" > /tmp/out
  curl -sS "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/$REQUEST_ID/response" --data-binary @/tmp/out
done
"""


def runtime_zip(files: dict[str, str], executable: tuple[str, ...] = ("bootstrap",)) -> bytes:
    """A zip as `zip` makes one on Linux: unix mode bits in external_attr
    (Lambda keeps them; the bootstrap must be executable)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            entry = zipfile.ZipInfo(name)
            entry.create_system = 3  # unix
            entry.external_attr = (0o100755 if name in executable else 0o100644) << 16
            archive.writestr(entry, text)
    return buffer.getvalue()


def custom_function(cloud: Any, files: dict[str, str], **kwargs: Any) -> str:
    kwargs.setdefault("timeout", 10)
    name, _ = create_function(
        cloud, runtime_zip(files), runtime="provided.al2023", handler="function.handler", **kwargs
    )
    return name


def invoke(cloud: Any, name: str, payload: Any) -> tuple[dict[str, Any], bytes]:
    reply = cloud.client("lambda").invoke(FunctionName=name, Payload=json.dumps(payload).encode())
    return reply, reply["Payload"].read()


def log_lines(cloud: Any, name: str, wanted: str) -> list[str]:
    logs = cloud.client("logs")
    messages: list[str] = []
    for _ in range(100):
        try:
            events = logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
        except logs.exceptions.ResourceNotFoundException:
            events = []
        messages = [e["message"] for e in events]
        if any(wanted in m for m in messages):
            break
        time.sleep(0.1)
    return messages


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


# The tutorial's handler, answering as API Gateway's payload 2.0 expects.
HTTP_FUNCTION = """function handler () {
  echo '{"statusCode": 201, "headers": {"x-runtime": "bash"}, "body": "from bash"}'
}
"""


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
    from tests.functionurls import URL_SHAPE, path_url

    name = custom_function(cloud, {"bootstrap": BOOTSTRAP, "function.sh": HTTP_FUNCTION})
    lam = cloud.client("lambda")
    created = lam.create_function_url_config(FunctionName=name, AuthType="NONE")
    lam.add_permission(
        FunctionName=name,
        StatementId="url",
        Action="lambda:InvokeFunctionUrl",
        Principal="*",
        FunctionUrlAuthType="NONE",
    )
    lam.add_permission(
        FunctionName=name,
        StatementId="invoke",
        Action="lambda:InvokeFunction",
        Principal="*",
        InvokedViaFunctionUrl=True,
    )
    url_id = URL_SHAPE.match(created["FunctionUrl"]).group(1)  # type: ignore[union-attr]
    response = httpx.get(path_url(cloud, url_id), timeout=40)
    # The function's answer mapped as function URLs map it (reference I4).
    assert response.status_code == 201 and response.text == "from bash", response.text


def test_next_headers_and_who_may_ask(cloud: Any) -> None:
    from localcloud import sandboxprobe

    name = custom_function(cloud, {"bootstrap": HEADERS_BOOTSTRAP})
    context = {"custom": {"k": "v"}, "client": {"app_title": "t"}}
    reply = cloud.client("lambda").invoke(
        FunctionName=name, Payload=b"{}", ClientContext=base64.b64encode(json.dumps(context).encode()).decode()
    )
    out = reply["Payload"].read()
    assert "FunctionError" not in reply, out
    answer = json.loads(out)
    headers = {
        k.strip().lower(): v.strip()
        for k, _, v in (line.partition(":") for line in answer["headers"].splitlines()[1:])
        if k
    }
    # The /next headers of reference M1 (Runtime API guide, "Next invocation").
    assert answer["headers"].startswith("HTTP/1.1 200")
    assert headers["lambda-runtime-aws-request-id"] == reply["ResponseMetadata"]["RequestId"]
    assert abs(int(headers["lambda-runtime-deadline-ms"]) - (time.time() * 1000 + 10_000)) < 10_000
    assert headers["lambda-runtime-invoked-function-arn"].endswith(f":function:{name}")
    assert headers["lambda-runtime-trace-id"].startswith("Root=1-")
    assert json.loads(headers["lambda-runtime-client-context"]) == context  # the caller's, as JSON
    host, _, port = answer["api"].partition(":")
    assert host == "127.0.0.1" and port.isdigit()
    # A process outside the environment may not take its events (only
    # where the sandbox gives the environment its own PID namespace).
    if os.environ.get("APIGW_WIZARD_SANDBOX") == "0" or not sandboxprobe.protections().get("pid_namespace"):
        pytest.skip("no PID namespace here: the Runtime API cannot tell its environment's processes")
    outsider = httpx.get(f"http://{answer['api']}/2018-06-01/runtime/invocation/next", timeout=10)
    assert outsider.status_code == 403
    # Nor may another environment's runtime.
    reply, out = invoke(cloud, custom_function(cloud, {"bootstrap": PROBE_OTHER}), {"api": answer["api"]})
    assert out == b"403", out


# Asks another environment's Runtime API (named in the event) for its next event.
PROBE_OTHER = """#!/bin/bash
set -euo pipefail
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
while true; do
  HEADERS="$(mktemp)"
  curl -sS -D "$HEADERS" -o /tmp/event "$API/invocation/next"
  REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
  OTHER=$(python3 -c 'import json; print(json.load(open("/tmp/event"))["api"])')
  curl -sS -o /dev/null -w '%{http_code}' --max-time 5 "http://$OTHER/2018-06-01/runtime/invocation/next" > /tmp/out || true
  curl -sS "$API/invocation/$REQUEST_ID/response" --data-binary @/tmp/out
done
"""


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


# Asks the Runtime API what a runtime may get wrong, then answers with the
# status codes and bodies it got.
PROBE_BOOTSTRAP = """#!/bin/bash
set -uo pipefail
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
ask() { curl -sS -o /tmp/body -w '%{http_code}' "$@"; printf ' '; cat /tmp/body; printf '\\n'; }
HEADERS="$(mktemp)"
curl -sS -D "$HEADERS" -o /dev/null "$API/invocation/next"
REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
{
  ask "$API/invocation/not-the-id/response" -d '{}'
  ask "$API/init/error" -d '{}'
  ask "$API/invocation/$REQUEST_ID/nonsense" -d '{}'
  head -c 6291557 /dev/zero | tr '\\\\0' a > /tmp/big
  ask "$API/invocation/$REQUEST_ID/response" --data-binary @/tmp/big
} > /tmp/answers
python3 -c 'import json, sys; print(json.dumps(open(sys.argv[1]).read().splitlines()))' /tmp/answers > /tmp/out
curl -sS "$API/invocation/$REQUEST_ID/response" --data-binary @/tmp/out
ask "$API/invocation/$REQUEST_ID/response" -d '{}' >&2
sleep 30
"""


def test_what_a_runtime_gets_wrong(cloud: Any) -> None:
    name = custom_function(cloud, {"bootstrap": PROBE_BOOTSTRAP})
    reply, out = invoke(cloud, name, {})
    assert "FunctionError" not in reply, out
    wrong_id, init_error_late, unknown, too_large = json.loads(out)
    # Reference M1 (RIE internal/lambda/rapi, rendering/render_error.go).
    assert wrong_id == '400 {"errorMessage": "Invalid request ID", "errorType": "InvalidRequestID"}'
    assert init_error_late.startswith('403 {"errorMessage": "State transition from')
    assert '"errorType": "InvalidStateTransition"' in init_error_late
    assert unknown.startswith("404 ")
    assert too_large == (
        '413 {"errorMessage": "Exceeded maximum allowed payload size (6291556 bytes).", '
        '"errorType": "RequestEntityTooLarge"}'
    )
    # Answering twice: the id is no longer the running one (400, reference M1). The line is
    # logged as it comes, after curl's unended {"status":"OK"} when that was not logged yet.
    messages = log_lines(cloud, name, "InvalidRequestID")
    assert any(
        m.endswith('400 {"errorMessage": "Invalid request ID", "errorType": "InvalidRequestID"}') for m in messages
    )
