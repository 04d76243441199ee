"""Small ASGI pieces the edge is built from: reading a bounded body,
answering, replaying a body already read, and what a log line may hold."""

from __future__ import annotations

import re
import time
from typing import Any

MAX_CONTROL_BYTES = 80 * 1024 * 1024  # an AWS API call: a 50 MB zip, base64-encoded in JSON
# Framing headers are the server's to write, whatever a function returns.
SERVER_OWNED_HEADERS = frozenset({"content-length", "server", "date", "connection", "transfer-encoding"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class TooLarge(Exception):
    pass


class Disconnected(Exception):
    pass


async def read_body(receive: Any, limit: int) -> bytes:
    chunks = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise TooLarge
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def respond(send: Any, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
    raw = [
        (k.lower().encode("latin-1"), v.encode("latin-1", "replace"))
        for k, v in headers
        if k.lower() not in SERVER_OWNED_HEADERS
    ]
    raw.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class Replay:
    """An ASGI receive that hands over a body already read (to check its
    signature), then defers to the real one."""

    def __init__(self, body: bytes, receive: Any):
        self.body: bytes | None = body
        self.receive = receive

    async def __call__(self) -> dict[str, Any]:
        if self.body is None:
            return await self.receive()
        body, self.body = self.body, None
        return {"type": "http.request", "body": body, "more_body": False}


def printable(text: str) -> str:
    """Control characters as \\xNN escapes, for log lines."""
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


_clock_cache: list[Any] = [0, ""]


def clock() -> str:
    """HH:MM:SS for the request log, formatted once a second."""
    now = int(time.time())
    if _clock_cache[0] != now:
        _clock_cache[:] = [now, time.strftime("%H:%M:%S", time.localtime(now))]
    return _clock_cache[1]
