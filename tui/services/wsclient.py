"""A WebSocket client session for the Test step of a WebSocket API: connect,
send, receive, close, each reported as a Frame with the time since Connect
and, for the first frame after a send, the round trip. Not an AWS call:
the `websockets` asyncio client runs on the caller's event loop, which it
never blocks. Every received frame is untrusted text (printable)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

OPEN_TIMEOUT_S = 20.0  # a cold $connect function on a loaded machine takes seconds
CLOSE_TIMEOUT_S = 2.0
MAX_MESSAGE = 128 * 1024  # API Gateway's message limit (reference K7)
SHOWN_CHARS = 2000  # a frame longer than this is cut in the log


@dataclass(frozen=True)
class Frame:
    """kind: connecting | open | sent | received | closed | refused | error."""

    kind: str
    text: str
    elapsed_ms: float
    round_trip_ms: float | None = None
    status: int | None = None  # open: 101; refused: the handshake's HTTP status


def printable(data: str | bytes) -> str:
    """A frame as log text: control characters (terminal escapes among
    them) shown as \\xNN, binary frames by size, long ones cut."""
    if isinstance(data, bytes):
        return f"(binary frame, {len(data)} bytes)"
    shown = "".join(
        c if c in "\n\t" or (c.isprintable() and c != "\x7f") else f"\\x{ord(c):02x}" for c in data[:SHOWN_CHARS]
    )
    return shown + (f" … ({len(data) - SHOWN_CHARS} more characters)" if len(data) > SHOWN_CHARS else "")


class Session:
    def __init__(self, url: str, emit: Callable[[Frame], None]):
        self.url = url
        self.emit = emit
        self._ws: Any = None
        self._started = 0.0
        self._sent_at: float | None = None

    @property
    def connected(self) -> bool:
        return self._ws is not None

    def _ms(self) -> float:
        return (time.monotonic() - self._started) * 1000

    async def run(self) -> None:
        """Connect and report every frame until the connection closes
        (cancelling it closes the connection with 1000)."""
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed, InvalidStatus, InvalidURI, WebSocketException

        self._started = time.monotonic()
        self.emit(Frame("connecting", f"connecting to {self.url}", 0))
        try:
            async with connect(
                self.url, open_timeout=OPEN_TIMEOUT_S, close_timeout=CLOSE_TIMEOUT_S, max_size=MAX_MESSAGE
            ) as ws:
                self._ws = ws
                status = ws.response.status_code if ws.response is not None else 101
                self.emit(Frame("open", f"open: handshake done (HTTP {status})", self._ms(), status=status))
                try:
                    async for message in ws:
                        self._received(message)
                except ConnectionClosed:
                    pass  # an abnormal close: its code is below
                except asyncio.CancelledError:
                    # The person left the step or quit: a normal close (1000);
                    # websockets would close a cancelled block with 1011.
                    await ws.close()
                    raise
                finally:
                    self._ws = None
                code = ws.close_code if ws.close_code is not None else 1006
                reason = ws.close_reason or ""
                self.emit(
                    Frame("closed", f"closed: code {code}" + (f", reason {reason!r}" if reason else ""), self._ms())
                )
        except InvalidStatus as exc:
            # $connect refused it (reference K5): the handshake's HTTP status.
            status = exc.response.status_code
            self.emit(Frame("refused", f"refused: the handshake got HTTP {status}", self._ms(), status=status))
        except InvalidURI as exc:
            self.emit(Frame("error", f"not a WebSocket URL: {exc}", self._ms()))
        except (WebSocketException, OSError, TimeoutError) as exc:
            self.emit(Frame("error", f"could not connect: {exc or type(exc).__name__}", self._ms()))
        finally:
            self._ws = None

    def _received(self, message: str | bytes) -> None:
        round_trip = None
        if self._sent_at is not None:
            round_trip = (time.monotonic() - self._sent_at) * 1000
            self._sent_at = None  # a reply is the first frame after a send; later ones are pushes
        self.emit(Frame("received", printable(message), self._ms(), round_trip))

    async def send(self, text: str) -> bool:
        """Send one text frame; False when not connected."""
        ws = self._ws
        if ws is None:
            return False
        self._sent_at = time.monotonic()
        await ws.send(text)
        self.emit(Frame("sent", printable(text), self._ms()))
        return True

    async def close(self) -> None:
        """Close with 1000; run() reports the close."""
        ws = self._ws
        if ws is not None:
            await ws.close()
