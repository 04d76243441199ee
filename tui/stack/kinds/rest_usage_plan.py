"""AWS::ApiGateway::UsagePlan and AWS::ApiGateway::UsagePlanKey, with
api.api_key: a key is accepted only on the API stages of a usage plan it is
in (reference J6: otherwise 403 Forbidden). The plan is bound to this API's
stage, which must exist first ("Invalid API Stage"); AWS deletes a plan
only once no stage is bound to it (services/rest_api.delete_usage_plan)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...services import rest_api
from ..ledger import Resource
from .base import Kind, Run, Template
from .rest_api import LOGICAL_ID as API_ID
from .rest_api import TOKEN_TAG
from .rest_api_key import LOGICAL_ID as KEY_ID
from .rest_stage import LOGICAL_ID as STAGE_ID

if TYPE_CHECKING:
    from ...config import Config
    from ...services.session import Cloud
    from ..render.context import RenderContext

LOGICAL_ID = "MyUsagePlan"
PLAN_KEY_ID = "MyUsagePlanKey"


def plan_name(config: Config) -> str:
    return f"{config.api.name}-plan"


class UsagePlanKind(Kind):
    type = "AWS::ApiGateway::UsagePlan"
    short = "apigw_usage_plan"
    label = "usage plan"
    step = "stage"
    api_types = ("rest",)

    def applies(self, config: Config) -> bool:
        return super().applies(config) and config.api.api_key

    def ensure(self, run: Run) -> str:
        api_id = run.result.api_id or run.need("AWS::ApiGateway::RestApi")
        stage = run.need("AWS::ApiGateway::Stage")
        name = plan_name(run.config)
        run.emit_event("stage", "start", f"Creating usage plan {name} for {api_id}:{stage}")
        run.settle(self)
        recorded = run.ledger.find(self.type)
        current = rest_api.get_usage_plan(run.cloud, recorded.id) if recorded else None
        if recorded and current is None:
            run.forget(recorded)
        if current is None:
            token = run.new_token()
            real = run.create(
                self,
                Resource(self.type, f"pending-{token}", extra={"token": token, "name": name}),
                lambda: rest_api.create_usage_plan(run.cloud, name, api_id, stage, {TOKEN_TAG: token}),
                lambda reply: Resource(self.type, reply["id"], extra={"name": name}),
                lambda r: f"Created usage plan {name} ({r.id}) for the stage {stage}",
            )
            return real.id
        assert recorded is not None
        bound = {(s.get("apiId"), s.get("stage")) for s in current.get("apiStages") or []}
        if (api_id, stage) not in bound:  # the stage was renamed, or the API made anew
            for old_api, old_stage in bound:
                rest_api.detach_stage(run.cloud, recorded.id, str(old_api), str(old_stage))
            rest_api.attach_stage(run.cloud, recorded.id, api_id, stage)
            run.result.updated.append(f"{self.short}:{recorded.id}")
            run.emit_event("stage", "updated", f"Usage plan {recorded.id} now covers {api_id}:{stage}")
        else:
            run.reuse(self, recorded, f"Usage plan {recorded.id} exists")
        return recorded.id

    def dedupe_after_create(self) -> bool:
        return True

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        token = pending.extra.get("token")
        found = [p for p in rest_api.usage_plans(cloud) if (p.get("tags") or {}).get(TOKEN_TAG) == token]
        for duplicate in found[1:]:
            rest_api.delete_usage_plan(cloud, duplicate["id"])
        return Resource(self.type, found[0]["id"], extra={"name": pending.extra.get("name")}) if found else None

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        rest_api.delete_usage_plan(cloud, resource.id)

    def cli(self, ctx: RenderContext) -> list[str]:
        stages = ctx.sh(f"apiId={ctx.api_id},stage={ctx.config.api.stage}")
        command = f"aws apigateway create-usage-plan --name {ctx.sh(plan_name(ctx.config))} --api-stages {stages}"
        return ctx.capture("USAGE_PLAN_ID", "id", [command])

    def cloudformation(self, ctx: RenderContext) -> Template:
        # Ref of the stage is its name, and makes the plan wait for it.
        props: dict[str, Any] = {
            "UsagePlanName": plan_name(ctx.config),
            "ApiStages": [{"ApiId": {"Ref": API_ID}, "Stage": {"Ref": STAGE_ID}}],
        }
        return {LOGICAL_ID: {"Type": self.type, "Properties": props}}

    def sam(self, ctx: RenderContext) -> Template:
        return {}  # the Serverless::Api's Auth.UsagePlan (PER_API) makes it


class UsagePlanKeyKind(Kind):
    type = "AWS::ApiGateway::UsagePlanKey"
    short = "apigw_usage_plan_key"
    label = "usage plan key"
    step = "stage"
    api_types = ("rest",)
    deleted_with = UsagePlanKind.type

    def applies(self, config: Config) -> bool:
        return super().applies(config) and config.api.api_key

    def ensure(self, run: Run) -> str:
        plan_id = run.need(UsagePlanKind.type)
        key_id = run.need("AWS::ApiGateway::ApiKey")
        run.emit_event("stage", "start", f"Adding API key {key_id} to usage plan {plan_id}")
        run.settle(self)
        for stale in run.ledger.all(self.type):
            if (stale.id, stale.parent) != (key_id, plan_id):
                run.ledger.remove(stale)  # its key or plan was replaced
        recorded = run.ledger.find(self.type, id=key_id, parent=plan_id)
        if rest_api.get_usage_plan_key(run.cloud, plan_id, key_id) is not None:
            entry = recorded or run.ledger.add(Resource(self.type, key_id, parent=plan_id))
            run.reuse(self, entry, f"API key {key_id} is in usage plan {plan_id}")
            return key_id
        if recorded:
            run.forget(recorded)
        run.create(
            self,
            Resource(self.type, key_id, parent=plan_id),
            lambda: rest_api.create_usage_plan_key(run.cloud, plan_id, key_id),
            lambda _reply: Resource(self.type, key_id, parent=plan_id),
            lambda r: f"Added API key {key_id} to usage plan {plan_id}",
        )
        return key_id

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        found = rest_api.get_usage_plan_key(cloud, pending.parent or "", pending.id)
        return Resource(self.type, pending.id, parent=pending.parent) if found else None

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        rest_api.delete_usage_plan_key(cloud, resource.parent or "", resource.id)

    def cli(self, ctx: RenderContext) -> list[str]:
        plan = ctx.sh(ctx.var("USAGE_PLAN_ID", "<usage-plan-id>"))
        key = ctx.sh(ctx.var("API_KEY_ID", "<api-key-id>"))
        return ctx.quiet(
            [f"aws apigateway create-usage-plan-key --usage-plan-id {plan} --key-id {key} --key-type API_KEY"]
        )

    def cloudformation(self, ctx: RenderContext) -> Template:
        props = {"KeyId": {"Ref": KEY_ID}, "KeyType": "API_KEY", "UsagePlanId": {"Ref": LOGICAL_ID}}
        return {PLAN_KEY_ID: {"Type": self.type, "Properties": props}}

    def sam(self, ctx: RenderContext) -> Template:
        return {}


PLAN = UsagePlanKind()
PLAN_KEY = UsagePlanKeyKind()
