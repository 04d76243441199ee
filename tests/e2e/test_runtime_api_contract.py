"""The Runtime API's contract as a runtime sees it (reference M1): the
/next headers, the answers to a runtime's mistakes, and that only the
environment's own processes may take its events."""

from __future__ import annotations

import base64
import json
import os
import time
from typing import Any

import httpx
import pytest

from tests.customruntimes import HEADERS_BOOTSTRAP, custom_function, invoke, log_lines


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
