"""One worker process (one Lambda execution environment) and the pipes the
gateway talks to it over.

The process is started with subprocess.Popen, not the event loop's own
subprocess support: Popen uses vfork, so starting a worker holds the loop
for under a millisecond, where uvloop's fork copied the page tables of this
process (moto is a few hundred MB) and held every request for about 10 ms.
Frames are read by a protocol that hands a whole reply to the one waiting
request, without stream-reader bookkeeping on the hot path.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
import subprocess
import time
from typing import Any, Callable

from . import fastjson

HEADER = struct.Struct(">II")  # meta length, payload length (see worker.py)
STRAY_LINE_LIMIT = 256 * 1024  # one CloudWatch event holds at most 256 KB
REAP_WAIT_S = 5.0


class WorkerDied(Exception):
    pass


class _Frames(asyncio.Protocol):
    """The worker's stdout: (meta, payload) frames for the waiting request."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        # Kept: asyncio.get_running_loop() makes a getpid() system call each time.
        self.loop = loop
        self.buffer = bytearray()
        self.waiter: asyncio.Future[tuple[bytes, bytes]] | None = None
        self.closed = False
        self.on_close: Callable[[], None] = lambda: None

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self._deliver()

    def _deliver(self) -> None:
        waiter, buffer = self.waiter, self.buffer
        if waiter is None or len(buffer) < HEADER.size:
            return
        meta_len, payload_len = HEADER.unpack_from(buffer)
        end = HEADER.size + meta_len + payload_len
        if len(buffer) < end:
            return
        meta, payload = bytes(buffer[HEADER.size:HEADER.size + meta_len]), bytes(buffer[HEADER.size + meta_len:end])
        del buffer[:end]
        self.waiter = None
        if not waiter.done():
            waiter.set_result((meta, payload))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(WorkerDied("the worker's output closed"))
        self.on_close()

    def next_frame(self) -> asyncio.Future[tuple[bytes, bytes]]:
        waiter = self.loop.create_future()
        self.waiter = waiter
        self._deliver()
        if self.closed and not waiter.done():
            self.waiter = None
            waiter.set_exception(WorkerDied("the worker's output closed"))
        return waiter


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
    """One execution environment: a process, its pipes and its log stream."""

    def __init__(self, proc: subprocess.Popen[bytes], stream: str, frames: _Frames, stdin: asyncio.WriteTransport):
        self.loop = frames.loop
        self.proc = proc
        self.stream = stream
        self.frames = frames
        self.stdin = stdin
        self.init_ms: float | None = None  # reported once, on the first REPORT
        self.last_used = time.monotonic()
        self.killed = False
        self.exit: asyncio.Future[int | None] | None = None  # the exit status, once the output closes
        frames.on_close = self._reap

    @classmethod
    async def start(cls, args: list[str], env: dict[str, str], cwd: str, stream: str,
                    on_stray: Callable[[str], None]) -> Worker:
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=env, cwd=cwd, start_new_session=True, close_fds=True)
        loop = asyncio.get_running_loop()
        try:
            _, frames = await loop.connect_read_pipe(lambda: _Frames(loop), proc.stdout)
            await loop.connect_read_pipe(lambda: _Lines(on_stray), proc.stderr)
            stdin, _ = await loop.connect_write_pipe(asyncio.Protocol, proc.stdin)
        except BaseException:
            proc.kill()
            raise
        return cls(proc, stream, frames, stdin)

    def send(self, meta: dict[str, Any], payload: bytes = b"") -> None:
        if self.frames.closed or self.stdin.is_closing():
            raise WorkerDied("the worker's input is closed")
        data = fastjson.dumps(meta)
        # The transport buffers what the pipe does not take at once; payloads
        # are bounded (6 MB), so there is no need to wait for it to drain.
        self.stdin.write(HEADER.pack(len(data), len(payload)) + data + payload)

    async def receive(self) -> tuple[dict[str, Any], bytes]:
        meta, payload = await self.frames.next_frame()
        return fastjson.loads(meta), payload

    def kill(self) -> None:
        self.killed = True
        with contextlib.suppress(ProcessLookupError, OSError):
            self.proc.kill()
        self.stdin.close()

    @property
    def alive(self) -> bool:
        return not self.killed and not self.frames.closed

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
