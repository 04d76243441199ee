"""A WebSocket connection's idle timeout (localcloud/websocket/session.py),
in-process with a short timeout: reference K7 (AWS's WebSocket quotas: idle
connection timeout 10 minutes); a message either way counts as activity
(andyrichardson/subscriptionless#3)."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace
from typing import Any

import pytest

from localcloud.websocket import session
from localcloud.websocket.connections import Connection


async def _run(monkeypatch: pytest.MonkeyPatch, post_after: float | None) -> tuple[int, float, list[dict[str, Any]]]:
    monkeypatch.setattr(session, "IDLE_TIMEOUT_S", 0.3)
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        await asyncio.Event().wait()  # a client that never sends
        raise AssertionError

    sockets = session.WebSockets(SimpleNamespace(port=4599, moto=None))
    connection = Connection("Kf2bqd9WywMCEng=", "api", "prod", "127.0.0.1", "test", send)
    started = time.monotonic()
    loop = asyncio.ensure_future(sockets._messages(None, connection, "d", receive))  # type: ignore[arg-type]
    if post_after is not None:
        await asyncio.sleep(post_after)
        await connection.post(b"still here")
    code = await asyncio.wait_for(loop, 5)
    return code, time.monotonic() - started, sent


async def test_an_idle_connection_is_closed_with_1001(monkeypatch: pytest.MonkeyPatch) -> None:
    code, took, sent = await _run(monkeypatch, None)
    assert code == 1001 and sent[-1] == {"type": "websocket.close", "code": 1001}
    assert 0.25 < took < 2


async def test_a_post_to_the_client_keeps_it_active(monkeypatch: pytest.MonkeyPatch) -> None:
    code, took, _ = await _run(monkeypatch, 0.2)
    assert code == 1001 and took > 0.45  # 0.3 s after the post, not after the start
