"""Start and stop the local cloud: the edge app on uvicorn (httptools,
uvloop), bound to 127.0.0.1 only, so nothing on the network can reach it."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any, TextIO

from . import client
from .client import DEFAULT_PORT, HEALTH_PATH, HOST, SERVICE_NAME, SHUTDOWN_PATH  # noqa: F401 - re-exported
from .loopback import PortInUse, bind_loopback, bind_loopback6
from .statelock import SUBDIR

HOUSEKEEPING_S = 1.0
LOG_SAVE_S = 3.0  # a kill -9 loses at most this much of the logs
PRUNE_S = 30.0  # unreferenced code folders, the request log's size
# Full garbage collections run here, when traffic pauses or at most this
# often, not when the collector decides: under load it decided every 1-2 s,
# and each walked the logs and models for 20-80 ms while every request waited.
FULL_GC_IDLE_S = 2.0
FULL_GC_EVERY_S = 300.0
FAILED_START_LINGER_S = 10.0  # the command that started it hears why, then the port is free


class LocalCloud:
    def __init__(
        self,
        port: int = DEFAULT_PORT,
        state_dir: Path | None = None,
        quiet: bool = True,
        out: TextIO | None = None,
        accept_any_credentials: bool = False,
    ):
        from awsrules.privatefiles import default_state_dir, ensure_private_dir

        self.requested_port = port
        self.state_dir = ensure_private_dir((state_dir or default_state_dir()) / SUBDIR)
        self.quiet = quiet
        self.accept_any_credentials = accept_any_credentials
        self.out = out or sys.stdout
        self._socket: socket.socket | None = None
        self._socket6: socket.socket | None = None  # [::1]: where browsers may send localhost URLs
        self._server: Any = None
        self._stop_asked = False
        self._lines: list[str] = []
        self._ticks = 0
        self.edge: Any = None
        self.failed = ""  # why an early start could not build the edge

    @property
    def port(self) -> int:
        assert self._socket is not None
        return self._socket.getsockname()[1]

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.port}"

    def bind(self) -> LocalCloud:
        """Take the port (raises PortInUse) and load the saved state."""
        self.take_port()
        if self.edge is None:
            self._build_edge()
        return self

    def take_port(self) -> LocalCloud:
        """Hold the state dir and the port (raises StateLocked, PortInUse),
        without loading anything else yet."""
        if self._socket is None:
            from .statelock import hold

            # One cloud per state dir (raises StateLocked): before the port,
            # so a second cloud says who holds the folder, whatever its port.
            if getattr(self, "_state_lock", None) is None:
                self._state_lock: int | None = hold(self.state_dir, self.requested_port)
            self._socket = bind_loopback(self.requested_port)
            try:
                self._socket6 = bind_loopback6(self.port)
            except PortInUse:
                self._release()
                raise
            # The event loop gives up the GIL at every socket call; a thread
            # saving logs or the control plane then kept it for up to the
            # default 5 ms each time (p99 at 16 connections 30-120 ms).
            sys.setswitchinterval(0.001)
        return self

    def _build_edge(
        self, protections: list[str] | None = None, release_on_failure: bool = True, freeze: bool = True
    ) -> None:
        """moto, the saved state and the runtime: the slow part of a start."""
        from .edge import Edge

        _ignore_host_aws_config()
        try:
            edge = Edge(self.state_dir, self.port, self._request_log)
        except BaseException:
            if release_on_failure:
                self._release()
            raise
        edge.shutdown = self.stop_soon
        edge.gate.accept_any = self.accept_any_credentials
        from . import sandboxprobe

        # Said at start and in health, so the wizard can show it once.
        edge.protections_off = sandboxprobe.missing_protections() if protections is None else protections
        self.edge = edge
        if freeze:
            self._freeze()

    def _freeze(self) -> None:
        # moto's models are long-lived: keep them out of every GC pass.
        gc.collect()
        gc.freeze()
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, 1_000_000)  # no automatic full collections (see FULL_GC_*)
        self._full_gc_at = time.monotonic()

    def _request_log(self, line: str) -> None:
        if not self.quiet:
            self._lines.append(line)

    def _release(self) -> None:
        """Give back the port and the state dir (after a failed start or a stop)."""
        if self._socket6 is not None:
            self._socket6.close()
            self._socket6 = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        if getattr(self, "_state_lock", None) is not None:
            os.close(self._state_lock)  # type: ignore[arg-type]
            self._state_lock = None

    async def _housekeeping(self) -> None:
        from . import retention

        reported: set[str] = set()
        pruner = retention.CodePruner(self.state_dir / "code")
        while True:
            await asyncio.sleep(0.2)
            self._ticks += 1
            try:
                await self._housekeeping_tick(pruner)
            except Exception as exc:  # noqa: BLE001 - housekeeping must outlive any failure; it retries next tick
                message = f"local cloud: housekeeping failed ({type(exc).__name__}: {exc}); will retry"
                if message not in reported:  # once per distinct failure, not every tick
                    reported.add(message)
                    with contextlib.suppress(Exception):
                        print(message, file=sys.stderr, flush=True)

    async def _housekeeping_tick(self, pruner: Any) -> None:
        from . import retention

        if self._lines:
            lines, self._lines = self._lines, []
            self.out.write("\n".join(lines) + "\n")
            self.out.flush()
        if self.edge is None:  # still starting
            return
        if self._ticks % int(HOUSEKEEPING_S / 0.2) == 0:
            self.edge.runtime.reap_idle()
            now = time.monotonic()
            idle = now - self.edge.last_request > FULL_GC_IDLE_S
            if (idle and now - self._full_gc_at > FULL_GC_IDLE_S * 5) or now - self._full_gc_at > FULL_GC_EVERY_S:
                self._full_gc_at = now
                gc.collect()
        # Logs are saved every few seconds even under steady traffic, so a
        # kill -9 loses at most that much; the write runs off the loop.
        if self._ticks % int(LOG_SAVE_S / 0.2) == 0 and self.edge.logs_dirty:
            self.edge.logs_dirty = False
            self.edge.sink.take()  # the loop hands the lines over; the thread formats and stores them
            try:
                await asyncio.to_thread(self.edge.save_logs, False)
            except BaseException:
                self.edge.logs_dirty = True
                raise
        if self._ticks % int(PRUNE_S / 0.2) == 0:
            with self.edge.moto.lock:
                keep = retention.referenced_code()
            await asyncio.to_thread(pruner.prune, keep)
            retention.rotate_output()

    async def _serve(self) -> None:
        import uvicorn

        app: Any = self.edge if self.edge is not None else self._starting()
        config = uvicorn.Config(
            app,
            http=self._http_protocol(),
            # WebSocket APIs (localcloud/websocket/): a message is at most
            # 128 KB and a frame 32 KB; either too big closes the connection
            # with 1009 (reference K7; AWS's WebSocket quotas page). uvicorn
            # hands ws_max_size to websockets' ServerProtocol, which takes
            # (message, fragment) limits (websockets 17, pinned).
            ws="websockets-sansio",
            ws_max_size=(128 * 1024, 32 * 1024),  # type: ignore[arg-type]
            ws_per_message_deflate=False,
            lifespan="off",
            access_log=False,
            server_header=False,
            proxy_headers=False,
            log_level="warning",
            timeout_keep_alive=5,
            loop="none",
        )
        self._server = uvicorn.Server(config)
        self._server.should_exit = self._stop_asked  # a stop asked for while starting
        tasks: list[asyncio.Future[Any]] = []
        if self.edge is None:
            tasks.append(asyncio.ensure_future(self._build_while_serving(app)))
        else:
            self._after_ready(self.edge)
        keeper = asyncio.ensure_future(self._housekeeping())
        try:
            await self._server.serve(sockets=[s for s in (self._socket, self._socket6) if s is not None])
        finally:
            keeper.cancel()
            for task in tasks:
                task.cancel()
            if self.edge is not None:
                self._shut_down_edge()
            if self._lines:
                self.out.write("\n".join(self._lines) + "\n")
                self.out.flush()
            if getattr(self, "_state_lock", None) is not None:  # the state is saved: the folder is free
                os.close(self._state_lock)  # type: ignore[arg-type]
                self._state_lock = None

    def _shut_down_edge(self) -> None:
        self.edge.runtime.shutdown()
        for save in (self.edge.save_logs, self.edge.save):
            try:
                save()
            except Exception as exc:  # noqa: BLE001 - the other save and the exit still happen
                print(
                    f"local cloud: could not save at shutdown ({type(exc).__name__}: {exc})",
                    file=sys.stderr,
                    flush=True,
                )

    # -- answering while the edge is built (serve_forever(early=True)) ----
    def _starting(self) -> Any:
        from .gate import Gate
        from .starting import Starting
        from .statelock import cloud_id

        starting = Starting(Gate.for_owner(self.port), self.state_dir, cloud_id(self.state_dir), self.port)
        from . import sandboxprobe

        # A probe process, ~0.1 s: run while moto loads.
        starting.protections = asyncio.ensure_future(asyncio.to_thread(sandboxprobe.missing_protections))
        return starting

    async def _build_while_serving(self, starting: Any) -> None:
        try:
            protections = await starting.protections
            await asyncio.to_thread(self._build_edge, protections, False, False)  # frozen after warm-up
        except Exception as exc:  # noqa: BLE001 - said to every caller, then the cloud stops
            message = str(exc) if isinstance(exc, OSError | RuntimeError) else f"{type(exc).__name__}: {exc}"
            print(f"local cloud: could not start: {message}", file=sys.stderr, flush=True)
            starting.done(failed=message)
            await asyncio.sleep(FAILED_START_LINGER_S)  # long enough for the caller that started it to hear why
            self.failed = message
            self.stop_soon()
            return
        # New connections go straight to the edge (and its protocol's direct path).
        assert self._server is not None
        self._server.config.app = self._server.config.loaded_app = self.edge
        starting.done(self.edge)
        for missing in self.edge.protections_off:
            self.out.write(f"  Sandbox protection off: {missing}\n")
        self.out.flush()
        self._after_ready(self.edge)

    def _after_ready(self, edge: Any) -> threading.Thread:
        """Load, in the background, what the first call of each service
        would otherwise wait for; then keep it all out of later collections."""

        def warm() -> None:
            try:
                edge.moto.warm()
            except Exception as exc:  # noqa: BLE001 - only a head start: each first call loads what it needs
                print(f"local cloud: warm-up stopped ({type(exc).__name__}: {exc})", file=sys.stderr, flush=True)
            finally:
                self._freeze()
                gc.enable()  # off from the start of an early start (__main__.py): ~10 % less start-up CPU

        thread = threading.Thread(target=warm, name="warm-up", daemon=True)
        thread.start()
        return thread

    def _http_protocol(self) -> Any:
        """Our protocol (a direct path for data-plane GETs, head limits),
        or uvicorn's own where it relies on what this uvicorn lacks."""
        try:
            from .protocol import EdgeProtocol, unsupported_reason

            reason = unsupported_reason()
        except ImportError as exc:
            reason = f"uvicorn's httptools protocol could not be imported ({exc})"
        if reason is None:
            return EdgeProtocol
        self.out.write(
            f"Serving with uvicorn's own HTTP protocol: {reason}. Requests are served as usual, without "
            "the direct path for data-plane GETs or the 10 s / 64 KiB request-head limits.\n"
        )
        self.out.flush()
        return "httptools"

    def serve_forever(self, early: bool = False) -> None:
        """Serve in this thread until stopped (Ctrl+C, SIGTERM, stop()).
        early: answer health as soon as the port is held, and build the
        rest while serving (the background cloud a command starts)."""
        if early:
            self.take_port()
        else:
            self.bind()
        more_open_files()
        if threading.current_thread() is threading.main_thread():
            # uvicorn shuts down gracefully on these, then re-raises the
            # signal through the handler that was there before it: ours only
            # asks for a stop, which lets our own shutdown (workers, logs,
            # state) finish. A signal that comes before uvicorn has taken
            # them over (at start) is kept, not swallowed.
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: self.stop_soon())
        _new_loop().run_until_complete(self._serve())

    def stop_soon(self) -> None:
        self._stop_asked = True
        if self._server is not None:
            self._server.should_exit = True


