"""The @connections management API (reference K6, apigatewaymanagementapi
2018-11-29) on a WebSocket API's own URLs: POST (PostToConnection), GET
(GetConnection), DELETE (DeleteConnection)
/{stage}/@connections/{connectionId}.

Handlers reach it with boto3's apigatewaymanagementapi client and
endpoint_url=f"{AWS_ENDPOINT_URL}/_aws/execute-api/{apiId}/{stage}" (the
path form: *.localhost names do not resolve everywhere). Calls are SigV4
signed (service execute-api) with a key this cloud issued: the owner's,
or a handler's execution-role session key whose role's policies allow
execute-api:ManageConnections (rolecreds.py; by action, as IAM would,
resources not evaluated). An unknown or closed connection: 410
GoneException with an empty body, the error named by x-amzn-ErrorType
(reference K6: the SDKs recognise it by status and header)."""

from __future__ import annotations

import json
import re
import time
from typing import Any
from urllib.parse import unquote

from .. import rolecreds
from ..asgi import TooLarge, read_body, respond
from ..sigv4 import SignatureError
from . import routes
from .connections import Connections

ACTION = "execute-api:ManageConnections"
MAX_DATA_BYTES = 128 * 1024  # PostToConnection's Data (K6)
_PATH = re.compile(r"^/([^/]+)/@connections/(.+)$")  # base64 ids may hold "/" (K2: sent as %2F)


def target(path: str) -> tuple[str, str] | None:
    """(stage, connection id) for a path within an API, or None."""
    match = _PATH.match(path)
    return (match.group(1), unquote(match.group(2))) if match else None


def _iso(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{int(seconds * 1000) % 1000:03d}Z"


class Management:
    def __init__(self, edge: Any, connections: Connections):
        self.edge = edge
        self.connections = connections

    def owns(self, api_id: str, path: str) -> bool:
        """A management call: the path's shape, on a WebSocket API."""
        return target(path) is not None and routes.is_websocket(self.edge.moto, api_id)

    async def serve(
        self, scope: dict[str, Any], receive: Any, send: Any, api_id: str, path: str, headers: list[tuple[str, str]]
    ) -> tuple[int, str]:
        found = target(path)
        assert found is not None  # owns() said so
        stage, connection_id = found
        method = scope["method"]
        try:
            body = await read_body(receive, MAX_DATA_BYTES)
        except TooLarge:  # K6: PostToConnection's Data is at most 128 KB
            return await _error(send, 413, "PayloadTooLargeException", {"message": "Message too long"}), ""
        raw_path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        query = scope["query_string"].decode("latin-1")
        try:
            self._authorize(method, raw_path, query, headers, body)
        except SignatureError as err:
            return await _error(send, 403, "ForbiddenException", {"message": "Forbidden"}), err.detail
        connection = self.connections.find(api_id, stage, connection_id)
        if method not in ("POST", "GET", "DELETE"):
            return await _error(send, 404, "NotFoundException", {"message": "Not Found"}), ""
        if connection is None:
            return await _error(send, 410, "GoneException", None), f"connection {connection_id} is gone"
        if method == "POST":
            await connection.post(body)
            await respond(send, 200, [("content-type", "application/json")], b"")
            return 200, ""
        if method == "GET":
            answer = {  # the wire names (botocore's model: locationName connectedAt, identity...)
                "connectedAt": _iso(connection.connected_at),
                "identity": {"sourceIp": connection.source_ip, "userAgent": connection.user_agent},
                "lastActiveAt": _iso(connection.last_active_at),
            }
            await respond(send, 200, [("content-type", "application/json")], json.dumps(answer).encode())
            return 200, ""
        connection.closing.set()  # the connection's loop closes it with 1000 and runs $disconnect
        self.connections.remove(connection_id)
        await respond(send, 204, [], b"")
        return 204, ""

    def _authorize(self, method: str, raw_path: str, query: str, headers: list[tuple[str, str]], body: bytes) -> None:
        gate = self.edge.gate
        signed = gate.check(method, raw_path, query, headers, body)
        if not signed.access_key or signed.access_key == gate.owner_key:
            return  # the owner (or --accept-any-credentials)
        session = self.edge.roles.get(signed.access_key)
        token = next((v for k, v in headers if k == "x-amz-security-token"), None)
        if session is None or token != session.token:
            raise SignatureError("UNKNOWN_KEY", "the session token does not belong to this key", signed.access_key)
        with self.edge.moto.lock:
            documents = rolecreds.role_documents(session.role_arn)
        if not rolecreds.allowed(documents, ACTION):
            raise SignatureError("DENIED", rolecreds.denial_message(session, ACTION), signed.access_key)


async def _error(send: Any, status: int, kind: str, body: dict[str, Any] | None) -> int:
    data = json.dumps(body).encode() if body is not None else b""
    await respond(send, status, [("content-type", "application/json"), ("x-amzn-errortype", kind)], data)
    return status
