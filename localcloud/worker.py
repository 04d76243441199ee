"""The bootstrap inside one Lambda worker process (one execution
environment). Standard library only: it runs under whichever Python matches
the function's runtime, with nothing of the host's but that interpreter.

Protocol: frames of (4-byte meta length, 4-byte payload length, meta JSON,
payload bytes) on private copies of fds 0 and 1. The real fds 1 and 2 then
point at stderr, so output written below Python (C extensions) reaches the
parent as stray log lines instead of corrupting the protocol.
"""

import decimal
import json
import logging
import os
import resource
import struct
import sys
import time
import traceback

_HEADER = struct.Struct(">II")
LINE_LIMIT = 256 * 1024  # one CloudWatch event holds at most 256 KB
INVOKE_LOG_LIMIT = 4 * 1024 * 1024


def enter_sandbox():
    """Confine this environment (sandbox.py) before anything of the
    handler's runs, and before /proc/self is opened below, so that what it
    opens is the sandboxed process's own. The settings come as argv[1] (JSON);
    the handler sees a bare argv, as on Lambda."""
    if len(sys.argv) < 2:
        return
    config = json.loads(sys.argv[1])
    del sys.argv[1:]
    global CUSTOM, RUNTIME_API, PEER_CHECK
    if config.get("runtime_api"):  # a custom runtime: its bootstrap behind the Runtime API (custombootstrap.py)
        CUSTOM, RUNTIME_API, PEER_CHECK = sibling("custombootstrap"), sibling("runtimeapi"), sibling("peercheck")
    if not config.get("enabled", True):
        return
    on = sibling("sandbox").enter(config)
    if not on.get("pid_namespace"):
        PEER_CHECK = None  # /proc would list every process: no telling the environment's own


def sibling(name):
    """A module beside this script, not a package import (-I leaves the
    script's folder off sys.path), imported before the sandbox closes the
    folder and then dropped from sys.modules: the name is the handler's to use."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    try:
        return __import__(name)
    finally:
        del sys.path[0]
        sys.modules.pop(name, None)


CUSTOM = RUNTIME_API = PEER_CHECK = None

if __name__ == "__main__":
    LambdaContext = sibling("lambdacontext").LambdaContext
    formats = sibling("lambdalogformat")  # loaded before the sandbox closes, as the context is
    enter_sandbox()


class Capture:
    """sys.stdout / sys.stderr for the handler: lines go to the current
    invocation's log, bounded so a flood cannot exhaust memory."""

    def __init__(self):
        self.lines = []
        self.partial = ""
        self.size = 0
        self.truncated = False
        self.encoding = "utf-8"
        self.errors = "replace"

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if self.truncated:
            return len(text)
        self.size += len(text)
        if self.size > INVOKE_LOG_LIMIT:
            self.truncated = True
            self.lines.append(f"[apigw-wizard: log output over {INVOKE_LOG_LIMIT // 1048576} MB was dropped]")
            return len(text)
        data = self.partial + text
        *complete, self.partial = data.split("\n")
        self.lines.extend(line[:LINE_LIMIT] for line in complete)
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False

    def writable(self):
        return True

    def fileno(self):
        return 2

    def take(self):
        if self.partial:
            self.lines.append(self.partial[:LINE_LIMIT])
            self.partial = ""
        lines, self.lines, self.size, self.truncated = self.lines, [], 0, False
        return lines


class RequestIdFilter(logging.Filter):
    request_id = None

    def filter(self, record):
        record.aws_request_id = RequestIdFilter.request_id
        return True


def _error(error_type, message, request_id=None, stack=None):
    body = {"errorMessage": message, "errorType": error_type}
    if request_id:
        body["requestId"] = request_id
    body["stackTrace"] = stack or []
    return body


def _user_frames(tb):
    """The traceback from the handler down, without this bootstrap."""
    frames = [f for f in traceback.extract_tb(tb) if f.filename != __file__]
    return traceback.format_list(frames)


def _encoder(ensure_ascii):
    def default(obj):
        if isinstance(obj, decimal.Decimal):
            return int(obj) if obj == obj.to_integral_value() else float(obj)
        raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")

    return json.JSONEncoder(ensure_ascii=ensure_ascii, default=default, allow_nan=True)


