"""The local cloud's HTTP protocol: uvicorn's httptools protocol, with a
direct path for the data plane's most common request.

A GET to an execute-api URL with no body skips the ASGI request cycle
(scope, task context, receive/send messages, per-header checks on the way
in): it goes straight to Edge.execute_api and its response leaves in one
write. That layer cost about as much as the gateway behind it: 72 us of
CPU per request behind a bare protocol against about 115 us behind
uvicorn's ASGI cycle (measured under wrk -c16). Everything else,
pipelining, keep-alive, graceful shutdown and every other request, stays
uvicorn's.
"""

from __future__ import annotations

import asyncio
import time
import traceback
import urllib.parse
from typing import Any

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from .apigatewayv2 import events
from .apigatewayv2.errors import gateway_error
from .asgi import SERVER_OWNED_HEADERS
from .edge import Edge, data_plane_target

# The uvicorn this protocol was written and tested against, and what of it
# the direct path relies on. Anything else: uvicorn's own protocol.
TESTED_UVICORN = ("0.54.0",)
# Methods it overrides or calls through super() / self.
_RELIED_ON = (
    "on_message_begin",
    "on_url",
    "on_header",
    "on_headers_complete",
    "on_message_complete",
    "on_response_complete",
    "connection_made",
    "connection_lost",
    "data_received",
    "shutdown",
)
# State it reads or writes, as set by __init__, connection_made and on_message_begin.
_INIT_STATE = ("config", "loop", "parser", "pipeline", "cycle", "tasks", "server_state")
_CONNECTION_STATE = ("transport", "client", "flow")
_REQUEST_STATE = ("url", "headers", "expect_100_continue", "scope")
_PARSER_METHODS = ("get_method", "get_http_version", "should_keep_alive", "feed_data")
# uvicorn methods that can meet a _DirectCycle in self.cycle: every attribute
# they read from a cycle must be one _DirectCycle has.
_CYCLE_READERS = (
    "connection_lost",
    "shutdown",
    "on_headers_complete",
    "on_response_complete",
    "data_received",
    "timeout_keep_alive_handler",
)


def unsupported_reason(version: str | None = None) -> str | None:
    """Why the direct path cannot be trusted with this uvicorn, or None.
    Checks the version, then every method, module name and piece of
    instance state the direct path relies on, on a probe instance."""
    import uvicorn

    version = version or uvicorn.__version__
    if version not in TESTED_UVICORN:
        return f"uvicorn {version} is not one this protocol was tested with ({', '.join(TESTED_UVICORN)})"
    missing = [name for name in _RELIED_ON if not _defined_by_uvicorn(name)]
    if missing:
        return f"uvicorn's HttpToolsProtocol lacks {', '.join(missing)}"
    if not callable(getattr(httptools, "parse_url", None)):
        return "httptools lacks parse_url"
    if not (
        isinstance(STATUS_LINE, dict) and all(isinstance(STATUS_LINE.get(code), bytes) for code in range(100, 600))
    ):
        return "uvicorn's STATUS_LINE is not a table of status lines"
    try:
        missing = _probe_instance()
    except Exception as exc:  # noqa: BLE001 - any surprise means: do not trust the internals
        return f"uvicorn's HttpToolsProtocol could not be probed ({type(exc).__name__}: {exc})"
    if missing:
        return f"an HttpToolsProtocol instance lacks {', '.join(missing)}"
    try:
        unknown = _cycle_reads() - set(_DirectCycle.__slots__)
    except (OSError, TypeError):
        return "uvicorn's HttpToolsProtocol source cannot be read to check what it reads from a request cycle"
    if unknown:
        return f"uvicorn reads {', '.join(sorted(unknown))} from a request cycle"
    return None


def _defined_by_uvicorn(name: str) -> bool:
    """A method of HttpToolsProtocol itself (or a uvicorn base), not the
    no-op asyncio.Protocol would answer with."""
    for klass in HttpToolsProtocol.__mro__:
        if klass.__module__.startswith(("asyncio", "builtins")):
            return False
        if callable(vars(klass).get(name)):
            return True
    return False


