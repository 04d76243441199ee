"""The embedded local cloud: one loopback endpoint for every AWS API call.

Control plane: moto, in this process, over real HTTP. It listens on
127.0.0.1 only: nothing on the network can reach it.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
DEFAULT_PORT = 4580
HEALTH_PATH = "/_apigw-wizard/health"
SHUTDOWN_PATH = "/_apigw-wizard/shutdown"
SERVICE_NAME = "apigw-wizard-local-cloud"


class PortInUse(RuntimeError):
    pass


def _health_app(inner: Any, port_holder: dict[str, int], on_shutdown: Any) -> Any:
    """WSGI wrapper answering the health probe that `connect` uses to tell
    our local cloud from any other program on the port, and the stop
    request of `apigw-wizard local --stop`."""

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == SHUTDOWN_PATH and environ.get("REQUEST_METHOD") == "POST":
            threading.Thread(target=on_shutdown, daemon=True).start()
            start_response("202 Accepted", [("Content-Length", "0")])
            return [b""]
        if environ.get("PATH_INFO") == HEALTH_PATH:
            body = json.dumps({"service": SERVICE_NAME, "port": port_holder.get("port")}).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        return inner(environ, start_response)

    return app


class LocalCloud:
    def __init__(self, port: int = DEFAULT_PORT, state_dir: Path | None = None, quiet: bool = True):
        self.requested_port = port
        self.state_dir = state_dir
        self.quiet = quiet
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._port: dict[str, int] = {}

    @property
    def port(self) -> int:
        return self._port["port"]

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.port}"

    def _make_server(self) -> Any:
        from moto.moto_api._internal.models import moto_api_backend
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
        from werkzeug.serving import WSGIRequestHandler, make_server

        # Lambda without Docker; set before any function exists (reference D2).
        moto_api_backend.set_config({"lambda": {"use_docker": False}})
        app = _health_app(DomainDispatcherApplication(create_backend_app), self._port, self.stop)

        class Handler(MotoRequestHandler):
            def log_request(self, *args: Any, **kwargs: Any) -> None:
                if not quiet:
                    WSGIRequestHandler.log_request(self, *args, **kwargs)

        quiet = self.quiet
        try:
            server = make_server(HOST, self.requested_port, app, threaded=True, request_handler=Handler)
        except OSError as exc:
            raise PortInUse(f"port {self.requested_port} on {HOST} is in use ({exc.strerror})") from None
        self._port["port"] = server.server_address[1]
        return server

    def bind(self) -> LocalCloud:
        """Take the port (raises PortInUse) without serving yet."""
        self._server = self._server or self._make_server()
        return self

    def start(self) -> LocalCloud:
        """Serve in a background thread for the life of this process."""
        self.bind()
        self._thread = threading.Thread(target=self._server.serve_forever, name="local-cloud", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.bind()
        self._server.serve_forever()

    def stop_soon(self) -> None:
        """Stop from a signal handler: shutdown() blocks until the serving
        loop ends, so it must not run on the loop's own thread."""
        threading.Thread(target=self.stop, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)


def probe(port: int, timeout: float = 0.5) -> bool | None:
    """True: our local cloud answers on the port. False: something else
    does. None: nothing listens."""
    import http.client

    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", HEALTH_PATH)
        reply = conn.getresponse()
        body = reply.read()
    except (ConnectionRefusedError, OSError):
        return None
    finally:
        conn.close()
    try:
        return reply.status == 200 and json.loads(body).get("service") == SERVICE_NAME
    except ValueError:
        return False
