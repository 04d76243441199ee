"""Lambda's Invoke API on the local cloud (POST /2015-03-31/functions/
{name}/invocations): RequestResponse, Event and DryRun, client context,
the log tail, and Lambda's own errors (invoke_errors.py)."""

from __future__ import annotations

import asyncio
import base64
import json
import re
from typing import Any
from urllib.parse import parse_qs

from . import versions
from .asgi import MAX_CONTROL_BYTES, read_body, respond
from .invoke_errors import (
    Refusal,
    Target,
    not_found,
    parse_target,
    payload_problem,
    pending,
    too_large,
)
from .moto_bridge import ACCOUNT, region_of

_ROOT = re.compile(r"Root=1-[0-9a-f]{8}-[0-9a-f]{24}")
TAIL_BYTES = 4096  # LogType=Tail: "the last 4 KB of the execution log" (botocore's model, LogType)


async def serve(
    edge: Any, scope: dict[str, Any], receive: Any, send: Any, name: str, headers: list[tuple[str, str]]
) -> int:
    body = await read_body(receive, MAX_CONTROL_BYTES)
    head = dict(headers)
    region = region_of(headers)
    query = parse_qs(scope["query_string"].decode("latin-1"))
    target = parse_target(name, (query.get("Qualifier") or [None])[0])
    if isinstance(target, Refusal):
        return await _refuse(send, target)
    with edge.moto.lock:
        routing = versions.resolve(edge.moto, region, target.name, target.qualifier)
    if routing is None:  # no such function, version or alias
        return await _refuse(send, not_found(region, ACCOUNT, target))
    info = routing.pick()  # a weighted alias picks its version per call
    if edge.lambdas.phase(region, target.name) == "create":
        return await _refuse(send, pending())
    invocation = head.get("x-amz-invocation-type", "RequestResponse")
    if invocation == "DryRun":
        await respond(send, 204, [], b"")
        return 204
    refused = too_large(len(body), invocation) or payload_problem(body)
    if refused is not None:
        return await _refuse(send, refused)
    client_context = None
    # "Lambda passes the ClientContext object to your function for synchronous
    # invocations only" (the Invoke API reference).
    if head.get("x-amz-client-context") and invocation == "RequestResponse":
        try:
            client_context = json.loads(base64.b64decode(head["x-amz-client-context"]))
        except ValueError:
            client_context = None
    invoked_arn = _invoked_arn(info.function_arn, target)
    trace = _ROOT.search(head.get("x-amzn-trace-id", ""))
    # The caller's trace continues in the handler's _X_AMZN_TRACE_ID (LocalStack's
    # AWS-validated test_xray_trace_propagation, 2025-11-24).
    call = edge.runtime.invoke(info, body, invoked_arn, client_context, trace.group(0) if trace else None)
    if invocation == "Event":
        task = asyncio.ensure_future(call)
        task.add_done_callback(lambda _t: edge._after_invoke())
        await respond(send, 202, [], b"")
        return 202
    result = await call
    if result.status == "throttled":  # concurrency.py: 429 with Lambda's reason, the function never ran
        throttled = [("content-type", "application/json"), ("x-amzn-errortype", "TooManyRequestsException")]
        await respond(send, 429, throttled, result.payload)
        return 429
    reply = [
        ("content-type", "application/json"),
        # The version that ran: "1" through an alias that points at it (the Lambda
        # guide's access-control-resource-based example, an alias invoked with
        # "ExecutedVersion": "1"), "$LATEST" otherwise (botocore's model, ExecutedVersion).
        ("x-amz-executed-version", info.version),
        ("x-amzn-requestid", result.request_id),
    ]
    if result.function_error:
        reply.append(("x-amz-function-error", result.function_error))
    if head.get("x-amz-log-type") == "Tail":
        reply.append(("x-amz-log-result", base64.b64encode(tail(result.logs)).decode()))
    await respond(send, 200, reply, result.payload)
    edge._after_invoke()
    return 200


def _invoked_arn(arn: str, target: Target) -> str:
    """context.invoked_function_arn is the ARN the caller used: qualified
    when it named a qualifier ("...:function:NAME:$LATEST" for
    Qualifier=$LATEST, LocalStack's AWS-recorded
    test_introspection_invoke[python3.12] invocation_result_payload_qualified,
    2026-01-12), bare otherwise (reference C1)."""
    return f"{arn}:{target.qualifier}" if target.qualifier else arn


def tail(lines: list[str]) -> bytes:
    """LogResult: the end of the invocation's log as Lambda sends it, each
    line ending in "\\n" and the REPORT line in "\\t\\n" (LocalStack's
    AWS-recorded test_invocation_with_logs[python3.10], 2025-11-24)."""
    text = "".join(line + ("\t\n" if line.startswith("REPORT RequestId:") else "\n") for line in lines)
    return text.encode()[-TAIL_BYTES:]


async def _refuse(send: Any, refusal: Refusal) -> int:
    headers = [("content-type", "application/json"), ("x-amzn-errortype", refusal.code)]
    await respond(send, refusal.status, headers, refusal.body())
    return refusal.status
