"""The Lambda Runtime API for one execution environment, served inside its
worker process (worker.py) to a custom runtime's `bootstrap`
(provided.al2023 / provided.al2) or a runtime interface client.

Standard library only, like worker.py: it is imported by the worker before
the sandbox closes the cloud's folder, and runs in the sandbox with the
bootstrap, which is its child. The cloud's side is unchanged: the same
framed calls arrive on the pipe as for a Python handler, so the pool,
timeouts (the watchdog kills the worker, and the bootstrap dies with it),
memory watch, REPORT lines and metrics are the Python path's. This module
turns each call into the answer to the bootstrap's GET .../next and its
POST .../response or .../error into the call's reply.

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
machine that finds the port could take an event, which is why the
sandbox's report names that protection.
"""

import json
import os
import select
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/2018-06-01/runtime/"
RESPONSE_LIMIT = 6 * 1024 * 1024 + 100  # the RIE's limit (reference M1)
LINE_LIMIT = 256 * 1024  # one CloudWatch event holds at most 256 KB
LOG_LIMIT = 4 * 1024 * 1024  # per invocation, as worker.py's Capture
# Where Lambda looks for a custom runtime's bootstrap (reference M2, RIE
# rie/run.go): the code's folder first, then a layer's /opt.
BOOTSTRAP_NAMES = ("bootstrap",)


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


class Output:
    """The bootstrap's stdout and stderr (one pipe), as log lines. A thread
    reads it as it comes; the main thread drains what is left before it
    replies, so every line written before the runtime posted its answer is
    that invocation's. Between invocations (`collecting` off), lines are
    logged as they come, as stray lines."""

    def __init__(self, fd):
        self.fd = fd
        os.set_blocking(fd, False)
        self.lock = threading.Lock()
        self.lines = []
        self.partial = b""
        self.size = 0
        self.closed = False
        self.collecting = True  # init, then each invocation
        threading.Thread(target=self._follow, daemon=True).start()

    def _follow(self):
        while not self.closed:
            select.select([self.fd], [], [])
            self.drain()

    def drain(self):
        with self.lock:
            while not self.closed:
                try:
                    data = os.read(self.fd, 65536)
                except BlockingIOError:
                    return
                if not data:
                    self.closed = True
                    return
                self._add(data)

    def _add(self, data):
        *lines, self.partial = (self.partial + data).split(b"\n")
        if len(self.partial) > LINE_LIMIT:
            lines.append(self.partial)
            self.partial = b""
        if not self.collecting:
            _stray(line.decode("utf-8", "replace") for line in lines)
            return
        for line in lines:
            self.size += len(line)
            if self.size <= LOG_LIMIT:
                self.lines.append(line[:LINE_LIMIT].decode("utf-8", "replace"))

    def take(self, collecting):
        """The lines so far; from now on collected (True) or logged as they come."""
        self.drain()
        with self.lock:
            self.collecting = collecting
            if self.partial:
                self.lines.append(self.partial[:LINE_LIMIT].decode("utf-8", "replace"))
                self.partial = b""
            if self.size > LOG_LIMIT:
                self.lines.append(f"[apigw-wizard: log output over {LOG_LIMIT // 1048576} MB was dropped]")
            lines, self.lines, self.size = self.lines, [], 0
            return lines


def find_bootstrap(task_root):
    for name in BOOTSTRAP_NAMES:
        path = os.path.join(task_root, name)
        if os.path.isfile(path):
            return path
    return None


def _set_death_signal():
    """In the bootstrap, before exec: die with the worker (a timeout kills
    the worker; without the sandbox nothing else would take the bootstrap down)."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(1, 9, 0, 0, 0)  # PR_SET_PDEATHSIG, SIGKILL


def _exit_like(status):
    """End the worker as the bootstrap ended, so the cloud words the
    failure from the bootstrap's own status (runtimeerrors.exit_reason)."""
    if status < 0:
        import signal

        signal.signal(-status, signal.SIG_DFL)
        os.kill(os.getpid(), -status)
    os._exit(status if status >= 0 else 1)


def _peak_mb(pid):
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError):
        pass
    return 0


