"""AWS::ApiGateway::ApiKey, with api.api_key: the key callers send as
`x-api-key`. Its value is a secret: deploy reports the key's id only, and
`apigw-wizard test` reads the value itself (GetApiKey includeValue). Keys
have no unique name, so a tag with a token finds a lost create."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...services import rest_api
from ..ledger import Resource
from .base import Kind, Run, Template
from .rest_api import TOKEN_TAG

if TYPE_CHECKING:
    from ...config import Config
    from ...services.session import Cloud
    from ..render.context import RenderContext

LOGICAL_ID = "MyApiKey"


def key_name(config: Config) -> str:
    return f"{config.api.name}-key"


class ApiKeyKind(Kind):
    type = "AWS::ApiGateway::ApiKey"
    short = "apigw_api_key"
    label = "API key"
    step = "stage"
    api_types = ("rest",)

    def applies(self, config: Config) -> bool:
        return super().applies(config) and config.api.api_key

    def ensure(self, run: Run) -> str:
        name = key_name(run.config)
        run.emit_event("stage", "start", f"Creating API key {name}")
        run.settle(self)
        recorded = run.ledger.find(self.type)
        current = rest_api.get_api_key(run.cloud, recorded.id) if recorded else None
        if recorded and current is None:
            run.forget(recorded)
        if current is None:
            token = run.new_token()
            real = run.create(
                self,
                Resource(self.type, f"pending-{token}", extra={"token": token, "name": name}),
                lambda: rest_api.create_api_key(run.cloud, name, {TOKEN_TAG: token}),
                lambda reply: Resource(self.type, reply["id"], extra={"name": name}),
                lambda r: f"Created API key {name} ({r.id}); apigw-wizard test sends it",
            )
            key_id = real.id
        else:
            assert recorded is not None
            key_id = recorded.id
            if not current.get("enabled"):
                rest_api.set_api_key_enabled(run.cloud, key_id)
                run.result.updated.append(f"{self.short}:{key_id}")
                run.emit_event("stage", "updated", f"Enabled API key {key_id}")
            else:
                run.reuse(self, recorded, f"API key {key_id} exists")
        run.result.api_key_id = key_id
        return key_id

    def dedupe_after_create(self) -> bool:
        return True

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        token = pending.extra.get("token")
        name = str(pending.extra.get("name") or "")
        found = [k for k in rest_api.list_api_keys(cloud, name) if (k.get("tags") or {}).get(TOKEN_TAG) == token]
        for duplicate in found[1:]:
            rest_api.delete_api_key(cloud, duplicate["id"])
        return Resource(self.type, found[0]["id"], extra={"name": name}) if found else None

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        rest_api.delete_api_key(cloud, resource.id)

    def cli(self, ctx: RenderContext) -> list[str]:
        command = f"aws apigateway create-api-key --name {ctx.sh(key_name(ctx.config))} --enabled"
        return ctx.capture("API_KEY_ID", "id", [command])

    def script_outputs(self, ctx: RenderContext) -> list[str]:
        """How to read the key (its value is never printed: it is a secret)."""
        fetch = "aws apigateway get-api-key --api-key ${API_KEY_ID} --include-value --query value --output text"
        return [f"echo {ctx.sh(f'API key     {fetch}')}"]

    def cloudformation(self, ctx: RenderContext) -> Template:
        props: dict[str, Any] = {"Name": key_name(ctx.config), "Enabled": True}
        return {LOGICAL_ID: {"Type": self.type, "Properties": props}}

    def sam(self, ctx: RenderContext) -> Template:
        return {}  # the Serverless::Api's Auth.UsagePlan (PER_API) makes it

    def outputs(self, ctx: RenderContext, sam: bool = False) -> dict[str, Any]:
        if sam:
            return {}
        fetch = "aws apigateway get-api-key --include-value --api-key"
        return {"ApiKeyId": {"Description": f"The API key's id (its value: {fetch} ID)", "Value": {"Ref": LOGICAL_ID}}}


KIND = ApiKeyKind()
