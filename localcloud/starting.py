"""The local cloud's endpoint while it starts: health is answered at once
(so a `deploy` that started the cloud goes on with its own start-up,
boto3 and its clients, instead of waiting), and every other request waits
until the edge (moto, the saved state) is ready, then goes to it.

Health answers as the edge's does: the ownership proof for anyone, the
details for the owner's signature, refused for a host that is not one of
the cloud's names. If the edge cannot be built (a damaged state file),
every waiting and later request gets that sentence as an AWS error
(LocalCloudStartFailed), and the cloud stops soon after.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs

from . import gate as gate_mod
from .asgi import MAX_CONTROL_BYTES, Disconnected, TooLarge, read_body, respond
from .awserrors import render
from .client import HEALTH_PATH, SERVICE_NAME
from .sigv4 import SignatureError


START_FAILED_CODE = "LocalCloudStartFailed"  # the client's own name for a cloud that did not come up


class Starting:
    def __init__(self, gate: gate_mod.Gate, state_dir: Path, cloud_id: str, port: int):
        self.gate = gate
        self.state_dir = state_dir
        self.cloud_id = cloud_id
        self.port = port
        self.edge: Any = None
        self.failed = ""
        self.ready = asyncio.Event()
        self.protections: asyncio.Future[list[str]] | None = None  # sandboxprobe.missing_protections(), in a thread
        self.on_ready: Callable[[Any], None] = lambda _edge: None

    def done(self, edge: Any = None, failed: str = "") -> None:
        """The edge is built (or could not be): release every waiting request."""
        self.edge, self.failed = edge, failed
        self.ready.set()
        if edge is not None:
            self.on_ready(edge)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if self.edge is not None:
            await self.edge(scope, receive, send)
            return
        if scope["type"] not in ("http", "websocket"):  # a WebSocket API's upgrade waits too
            return
        if scope["type"] == "http" and scope["path"] == HEALTH_PATH:
            await self._health(scope, receive, send)
            return
        await self.ready.wait()
        if self.edge is not None:
            await self.edge(scope, receive, send)
            return
        if scope["type"] == "http":  # an upgrade is refused by uvicorn (500) when the app returns
            await self._failed(scope, receive, send)

    async def _health(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        headers = [(k.decode("latin-1"), v.decode("utf-8", "replace")) for k, v in scope["headers"]]
        hosts = [v for k, v in headers if k == "host"]
        if len(hosts) != 1 or not self.gate.host_allowed(hosts[0]):
            refused = gate_mod.forbidden("Forbidden")
            await respond(send, refused.status, refused.headers, refused.body)
            return
        try:
            body = await read_body(receive, MAX_CONTROL_BYTES)
        except (Disconnected, TooLarge):
            return
        query = scope["query_string"].decode("latin-1")
        raw_path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        nonce = parse_qs(query).get("nonce", [""])[0][:128]
        answer: dict[str, Any] = {"service": SERVICE_NAME}
        if nonce:
            answer["proof"] = self.gate.proof(nonce)
        try:
            self.gate.check(scope["method"], raw_path, query, headers, body, owner_only=True)
        except SignatureError:
            pass
        else:
            try:
                protections = await self.protections if self.protections is not None else []
            except Exception:  # noqa: BLE001 - the probe's own failure; health must still answer
                protections = []
            answer.update(
                {
                    "port": self.port,
                    "state_dir": str(self.state_dir.parent),
                    "cloud_id": self.cloud_id,
                    "protections_off": list(protections),
                }
            )
        await respond(send, 200, [("content-type", "application/json")], json.dumps(answer).encode())

    async def _failed(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """The start failed: the reason, in the protocol of the API called."""
        try:
            body = await read_body(receive, MAX_CONTROL_BYTES)
        except (Disconnected, TooLarge):
            body = b""
        head = {k.decode("latin-1"): v.decode("utf-8", "replace") for k, v in scope["headers"]}
        protocol = gate_mod.protocol_of(head, scope["query_string"].decode("latin-1"), body)
        # A 4xx, so SDKs say it at once instead of retrying a 5xx until the cloud is gone.
        reply = render(
            protocol, START_FAILED_CODE, 400, f"the local cloud could not start: {self.failed}", fault="Receiver"
        )
        try:
            await respond(send, reply.status, reply.headers, reply.body)
        except Exception as exc:  # noqa: BLE001 - a client gone away must not cost the others their answer
            print(f"local cloud: could not answer ({exc})", file=sys.stderr)
