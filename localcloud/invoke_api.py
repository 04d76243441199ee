"""Lambda's Invoke API on the local cloud (POST /2015-03-31/functions/
{name}/invocations): RequestResponse, Event and DryRun, client context,
the log tail, and Lambda's own errors."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any
from urllib.parse import parse_qs

from .asgi import MAX_CONTROL_BYTES, read_body, respond
from .apigatewayv2.views import function_info
from .moto_bridge import region_of


async def serve(
    edge: Any, scope: dict[str, Any], receive: Any, send: Any, name: str, headers: list[tuple[str, str]]
) -> int:
    body = await read_body(receive, MAX_CONTROL_BYTES)
    head = dict(headers)
    region = region_of(headers)
    query = parse_qs(scope["query_string"].decode("latin-1"))
    qualifier = (query.get("Qualifier") or ["$LATEST"])[0]
    with edge.moto.lock:
        fn = edge.moto.find_function(region, name)
        info = function_info(edge.moto, region, fn) if fn is not None else None
    if info is None or qualifier not in ("$LATEST",):
        message = f"Function not found: arn:aws:lambda:{region}:123456789012:function:{name}"
        await respond(
            send,
            404,
            [("content-type", "application/json"), ("x-amzn-errortype", "ResourceNotFoundException")],
            json.dumps({"Type": "User", "Message": message}).encode(),
        )
        return 404
    invocation = head.get("x-amz-invocation-type", "RequestResponse")
    if invocation == "DryRun":
        await respond(send, 204, [], b"")
        return 204
    client_context = None
    if head.get("x-amz-client-context"):
        try:
            client_context = json.loads(base64.b64decode(head["x-amz-client-context"]))
        except ValueError:
            client_context = None
    if invocation == "Event":
        task = asyncio.ensure_future(edge.runtime.invoke(info, body, client_context=client_context))
        task.add_done_callback(lambda _t: edge._after_invoke())
        await respond(send, 202, [], b"")
        return 202
    result = await edge.runtime.invoke(info, body, client_context=client_context)
    if result.error_type == "RequestTooLargeException":
        # A service error on AWS (413), not a function error.
        message = json.loads(result.payload)["errorMessage"]
        await respond(
            send,
            413,
            [("content-type", "application/json"), ("x-amzn-errortype", "RequestTooLargeException")],
            json.dumps({"Type": "User", "message": message}).encode(),
        )
        return 413
    reply = [
        ("content-type", "application/json"),
        ("x-amz-executed-version", "$LATEST"),
        ("x-amzn-requestid", result.request_id),
    ]
    if result.function_error:
        reply.append(("x-amz-function-error", result.function_error))
    if head.get("x-amz-log-type") == "Tail":
        tail = "\n".join(result.logs).encode()[-4096:]
        reply.append(("x-amz-log-result", base64.b64encode(tail).decode()))
    await respond(send, 200, reply, result.payload)
    edge._after_invoke()
    return 200
