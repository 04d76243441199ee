"""The Lambda Runtime API of one execution environment: the HTTP contract a
custom runtime's `bootstrap` (provided.al2023 / provided.al2) or a runtime
interface client talks to, served inside the environment's worker process
(custombootstrap.py runs the bootstrap and bridges it to the worker's
frames). Standard library only, like worker.py, which imports it before the
sandbox closes the cloud's folder.

Contract (reference M1: the Runtime API guide [D] runtimes-api, and the
Runtime Interface Emulator's internal/lambda/rapi and rendering/*): base
/2018-06-01; `next` answers 200 with the event and Lambda-Runtime-* headers;
`response` / `error` answer 202 {"status":"OK"}, 400 InvalidRequestID for an
id that is not the running one, 413 RequestEntityTooLarge over 6 MB + 100;
`init/error` answers 202 during init, 403 InvalidStateTransition after.

Who may use it: the server binds 127.0.0.1 on a port the kernel picks,
lives only as long as its environment, and hands an event only to the
environment's own processes when the sandbox gives the environment its own
PID namespace (peercheck.py); without one, any local process of the same
machine that finds the port could take an event (sandboxprobe.py says so).
"""

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/2018-06-01/runtime/"
RESPONSE_LIMIT = 6 * 1024 * 1024 + 100  # the RIE's limit (reference M1)


def _error_body(error_type, message):
    return json.dumps({"errorMessage": message, "errorType": error_type}).encode()


class Environment:
    """The state of one environment as the Runtime API sees it: at most one
    invocation pending (handed to the next GET) or running (awaiting its
    response or error), and the outcome the worker's main thread waits for."""

    def __init__(self):
        self.lock = threading.Condition()
        self.initialised = False
        self.pending = None  # (request id, headers, event bytes) not yet taken by /next
        self.running = None  # request id of the invocation the runtime holds
        self.outcome = None  # ("next",) | ("init_error", type, body) | ("response", body) | ("error", type, body)
        self.wake_r, self.wake_w = os.pipe()  # a byte when an outcome is set: the main thread selects on it
        self.allowed = None  # peer check: (address, port) -> bool, or None for none

    def _settle(self, outcome):
        self.outcome = outcome
        os.write(self.wake_w, b"!")

    def take_outcome(self):
        with self.lock:
            outcome, self.outcome = self.outcome, None
            return outcome


def _handler_class(env):
    class RuntimeAPIHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the runtime interface clients use it
        # Each answer leaves in one write, at once: with Nagle's algorithm a
        # keep-alive client's next request waited on a delayed ACK (40 ms).
        disable_nagle_algorithm = True

        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            pass  # not the function's log

        def _reply(self, status, body, headers=()):
            """The whole answer in one write (headers and body)."""
            lines = [f"HTTP/1.1 {status} {self.responses[status][0]}", "Content-Type: application/json"]
            lines += [f"{name}: {value}" for name, value in headers]
            lines.append(f"Content-Length: {len(body)}")
            self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)

        def _body(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                return self.rfile.read(length)
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                data = bytearray()
                while True:
                    size = int(self.rfile.readline().split(b";")[0], 16)
                    if not size:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass  # trailers
                        return bytes(data)
                    data += self.rfile.read(size)
                    self.rfile.readline()
            return b""

        peer_ok = None  # per connection (one handler serves a keep-alive connection's requests)

        def _permitted(self):
            if env.allowed is None:
                return True
            if self.peer_ok is None:
                self.peer_ok = env.allowed(self.client_address)
            if self.peer_ok:
                return True
            self._reply(403, _error_body("AccessDeniedException", "Not a process of this execution environment"))
            return False

        def do_GET(self):  # noqa: N802 - http.server's name
            if not self._permitted():
                return
            if self.path != PREFIX + "invocation/next":
                self._reply(404, _error_body("NotFound", "Not Found"))
                return
            with env.lock:
                if not env.initialised:
                    env.initialised = True
                    env._settle(("next",))
                while env.pending is None:
                    env.lock.wait()
                request_id, headers, event = env.pending
                env.pending, env.running = None, request_id
            self._reply(200, event, headers)

        def do_POST(self):  # noqa: N802
            if not self._permitted():
                return
            body = self._body()
            path = self.path.removeprefix(PREFIX)
            error_type = self.headers.get("Lambda-Runtime-Function-Error-Type") or ""
            if path == "init/error":
                with env.lock:
                    if env.initialised:
                        message = "State transition from Ready to InitError failed for runtime. Error: State transition is not allowed"
                        self._reply(403, _error_body("InvalidStateTransition", message))
                        return
                    env.initialised = True
                    env._settle(("init_error", error_type, body))
                self._reply(202, b'{"status":"OK"}')
                return
            request_id, _, kind = path.removeprefix("invocation/").rpartition("/")
            if not path.startswith("invocation/") or kind not in ("response", "error"):
                self._reply(404, _error_body("NotFound", "Not Found"))
                return
            if kind == "response" and len(body) > RESPONSE_LIMIT:
                message = f"Exceeded maximum allowed payload size ({RESPONSE_LIMIT} bytes)."
                self._reply(413, _error_body("RequestEntityTooLarge", message))
                return
            with env.lock:
                if request_id != env.running or env.running is None:
                    self._reply(400, _error_body("InvalidRequestID", "Invalid request ID"))
                    return
                env.running = None
                env._settle(("response", body) if kind == "response" else ("error", error_type, body))
            self._reply(202, b'{"status":"OK"}')

    return RuntimeAPIHandler


def listen(checker=None):
    """The environment's state and its server on 127.0.0.1 and a port the
    kernel picks (not serving yet: serve_forever in a thread, once the
    bootstrap is started). `checker`: port -> allowed(client address), when
    the sandbox can tell the environment's own processes (peercheck.py)."""
    env = Environment()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(env))
    server.daemon_threads = True
    if checker is not None:
        env.allowed = checker(server.server_address[1])
    return env, server


__all__ = ["Environment", "listen", "PREFIX"]
