"""HTTP API throttling (reference H2): a token bucket per stage and route.

A stage's DefaultRouteSettings and its RouteSettings (keyed by route key)
set ThrottlingBurstLimit (the bucket's size) and ThrottlingRateLimit
(tokens added per second); a route's own value wins over the default's,
field by field. Past the limit API Gateway answers 429 and the function is
not invoked (http-api-throttling). Without settings the account's Region
limit applies (10,000 requests per second, burst 5,000), which one local
machine does not reach: no bucket is kept for it. A burst of 0 lets nothing
through (a token bucket of size 0; AWS does not document it)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from .errors import GatewayError
from .throttlelimits import Limit

if TYPE_CHECKING:
    from .context import RequestContext


class TooManyRequests(GatewayError):
    """Over the stage's or route's throttling limit (429)."""

    status = 429


class Throttle:
    """The chain's throttling step, after the route is matched: the buckets
    live here, across control-plane changes (a changed limit starts a full
    bucket of the new size)."""

    def __init__(self, clock: Any = time.monotonic):
        self.clock = clock
        self.buckets: dict[tuple[str, str, str], tuple[Limit, float, float]] = {}  # -> (limit, tokens, when)

    def __call__(self, ctx: RequestContext) -> None:
        table = ctx.stage_view.throttling
        if not table:
            return
        route_key = ctx.route_key or ""
        own = route_key in table
        limit = table.get(route_key) or table.get("")
        if limit is None:
            return
        key = (ctx.api_id, ctx.stage, route_key if own else "")
        now = self.clock()
        found = self.buckets.get(key)
        if found is None or found[0] != limit:
            tokens = limit.burst
        else:
            tokens = min(limit.burst, found[1] + (now - found[2]) * limit.rate)
        if tokens >= 1:
            self.buckets[key] = (limit, tokens - 1, now)
            return
        self.buckets[key] = (limit, tokens, now)
        scope = f"route {route_key}" if own else f"stage {ctx.stage}"
        raise TooManyRequests(f"throttled: the {scope} allows {limit.rate:g} requests/s, burst {limit.burst:g}")
