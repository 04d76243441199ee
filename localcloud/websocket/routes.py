"""A WebSocket API's routes as the data plane needs them: the stage must
exist, a route key names a route, its AWS_PROXY integration names a
function, and the function's resource policy must let API Gateway invoke
it from arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{routeKey}
(reference K1, the same check as HTTP APIs' apigatewayv2/handlers.py
CheckPermission). Read from moto under its lock, again only after the
control plane changed (Moto.generation): a message then costs no moto
read.

A route is two-way (its function's answer goes back to the client) when
it has RouteResponseSelectionExpression "$default" and a route response
keyed "$default", as the console's "Enable two-way communication" sets it
up (reference K1; AWS docs apigateway-websocket-api-route-response: "API
Gateway will not pass the backend response through to the route response,
unless you set up a route response"; only $default is supported)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..moto_bridge import ACCOUNT, Moto
from ..runtime import FunctionInfo


class RouteError(Exception):
    """The route cannot be run (no integration, no function, no permission)."""


@dataclass(frozen=True)
class WsApi:
    api_id: str
    region: str
    stage: str
    selection_expression: str
    routes: dict[str, str]  # route key -> integration id ("" when none)
    integrations: dict[str, tuple[str, str]]  # integration id -> (type, uri)
    two_way: frozenset[str] = frozenset()  # route keys whose answer goes back (K1)

    def source_arn(self, route_key: str) -> str:
        return f"arn:aws:execute-api:{self.region}:{ACCOUNT}:{self.api_id}/{self.stage}/{route_key}"


class WsApis:
    """The WEBSOCKET API and one of its stages (None when there is no such
    API or stage), read again only when the control plane changed since."""

    def __init__(self, moto: Moto):
        self.moto = moto
        self._cache: dict[tuple[str, str], tuple[int, WsApi | None]] = {}

    def get(self, api_id: str, stage: str) -> WsApi | None:
        cached = self._cache.get((api_id, stage))
        if cached is not None and cached[0] == self.moto.generation:
            return cached[1]
        if len(self._cache) > 1000:  # ids come from URLs: unknown ones must not pile up
            self._cache.clear()
        with self.moto.lock:
            generation = self.moto.generation
            found = _read(self.moto, api_id, stage)
        self._cache[(api_id, stage)] = (generation, found)
        return found


def _read(moto: Moto, api_id: str, stage: str) -> WsApi | None:
    found = moto.find_api(api_id)
    if found is None:
        return None
    region, api = found
    if (api.protocol_type or "").upper() != "WEBSOCKET" or stage not in api.stages:
        return None
    routes = {r.route_key: (r.target or "").removeprefix("integrations/") for r in api.routes.values()}
    integrations = {i: (x.integration_type or "", x.integration_uri or "") for i, x in api.integrations.items()}
    expression = api.route_selection_expression or "$request.body.action"
    two_way = frozenset(
        r.route_key
        for r in api.routes.values()
        if getattr(r, "route_response_selection_expression", None) == "$default"
        and any(x.route_response_key == "$default" for x in getattr(r, "route_responses", {}).values())
    )
    return WsApi(api_id, region, stage, expression, routes, integrations, two_way)


def is_websocket(moto: Moto, api_id: str) -> bool:
    with moto.lock:
        found = moto.find_api(api_id)
        return found is not None and (found[1].protocol_type or "").upper() == "WEBSOCKET"


def select_route(api: WsApi, body: str) -> str | None:
    """The route key a message goes to: the route selection expression
    ($request.body.<path>) evaluated on the JSON body; a non-JSON body, a
    missing value or a key with no route go to $default (reference K3);
    None when there is no $default route either."""
    key = None
    prefix = "$request.body."
    if api.selection_expression.startswith(prefix):
        try:
            value: Any = json.loads(body)
            for part in api.selection_expression[len(prefix) :].split("."):
                value = value[part] if isinstance(value, dict) else None
            key = value if isinstance(value, str) else None
        except ValueError:
            key = None
    if key is not None and key in api.routes:
        return key
    return "$default" if "$default" in api.routes else None


def resolve(views: Any, api: WsApi, route_key: str) -> FunctionInfo:
    """The function a route invokes, after the permission check; raises RouteError."""
    integration = api.integrations.get(api.routes.get(route_key, ""))
    if integration is None:
        raise RouteError(f"the route {route_key} has no integration")
    kind, uri = integration
    if kind != "AWS_PROXY":
        raise RouteError(f"{kind} integrations are not run by the local cloud")
    function, policy = views.function(api.region, uri)
    if function is None:
        raise RouteError(f"the integration's function {uri} does not exist")
    arn = api.source_arn(route_key)
    if not views.allowed(function, policy, arn):
        raise RouteError(f"API Gateway has no permission to invoke {function.name} from {arn} (lambda add-permission)")
    return function
