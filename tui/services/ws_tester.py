"""`apigw-wizard test` for a WebSocket API: open the stage URL with the
`websockets` client, send one message (by default the chat's
`{"action": "sendmessage", "data": "hi"}`), and collect the frames that
arrive within a short wait. The handshake is the test: a $connect that
refuses answers the upgrade with its status (reference K5)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

TEST_MESSAGE = '{"action": "sendmessage", "data": "hi"}'
WAIT_S = 2.0  # how long to listen for frames after sending
OPEN_TIMEOUT_S = 35.0  # a $connect integration may run up to 29 s (K1)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def websocket_url(invoke_url: str) -> str:
    """A stage's URL as a WebSocket client opens it: http -> ws, https -> wss (K2)."""
    return "ws" + invoke_url[4:] if invoke_url.startswith("http") else invoke_url


def connections_url(ws_url: str) -> str:
    """The stage's @connections base (K2), from its wss:// or ws:// URL."""
    return "http" + ws_url[2:].rstrip("/") + "/@connections" if ws_url.startswith("ws") else ""


@dataclass(frozen=True)
class WsReply:
    url: str
    connected: bool
    status: int  # the handshake's HTTP status: 101 when it upgraded
    sent: str = ""
    frames: tuple[str, ...] = field(default_factory=tuple)
    elapsed_ms: float = 0.0
    error: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "connected": self.connected,
            "status": self.status,
            "sent": self.sent,
            "frames": list(self.frames),
            "elapsed_ms": round(self.elapsed_ms, 2),
            "error": self.error,
        }

    def lines(self) -> list[str]:
        """For a terminal: control characters a handler sent are escaped."""
        if not self.connected:
            return [f"Handshake refused: {self.status}  {_safe(self.error)}".rstrip()]
        out = [f"Connected ({self.elapsed_ms:.0f} ms); sent {_safe(self.sent)}"]
        out += [f"< {_safe(frame)}" for frame in self.frames] or [f"(no frames within {WAIT_S:.0f} s)"]
        return out


def _safe(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def exchange(url: str, message: str = TEST_MESSAGE, wait_s: float = WAIT_S) -> WsReply:
    """Connect, send `message`, gather frames for `wait_s`. Raises OSError
    (and TimeoutError) when nothing answers at the URL."""
    from websockets.exceptions import ConnectionClosed, InvalidStatus
    from websockets.sync.client import connect

    start = time.monotonic()
    try:
        client = connect(url, open_timeout=OPEN_TIMEOUT_S, max_size=None)
    except InvalidStatus as exc:
        body = exc.response.body.decode("utf-8", "replace") if exc.response.body else ""
        return WsReply(url, False, exc.response.status_code, error=body, elapsed_ms=_ms(start))
    frames: list[str] = []
    with client:
        opened = _ms(start)
        client.send(message)
        end = time.monotonic() + wait_s
        while (left := end - time.monotonic()) > 0:
            try:
                frame = client.recv(timeout=left)
            except (TimeoutError, ConnectionClosed):
                break
            frames.append(frame if isinstance(frame, str) else frame.decode("utf-8", "replace"))
    return WsReply(url, True, 101, message, tuple(frames), opened)


def _ms(start: float) -> float:
    return (time.monotonic() - start) * 1000
