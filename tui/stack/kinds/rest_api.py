"""AWS::ApiGateway::RestApi: a Regional REST API, as the console's "Build"
makes it (reference J1.1). It has no unique name, so a tag with a token
written to the ledger first lets a lost response be found (as kinds/api.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...services import rest_api
from ..ledger import Resource
from .base import Kind, Run, Template

if TYPE_CHECKING:
    from ...services.session import Cloud
    from ..render.context import RenderContext

TOKEN_TAG = "apigw-wizard:token"
LOGICAL_ID = "MyRestApi"


class RestApiKind(Kind):
    type = "AWS::ApiGateway::RestApi"
    short = "apigw_rest_api"
    label = "REST API"
    step = "api"
    api_types = ("rest",)

    def ensure(self, run: Run) -> str:
        name = run.config.api.name
        run.emit_event("api", "start", f"Creating REST API {name} (Regional)")
        run.settle(self)
        recorded = run.ledger.find(self.type)
        api = rest_api.get_rest_api(run.cloud, recorded.id) if recorded else None
        if recorded and api is None:
            run.forget(recorded)
        if api is None:
            token = run.new_token()  # tags the API so a lost response cannot orphan it
            real = run.create(
                self,
                Resource(self.type, f"pending-{token}", extra={"token": token, "name": name}),
                lambda: rest_api.create_rest_api(
                    run.cloud, name, {TOKEN_TAG: token}, run.config.api.binary_media_types
                ),
                lambda reply: Resource(self.type, reply["id"], extra={"name": name}),
                lambda r: f"Created REST API {name} ({r.id})",
            )
            api_id = real.id
            # Made just now: it has only its root resource and no stage.
            run.facts["new_api"] = api_id
        else:
            assert recorded is not None
            api_id = api["id"]
            wanted = run.config.api.binary_media_types
            ops = rest_api.binary_media_operations(list(api.get("binaryMediaTypes") or []), wanted)
            if ops:
                rest_api.update_rest_api(run.cloud, api_id, ops)
                # Like a method change, it serves only after a new deployment (J1.7).
                run.facts["rest_changed"] = True
                run.result.updated.append(f"{self.short}:{api_id}")
                run.emit_event("api", "updated", f"Updated REST API {api_id}: binary media types {_listed(wanted)}")
            else:
                run.reuse(self, recorded, f"REST API {api_id} exists")
        run.result.api_id = api_id
        run.result.api_endpoint = rest_api.endpoint(run.cloud.region, api_id)
        return str(api_id)

    def dedupe_after_create(self) -> bool:
        return True

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        token = pending.extra.get("token")
        found = [a for a in rest_api.list_rest_apis(cloud) if (a.get("tags") or {}).get(TOKEN_TAG) == token]
        for duplicate in found[1:]:  # a retried create made more than one: keep the first
            rest_api.delete_rest_api(cloud, duplicate["id"])
        return Resource(self.type, found[0]["id"], extra={"name": pending.extra.get("name")}) if found else None

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        rest_api.delete_rest_api(cloud, resource.id)

    def cli(self, ctx: RenderContext) -> list[str]:
        command = (
            f"aws apigateway create-rest-api --name {ctx.sh(ctx.config.api.name)} "
            "--endpoint-configuration types=REGIONAL"
        )
        if ctx.config.api.binary_media_types:
            command += " --binary-media-types " + " ".join(ctx.sh(t) for t in ctx.config.api.binary_media_types)
        lines = ctx.capture("API_ID", "id", [command])
        # The root resource ("/") comes with the API; paths hang under it.
        return lines + ctx.capture(
            "ROOT_ID",
            "\"items[?path=='/'].id\"",
            [f"aws apigateway get-resources --rest-api-id {ctx.sh(ctx.api_id)}"],
        )

    def cloudformation(self, ctx: RenderContext) -> Template:
        props: dict[str, Any] = {"Name": ctx.config.api.name, "EndpointConfiguration": {"Types": ["REGIONAL"]}}
        if ctx.config.api.binary_media_types:
            props["BinaryMediaTypes"] = list(ctx.config.api.binary_media_types)
        return {LOGICAL_ID: {"Type": self.type, "Properties": props}}

    def sam(self, ctx: RenderContext) -> Template:
        """An explicit AWS::Serverless::Api: the function's Api events name
        it, so its stage and API key settings are the config's."""
        api = ctx.config.api
        props: dict[str, Any] = {
            "Name": api.name,
            "StageName": api.stage,
            "EndpointConfiguration": {"Type": "REGIONAL"},
        }
        if api.stage_variables:
            props["Variables"] = dict(api.stage_variables)
        if api.binary_media_types:
            props["BinaryMediaTypes"] = list(api.binary_media_types)
        if api.api_key:
            # SAM makes the key, the plan bound to this stage and the plan key (PER_API).
            props["Auth"] = {"ApiKeyRequired": True, "UsagePlan": {"CreateUsagePlan": "PER_API"}}
        return {LOGICAL_ID: {"Type": "AWS::Serverless::Api", "Properties": props}}

    def outputs(self, ctx: RenderContext, sam: bool = False) -> dict[str, Any]:
        """The stage's invoke URL (J2) and the test step's URL."""
        url = f"https://${{{LOGICAL_ID}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{ctx.config.api.stage}"
        return {
            "InvokeUrl": {"Description": f"The stage {ctx.config.api.stage}'s invoke URL", "Value": {"Fn::Sub": url}},
            "TestUrl": {
                "Description": f"What the wizard's test step requests ({ctx.config.test.method})",
                "Value": {"Fn::Sub": url + ctx.config.test.path},
            },
        }


def _listed(types: tuple[str, ...]) -> str:
    return ", ".join(types) if types else "none"


KIND = RestApiKind()
