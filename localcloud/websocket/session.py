"""One WebSocket connection's life (reference K5): the upgrade waits for
the $connect route's function, whose non-2xx statusCode (or failure)
refuses it with that HTTP status; each message goes to the route its
route selection expression picks; the close runs $disconnect (best
effort, as on AWS). Served through uvicorn's ASGI WebSocket protocol
(cloud.py: ws="websockets-sansio", 128 KB messages)."""

from __future__ import annotations

import asyncio
import contextlib
import http
import json
import logging
import time
import traceback
from typing import Any, Awaitable

from . import events, routes
from .. import fastjson
from .replies import reply_of
from .connections import IDLE_TIMEOUT_S, Connection, Connections
from .ids import new_id
from .management import Management


_KNOWN_STATUSES = frozenset(int(s) for s in http.HTTPStatus)


class _RefusalIsNoError(logging.Filter):
    """uvicorn logs "ASGI callable returned without completing handshake" as
    an error after any HTTP answer to an upgrade (websockets_sansio_impl
    run_asgi checks only handshake_complete); here that answer is the
    refusal AWS gives, not a bug."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "without completing handshake" not in record.getMessage()


logging.getLogger("uvicorn.error").addFilter(_RefusalIsNoError())


class WebSockets:
    def __init__(self, edge: Any):
        self.edge = edge
        self.connections = Connections()
        self.management = Management(edge, self.connections)
        self.domain_suffix = f".execute-api.localhost:{edge.port}"
        self.tasks: set[asyncio.Task[Any]] = set()
        self.apis = routes.WsApis(edge.moto)  # read from moto again only after a control-plane change

    async def serve(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        from ..edge import data_plane_target  # edge.py builds this class

        headers = [(k.decode("latin-1"), v.decode("utf-8", "replace")) for k, v in scope["headers"]]
        head = {k: v for k, v in headers}
        host = head.get("host", "")
        target = data_plane_target(host, scope["path"]) if self.edge.gate.host_allowed(host) else None
        api = self.apis.get(target[0], target[1].strip("/")) if target else None
        if api is None or (await receive())["type"] != "websocket.connect":
            await _refuse(send, 403, {"message": "Forbidden"})
            self.edge.log_request("GET", scope["path"], 403, _started(), "websocket", "no such WebSocket API or stage")
            return
        client = scope.get("client") or ("127.0.0.1", 0)
        connection = Connection(new_id(), api.api_id, api.stage, client[0], head.get("user-agent", ""), send)
        query = scope.get("query_string", b"").decode("latin-1")
        domain = api.api_id + self.domain_suffix
        started = _started()
        answered: dict[str, str] = {}
        if "$connect" in api.routes:
            event = events.connect_event(connection, domain, headers, query)
            status, why, answered, _ = await self._run(api, "$connect", event)
            if not 200 <= status < 300:
                await _refuse(send, status, {"message": "Forbidden" if status == 403 else "Internal server error"})
                self.edge.log_request("GET", scope["path"], status, started, "websocket", why)
                return
        # K5 (AWS: websocket-connect-route-subprotocol): the subprotocol is
        # the one $connect's answer names in Sec-WebSocket-Protocol, if any.
        await send({"type": "websocket.accept", "subprotocol": answered.get("sec-websocket-protocol")})
        self.connections.add(connection)
        self.edge.log_request("GET", scope["path"], 101, started, "websocket", f"connected {connection.connection_id}")
        code = await self._messages(api, connection, domain, receive)
        self.connections.remove(connection.connection_id)
        if "$disconnect" in api.routes:  # best effort, as on AWS (K4): a failure is only logged
            event = events.disconnect_event(connection, domain, headers, query, code)
            await self._guarded(self._run(api, "$disconnect", event))

    async def _messages(self, api: routes.WsApi, connection: Connection, domain: str, receive: Any) -> int:
        """Until the client or DeleteConnection closes it, or it idles out
        (no message either way for IDLE_TIMEOUT_S): the close code."""
        closed = asyncio.ensure_future(connection.closing.wait())
        incoming: asyncio.Future[Any] | None = None
        try:
            while True:
                incoming = incoming or asyncio.ensure_future(receive())
                left = connection.last_active_at + IDLE_TIMEOUT_S - time.time()
                done, _ = await asyncio.wait({incoming, closed}, timeout=max(left, 0), return_when="FIRST_COMPLETED")
                idle = not done and time.time() - connection.last_active_at >= IDLE_TIMEOUT_S
                if closed in done or idle:
                    # DeleteConnection closes with 1000 (K6); the idle close's
                    # code is not documented: 1001 "going away" (RFC 6455 7.4.1).
                    code = 1000 if closed in done else 1001
                    with contextlib.suppress(Exception):
                        await connection.send({"type": "websocket.close", "code": code})
                    return code
                if incoming not in done:
                    continue  # a post to the client kept it active: wait on
                message, incoming = incoming.result(), None
                if message["type"] == "websocket.disconnect":
                    return int(message.get("code") or 1005)
                connection.touch()
                text = message.get("text")
                if text is None:
                    text = (message.get("bytes") or b"").decode("utf-8", "replace")
                task = asyncio.ensure_future(self._guarded(self._message(api, connection, domain, text)))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)
        finally:
            closed.cancel()
            if incoming is not None:
                incoming.cancel()

    async def _guarded(self, work: Awaitable[Any]) -> None:
        """A bug (or a runtime shutting down) costs one message, never the loop."""
        try:
            await work
        except Exception as exc:  # noqa: BLE001 - logged, like the edge's own requests
            self.edge.log("websocket: " + "".join(traceback.format_exception(exc)).rstrip())

    async def _message(self, api: routes.WsApi, connection: Connection, domain: str, text: str) -> None:
        fresh = self.apis.get(api.api_id, api.stage) or api  # routes may have changed
        route_key = routes.select_route(fresh, text)
        if route_key is None:
            # No route and no $default: this exact frame (reference K3, wscat captures).
            forbidden = (
                f'{{"message": "Forbidden", "connectionId":"{connection.connection_id}", "requestId":"{new_id()}"}}'
            )
            await _post_quietly(connection, forbidden)
            return
        event = events.message_event(connection, domain, route_key, text)
        status, _, _, reply = await self._run(fresh, route_key, event)
        if reply is not None and status < 500 and route_key in fresh.two_way:
            await _post_quietly(connection, reply)  # a two-way route (K1)
        elif status >= 500:
            frame = {
                "message": "Internal server error",
                "connectionId": connection.connection_id,
                "requestId": new_id(),
            }
            await _post_quietly(connection, json.dumps(frame))

    async def _run(
        self, api: routes.WsApi, route_key: str, event: dict[str, Any]
    ) -> tuple[int, str, dict[str, str], bytes | None]:
        """Invoke the route's function: (the statusCode it returned, or 500
        when it could not run or failed; why, for the request log; the
        headers it returned, names lowercased; what a two-way route would
        send back, replies.py)."""
        try:
            function = routes.resolve(self.edge.gateway.views, api, route_key)
        except routes.RouteError as err:
            self.edge.log(f"websocket {api.api_id}/{api.stage} {route_key}: {err}")
            return 500, str(err), {}, None
        result = await self.edge.runtime.invoke(function, fastjson.dumps(event), function.named_arn or None)
        self.edge.logs_dirty = True
        if result.status != "ok" or result.error_type:
            # A failing $connect function: wscat sees 502 on AWS
            # (serverless/serverless-websockets-plugin#13, aws-lambda-graphql#107);
            # a missing permission stays 500 (terraform-aws-apigateway-v2#8).
            return 502, f"the function failed ({result.error_type or result.status})", {}, None
        try:
            parsed = fastjson.loads(result.payload or b"null")
        except ValueError:
            return 200, "", {}, result.payload or None
        reply = reply_of(result.payload, parsed)
        answer = parsed if isinstance(parsed, dict) else {}
        status = answer.get("statusCode", 200)
        headers = answer.get("headers")
        headers = headers if isinstance(headers, dict) else {}
        named = {str(k).lower(): str(v) for k, v in headers.items()}
        return (status, "", named, reply) if isinstance(status, int) else (500, "malformed statusCode", {}, None)


async def _refuse(send: Any, status: int, body: dict[str, Any]) -> None:
    """An HTTP answer to the upgrade instead of a connection (K5). A
    statusCode HTTP has no phrase for is answered as 500 (uvicorn needs one)."""
    status = status if status in _KNOWN_STATUSES and status >= 300 else 500
    data = json.dumps(body).encode()
    await send(
        {"type": "websocket.http.response.start", "status": status, "headers": [(b"content-type", b"application/json")]}
    )
    await send({"type": "websocket.http.response.body", "body": data})


async def _post_quietly(connection: Connection, data: str | bytes) -> None:
    with contextlib.suppress(Exception):
        await connection.post(data.encode() if isinstance(data, str) else data)


def _started() -> float:
    return time.perf_counter()
