"""Worker processes (one Lambda execution environment each) and the pool
of warm workers kept for one function version: reuse the warm ones, start
more up to a limit for concurrent requests, queue beyond it."""

from __future__ import annotations

import asyncio
import contextlib
import struct
import time
from typing import TYPE_CHECKING, Any

from . import fastjson

if TYPE_CHECKING:
    from .runtime import FunctionInfo, Runtime

_HEADER = struct.Struct(">II")  # meta length, payload length (see worker.py)
MAX_WORKERS_PER_FUNCTION = 8


class WorkerDied(Exception):
    pass


class Worker:
    """One execution environment: a process and its log stream."""

    def __init__(self, proc: asyncio.subprocess.Process, stream: str):
        self.proc = proc
        self.stream = stream
        self.init_ms: float | None = None  # reported once, on the first REPORT
        self.last_used = time.monotonic()
        self.stray: list[str] = []

    async def send(self, meta: dict[str, Any], payload: bytes = b"") -> None:
        data = fastjson.dumps(meta)
        stdin = self.proc.stdin
        assert stdin is not None
        stdin.write(_HEADER.pack(len(data), len(payload)) + data + payload)
        if stdin.transport.get_write_buffer_size() > 65536:  # only big payloads wait
            await stdin.drain()

    async def receive(self) -> tuple[dict[str, Any], bytes]:
        stdout = self.proc.stdout
        assert stdout is not None
        try:
            meta_len, payload_len = _HEADER.unpack(await stdout.readexactly(_HEADER.size))
            frame = await stdout.readexactly(meta_len + payload_len)
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            raise WorkerDied(str(exc)) from None
        return fastjson.loads(frame[:meta_len]), frame[meta_len:]

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()

    @property
    def alive(self) -> bool:
        return self.proc.returncode is None


class Pool:
    """Workers for one function version (code + settings)."""

    def __init__(self, runtime: Runtime, info: FunctionInfo):
        self.runtime = runtime
        self.info = info
        self.idle: list[Worker] = []
        self.total = 0
        self.waiters: list[asyncio.Future[Worker]] = []
        self.retired = False

    async def acquire(self) -> tuple[Worker, bool]:
        """A warm worker, or a new one (cold) if under the limit."""
        while self.idle:
            worker = self.idle.pop()
            if worker.alive:
                return worker, False
            self.total -= 1
        if self.total < MAX_WORKERS_PER_FUNCTION:
            self.total += 1
            try:
                return await self.runtime.spawn(self.info), True
            except BaseException:
                self.total -= 1
                raise
        future: asyncio.Future[Worker] = asyncio.get_running_loop().create_future()
        self.waiters.append(future)
        return await future, False

    def release(self, worker: Worker) -> None:
        worker.last_used = time.monotonic()
        if not worker.alive or self.retired:
            self.discard(worker)
            return
        while self.waiters:
            future = self.waiters.pop(0)
            if not future.done():
                future.set_result(worker)
                return
        self.idle.append(worker)

    def discard(self, worker: Worker) -> None:
        worker.kill()
        self.total -= 1
        # Someone waiting gets a fresh worker instead.
        while self.waiters and self.total < MAX_WORKERS_PER_FUNCTION:
            future = self.waiters.pop(0)
            if not future.done():
                self.total += 1
                task = asyncio.ensure_future(self.runtime.spawn(self.info))
                task.add_done_callback(lambda t, f=future: self._hand_over(t, f))
                return

    def _hand_over(self, task: asyncio.Task[Worker], future: asyncio.Future[Worker]) -> None:
        if task.exception() is not None:
            self.total -= 1
            if not future.done():
                future.set_exception(task.exception())  # type: ignore[arg-type]
        elif future.done():
            self.release(task.result())
        else:
            future.set_result(task.result())

    def retire(self) -> None:
        self.retired = True
        for worker in self.idle:
            worker.kill()
        self.total -= len(self.idle)
        self.idle.clear()
