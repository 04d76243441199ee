"""A custom runtime's `bootstrap` (provided.al2023 / provided.al2) as the
process of one execution environment: started by the worker (worker.py),
inside the same sandbox, with AWS_LAMBDA_RUNTIME_API naming the
environment's Runtime API (runtimeapi.py), and bridged to the worker's
frames. The cloud's side is unchanged: the same framed calls arrive on the
pipe as for a Python handler, so the pool, timeouts (the watchdog kills the
worker's process group; the bootstrap also dies with the worker by
PDEATHSIG, and with the sandbox's PID namespace), the memory watch, REPORT
lines and metrics are the Python path's. Each call becomes the answer to
the bootstrap's GET .../next, and its POST .../response or .../error the
call's reply. Standard library only, like worker.py.
"""

import json
import os
import select
import subprocess
import threading
import time

LINE_LIMIT = 256 * 1024  # one CloudWatch event holds at most 256 KB
LOG_LIMIT = 4 * 1024 * 1024  # per invocation, as worker.py's Capture
# Where Lambda looks for a custom runtime's bootstrap (reference M2, RIE
# rie/run.go): the code's folder (/var/task there); layers (/opt) are not served.
BOOTSTRAP_NAMES = ("bootstrap",)


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


def serve(channel, init, runtime_api, checker=None):
    """Run the environment: start the bootstrap, answer the cloud's init
    call when it first asks for an event (or reports an init error, or
    exits), then hand each call to it and its answer back. `runtime_api`:
    the runtimeapi module (handed over: both are loaded as loose scripts);
    `checker` as runtimeapi.listen takes it."""
    task_root = init["task_root"]
    bootstrap = find_bootstrap(task_root)
    if bootstrap is None:
        # Lambda's words for a custom runtime without one (runtimeerrors.init_failed).
        _cannot_start(channel, f"Couldn't find valid bootstrap(s): [{os.path.join(task_root, 'bootstrap')}]")
        return
    env, server = runtime_api.listen(checker)
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
