"""What Lambda answers and logs when the runtime, not the handler, fails: the
error payload, the Go runtime's signal names, an environment that failed to
initialise, and a call whose worker died before the call reached it."""

from __future__ import annotations

import json
import time
from typing import Any

from .functioninfo import FunctionInfo
from .invocation import InvokeResult
from .logsink import LogSink


def error_payload(error_type: str, message: str) -> bytes:
    return json.dumps({"errorType": error_type, "errorMessage": message}).encode()


class NotStarted(Exception):
    """The worker died before reaching this call: the call never ran."""


class InitError(Exception):
    """The environment failed to initialise: the handler's module raised
    (`error` is its payload) or exited (`exit_reason` says how)."""

    def __init__(self, error: dict[str, Any], stream: str, exit_reason: str | None = None):
        super().__init__(error.get("errorMessage") or exit_reason)
        self.error = error
        self.stream = stream
        self.exit_reason = exit_reason


def exit_reason(code: int | None) -> str:
    """How Lambda's runtime words a process that ended: a clean exit is
    "Runtime exited without providing a reason" (sys.exit() in the handler or
    at import: LocalStack's AWS-recorded test_lambda_handler_exit and
    test_lambda_runtime_exit, 2025-11-24), any other status "Runtime exited
    with error: exit status 127" (test_lambda_runtime_wrapper_not_found),
    a signal in Go's words."""
    if code == 0:
        return "Runtime exited without providing a reason"
    if code is not None and code < 0:
        return f"Runtime exited with error: signal: {signal_name(-code)}"
    return f"Runtime exited with error: exit status {code}"


def init_failed(sink: LogSink, info: FunctionInfo, request_id: str, err: InitError) -> InvokeResult:
    """The request that met an init failure: the lines Lambda logs, then its answer."""
    now = int(time.time() * 1000)
    body: dict[str, Any]
    if err.exit_reason is not None:
        body = {"errorType": "Runtime.ExitError", "errorMessage": f"RequestId: {request_id} Error: {err.exit_reason}"}
        text = body["errorMessage"]
    elif err.error.get("platform"):
        # The runtime could not be started (a custom runtime's bootstrap
        # missing or not executable): Lambda's own words, as for an exit,
        # e.g. {"errorType": "Runtime.InvalidEntrypoint", "errorMessage":
        # "RequestId: <id> Error: Couldn't find valid bootstrap(s): [/var/task/bootstrap
        # /opt/bootstrap]"} (a real answer to a provided-runtime function without
        # one, quoted in a public 2024-03 write-up; reference M2: the RIE's rie/run.go).
        message = f"RequestId: {request_id} Error: {err.error['errorMessage']}"
        body = {"errorType": err.error["errorType"], "errorMessage": message}
        text = body["errorMessage"]
    else:
        # awslambdaric reports an init failure with no invocation yet, so the
        # payload's requestId is "" (LocalStack's AWS-recorded
        # test_lambda_runtime_error, 2025-11-24; awslambdaric bootstrap.make_error).
        error = err.error
        body = {
            "errorMessage": error.get("errorMessage", ""),
            "errorType": error["errorType"],
            "requestId": "",
            "stackTrace": error.get("stackTrace") or [],
        }
        text = f"[ERROR] {body['errorType']}: {body['errorMessage']}"
    sink.add(
        info,
        err.stream,
        [
            (now, text),
            (
                now,
                f"INIT_REPORT Init Duration: 0.00 ms\tPhase: init\tStatus: error\tError Type: {body['errorType']}",
            ),
            (now, f"START RequestId: {request_id} Version: {info.version}"),
            (now, f"END RequestId: {request_id}"),
            (
                now,
                f"REPORT RequestId: {request_id}\tDuration: 0.00 ms\tBilled Duration: 0 ms\tMemory Size: {info.memory_mb} MB\tMax Memory Used: 0 MB\tStatus: error\tError Type: {body['errorType']}",
            ),
        ],
    )
    return InvokeResult(request_id, json.dumps(body).encode(), body["errorType"], [(now, text)], status="error")


# Lambda's runtime is written in Go and reports a signal as Go's os
# package words it ("Runtime exited with error: signal: killed" for an OOM
# kill, "signal: segmentation fault"): Go's syscall signal names.
_GO_SIGNAL_NAMES = {
    1: "hangup",
    2: "interrupt",
    3: "quit",
    4: "illegal instruction",
    6: "aborted",
    7: "bus error",
    8: "floating point exception",
    9: "killed",
    11: "segmentation fault",
    13: "broken pipe",
    14: "alarm clock",
    15: "terminated",
}


def signal_name(number: int) -> str:
    return _GO_SIGNAL_NAMES.get(number, f"signal {number}")