def _open(path):
    try:
        return os.open(path, os.O_RDONLY)
    except OSError:
        return None


# VmHWM, this process's own peak RSS. Opened at import, before anything can
# close /proc to this process; the pid says which process it describes.
_STATUS = (os.getpid(), _open("/proc/self/status"))
_MAXRSS_PER_KB = 1024 if sys.platform == "darwin" else 1  # ru_maxrss is in bytes there, KB on Linux


class PeakMemory:
    """Max Memory Used, as Lambda reports it: the environment's peak RSS so
    far, exact after every invocation. It only grows, so the first
    invocation whose peak is over the memory size is the one that crossed
    it, and the one that fails (as on AWS, where it is killed as it crosses).

    ru_maxrss (getrusage, under 1 us) is that peak, except in a process
    exec'd from a vfork()ed child (subprocess.Popen): Linux carries the
    larger peak of the process it replaced across exec, so it starts at the
    gateway's hundreds of MB. Until ru_maxrss passes that inherited figure,
    VmHWM says the own peak instead (about 8 us to generate). A child
    fork()ed after import starts afresh, so getrusage alone is exact there."""

    def __init__(self, memory_mb):
        self.memory_mb = memory_mb
        self.inherited = None  # KB of ru_maxrss that are not this process's; None: not known yet

    def _own_kb(self):
        data = os.pread(_STATUS[1], 4096, 0)
        start = data.find(b"VmHWM:")
        return int(data[start + 6 : data.index(b"kB", start)])

    def update(self):
        """The peak RSS so far, in KB."""
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // _MAXRSS_PER_KB
        if self.inherited is None:  # once, in the process that runs the handler
            self.inherited = 0
            if _STATUS[1] is not None and _STATUS[0] == os.getpid():
                own = self._own_kb()  # read after getrusage: not below it unless part of it was inherited
                if peak > own:
                    self.inherited = peak
                    return own
        if peak > self.inherited:
            return peak  # past the inherited figure: this process's own peak
        return self._own_kb()


def set_trace_id(value):
    """Lambda sets _X_AMZN_TRACE_ID per invocation. os.environ[...] = ...
    would call setenv(), and glibc never frees the strings it replaces:
    about 100 bytes lost per invocation. Handlers (and the X-Ray SDK) read
    os.environ, so only Python's mapping is updated."""
    os.environ._data[os.environ.encodekey("_X_AMZN_TRACE_ID")] = os.environ.encodevalue(value)  # type: ignore[attr-defined]


def limit_address_space(megabytes):
    if not megabytes or not sys.platform.startswith("linux"):
        return
    limit = megabytes * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        pass  # a lower hard limit is already in place


def load_handler(spec):
    module_name, dot, func_name = spec.rpartition(".")
    if not dot or not module_name:
        return None, _error(
            "Runtime.MalformedHandlerName", f"Bad handler '{spec}': not enough values to unpack (expected 2, got 1)"
        )
    import importlib

    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except SyntaxError as exc:
        return None, _error(
            "Runtime.UserCodeSyntaxError",
            f"Syntax error in module '{module_name}': {exc.msg} ({os.path.basename(exc.filename or '')}, line {exc.lineno})",
            stack=[f'  File "{exc.filename}" Line {exc.lineno}\n        {(exc.text or "").strip()}\n'],
        )
    except ImportError as exc:
        return None, _error("Runtime.ImportModuleError", f"Unable to import module '{module_name}': {exc}")
    except Exception as exc:  # the module's own top-level code failed
        return None, _error(type(exc).__name__, str(exc), stack=_user_frames(exc.__traceback__))
    func = getattr(module, func_name, None)
    if func is None:
        return None, _error("Runtime.HandlerNotFound", f"Handler '{func_name}' missing on module '{module_name}'")
    return func, None


class Channel:
    def __init__(self, rfd, wfd):
        self.rfile = os.fdopen(rfd, "rb", buffering=1 << 16)
        self.wfd = wfd

    def read(self):
        header = self.rfile.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return None, None
        meta_len, payload_len = _HEADER.unpack(header)
        meta = json.loads(self.rfile.read(meta_len))
        return meta, self.rfile.read(payload_len)

    def write(self, meta, payload=b""):
        data = json.dumps(meta).encode()
        buf = _HEADER.pack(len(data), len(payload)) + data + payload
        view = memoryview(buf)
        while view:
            written = os.write(self.wfd, view)
            view = view[written:]


