"""AWS::ApiGatewayV2::Route: one per configured route key, all targeting the
integration. Routes dropped from the config are deleted (ours only)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from awsrules.routekeys import parse, shape_of

from ...services import http_api
from ...services.errors import WizardError
from ..ledger import Resource
from .api import LOGICAL_ID as API_ID
from .api import sam_explicit
from .base import Kind, Run, Template
from .function import LOGICAL_ID as FUNCTION_ID
from .integration import LOGICAL_ID as INTEGRATION_ID

if TYPE_CHECKING:
    from ...services.session import Cloud
    from ..render.context import RenderContext


def logical_id(route_key: str) -> str:
    """A template id per route: `ANY /my-function` -> RouteAnyMyFunction."""
    words = re.findall(r"[A-Za-z0-9]+", route_key.replace("$default", "Default"))
    return "Route" + "".join(w[:1].upper() + w[1:] for w in words)


def logical_ids(routes: tuple[str, ...]) -> dict[str, str]:
    """Route key -> its template id, unique among the routes: `GET /a-b`
    and `GET /a/b` share words, so a later one gets a number."""
    out: dict[str, str] = {}
    for key in routes:
        base = candidate = logical_id(key)
        n = 1
        while candidate in out.values():
            n += 1
            candidate = f"{base}{n}"
        out[key] = candidate
    return out


class RouteKind(Kind):
    type = "AWS::ApiGatewayV2::Route"
    short = "apigw_route"
    label = "route"
    step = "routes"
    api_types = ("http", "websocket")
    deleted_with = "AWS::ApiGatewayV2::Api"

    def ensure(self, run: Run) -> list[str]:
        api_id = run.result.api_id or run.need("AWS::ApiGatewayV2::Api")
        integration = run.result.integration_id or run.need("AWS::ApiGatewayV2::Integration")
        wanted = list(run.config.api.routes)
        run.emit_event("routes", "start", f"Creating routes {', '.join(wanted)}")
        run.settle(self)
        new_api = run.facts.get("new_api") == api_id  # made just now: nothing to list
        existing = {} if new_api else {shape_of(r["RouteKey"]): r for r in http_api.get_routes(run.cloud, api_id)}
        wanted_shapes = {shape_of(k) for k in wanted}
        for recorded in run.ledger.all(self.type):
            key = recorded.extra["route_key"]
            if recorded.parent == api_id and shape_of(key) not in wanted_shapes:
                if shape_of(key) in existing:
                    http_api.delete_route(run.cloud, api_id, recorded.id)
                run.ledger.remove(recorded)
                run.emit_event("routes", "deleted", f"Deleted route {key} (no longer in the config)")
        for key in wanted:
            route = existing.get(shape_of(key))
            if route is not None and route.get("Target") != f"integrations/{integration}":
                raise WizardError(
                    f"create the route {key}",
                    "ConflictException",
                    f"the API already has the route {route['RouteKey']} with another target",
                    "Remove that route in the API, or choose another route key.",
                )
            if route is None:
                self._create(run, api_id, integration, key)
            else:
                recorded = run.ledger.find(self.type, id=route["RouteId"]) or Resource(
                    self.type, route["RouteId"], parent=api_id, extra={"route_key": key}
                )
                run.reuse(self, recorded, f"Route {key} exists")
        self._authorize(run, api_id)
        run.result.routes = wanted
        return wanted

    def _authorize(self, run: Run, api_id: str) -> None:
        """Each route's authorization as the config says (authorizer.py)."""
        from .authorizer import KIND as AUTHORIZER
        from .authorizer import route_authorization

        kind, scopes = route_authorization(run.config.api.authorizer)
        authorizer_id = run.need(AUTHORIZER.type) if kind in ("JWT", "CUSTOM") else None
        wanted_shapes = {shape_of(k) for k in run.config.api.routes}
        for route in http_api.get_routes(run.cloud, api_id):
            if shape_of(route["RouteKey"]) not in wanted_shapes:
                continue  # not ours to change
            have = (
                route.get("AuthorizationType") or "NONE",
                route.get("AuthorizerId"),
                route.get("AuthorizationScopes") or [],
            )
            if have == (kind, authorizer_id, scopes if kind == "JWT" else []):
                continue
            http_api.set_route_authorization(run.cloud, api_id, route["RouteId"], kind, authorizer_id, scopes)
            run.emit_event("routes", "updated", f"Route {route['RouteKey']}: authorization {kind}")

    def _create(self, run: Run, api_id: str, integration: str, key: str) -> None:
        def make() -> Any:
            return http_api.create_route(run.cloud, api_id, key, integration)

        def build(reply: Any) -> Resource:
            return Resource(self.type, reply["RouteId"], parent=api_id, extra={"route_key": key})

        run.create(
            self,
            Resource(self.type, f"pending-{key}", parent=api_id, extra={"route_key": key}),
            make,
            build,
            lambda r: f"Created route {r.extra['route_key']}",
        )

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        key = pending.extra["route_key"]
        shape = shape_of(key)
        for route in http_api.get_routes(cloud, pending.parent or ""):
            if shape_of(route["RouteKey"]) == shape:
                return Resource(self.type, route["RouteId"], parent=pending.parent, extra={"route_key": key})
        return None

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        http_api.delete_route(cloud, resource.parent or "", resource.id)

    def cli(self, ctx: RenderContext) -> list[str]:
        from .authorizer import route_authorization

        target = f"integrations/{ctx.integration_id}"
        kind, scopes = route_authorization(ctx.config.api.authorizer)
        auth = ""
        if kind in ("JWT", "CUSTOM"):
            auth = (
                f' --authorization-type {kind} --authorizer-id "$AUTHORIZER_ID"'
                if ctx.script
                else (f" --authorization-type {kind} --authorizer-id <authorizer-id>")
            )
            auth += f" --authorization-scopes {' '.join(ctx.sh(s) for s in scopes)}" if scopes else ""
        elif kind == "AWS_IAM":
            auth = " --authorization-type AWS_IAM"
        return [
            line
            for key in ctx.config.api.routes
            for line in ctx.quiet(
                [
                    f"aws apigatewayv2 create-route --api-id {ctx.sh(ctx.api_id)} --route-key {ctx.sh(key)} "
                    f"--target {ctx.sh(target)}{auth}"
                ]
            )
        ]

    def cloudformation(self, ctx: RenderContext) -> Template:
        from .authorizer import logical_id, route_authorization

        kind, scopes = route_authorization(ctx.config.api.authorizer)
        auth: dict[str, Any] = {}
        if kind in ("JWT", "CUSTOM"):
            auth = {"AuthorizationType": kind, "AuthorizerId": {"Ref": logical_id(ctx.config.api.authorizer)}}
            if scopes:
                auth["AuthorizationScopes"] = scopes
        elif kind == "AWS_IAM":
            auth = {"AuthorizationType": "AWS_IAM"}
        return {
            route_id: {
                "Type": self.type,
                "Properties": {
                    "ApiId": {"Ref": API_ID},
                    "RouteKey": key,
                    "Target": {"Fn::Sub": f"integrations/${{{INTEGRATION_ID}}}"},
                    **auth,
                },
            }
            for key, route_id in logical_ids(ctx.config.api.routes).items()
        }

    def sam(self, ctx: RenderContext) -> Template:
        """An HttpApi event per route on the function (SAM spec, HttpApi
        event source: no Path and Method is the `$default` route; the
        payload format defaults to 2.0). SAM has no WebSocket event type:
        a WebSocket API's routes are the raw resources (AWS's
        simple-websockets-chat-app template declares them so)."""
        if ctx.config.api.type == "websocket":
            return self.cloudformation(ctx)
        events = {}
        for key, route_id in logical_ids(ctx.config.api.routes).items():
            route = parse(key)
            props: dict[str, Any] = {} if route.is_default else {"Path": route.path, "Method": route.method}
            if sam_explicit(ctx):
                props["ApiId"] = {"Ref": API_ID}
            if ctx.config.api.payload_format != "2.0":
                props["PayloadFormatVersion"] = ctx.config.api.payload_format
            event: dict[str, Any] = {"Type": "HttpApi"}
            if props:
                event["Properties"] = props
            events[route_id.removeprefix("Route")] = event
        return {FUNCTION_ID: {"Properties": {"Events": events}}}


KIND = RouteKind()
