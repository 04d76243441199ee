"""A WebSocket API's routes as the data plane needs them: the stage must
exist, a route key names a route, its AWS_PROXY integration names a
function, and the function's resource policy must let API Gateway invoke
it from arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{routeKey}
(reference K1, the same check as HTTP APIs' apigatewayv2/handlers.py
CheckPermission). Read from moto under its lock on each lookup."""

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

    def source_arn(self, route_key: str) -> str:
        return f"arn:aws:execute-api:{self.region}:{ACCOUNT}:{self.api_id}/{self.stage}/{route_key}"


def lookup(moto: Moto, api_id: str, stage: str) -> WsApi | None:
    """The WEBSOCKET API and one of its stages, or None."""
    with moto.lock:
        found = moto.find_api(api_id)
        if found is None:
            return None
        region, api = found
        if (api.protocol_type or "").upper() != "WEBSOCKET" or stage not in api.stages:
            return None
        routes = {r.route_key: (r.target or "").removeprefix("integrations/") for r in api.routes.values()}
        integrations = {i: (x.integration_type or "", x.integration_uri or "") for i, x in api.integrations.items()}
        expression = api.route_selection_expression or "$request.body.action"
    return WsApi(api_id, region, stage, expression, routes, integrations)


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