def main():
    # Keep private copies of the protocol fds, then point 0 at /dev/null and
    # 1 at 2, so nothing the handler does can write into the protocol.
    channel = Channel(os.dup(0), os.dup(1))
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    capture = Capture()
    sys.stdout = sys.stderr = capture

    meta, _ = channel.read()
    if meta is None:
        return
    if CUSTOM is not None:
        CUSTOM.serve(channel, meta, RUNTIME_API, PEER_CHECK and PEER_CHECK.checker)
        return
    limit_address_space(meta.get("address_space_mb"))
    sys.path[:0] = [meta["task_root"]]
    sys.path.extend(meta.get("site_paths", []))
    # Bytecode is read, never written: the cloud compiled the code into its
    # read-only __pycache__ at extraction; nothing here is shared writable.
    sys.dont_write_bytecode = True
    handler_filter = RequestIdFilter()
    log_handler = logging.StreamHandler(capture)
    log_format = os.environ.get("AWS_LAMBDA_LOG_FORMAT", "Text")
    log_handler.setFormatter(formats.formatter(log_format))
    log_handler.addFilter(handler_filter)
    logging.getLogger().addHandler(log_handler)
    if log_format == "JSON":  # Text leaves the root logger at Python's WARNING, as Lambda does
        logging.getLogger().setLevel(formats.level(log_format, os.environ.get("AWS_LAMBDA_LOG_LEVEL")))
    encoder = _encoder(meta.get("ensure_ascii", True))
    memory = PeakMemory(int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")))

    started = time.perf_counter()
    handler, init_error = load_handler(os.environ["_HANDLER"])
    channel.write(
        {"op": "ready", "init_ms": (time.perf_counter() - started) * 1000, "error": init_error, "logs": capture.take()}
    )
    if init_error:
        return

    while True:
        meta, payload = channel.read()
        if meta is None:
            return
        request_id = meta["id"]
        RequestIdFilter.request_id = request_id
        set_trace_id(meta.get("trace_id", ""))
        # The deadline runs from this invocation's own start: the next request
        # may already wait in the pipe while the previous one runs.
        deadline_ms = time.time() * 1000 + meta["timeout_ms"]
        context = LambdaContext(request_id, deadline_ms, meta["invoked_arn"], meta.get("client_context"))
        error = None
        began = time.perf_counter()
        try:
            event = json.loads(payload) if payload else {}
        except ValueError as exc:
            error = _error("Runtime.UnmarshalError", f"Unable to unmarshal input: {exc}", request_id)
        if error is None:
            try:
                result = handler(event, context)
            except Exception as exc:  # the handler's failure is the invocation's result
                error = _error(type(exc).__name__, str(exc), request_id, _user_frames(exc.__traceback__))
                tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
                capture.write(f"[ERROR] {type(exc).__name__}: {exc}\r{tb.rstrip().replace(chr(10), chr(13))}\n")
            else:
                try:
                    out = encoder.encode(result).encode("utf-8")
                except (TypeError, ValueError) as exc:
                    error = _error("Runtime.MarshalError", f"Unable to marshal response: {exc}", request_id)
        duration_ms = (time.perf_counter() - began) * 1000
        peak_kb = memory.update()
        # Lambda kills the environment as this invocation takes it past its
        # memory size: its result is dropped (the gateway reports
        # Runtime.OutOfMemory) and this one reads no further request (one may
        # already wait in the pipe; the gateway runs it elsewhere).
        retire = peak_kb > memory.memory_mb * 1024
        reply = {
            "op": "result",
            "error": error,
            "logs": capture.take(),
            "duration_ms": duration_ms,
            "max_rss_mb": peak_kb // 1024,
            "retire": retire,
            "out_of_memory": retire,
        }
        if retire:
            channel.write(reply)
            return
        if error:
            channel.write(reply, json.dumps(error).encode())
        else:
            channel.write(reply, out)


if __name__ == "__main__":
    main()
