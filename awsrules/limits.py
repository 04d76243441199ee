"""Limits and patterns that AWS enforces, read from botocore's service model
where it has them, and the documented values where the model is looser.

Reading the model is cheap (botocore caches the JSON) but not free, so the
values are computed once, on first use.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# Documented limits for ordinary functions. The model now allows Timeout up
# to 5400 and MemorySize up to 32768 (reference A1 note); the docs and the
# console still say 900 s and 10,240 MB, so those are what we enforce.
MEMORY_MIN, MEMORY_MAX = 128, 10240
TIMEOUT_MIN, TIMEOUT_MAX = 1, 900
# A plain function name (not an ARN) is limited to 64 characters.
FUNCTION_NAME_MAX = 64
FUNCTION_NAME_RE = re.compile(r"[a-zA-Z0-9_-]+")
ROLE_NAME_RE = re.compile(r"[\w+=,.@-]{1,64}")
API_NAME_MAX = 128
STAGE_NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,128}")
ROUTE_METHODS = ("ANY", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
TEST_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
PAYLOAD_FORMATS = ("2.0", "1.0")
MAX_ROUTES = 300  # HTTP API quota (reference A10)
ENV_TOTAL_BYTES = 4096
ENV_KEY_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9_]+")
REGION_RE = re.compile(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d")
INTEGRATION_TIMEOUT_MS = 30000
WEBSOCKET_INTEGRATION_TIMEOUT_MS = 29000  # a WebSocket integration's most and default (reference K1)

# Names Lambda reserves; a function may not set them (reference C2).
RESERVED_ENV = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
    }
)


@dataclass(frozen=True)
class Runtime:
    """One Python runtime and its lifecycle dates (None = not announced)."""

    name: str
    deprecated: _dt.date | None = None
    block_create: _dt.date | None = None
    block_update: _dt.date | None = None
    preview: bool = False

    def is_deprecated(self, today: _dt.date) -> bool:
        return self.deprecated is not None and today >= self.deprecated

    def create_blocked(self, today: _dt.date) -> bool:
        return self.block_create is not None and today >= self.block_create

    def label(self, today: _dt.date) -> str:
        if self.preview:
            return f"{self.name} (preview)"
        if self.is_deprecated(today):
            return f"{self.name} (deprecated)"
        return self.name


def _d(text: str) -> _dt.date:
    return _dt.date.fromisoformat(text)


# Reference A2: data to refresh, not constants. python3.9's block dates were
# pushed back to 2027 (medium confidence; a re:Post answer), which we follow.
_LIFECYCLE = {
    "python3.14": Runtime("python3.14", _d("2029-06-30"), _d("2029-07-31"), _d("2029-08-31")),
    "python3.13": Runtime("python3.13", _d("2029-06-30"), _d("2029-07-31"), _d("2029-08-31")),
    "python3.12": Runtime("python3.12", _d("2028-10-31"), _d("2028-11-30"), _d("2029-01-10")),
    "python3.11": Runtime("python3.11", _d("2027-06-30"), _d("2027-07-31"), _d("2027-08-31")),
    "python3.10": Runtime("python3.10", _d("2026-10-31"), _d("2026-11-30"), _d("2027-01-15")),
    "python3.9": Runtime("python3.9", _d("2025-12-15"), _d("2027-02-01"), _d("2027-03-03")),
    "python3.8": Runtime("python3.8", _d("2024-10-14"), _d("2025-02-28"), _d("2025-03-31")),
    "python3.7": Runtime("python3.7", _d("2023-12-04"), _d("2024-01-09"), _d("2025-02-28")),
    "python3.6": Runtime("python3.6", _d("2022-07-18"), _d("2022-07-18"), _d("2022-08-29")),
    "python2.7": Runtime("python2.7", _d("2021-07-15"), _d("2021-07-15"), _d("2022-05-30")),
}


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", name))


@lru_cache(maxsize=1)
def _create_function_input() -> Any:
    """CreateFunction's input shape from botocore's Lambda model, parsed once."""
    from .botocoredata import service_model

    return service_model("lambda").operation_model("CreateFunction").input_shape


@lru_cache(maxsize=1)
def python_runtimes() -> tuple[Runtime, ...]:
    """Every Python runtime botocore's model knows, newest first."""
    enum = _create_function_input().members["Runtime"].enum
    found = []
    for name in enum:
        if not name.startswith("python"):
            continue
        # A runtime the model lists but the lifecycle table does not know yet
        # (python3.15 today) is a preview: awslambdaric treats it as such.
        found.append(_LIFECYCLE.get(name, Runtime(name, preview=True)))
    return tuple(sorted(found, key=lambda r: _version_key(r.name), reverse=True))


def runtime(name: str) -> Runtime | None:
    return next((r for r in python_runtimes() if r.name == name), None)


def creatable_runtimes(today: _dt.date | None = None) -> tuple[Runtime, ...]:
    """Runtimes a new function may use today: GA and not blocked for create."""
    today = today or _dt.date.today()
    return tuple(r for r in python_runtimes() if not r.preview and not r.create_blocked(today))


def newest_runtime(today: _dt.date | None = None) -> str:
    return creatable_runtimes(today)[0].name


@lru_cache(maxsize=1)
def architectures() -> tuple[str, ...]:
    return tuple(_create_function_input().members["Architectures"].member.enum)
