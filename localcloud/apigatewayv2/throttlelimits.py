"""A stage's throttling limits as the data plane reads them (reference H2):
from its DefaultRouteSettings and RouteSettings, a route's own value
winning field by field; unset, the account's Region limit (burst 5,000,
10,000 per second). The buckets that apply them are in throttling.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ACCOUNT_BURST = 5000.0
ACCOUNT_RATE = 10000.0


@dataclass(frozen=True)
class Limit:
    burst: float
    rate: float


def _number(settings: Any, key: str) -> float | None:
    value = settings.get(key) if isinstance(settings, dict) else None
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def limits(default: Any, routes: Any) -> dict[str, Limit]:
    """Route key -> its Limit, "" for the stage default; only what sets one."""
    base_burst = _number(default, "throttlingBurstLimit")
    base_rate = _number(default, "throttlingRateLimit")
    out: dict[str, Limit] = {}
    if base_burst is not None or base_rate is not None:
        out[""] = Limit(
            base_burst if base_burst is not None else ACCOUNT_BURST,
            base_rate if base_rate is not None else ACCOUNT_RATE,
        )
    for key, settings in (routes or {}).items() if isinstance(routes, dict) else ():
        burst = _number(settings, "throttlingBurstLimit")
        rate = _number(settings, "throttlingRateLimit")
        if burst is None and rate is None:
            continue
        fallback = out.get("", Limit(ACCOUNT_BURST, ACCOUNT_RATE))
        out[str(key)] = Limit(
            burst if burst is not None else fallback.burst, rate if rate is not None else fallback.rate
        )
    return out
