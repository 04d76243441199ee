"""WebSocket route responses (reference K1: a two-way route needs one,
keyed $default), where moto falls short: it has no GetRouteResponses, and
answers CreateRouteResponse 200 and DeleteRouteResponse 200 where AWS
answers 201 and 204 (botocore's model of apigatewayv2: "responseCode")."""

from __future__ import annotations

import re
from typing import Any, Callable

from .controlplane_replies import error, ok, with_status
from .moto_bridge import Moto, WsgiReply

_PATH = re.compile(r"^/routes/([^/]+)/routeresponses(/[^/]+)?$")


def handles(rest: str) -> bool:
    """`rest`: the path after /v2/apis/{apiId}."""
    return _PATH.match(rest) is not None


def handle(moto: Moto, api: Any, method: str, rest: str, passed: Callable[[], WsgiReply]) -> WsgiReply | None:
    """An answer, or None to let moto answer; `passed` gets moto's."""
    match = _PATH.match(rest)
    assert match is not None
    route_id, item = match.group(1), match.group(2)
    if item is None and method == "GET":
        with moto.lock:
            route = api.routes.get(route_id)
            items = [r.to_json() for r in route.route_responses.values()] if route is not None else None
        if items is None:
            return error(404, "NotFoundException", f"Invalid Route identifier specified {route_id}")  # moto's words
        return ok(200, {"items": items})
    if item is None and method == "POST":
        return with_status(passed(), 201)
    if item is not None and method == "DELETE":
        reply = passed()
        return WsgiReply(204, [], b"") if 200 <= reply.status < 300 else reply
    return None