def _probe_instance() -> list[str]:
    """The relied-on state a real HttpToolsProtocol lacks, after it is built,
    connected (to a transport that goes nowhere) and begins a message."""
    from uvicorn import Config
    from uvicorn.server import ServerState

    async def app(scope: Any, receive: Any, send: Any) -> None:  # never called
        pass

    loop = asyncio.new_event_loop()
    try:
        server_state = ServerState()
        proto = HttpToolsProtocol(
            config=Config(app, lifespan="off", log_config=None), server_state=server_state, app_state={}, _loop=loop
        )
        missing = [name for name in _INIT_STATE if not hasattr(proto, name)]
        missing += ["config.app"] if not hasattr(getattr(proto, "config", None), "app") else []
        missing += ["server_state.default_headers"] if not hasattr(server_state, "default_headers") else []
        parser = getattr(proto, "parser", None)
        missing += [f"parser.{name}" for name in _PARSER_METHODS if not callable(getattr(parser, name, None))]
        if missing:
            return missing
        proto.connection_made(asyncio.Transport())
        server_state.connections.discard(proto)
        missing = [name for name in _CONNECTION_STATE if not hasattr(proto, name)]
        if missing:
            return missing
        HttpToolsProtocol.on_message_begin(proto)
        missing = [name for name in _REQUEST_STATE if not hasattr(proto, name)]
        if not missing and not isinstance(proto.scope, dict):
            missing.append("scope as a dict")
        return missing
    finally:
        loop.close()


def _cycle_reads() -> set[str]:
    """Attribute names uvicorn's cycle-meeting methods read from a cycle
    (self.cycle.x, existing_cycle.x), from their source."""
    import inspect
    import re

    names: set[str] = set()
    for method in _CYCLE_READERS:
        source = inspect.getsource(getattr(HttpToolsProtocol, method))
        names.update(re.findall(r"cycle\.(\w+)", source))
    return names


_NO_BODY_MARKERS = (b"content-length", b"transfer-encoding", b"expect", b"upgrade")
# A request head (request line and headers) must arrive within this time
# and size, on every path: a client that trickles one in, or never ends it,
# would otherwise hold a connection and its buffer for as long as it likes.
HEAD_TIMEOUT_S = 10.0
MAX_HEAD_BYTES = 64 * 1024
_TOO_LARGE_HEAD = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: application/json\r\n"
    b"content-length: 45\r\nconnection: close\r\n\r\n"
    b'{"message":"Request Header Fields Too Large"}'
)


class _Unneeded:
    def set(self) -> None:  # uvicorn sets the cycle's event when the connection drops
        pass


class _DirectCycle:
    """Stands in for uvicorn's RequestResponseCycle while a direct request
    is served, with the attributes the protocol reads."""

    __slots__ = ("response_complete", "disconnected", "keep_alive", "message_event", "request")

    def __init__(self, keep_alive: bool, request: tuple[Any, ...]):
        self.response_complete = False
        self.disconnected = False
        self.keep_alive = keep_alive
        self.message_event = _Unneeded()
        self.request = request


class EdgeProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        app = self.config.app
        self.edge: Edge | None = app if isinstance(app, Edge) else None
        self.head_bytes = 0
        self.head_timer: asyncio.TimerHandle | None = None
        self.refused = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if not self.refused:
            super().data_received(data)

    def _arm_head_timer(self) -> None:
        if self.head_timer is None:
            self.head_timer = self.loop.call_later(HEAD_TIMEOUT_S, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def _head_timed_out(self) -> None:
        self.head_timer = None
        if self.cycle is None or self.cycle.response_complete:  # not while a request is served
            self.transport.close()

    def _count_head(self, size: int) -> None:
        self.head_bytes += size
        if self.head_bytes > MAX_HEAD_BYTES and not self.refused:
            self.refused = True
            self._cancel_head_timer()
            self.transport.write(_TOO_LARGE_HEAD)
            self.transport.close()

    def on_url(self, url: bytes) -> None:
        self._count_head(len(url))
        if not self.refused:
            super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count_head(len(name) + len(value))
        if not self.refused:
            super().on_header(name, value)

    def on_message_begin(self) -> None:
        # uvicorn builds the ASGI scope here; it is built in
        # on_headers_complete instead, and only for requests that need it.
        self.url = b""
        self.expect_100_continue = False
        self.headers = []
        self.head_bytes = 0
        self._arm_head_timer()

    def on_headers_complete(self) -> None:
        self._cancel_head_timer()
        if self.refused:
            return
        direct = self._direct_request()
        if direct is None:
            # The scope as uvicorn makes it, around what was read so far.
            url, headers, expect = self.url, self.headers, self.expect_100_continue
            super().on_message_begin()
            self.url, self.headers, self.expect_100_continue = url, headers, expect
            self.scope["headers"] = headers
            super().on_headers_complete()
            return
        self.cycle = _DirectCycle(self.parser.should_keep_alive(), direct)  # type: ignore[assignment]

    def on_message_complete(self) -> None:
        if self.refused:
            return
        cycle = self.cycle
        if isinstance(cycle, _DirectCycle):
            task = self.loop.create_task(self._serve(cycle))
            task.add_done_callback(self.tasks.discard)
            self.tasks.add(task)
            return
        super().on_message_complete()

    def _direct_request(self) -> tuple[Any, ...] | None:
        """(api id, path after the API, path, path as sent, query, headers,
        started) for a bodyless GET to the data plane on an idle HTTP/1.1
        connection, else None."""
        if self.edge is None or self.parser.get_method() != b"GET" or self.parser.get_http_version() != "1.1":
            return None
        if self.pipeline or (self.cycle is not None and not self.cycle.response_complete):
            return None  # answers must keep their order: uvicorn queues this one
        host = ""
        for name, value in self.headers:
            if name in _NO_BODY_MARKERS:
                return None
            if name == b"host":
                if host:
                    return None  # two Host headers: the ASGI path refuses them
                host = value.decode("latin-1")
        url = httptools.parse_url(self.url)
        path = signed = url.path.decode("ascii")  # `signed`: as sent, what a SigV4 signature covers
        if "%" in path:
            path = urllib.parse.unquote(path)  # as uvicorn hands it to ASGI apps
        if not self.edge.gate.host_allowed(host):
            return None  # the ASGI path refuses it with 403
        target = data_plane_target(host, path)
        if target is None or "/@connections/" in target[1]:
            return None  # @connections (websocket/management.py) is served by the ASGI path
        headers = [(k.decode("latin-1"), v.decode("utf-8", "replace")) for k, v in self.headers]
        query = (url.query or b"").decode("latin-1")
        return target[0], target[1], path, signed, query, headers, time.perf_counter()

    async def _serve(self, cycle: _DirectCycle) -> None:
        edge = self.edge
        assert edge is not None
        api_id, rest, path, signed, query, headers, started = cycle.request
        client = self.client[0] if self.client else "127.0.0.1"
        try:
            request = events.HttpRequest("GET", rest, query, headers, b"", client, "HTTP/1.1", signed)
            response, why = await edge.execute_api(api_id, request)
        except Exception as exc:  # noqa: BLE001 - a bug must cost one request, never the cloud
            edge.log("".join(traceback.format_exception(exc)).rstrip())
            response, why = gateway_error(500), ""
        try:
            data = self._encode(response, cycle.keep_alive)
        except ValueError as exc:  # a header no HTTP response may carry
            response, why = gateway_error(500), f"malformed Lambda output: {exc}"
            data = self._encode(response, cycle.keep_alive)
        status = response.status
        if not cycle.disconnected and not self.transport.is_closing():
            self.transport.write(data)
            if not cycle.keep_alive:
                self.transport.close()
        cycle.response_complete = True
        edge.log_request("GET", path, status, started, "execute-api", why)
        self.on_response_complete()

    def _encode(self, response: events.HttpResponse, keep_alive: bool) -> bytes:
        # Names arrive lowercased and checked (events.py checks what the
        # function returned); the line count is the last guard against a
        # header that would split the response.
        head = "".join([f"{name}: {value}\r\n" for name, value in response.headers if name not in SERVER_OWNED_HEADERS])
        breaks = head.count("\r\n")
        if head.count("\n") != breaks or head.count("\r") != breaks:
            raise ValueError("a response header holds a line break")
        parts = [STATUS_LINE[response.status]]
        for name, value in self.server_state.default_headers:
            parts += [name, b": ", value, b"\r\n"]
        parts += [head.encode("latin-1", "replace"), b"content-length: %d\r\n" % len(response.body)]
        if not keep_alive:
            parts.append(b"connection: close\r\n")
        parts += [b"\r\n", response.body]
        return b"".join(parts)
