"""AWS::ApiGatewayV2::Api: the HTTP API. It has no unique name, so a tag
with a token written to the ledger first lets a lost response be found."""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

from ...config import TYPE_NAMES
from ...services import http_api, permissions
from ...services.errors import NOT_FOUND, WizardError
from ..ledger import Resource
from .base import Kind, Run, Template

if TYPE_CHECKING:
    from ...config import Config
    from ...services.session import Cloud
    from ..render.context import RenderContext

TOKEN_TAG = "apigw-wizard:token"
LOGICAL_ID = "MyHttpApi"


class ApiKind(Kind):
    type = "AWS::ApiGatewayV2::Api"
    short = "apigw_api"
    label = "HTTP API"
    step = "api"
    api_types = ("http", "websocket")  # both are apigatewayv2 APIs (ProtocolType)

    def label_for(self, config: Config) -> str:
        return TYPE_NAMES[config.api.type]

    def ensure(self, run: Run) -> str:
        name = run.config.api.name
        protocol = protocol_type(run.config.api.type)
        what = TYPE_NAMES[run.config.api.type]
        run.emit_event("api", "start", f"Creating {what} {name}")
        run.settle(self)
        recorded = run.ledger.find(self.type)
        api = http_api.get_api(run.cloud, recorded.id) if recorded else None
        if recorded and api is None:
            run.forget(recorded)
        if recorded and api is not None and api.get("ProtocolType", "HTTP") != protocol:
            replace_other_protocol(run, recorded)
            api = None
        if api is None:
            token = uuid.uuid4().hex  # tags the API so a lost response cannot orphan it
            replies: list[dict[str, Any]] = []

            cors = run.config.api.cors.wire() if run.config.api.cors is not None else None

            def make() -> dict[str, Any]:
                replies.append(http_api.create_api(run.cloud, name, {TOKEN_TAG: token}, cors, protocol))
                return replies[-1]

            real = run.create(
                self,
                Resource(self.type, f"pending-{token}", extra={"token": token, "name": name}),
                make,
                lambda reply: Resource(self.type, reply["ApiId"], extra={"name": name}),
                lambda r: f"Created {what} {name} ({r.id})",
            )
            kept = [r for r in replies if r.get("ApiId") == real.id]
            api = kept[0] if kept else (http_api.get_api(run.cloud, real.id) or {"ApiId": real.id})
            # Made just now: it has no routes, stages or integrations to look for.
            run.facts["new_api"] = real.id
        else:
            assert recorded is not None
            run.reuse(self, recorded, f"{what} {api['ApiId']} exists")
            if api.get("Name") != name:
                # The config renamed it (the ledger followed the function, scope.py): UpdateApi renames in place.
                http_api.rename_api(run.cloud, api["ApiId"], name)
                run.emit_event("api", "updated", f"Renamed {what} {api['ApiId']} from {api.get('Name')} to {name}")
            if protocol == "HTTP":
                self._settle_cors(run, api)
        run.result.api_id = api["ApiId"]
        run.result.api_endpoint = api.get("ApiEndpoint", "")
        return str(api["ApiId"])

    def _settle_cors(self, run: Run, api: dict[str, Any]) -> None:
        """The config's CORS onto an API that already exists (changed, added or cleared)."""
        wanted = run.config.api.cors.wire() if run.config.api.cors is not None else None
        if _normal(api.get("CorsConfiguration")) == _normal(wanted):
            return
        http_api.set_cors(run.cloud, api["ApiId"], wanted)
        what = "Turned CORS off" if wanted is None else "Set CORS"
        run.emit_event("api", "updated", f"{what} on HTTP API {api['ApiId']}")

    def dedupe_after_create(self) -> bool:
        return True

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        token = pending.extra.get("token")
        found = [a for a in http_api.list_apis(cloud) if (a.get("Tags") or {}).get(TOKEN_TAG) == token]
        for duplicate in found[1:]:  # a retried create made more than one: keep the first
            http_api.delete_api(cloud, duplicate["ApiId"])
        return Resource(self.type, found[0]["ApiId"], extra={"name": pending.extra.get("name")}) if found else None

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        http_api.delete_api(cloud, resource.id)

    def cli(self, ctx: RenderContext) -> list[str]:
        protocol = protocol_type(ctx.config.api.type)
        command = f"aws apigatewayv2 create-api --name {ctx.sh(ctx.config.api.name)} --protocol-type {protocol}"
        if protocol == "WEBSOCKET":
            command += f" --route-selection-expression {ctx.sh(http_api.ROUTE_SELECTION)}"
        if ctx.config.api.cors is not None:
            command += f" --cors-configuration {ctx.sh(json.dumps(ctx.config.api.cors.wire(), separators=(',', ':')))}"
        return ctx.capture("API_ID", "ApiId", [command])

    def cloudformation(self, ctx: RenderContext) -> Template:
        protocol = protocol_type(ctx.config.api.type)
        properties: dict[str, Any] = {"Name": ctx.config.api.name, "ProtocolType": protocol}
        if protocol == "WEBSOCKET":
            properties["RouteSelectionExpression"] = http_api.ROUTE_SELECTION
        if ctx.config.api.cors is not None:
            properties["CorsConfiguration"] = ctx.config.api.cors.wire()  # the same keys as the API's
        return {LOGICAL_ID: {"Type": self.type, "Properties": properties}}

    def sam(self, ctx: RenderContext) -> Template:
        if ctx.config.api.type == "websocket":
            return self.cloudformation(ctx)  # SAM has no WebSocket API resource: the raw one, as AWS's chat sample
        if not sam_explicit(ctx):
            return {}  # the function's HttpApi events make it (ServerlessHttpApi)
        properties: dict[str, Any] = {"Name": ctx.config.api.name}
        if ctx.config.api.cors is not None:
            properties["CorsConfiguration"] = ctx.config.api.cors.wire()
        return {LOGICAL_ID: {"Type": "AWS::Serverless::HttpApi", "Properties": properties}}


