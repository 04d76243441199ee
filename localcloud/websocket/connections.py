"""The open connections, by id: what @connections reaches (post, get,
delete) and what a closed one no longer answers to (410 GoneException,
reference K6)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

# Idle timeout: a connection with no message for this long is closed
# (reference K7, AWS's "Idle Connection Timeout for WebSocket APIs"); a
# message either way counts, and API Gateway sends no pings of its own
# (andyrichardson/subscriptionless#3, reported against AWS).
IDLE_TIMEOUT_S = 600.0


@dataclass
class Connection:
    connection_id: str
    api_id: str
    stage: str
    source_ip: str
    user_agent: str
    send: Callable[[dict[str, Any]], Awaitable[None]]  # the ASGI send of the connection
    connected_at: float = field(default_factory=time.time)
    last_active_at: float = field(default_factory=time.time)
    closing: asyncio.Event = field(default_factory=asyncio.Event)  # set by DeleteConnection

    def touch(self) -> None:
        self.last_active_at = time.time()

    async def post(self, data: bytes) -> None:
        """A frame to the client: text when the data is UTF-8, else binary.
        It counts as activity (the idle timeout is direction agnostic)."""
        self.touch()
        try:
            message: dict[str, Any] = {"type": "websocket.send", "text": data.decode("utf-8")}
        except UnicodeDecodeError:
            message = {"type": "websocket.send", "bytes": data}
        await self.send(message)


class Connections:
    def __init__(self) -> None:
        self.by_id: dict[str, Connection] = {}

    def add(self, connection: Connection) -> None:
        self.by_id[connection.connection_id] = connection

    def remove(self, connection_id: str) -> None:
        self.by_id.pop(connection_id, None)

    def find(self, api_id: str, stage: str, connection_id: str) -> Connection | None:
        """An open connection of this API and stage (any other: gone)."""
        found = self.by_id.get(connection_id)
        if found is None or found.api_id != api_id or found.stage != stage or found.closing.is_set():
            return None
        return found