def serve(channel, init, checker=None):
    """Run the environment: start the bootstrap, answer the cloud's init
    call when it first asks for an event (or reports an init error, or
    exits), then hand each call to it and its answer back. `checker`:
    port -> allowed(client address), when the sandbox can tell the
    environment's own processes (peercheck.py)."""
    task_root = init["task_root"]
    bootstrap = find_bootstrap(task_root)
    if bootstrap is None:
        # Lambda's words for a custom runtime without one (runtimeerrors.init_failed).
        _cannot_start(channel, f"Couldn't find valid bootstrap(s): [{os.path.join(task_root, 'bootstrap')}]")
        return
    env = Environment()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(env))
    if checker is not None:
        env.allowed = checker(server.server_address[1])
    server.daemon_threads = True
    os.environ["AWS_LAMBDA_RUNTIME_API"] = f"127.0.0.1:{server.server_address[1]}"
    out_r, out_w = os.pipe()
    try:
        # Started before any thread of ours runs: preexec_fn is safe then.
        proc = subprocess.Popen(
            [bootstrap],
            stdin=subprocess.DEVNULL,
            stdout=out_w,
            stderr=out_w,
            cwd=task_root,
            preexec_fn=_set_death_signal,
            close_fds=True,
        )
    except OSError as exc:
        # Go's words, as Lambda's runtime (Go) reports a bootstrap that is not
        # executable: "fork/exec /var/task/bootstrap: permission denied"
        # (RIE logs quoted in public reports, Runtime.InvalidEntrypoint).
        _cannot_start(channel, f"fork/exec {bootstrap}: {(exc.strerror or str(exc)).lower()}")
        return
    os.close(out_w)
    output = Output(out_r)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def outcome():
        """Wait for the runtime's next move, or its exit (the worker then
        exits as it did: the cloud reports Runtime.ExitError)."""
        while True:
            ready, _, _ = select.select([env.wake_r], [], [], 0.05)
            if ready:
                os.read(env.wake_r, 64)
                result = env.take_outcome()
                if result is not None:
                    return result
            status = proc.poll()
            if status is not None:
                _stray(output.take(False))  # no call will carry them
                _exit_like(status)

    started = time.perf_counter()
    first = outcome()
    if first[0] == "init_error":
        error = _posted_error(first[1], first[2])
        channel.write({"op": "ready", "error": error, "logs": output.take(False)})
        proc.wait()  # the runtime exits after reporting (awslambdaric: sys.exit(1)); the worker then ends
        return
    channel.write({"op": "ready", "init_ms": (time.perf_counter() - started) * 1000, "logs": output.take(False)})
    while True:
        meta, payload = channel.read()
        if meta is None:
            proc.kill()
            return
        headers = [
            ("Lambda-Runtime-Aws-Request-Id", meta["id"]),
            # From this invocation's own start, as worker.py's deadline.
            ("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000 + meta["timeout_ms"]))),
            ("Lambda-Runtime-Invoked-Function-Arn", meta["invoked_arn"]),
            ("Lambda-Runtime-Trace-Id", meta.get("trace_id", "")),
        ]
        if meta.get("client_context") is not None:
            headers.append(("Lambda-Runtime-Client-Context", json.dumps(meta["client_context"])))
        headers = [(name, value) for name, value in headers if value]  # set only when non-empty (M1)
        # What the runtime wrote after the last answer and left unended
        # (curl's {"status":"OK"}) is no part of this invocation: logged now.
        _stray(output.take(True))
        began = time.perf_counter()
        with env.lock:
            env.pending = (meta["id"], headers, payload)
            env.lock.notify_all()
        result = outcome()
        duration_ms = (time.perf_counter() - began) * 1000
        reply = {"op": "result", "error": None, "duration_ms": duration_ms, "max_rss_mb": _peak_mb(proc.pid)}
        if result[0] == "error":
            reply["error"] = _posted_error(result[1], result[2])
            out = result[2]
        else:
            out = result[1]
        reply["logs"] = output.take(False)
        channel.write(reply, out)


def _cannot_start(channel, message):
    error = {"errorType": "Runtime.InvalidEntrypoint", "errorMessage": message, "platform": True}
    channel.write({"op": "ready", "error": error})


def _stray(lines):
    """Lines the cloud logs as they come (the worker's stderr, workerproc.py)."""
    for line in lines:
        os.write(2, line.encode("utf-8", "replace") + b"\n")


def _posted_error(header_type, body):
    """The error a runtime posted: its body's errorType, else the header's
    (Lambda accepts any errorType; reference M1), else Unhandled."""
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = None
    error = dict(parsed) if isinstance(parsed, dict) else {}
    error["errorType"] = str(error.get("errorType") or header_type or "Unhandled")
    return error


__all__ = ["serve", "find_bootstrap"]
