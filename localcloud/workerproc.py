"""One worker process (one Lambda execution environment) and the pipes the
gateway talks to it over.

The process is started with subprocess.Popen, not the event loop's own
subprocess support: Popen uses vfork, so starting a worker holds the loop
for under a millisecond, where uvloop's fork copied the page tables of this
process (moto is a few hundred MB) and held every request for about 10 ms.
Frames are read by a protocol that hands each whole reply to its call,
without stream-reader bookkeeping on the hot path.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import struct
from collections import deque
import subprocess
import time
from typing import Any, Callable

from . import fastjson
from .watchdog import Watchdog

HEADER = struct.Struct(">II")  # meta length, payload length (see worker.py)
STRAY_LINE_LIMIT = 256 * 1024  # one CloudWatch event holds at most 256 KB
REAP_WAIT_S = 5.0
MEMORY_WATCH_AFTER_S = 0.05
MEMORY_WATCH_EVERY_S = 0.05


def largest_rss_mb(pid: int) -> float:
    """The largest resident set among a worker and the processes below it
    (a sandboxed handler runs two levels down); 0 if none can be read."""
    largest, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/status", "rb") as status:
                for line in status:
                    if line.startswith(b"VmRSS:"):
                        largest = max(largest, int(line.split()[1]) / 1024)
                        break
            with open(f"/proc/{current}/task/{current}/children", "rb") as children:
                todo.extend(int(child) for child in children.read().split())
        except (OSError, ValueError):
            continue
    return largest


class WorkerDied(Exception):
    pass


class _Frames(asyncio.Protocol):
    """The worker's stdout: each complete (meta, payload) frame is handed on."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.closed = False
        self.on_frame: Callable[[bytes, bytes], None] = lambda _m, _p: None
        self.on_close: Callable[[], None] = lambda: None

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        while len(buffer) >= HEADER.size:
            meta_len, payload_len = HEADER.unpack_from(buffer)
            end = HEADER.size + meta_len + payload_len
            if len(buffer) < end:
                return
            meta, payload = (
                bytes(buffer[HEADER.size : HEADER.size + meta_len]),
                bytes(buffer[HEADER.size + meta_len : end]),
            )
            del buffer[:end]
            self.on_frame(meta, payload)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.on_close()


class Call:
    """One request sent to a worker. It starts when the worker reaches it:
    at once if the worker was free, else when the call ahead of it answers.
    Its deadline (the function's timeout) runs from that start."""

    __slots__ = ("reply", "timeout_s", "deadline", "started_at", "started_ms", "expired", "out_of_memory")

    def __init__(self, reply: asyncio.Future[tuple[dict[str, Any], bytes]], timeout_s: float | None):
        self.reply = reply
        self.timeout_s = timeout_s
        self.deadline: float | None = None  # loop time, once started
        self.started_at: float | None = None  # perf_counter; None: never reached
        self.started_ms = 0
        self.expired = False
        self.out_of_memory = False


class _Lines(asyncio.Protocol):
    """The worker's stderr: output written below Python (C code,
    os.write), passed on a line at a time, each bounded."""

    def __init__(self, on_line: Callable[[str], None]) -> None:
        self.on_line = on_line
        self.partial = b""

    def data_received(self, data: bytes) -> None:
        *lines, self.partial = (self.partial + data).split(b"\n")
        if len(self.partial) > STRAY_LINE_LIMIT:
            lines.append(self.partial)
            self.partial = b""
        for line in lines:
            self.on_line(line[:STRAY_LINE_LIMIT].decode("utf-8", "replace"))

    def connection_lost(self, exc: Exception | None) -> None:
        if self.partial:
            self.on_line(self.partial[:STRAY_LINE_LIMIT].decode("utf-8", "replace"))
            self.partial = b""


