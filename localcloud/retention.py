"""How much the local cloud keeps, so it runs for days in flat memory and disk.

- Logs: AWS keeps log events forever by default (a group's retention is
  "Never expire" until set). Here every event lives in memory and in
  logs.jsonl, rewritten every few seconds, so each log group keeps its
  newest MAX_EVENTS_PER_GROUP events (and honours a retention the user set);
  streams emptied by that are removed.
- Code: each code version is extracted once into state_dir/code/<sha>;
  a folder no function version references is removed once it has been
  unreferenced for CODE_GRACE_S (a retired worker may still be running from it).
- The background cloud's request log is rotated past LOG_MAX_BYTES,
  keeping one old file (local-cloud.log.1).
"""

from __future__ import annotations

import itertools
import operator
import os
import shutil
import time
from pathlib import Path
from typing import Any, Iterable

MAX_EVENTS_PER_GROUP = 10_000
TRIM_SLACK = 1_000  # trim only past the bound plus this, so it is not done on every save
CODE_GRACE_S = 1200.0
LOG_MAX_BYTES = 5 * 1024 * 1024
LOG_FILE_ENV = "APIGW_WIZARD_CLOUD_LOG"  # set by the daemon: the file stdout/stderr go to


_timestamp = operator.attrgetter("timestamp")


def trim_group(group: Any, now_ms: int, limit: int = MAX_EVENTS_PER_GROUP) -> int:
    """Drop a log group's oldest events past the bounds; how many went."""
    streams = group.streams
    total = sum(len(s.events) for s in streams.values())
    cutoff = 0
    if group.retention_in_days:
        cutoff = now_ms - int(group.retention_in_days) * 86_400_000
    if total > limit + TRIM_SLACK:
        # Timestamps gathered and sorted in C: a heap fed by a generator
        # took ~15 ms of the save for 20,000 events.
        stamps = sorted(itertools.chain.from_iterable(map(_timestamp, s.events) for s in streams.values()))
        cutoff = max(cutoff, stamps[-limit])
    if not cutoff:
        return 0
    dropped = 0
    for name in list(streams):
        events = streams[name].events
        if not events or events[0].timestamp >= cutoff:
            continue
        kept = [e for e in events if e.timestamp >= cutoff]
        dropped += len(events) - len(kept)
        if kept:
            streams[name].events = kept
        else:
            del streams[name]
    return dropped


def trim_logs(moto: Any) -> int:
    """Apply the log bounds to every group (call with moto's lock held)."""
    from moto.logs.models import logs_backends

    now_ms = int(time.time() * 1000)
    return sum(
        trim_group(group, now_ms)
        for regions in logs_backends.values()
        for backend in regions.values()
        for group in backend.groups.values()
    )


def folder_name(code_sha: str) -> str:
    """The code folder's name for a code hash (as the runtime names it)."""
    return code_sha.replace("/", "_").replace("+", "-").rstrip("=")


def referenced_code() -> set[str]:
    """Folder names of every function version's code (call with moto's lock held)."""
    from moto.awslambda_simple.models import lambda_simple_backends

    names = set()
    for regions in lambda_simple_backends.values():
        for backend in regions.values():
            for group in backend._lambdas._functions.values():
                for fn in [group.get("latest"), *group.get("versions", [])]:
                    if fn is not None and getattr(fn, "code_sha_256", None):
                        names.add(folder_name(fn.code_sha_256))
    return names


class CodePruner:
    """Removes code folders once no function version has referenced them
    for `grace_s` (Lambda's longest timeout is 15 minutes: a retired worker
    may still be answering from its folder until then)."""

    def __init__(self, code_dir: Path, grace_s: float = CODE_GRACE_S):
        self.code_dir = code_dir
        self.grace_s = grace_s
        self.unreferenced_since: dict[str, float] = {}

    def prune(self, keep: Iterable[str], now: float | None = None) -> list[str]:
        now = time.monotonic() if now is None else now
        keep = set(keep)
        present = (
            [e for e in self.code_dir.iterdir() if e.is_dir() and not e.name.startswith(".")]
            if self.code_dir.is_dir()
            else []
        )
        since = {e.name: self.unreferenced_since.get(e.name, now) for e in present if e.name not in keep}
        self.unreferenced_since = since
        removed = []
        for name, first in since.items():
            if now - first >= self.grace_s:
                shutil.rmtree(self.code_dir / name, ignore_errors=True)
                removed.append(name)
        for name in removed:
            del since[name]
        return removed


def rotate_output(max_bytes: int = LOG_MAX_BYTES) -> bool:
    """Rotate the file this process's stdout/stderr go to (when the daemon
    started it with one) once it passes `max_bytes`; True if rotated."""
    path = os.environ.get(LOG_FILE_ENV)
    if not path:
        return False
    try:
        if os.fstat(1).st_size <= max_bytes:
            return False
    except OSError:
        return False
    os.replace(path, path + ".1")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.dup2(fd, 1)
        os.dup2(fd, 2)
    finally:
        os.close(fd)
    return True
