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
    def __init__(self, error: dict[str, Any], stream: str):
        super().__init__(error.get("errorMessage"))
        self.error = error
        self.stream = stream


def init_failed(sink: LogSink, info: FunctionInfo, request_id: str, err: InitError) -> InvokeResult:
    """The request that met an init failure: the lines Lambda logs, then its answer."""
    body = dict(err.error)
    now = int(time.time() * 1000)
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
            (now, f"START RequestId: {request_id} Version: $LATEST"),
            (now, f"END RequestId: {request_id}"),
            (
                now,
                f"REPORT RequestId: {request_id}\tDuration: 0.00 ms\tBilled Duration: 0 ms\tMemory Size: {info.memory_mb} MB\tMax Memory Used: 0 MB\tStatus: error\tError Type: {body['errorType']}",
            ),
        ],
    )
    body["requestId"] = request_id
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