class Worker:
    """One execution environment: a process, its pipes and its log stream.

    Calls are answered in order. Usually one is in flight; the pool may queue
    a second behind it for a fast handler, so the worker finds its next
    request waiting instead of sleeping until it is woken (see pool.py)."""

    def __init__(
        self,
        proc: subprocess.Popen[bytes],
        stream: str,
        frames: _Frames,
        stdin: asyncio.WriteTransport,
        loop: asyncio.AbstractEventLoop,
        watchdog: Watchdog,
    ):
        self.loop = loop  # kept: asyncio.get_running_loop() makes a getpid() system call
        self.watchdog = watchdog  # enforces each call's timeout
        self.proc = proc
        self.stream = stream
        self.frames = frames
        self.stdin = stdin
        self.calls: deque[Call] = deque()
        self.init_ms: float | None = None  # reported once, on the first REPORT
        self.last_used = time.monotonic()
        self.killed = False
        self.retiring = False
        self.exit: asyncio.Future[int | None] | None = None  # the exit status, once the output closes
        self.memory_limit_mb: int | None = None  # the function's memory size, watched while a call runs
        self.memory_checked = 0.0
        frames.on_frame = self._answered
        frames.on_close = self._closed

    @classmethod
    async def start(
        cls,
        args: list[str],
        env: dict[str, str],
        cwd: str,
        stream: str,
        on_stray: Callable[[str], None],
        watchdog: Watchdog,
    ) -> Worker:
        proc = subprocess.Popen(
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )
        loop = asyncio.get_running_loop()
        try:
            _, frames = await loop.connect_read_pipe(_Frames, proc.stdout)
            await loop.connect_read_pipe(lambda: _Lines(on_stray), proc.stderr)
            stdin, _ = await loop.connect_write_pipe(asyncio.Protocol, proc.stdin)
        except BaseException:
            proc.kill()
            raise
        return cls(proc, stream, frames, stdin, loop, watchdog)

    def submit(self, meta: dict[str, Any], payload: bytes = b"", timeout_s: float | None = None) -> Call:
        """Send a request; its Call's reply resolves to (meta, payload), or
        fails with WorkerDied. On timeout the worker is killed."""
        if not self.alive or self.stdin.is_closing():
            raise WorkerDied("the worker's input is closed")
        data = fastjson.dumps(meta)
        # The transport buffers what the pipe does not take at once; payloads
        # are bounded (6 MB), so there is no need to wait for it to drain.
        self.stdin.write(HEADER.pack(len(data), len(payload)) + data + payload)
        call = Call(self.loop.create_future(), timeout_s)
        self.calls.append(call)
        if len(self.calls) == 1:
            self._begin(call)
        return call

    def _begin(self, call: Call) -> None:
        call.started_at = time.perf_counter()
        call.started_ms = int(time.time() * 1000)
        if call.timeout_s is not None:
            call.deadline = self.loop.time() + call.timeout_s
            self.watchdog.watch_worker(self)

    def check_deadline(self, now: float) -> bool:
        """For the watchdog: kill the worker if its running call is past its
        deadline. False once there is nothing left to watch."""
        if not self.calls or self.killed:
            return False
        call = self.calls[0]
        if call.deadline is not None and call.started_at is not None and now >= call.deadline:
            call.expired = True
            self.kill()  # ends the call's wait with WorkerDied
            return False
        # Lambda stops an environment the moment it outgrows its memory size,
        # not when the call returns: a call that has run a while has its
        # memory looked at a few times a second (fast calls never are).
        if (
            self.memory_limit_mb
            and call.deadline is not None
            and call.timeout_s is not None
            and now - (call.deadline - call.timeout_s) >= MEMORY_WATCH_AFTER_S
            and now - self.memory_checked >= MEMORY_WATCH_EVERY_S
        ):
            self.memory_checked = now
            if largest_rss_mb(self.proc.pid) > self.memory_limit_mb:
                call.out_of_memory = True
                self.kill()
                return False
        return True

    def _answered(self, meta: bytes, payload: bytes) -> None:
        if not self.calls:
            return  # nothing asked: not the protocol; ignore it
        call = self.calls.popleft()
        decoded = fastjson.loads(meta)
        if decoded.get("retire"):
            self.retiring = True  # it exits without reading on: calls behind this one never start
        if not call.reply.done():
            call.reply.set_result((decoded, payload))
        if self.calls and not self.retiring:
            self._begin(self.calls[0])

    def _closed(self) -> None:
        calls, self.calls = list(self.calls), deque()
        for call in calls:
            if not call.reply.done():
                call.reply.set_exception(WorkerDied("the worker's output closed"))
        self._reap()

    @property
    def busy(self) -> int:
        return len(self.calls)

    def kill(self) -> None:
        self.killed = True
        with contextlib.suppress(ProcessLookupError, OSError):
            if self.proc.returncode is None:
                # Its whole process group (it leads one: start_new_session):
                # without the sandbox's PID namespace, what the handler or a
                # custom runtime's bootstrap started would outlive it.
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.kill()
        self.stdin.close()

    @property
    def alive(self) -> bool:
        return not self.killed and not self.retiring and not self.frames.closed

    async def exit_status(self, timeout: float) -> int | None:
        """The process's exit status (negative: killed by that signal)."""
        if self.exit is None:
            self._reap()
        assert self.exit is not None
        with contextlib.suppress(asyncio.TimeoutError):
            return await asyncio.wait_for(asyncio.shield(self.exit), timeout)
        return None

    def _reap(self) -> None:
        """Collect the exited process (no zombies), off the event loop."""
        if self.exit is not None:
            return
        self.stdin.close()

        def wait() -> int | None:
            try:
                return self.proc.wait(REAP_WAIT_S)
            except subprocess.TimeoutExpired:  # closed its output but lives on
                self.proc.kill()
                return self.proc.wait()

        self.exit = asyncio.ensure_future(asyncio.to_thread(wait))
        # Read by exit_status() when a call needs it; otherwise a reap that
        # failed as the loop shut down would be logged as never retrieved.
        self.exit.add_done_callback(lambda f: f.cancelled() or f.exception())
