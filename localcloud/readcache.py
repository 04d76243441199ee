"""Answers to repeated read calls (GET on Lambda's and API Gateway's REST
APIs), kept while nothing has changed, so a client polling get_apis or
list_functions is not charged moto's request dispatch (~2-3 ms) each time.

An answer is stored with the stamp of the state it was read from (moto's
change counter and its count of non-GET calls) and served only while the
stamp is the same: any write, through the API or straight into the
backends (which bumps `Moto.generation`), retires every answer at once.
Only REST-JSON GETs are kept: there HTTP's rule that GET changes nothing
holds for every operation, and the answer depends on nothing but the state
and the request (no request id in the body, no clock, no fresh credentials
as in STS's Get* calls). The key is the whole request less what differs
between two sends of the same call (signature, date, SDK invocation ids);
who signed it (access key, region, service) stays in the key.
"""

from __future__ import annotations

import re
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

MAX_ENTRIES = 512
MAX_BYTES = 8 * 1024 * 1024  # bounded memory, whatever the answers hold
MAX_ANSWER_BYTES = 1024 * 1024
CACHED_SERVICES = frozenset({"lambda", "apigateway"})  # apigateway: API Gateway v2 signs with it too
_REST_PATH = re.compile(r"^/(?:v2/|20\d\d-\d\d-\d\d/)")
_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/")
# What two sends of one call may differ in, whatever the answer.
VOLATILE_HEADERS = frozenset(
    {
        "authorization",
        "x-amz-date",
        "date",
        "user-agent",
        "x-amz-user-agent",
        "amz-sdk-invocation-id",
        "amz-sdk-request",
        "x-amz-content-sha256",
        "content-length",
        "connection",
        "keep-alive",
        "accept-encoding",
        "x-amzn-trace-id",
        "traceparent",
        "tracestate",
        "expect",
    }
)
REQUEST_ID_HEADERS = frozenset({"x-amzn-requestid", "x-amz-request-id"})


@dataclass(frozen=True)
class Cached:
    stamp: tuple[int, int]
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def key_of(method: str, path: str, query: str, headers: list[tuple[str, str]], body: bytes) -> tuple[Any, ...] | None:
    """The cache key of a request, or None if its answer is never kept."""
    if method != "GET" or not _REST_PATH.match(path):
        return None
    scope = None
    kept = []
    for name, value in headers:
        lowered = name.lower()
        if lowered == "authorization":
            match = _SCOPE.search(value)
            scope = match.groups() if match else None
        elif lowered not in VOLATILE_HEADERS:
            kept.append((lowered, value))
    if scope is None or scope[2] not in CACHED_SERVICES:
        return None
    return (scope, path, query, body, tuple(sorted(kept)))


class ReadCache:
    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[tuple[Any, ...], Cached] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: tuple[Any, ...], stamp: tuple[int, int]) -> tuple[int, list[tuple[str, str]], bytes] | None:
        """(status, headers, body) read at `stamp`, with a fresh request id; None if none."""
        found = self._entries.get(key)
        if found is None or found.stamp != stamp:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        headers = [(k, str(uuid.uuid4()) if k.lower() in REQUEST_ID_HEADERS else v) for k, v in found.headers]
        return found.status, headers, found.body

    def put(
        self, key: tuple[Any, ...], stamp: tuple[int, int], status: int, headers: list[tuple[str, str]], body: bytes
    ) -> None:
        """Keep a 2xx answer read at `stamp` (errors are cheap and rare: not kept)."""
        if not 200 <= status < 300 or len(body) > MAX_ANSWER_BYTES:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self.size -= _cost(key, old)
        entry = Cached(stamp, status, tuple(headers), body)
        self._entries[key] = entry
        self.size += _cost(key, entry)
        while self._entries and (len(self._entries) > self.max_entries or self.size > self.max_bytes):
            dropped_key, dropped = self._entries.popitem(last=False)
            self.size -= _cost(dropped_key, dropped)

    def clear(self) -> None:
        self._entries.clear()
        self.size = 0


def _cost(key: tuple[Any, ...], entry: Cached) -> int:
    return len(entry.body) + len(key[1]) + len(key[2]) + len(key[3]) + 256