KIND = ApiKind()


def protocol_type(api_type: str) -> str:
    return "WEBSOCKET" if api_type == "websocket" else "HTTP"


def replace_other_protocol(run: Run, recorded: Resource) -> None:
    """The config switched between HTTP and WebSocket under the same names:
    an API's protocol cannot change, so the old API goes with its children
    (integration, routes, stage leave the ledger) and the function's
    statements that let it invoke the function."""
    old = recorded.id
    http_api.delete_api(run.cloud, old)
    for resource in list(run.ledger.resources):
        if resource.parent == old:
            run.ledger.remove(resource)
    for resource in run.ledger.all("AWS::Lambda::Permission"):
        if f":{old}/" not in str(resource.extra.get("source_arn", "")):
            continue
        try:
            permissions.remove_permission(run.cloud, resource.parent or "", resource.id)
        except WizardError as err:
            if err.code not in NOT_FOUND:
                raise
        run.ledger.remove(resource)
    run.ledger.remove(recorded)
    run.emit_event("api", "deleted", f"Deleted API {old} (another protocol now)")


SAM_IMPLICIT_ID = "ServerlessHttpApi"  # the API SAM makes for HttpApi events that name none


def sam_explicit(ctx: RenderContext) -> bool:
    """SAM's implicit HTTP API has only the `$default` stage (it is named
    after the stack); a named stage, CORS, throttling, stage variables,
    access logs or an authorizer (set on the HttpApi resource) need an
    explicit AWS::Serverless::HttpApi."""
    api = ctx.config.api
    return (
        api.stage != "$default"
        or api.cors is not None
        or api.throttling is not None
        or bool(api.stage_variables)
        or api.access_log is not None
        or api.authorizer is not None
    )


def _normal(cors: Any) -> Any:
    """A CorsConfiguration compared by meaning: empty lists, a false
    AllowCredentials and an absent MaxAge say the same; order is kept."""
    if cors is None:
        return None
    return tuple(
        sorted(
            (key, tuple(value) if isinstance(value, list) else value)
            for key, value in cors.items()
            if value not in ([], None, False)
        )
    )


def sam_logical_id(ctx: RenderContext) -> str:
    return LOGICAL_ID if sam_explicit(ctx) else SAM_IMPLICIT_ID
