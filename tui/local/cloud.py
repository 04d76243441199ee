"""Start and stop the local cloud: the edge app on uvicorn (httptools,
uvloop), bound to 127.0.0.1 only, so nothing on the network can reach it."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any, TextIO

from .edge import HEALTH_PATH, SERVICE_NAME, SHUTDOWN_PATH  # noqa: F401 - re-exported for callers

HOST = "127.0.0.1"
DEFAULT_PORT = 4580
HOUSEKEEPING_S = 1.0
IDLE_SAVE_S = 2.0


class PortInUse(RuntimeError):
    pass


class LocalCloud:
    def __init__(self, port: int = DEFAULT_PORT, state_dir: Path | None = None, quiet: bool = True,
                 out: TextIO | None = None):
        from ..services.ledger import default_state_dir, ensure_private_dir

        self.requested_port = port
        self.state_dir = ensure_private_dir((state_dir or default_state_dir()) / "local-cloud")
        self.quiet = quiet
        self.out = out or sys.stdout
        self._socket: socket.socket | None = None
        self._server: Any = None
        self._lines: list[str] = []
        self._ticks = 0
        self.edge: Any = None

    @property
    def port(self) -> int:
        assert self._socket is not None
        return self._socket.getsockname()[1]

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.port}"

    def bind(self) -> LocalCloud:
        """Take the port (raises PortInUse) and load the saved state."""
        if self._socket is None:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((HOST, self.requested_port))
            except OSError as exc:
                sock.close()
                raise PortInUse(f"port {self.requested_port} on {HOST} is in use ({exc.strerror})") from None
            sock.listen(1024)
            sock.setblocking(False)
            self._socket = sock
            from .edge import Edge

            self.edge = Edge(self.state_dir, self.port, self._request_log)
            self.edge.shutdown = self.stop_soon
            # moto's models are long-lived: keep them out of every GC pass.
            gc.collect()
            gc.freeze()
        return self

    def _request_log(self, line: str) -> None:
        if not self.quiet:
            self._lines.append(line)

    async def _housekeeping(self) -> None:
        while True:
            await asyncio.sleep(0.2)
            if self._lines:
                lines, self._lines = self._lines, []
                self.out.write("\n".join(lines) + "\n")
                self.out.flush()
            self._ticks += 1
            if self._ticks % int(HOUSEKEEPING_S / 0.2) == 0:
                self.edge.runtime.reap_idle()
                # Saving logs stalls the loop for as long as pickling takes:
                # do it only once traffic has paused.
                if time.monotonic() - self.edge.last_request > IDLE_SAVE_S:
                    self.edge.save_logs()

    async def _serve(self) -> None:
        import uvicorn

        from .protocol import EdgeProtocol

        config = uvicorn.Config(self.edge, http=EdgeProtocol, lifespan="off", access_log=False,
                                server_header=False, proxy_headers=False, log_level="warning",
                                timeout_keep_alive=5,
                                loop="none")
        self._server = uvicorn.Server(config)
        keeper = asyncio.ensure_future(self._housekeeping())
        try:
            await self._server.serve(sockets=[self._socket])
        finally:
            keeper.cancel()
            self.edge.runtime.shutdown()
            self.edge.sink.flush()
            self.edge.logs_dirty = True
            self.edge.save_logs()
            self.edge.save()
            if self._lines:
                self.out.write("\n".join(self._lines) + "\n")
                self.out.flush()

    def serve_forever(self) -> None:
        """Serve in this thread until stopped (Ctrl+C, SIGTERM, stop())."""
        self.bind()
        if threading.current_thread() is threading.main_thread():
            # uvicorn shuts down gracefully on these, then re-raises the
            # signal through the handler that was there before it; a no-op
            # there lets our own shutdown (workers, logs, state) finish.
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: None)
        _new_loop().run_until_complete(self._serve())

    def stop_soon(self) -> None:
        if self._server is not None:
            self._server.should_exit = True


def _new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop

        loop = uvloop.new_event_loop()
    except ImportError:  # Windows: the standard loop
        loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    return loop


def probe(port: int, timeout: float = 0.5) -> bool | None:
    """True: our local cloud answers on the port. False: something else
    does. None: nothing listens."""
    found = health(port, timeout)
    return found if found is None else bool(found)


def health(port: int, timeout: float = 0.5) -> dict[str, Any] | None | bool:
    """The local cloud's health answer; False if another program answers,
    None if nothing listens."""
    import http.client

    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", HEALTH_PATH)
        reply = conn.getresponse()
        body = reply.read()
    except (ConnectionRefusedError, OSError):
        return None
    except http.client.HTTPException:
        return False
    finally:
        conn.close()
    with contextlib.suppress(ValueError, AttributeError):
        data = json.loads(body)
        if reply.status == 200 and data.get("service") == SERVICE_NAME:
            return data
    return False
