"""Custom runtimes for the Runtime API tests (tests/e2e/test_runtime_api*.py,
bench/custom_runtime.py): AWS's tutorial runtime in bash + curl, zips that
keep the executable bit, and a function made of them."""

from __future__ import annotations

import io
import json
import time
import zipfile
from typing import Any

from tests.cloudproc import create_function

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


# The tutorial's handler, answering as API Gateway's payload 2.0 expects.
HTTP_FUNCTION = """function handler () {
  echo '{"statusCode": 201, "headers": {"x-runtime": "bash"}, "body": "from bash"}'
}
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
    deadline = time.monotonic() + 30  # logs are written after the invoke returns; generous under load
    while time.monotonic() < deadline:
        try:
            events = logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
        except logs.exceptions.ResourceNotFoundException:
            events = []
        messages = [e["message"] for e in events]
        if any(wanted in m for m in messages):
            break
        time.sleep(0.1)
    return messages
