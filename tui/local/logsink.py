"""The runtime's log lines, on their way into the local CloudWatch Logs
(moto's logs backend, in this process), where `filter_log_events` and the
wizard read them exactly as they would on AWS.

Lines are kept in a bounded buffer and written into moto when something is
about to read logs (any Logs API call), and at each save. Materialising
every line as it is printed would cost more than the rest of a warm
request; readers cannot tell the difference. An invocation's START .. REPORT
lines wait as one report, formatted only if they are flushed. Each stream
keeps its newest MAX_EVENTS_PER_STREAM events (and entries while pending),
so a local cloud under load for hours keeps flat memory.
"""

from __future__ import annotations

import sys
from collections import deque
from typing import Any

from .moto_bridge import Moto

MAX_EVENTS_PER_STREAM = 10_000


class LogSink:
    def __init__(self, moto: Moto):
        self.moto = moto
        # (ms, text) lines, and invocation reports that expand into lines
        self.pending: dict[tuple[str, str, str], deque[Any]] = {}

    def add(self, info: Any, stream: str, lines: list[tuple[int, str]]) -> None:
        if lines:
            self._queue(info, stream).extend(lines)

    def add_report(self, info: Any, stream: str, report: Any) -> None:
        """An invocation's lines, formatted at the flush (report.lines())."""
        self._queue(info, stream).append(report)

    def _queue(self, info: Any, stream: str) -> deque[Any]:
        key = (info.region, info.log_group, stream)
        queue = self.pending.get(key)
        if queue is None:
            queue = self.pending[key] = deque(maxlen=MAX_EVENTS_PER_STREAM)
        return queue

    def flush(self) -> None:
        """Write what is pending into moto (takes moto's lock)."""
        if not self.pending:
            return
        pending, self.pending = self.pending, {}
        with self.moto.lock:
            for (region, group, stream), lines in pending.items():
                try:
                    self._put(region, group, stream, lines)
                except Exception as exc:  # one bad stream must not cost the others their lines
                    print(f"local cloud: could not store log lines for {group} {stream}: {exc}", file=sys.stderr)

    def _put(self, region: str, group: str, stream: str, entries: deque[Any]) -> None:
        lines: list[tuple[int, str]] = []
        for entry in entries:
            if isinstance(entry, tuple):
                lines.append(entry)
            else:
                lines.extend(entry.lines())
        del lines[:-MAX_EVENTS_PER_STREAM]
        backend = self.moto.logs(region)
        if group not in backend.groups:
            backend.create_log_group(group, {})
        streams = backend.groups[group].streams
        if stream not in streams:
            backend.create_log_stream(group, stream)
        # Output read straight from the worker's fd 1/2 is stamped when it
        # arrives, ahead of the invocation's batch that began earlier; Logs
        # keeps a stream in time order, and PutLogEvents insists on it.
        ordered = sorted(lines, key=lambda line: line[0])
        backend.put_log_events(group, stream, [{"timestamp": ts, "message": text} for ts, text in ordered])
        events = streams[stream].events
        if len(events) > MAX_EVENTS_PER_STREAM:
            del events[: len(events) - MAX_EVENTS_PER_STREAM]