def more_open_files() -> None:
    """Each WebSocket connection holds a socket for as long as it is open
    (up to 2 hours on AWS), and desktops often start processes with a soft
    limit of 1,024 descriptors: the soft limit goes up to the hard one.
    Handlers get Lambda's 1,024 back in the sandbox (sandbox.py)."""
    try:
        import resource
    except ImportError:  # Windows: no such limit
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 1 << 20
    if soft < wanted:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def _ignore_host_aws_config() -> None:
    """moto calls botocore, which reads ~/.aws/config and credentials and
    honours AWS_PROFILE: a damaged or unrelated file of the user's failed
    calls to the local cloud ("Unable to parse config file"). The cloud
    needs none of them."""
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        os.environ.pop(name, None)


def _new_loop() -> asyncio.AbstractEventLoop:
    loop: asyncio.AbstractEventLoop
    try:
        import uvloop

        loop = uvloop.new_event_loop()
    except ImportError:  # Windows: the standard loop
        loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    return loop


def probe(port: int, timeout: float = 0.5) -> bool | None:
    """True: this user's local cloud answers on the port. False: something
    else does (another program, or another user's cloud). None: nothing."""
    return client.probe(port, timeout)


def health(port: int, timeout: float = 0.5) -> client.Health | None | bool:
    """The local cloud's health answer (see client.health)."""
    return client.health(port, timeout)
