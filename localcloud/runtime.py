"""The Lambda runtime of the local cloud: warm worker processes per function
version, a cold start only on the first request or after a change, more
workers for concurrent requests up to a limit, the function's timeout
enforced by killing the worker, and START / END / REPORT lines written to
CloudWatch Logs (reference C)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sysconfig
import time
import random
import uuid
from pathlib import Path
from typing import Any

from .codestore import CodeStore
from .functioninfo import FunctionInfo, runtime_version_arn
from .customruntime import is_custom, runtime_version, worker_python
from .invocation import InvokeResult, Report
from .logsink import LogSink
from .concurrency import Concurrency, Throttled
from .lambdaenv import lambda_environment
from .logrecords import init_start
from .pool import Pool, Worker, WorkerDied
from .versions import metric_resource
from .runtimeerrors import InitError, NotStarted, error_payload, exit_reason, init_failed
from .watchdog import Watchdog

_rand = random.Random()  # request ids, not secrets
WORKER = Path(__file__).with_name("worker.py")
SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024  # Lambda's synchronous invoke limit on the request
# ... and on the response, 100 bytes more: "Response payload size exceeded maximum
# allowed payload size (6291556 bytes)." (LocalStack's AWS-recorded
# test_lambda_too_large_response, 2025-11-24; the RIE's limit, reference M1).
RESPONSE_LIMIT = SYNC_PAYLOAD_LIMIT + 100
IDLE_WORKER_TTL_S = 300.0
NOT_STARTED_RETRIES = 3
# Handlers run confined (sandbox.py); APIGW_WIZARD_SANDBOX=0 turns it off, for
# comparisons (bench/sandbox_cost.py) and kernels where it misbehaves.
SANDBOX = os.environ.get("APIGW_WIZARD_SANDBOX", "1") != "0"


_UUID4_CLEAR = ~((0xF << 76) | (0x3 << 62))
_UUID4_SET = (0x4 << 76) | (0x2 << 62)


def uuid4_text() -> str:
    """str(uuid.uuid4()) from the fast generator, without UUID objects
    (they cost more than the rest of the id's share of a request)."""
    h = f"{_rand.getrandbits(128) & _UUID4_CLEAR | _UUID4_SET:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def log_stream_name(version: str = "$LATEST") -> str:
    return f"{dt.datetime.now(dt.timezone.utc):%Y/%m/%d}/[{version}]{uuid.uuid4().hex}"


class Runtime:
    def __init__(self, state_dir: Path, endpoint: str, sink: LogSink):
        self.state_dir = state_dir
        self.endpoint = endpoint
        self.sink = sink
        self.pools: dict[str, Pool] = {}  # function or version ARN (FunctionInfo.arn) -> its pool
        self.code_loader: Any = None  # (FunctionInfo) -> zip bytes; set by the edge
        self.role_credentials: Any = None  # (FunctionInfo) -> (key, secret, token); set by the edge
        self.metrics: Any = None  # metrics.MetricRecorder; set by the edge
        self.concurrency = Concurrency()
        self._watchdog: Watchdog | None = None  # made on the event loop, when first needed
        self.code = CodeStore(state_dir / "code")
        self.home = state_dir / "lambda-home"
        self.home.mkdir(parents=True, exist_ok=True, mode=0o700)

    # -- code ------------------------------------------------------------
    def task_root(self, info: FunctionInfo) -> Path:
        """The version's code folder, extracted at its first cold start (codestore.py)."""
        return self.code.task_root(info, self.code_loader)

    def environment(self, info: FunctionInfo, stream: str, task_root: Path) -> dict[str, str]:
        role = self.role_credentials(info) if self.role_credentials else ("", "", "")
        home = "/tmp" if SANDBOX else str(self.home)  # private to the environment
        return lambda_environment(info, stream, task_root, self.endpoint, home, role)

    async def spawn(self, info: FunctionInfo) -> Worker:
        started = time.perf_counter()
        task_root = await asyncio.to_thread(self.task_root, info)
        python = await asyncio.to_thread(worker_python, info.runtime)
        stream = log_stream_name(info.version)
        site_paths = [p for p in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}]
        if SANDBOX:
            from . import sandbox  # ctypes: loaded with the first function, not at the cloud's start

            sandbox.protect_cloud()  # a prctl: same-uid processes can no longer read this one
        jail = {
            "enabled": SANDBOX,
            "task_root": str(task_root),
            "read": sorted(site_paths),
            "tmp_mb": info.ephemeral_mb,  # the function's EphemeralStorage, 512 MB unless set
            "runtime_api": is_custom(info.runtime),  # its bootstrap runs behind the Runtime API
        }
        worker = await Worker.start(
            [python.path, "-I", "-S", str(WORKER), json.dumps(jail)],
            env=self.environment(info, stream, task_root),
            cwd=str(task_root),
            stream=stream,
            on_stray=lambda line: self.sink.add(info, stream, [(_now_ms(), line)]),
            watchdog=self.watchdog,
        )
        version = runtime_version(info.runtime, python)
        now, arn = _now_ms(), runtime_version_arn(info.region, info.runtime)
        if info.log_format == "JSON":
            self.sink.add(info, stream, [init_start(now, info.name, version, arn, info.version)])
        else:
            self.sink.add(info, stream, [(now, f"INIT_START Runtime Version: {version}\tRuntime Version ARN: {arn}")])
        try:
            init = worker.submit(
                {
                    "op": "init",
                    "task_root": str(task_root),
                    "site_paths": sorted(site_paths),
                    "ensure_ascii": _version_tuple(info.runtime) < (3, 12),
                    # A ceiling on the address space: the function's memory plus room
                    # for the interpreter, so a runaway allocation fails in the worker
                    # instead of taking the machine down.
                    "address_space_mb": info.memory_mb + 1024,
                }
            )
            meta, _ = await asyncio.wait_for(init.reply, timeout=max(10.0, info.timeout_s))
        except WorkerDied:
            # The code exited while it was imported (sys.exit at module level):
            # Lambda's Runtime.ExitError, for the request that met it.
            raise InitError({"errorType": "Runtime.ExitError"}, stream, exit_reason(await worker.exit_status(1)))
        except asyncio.TimeoutError:
            worker.kill()
            raise WorkerDied("the worker did not start") from None
        self.sink.add(info, stream, [(_now_ms(), line) for line in meta.get("logs", [])])
        if meta.get("error"):
            worker.kill()
            err = meta["error"]
            raise InitError(err, stream)
        worker.init_ms = (time.perf_counter() - started) * 1000
        worker.memory_limit_mb = info.memory_mb
        return worker

    # -- invoke ----------------------------------------------------------
    @property
    def watchdog(self) -> Watchdog:
        if self._watchdog is None:
            self._watchdog = Watchdog(asyncio.get_running_loop())
        return self._watchdog

    def pool(self, info: FunctionInfo) -> Pool:
        pool = self.pools.get(info.arn)
        if pool is None or pool.info != info:
            if pool is not None:
                pool.retire()  # code or settings changed: the next request is cold
            pool = self.pools[info.arn] = Pool(self, info)
        return pool

    async def invoke(
        self,
        info: FunctionInfo,
        payload: bytes,
        invoked_arn: str | None = None,
        client_context: Any = None,
        trace_root: str | None = None,
        request_id: str | None = None,
    ) -> InvokeResult:
        """Run one invocation. `trace_root` is the caller's X-Ray trace
        (API Gateway passes on its X-Amzn-Trace-Id); otherwise a new one.
        `request_id`: the invocation's id when the caller must know it
        before the call (a function URL's event carries it); otherwise a new one.
        Recorded as Lambda's CloudWatch metrics (an invalid request is not)."""
        try:
            unreserved = self.concurrency.enter(info.function_arn, info.reserved)
        except Throttled as throttle:
            if self.metrics is not None:
                self.metrics.invocation(info.region, info.name, 0.0, False, True, metric_resource(info))
            return InvokeResult(
                request_id or uuid4_text(), throttle.body(), "TooManyRequestsException", status="throttled"
            )
        try:
            result = await self._invoke(info, payload, invoked_arn, client_context, trace_root, request_id)
        finally:
            self.concurrency.leave(info.function_arn, unreserved)
        if self.metrics is not None and result.error_type != "RequestTooLargeException":
            duration = getattr(result.log, "duration_ms", 0.0)
            self.metrics.invocation(
                info.region, info.name, duration, result.error_type is not None, False, metric_resource(info)
            )
        return result

    async def _invoke(
        self,
        info: FunctionInfo,
        payload: bytes,
        invoked_arn: str | None,
        client_context: Any,
        trace_root: str | None,
        request_id: str | None = None,
    ) -> InvokeResult:
        request_id = request_id or uuid4_text()
        if len(payload) > SYNC_PAYLOAD_LIMIT:
            return InvokeResult(
                request_id,
                error_payload(
                    "RequestTooLargeException",
                    f"Request must be smaller than {SYNC_PAYLOAD_LIMIT} bytes for the InvokeFunction operation",
                ),
                "RequestTooLargeException",
                status="error",
            )
        pool = self.pool(info)
        for _attempt in range(NOT_STARTED_RETRIES):
            try:
                worker = await pool.acquire()
            except InitError as err:
                return init_failed(self.sink, info, request_id, err)
            except (WorkerDied, OSError) as exc:
                message = f"RequestId: {request_id} Error: Runtime failed to start: {exc}"
                return InvokeResult(
                    request_id, error_payload("Runtime.Unknown", message), "Runtime.Unknown", status="crash"
                )
            try:
                return await self._run(
                    pool, worker, info, request_id, payload, invoked_arn or info.arn, client_context, trace_root
                )
            except NotStarted:
                continue  # queued behind a call that took its worker down: it never ran, run it elsewhere
            finally:
                pool.release(worker)
        message = f"RequestId: {request_id} Error: Runtime exited before the invocation started"
        return InvokeResult(request_id, error_payload("Runtime.Unknown", message), "Runtime.Unknown", status="crash")

    async def _run(
        self,
        pool: Pool,
        worker: Worker,
        info: FunctionInfo,
        request_id: str,
        payload: bytes,
        invoked_arn: str,
        client_context: Any,
        trace_root: str | None,
    ) -> InvokeResult:
        status = "ok"
        # The watchdog kills the worker at the function's timeout, which ends
        # the wait below with WorkerDied.
        try:
            call = worker.submit(
                {
                    "op": "invoke",
                    "id": request_id,
                    "timeout_ms": info.timeout_s * 1000,
                    "invoked_arn": invoked_arn,
                    "client_context": client_context,
                    # Root (the caller's, or new), this invocation's Parent, Sampled=0:
                    # a real one reads Root=1-dc99d00f-...;Parent=91ed514f1e5c03b2;Sampled=0
                    # (lambci/docker-lambda#70; X-Ray's header in the Lambda guide).
                    "trace_id": (trace_root or f"Root=1-{int(time.time()):08x}-{_rand.getrandbits(96):024x}")
                    + f";Parent={_rand.getrandbits(64):016x};Sampled=0",
                },
                payload,
                timeout_s=info.timeout_s,
            )
        except WorkerDied:
            raise NotStarted from None  # it died while handed over to this request
        try:
            meta, out = await call.reply
        except WorkerDied as exc:
            if call.started_at is None:
                raise NotStarted from None
            failure: BaseException | None = exc
            meta = {}
        else:
            failure = None
        assert call.started_at is not None
        began, started_ms = call.started_at, call.started_ms
        lines: list[tuple[int, str]] = []  # between START and END
        if failure is not None and call.expired:
            status = "timeout"
            message = f"RequestId: {request_id} Error: Task timed out after {info.timeout_s:.2f} seconds"
            out = error_payload("Sandbox.Timedout", message)
            lines.append(
                (_now_ms(), f"{_iso(_now_ms())} {request_id} Task timed out after {info.timeout_s:.2f} seconds")
            )
            meta = {"error": {"errorType": "Sandbox.Timedout"}}
        elif failure is not None:
            status = "crash"
            reason = exit_reason(await worker.exit_status(timeout=1))
            # Out of memory only when it was: a handler that kills itself exits with an error.
            error_type = "Runtime.OutOfMemory" if call.out_of_memory else "Runtime.ExitError"
            message = f"RequestId: {request_id} Error: {reason}"
            out = error_payload(error_type, message)
            lines.append((_now_ms(), message))
            meta = {"error": {"errorType": error_type}}
        else:
            pool.observe(meta.get("duration_ms", 0.0))
        duration = (time.perf_counter() - began) * 1000
        now = _now_ms()
        lines.extend((now, line) for line in meta.get("logs", []))
        error = meta.get("error")
        max_used_mb = meta.get("max_rss_mb", 0)
        if status == "ok" and (meta.get("out_of_memory") or max_used_mb > info.memory_mb):
            # This invocation took the environment past its memory size (the
            # worker measures its exact peak after every call and has stopped
            # reading; worker.py): it fails, as on AWS, and the environment is
            # replaced, so no later request is blamed. What AWS answers, seen
            # in real captures: the payload {"errorType": "Runtime.OutOfMemory",
            # "errorMessage": "RequestId: <id> Error: Runtime exited with error:
            # signal: killed"} (adobe/helix-html2md-service#1001, 2026), and a
            # REPORT ending "Status: error\tError Type: Runtime.OutOfMemory"
            # (nasa-gcn/gcn.nasa.gov#3628).
            worker.kill()
            status = "crash"
            error = {"errorType": "Runtime.OutOfMemory"}
            message = f"RequestId: {request_id} Error: Runtime exited with error: signal: killed"
            out = error_payload("Runtime.OutOfMemory", message)
            lines.append((now, message))
        if error and error.get("errorType") == "Runtime.OutOfMemory":
            # The cgroup caps usage at the memory size, so an OOM-killed
            # environment's REPORT says "Max Memory Used" equal to "Memory
            # Size" (our own knowledge of real REPORT lines of OOM-killed
            # functions; the reference docs do not cover it).
            max_used_mb = info.memory_mb
        if status == "ok" and error is None and len(out) > RESPONSE_LIMIT:
            error = {"errorType": "Function.ResponseSizeTooLarge"}
            out = error_payload(
                "Function.ResponseSizeTooLarge",
                f"Response payload size exceeded maximum allowed payload size ({RESPONSE_LIMIT} bytes).",
            )
        if error and status == "ok":
            status = "error"
        report = Report(
            request_id,
            started_ms,
            now,
            lines,
            duration,
            info.memory_mb,
            max_used_mb,
            worker.init_ms,
            status,
            (error or {}).get("errorType"),
            info.log_format == "JSON",
            info.version,
        )
        worker.init_ms = None  # reported once, on the first REPORT
        self.sink.add_report(info, worker.stream, report)
        return InvokeResult(request_id, out, (error or {}).get("errorType"), report, status)

    def reap_idle(self) -> None:
        """Stop workers idle for longer than the TTL (as Lambda recycles)."""
        cutoff = time.monotonic() - IDLE_WORKER_TTL_S
        for pool in self.pools.values():
            stale = [w for w in pool.idle if w.last_used < cutoff]
            for worker in stale:
                pool.idle.remove(worker)
                pool.discard(worker)

    def shutdown(self) -> None:
        for pool in self.pools.values():
            pool.retire()


def _now_ms() -> int:
    return int(time.time() * 1000)


def _iso(ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + f".{ms % 1000:03d}Z"


def _version_tuple(runtime: str) -> tuple[int, ...]:
    digits = runtime.removeprefix("python").split(".")
    try:
        return tuple(int(d) for d in digits)
    except ValueError:
        return (3, 0)
