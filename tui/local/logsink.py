"""Writes the runtime's log lines into the local CloudWatch Logs (moto's
logs backend, in this process), so `filter_log_events` and the wizard read
them exactly as they would on AWS.

Lines are queued by the invocation and flushed right after the response
is sent: the client is never kept waiting for its logs.
"""

from __future__ import annotations

from typing import Any

from .moto_bridge import Moto


class LogSink:
    def __init__(self, moto: Moto):
        self.moto = moto
        self.pending: dict[tuple[str, str, str], list[tuple[int, str]]] = {}
        self.known: set[tuple[str, str, str]] = set()

    def add(self, info: Any, stream: str, lines: list[tuple[int, str]]) -> None:
        if lines:
            self.pending.setdefault((info.region, info.log_group, stream), []).extend(lines)

    def flush(self) -> None:
        if not self.pending:
            return
        pending, self.pending = self.pending, {}
        with self.moto.lock:
            for key, lines in pending.items():
                region, group, stream = key
                backend = self.moto.logs(region)
                if key not in self.known or group not in backend.groups:
                    if group not in backend.groups:
                        backend.create_log_group(group, {})
                    if stream not in backend.groups[group].streams:
                        backend.create_log_stream(group, stream)
                    self.known.add(key)
                events = [{"timestamp": ts, "message": text} for ts, text in lines]
                backend.put_log_events(group, stream, events)
