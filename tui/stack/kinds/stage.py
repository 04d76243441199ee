"""AWS::ApiGatewayV2::Stage: `$default` with auto-deploy as the console makes
it, or a named stage; without auto-deploy the engine deploys it."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, Any

from ...services import http_api
from ..ledger import Resource
from .api import LOGICAL_ID as API_ID
from .base import Kind, Template

if TYPE_CHECKING:
    from ...services.session import Cloud
    from ..engine import Deployer
    from ..render.context import RenderContext

LOGICAL_ID = "MyStage"


class StageKind(Kind):
    type = "AWS::ApiGatewayV2::Stage"
    short = "apigw_stage"
    label = "stage"
    step = "stage"
    deleted_with = "AWS::ApiGatewayV2::Api"

    def ensure(self, run: Deployer) -> str:
        api_id = run.result.api_id or run.need("AWS::ApiGatewayV2::Api")
        api = run.config.api
        run.emit_event("stage", "start", f"Creating stage {api.stage} (auto-deploy {'on' if api.auto_deploy else 'off'})")
        run.settle(self)
        recorded = run.ledger.find(self.type, parent=api_id, id=api.stage)
        current = http_api.get_stage(run.cloud, api_id, api.stage)
        if current is None:
            if recorded:
                run.forget(recorded)
            run.create(self, Resource(self.type, api.stage, parent=api_id),
                       lambda: http_api.create_stage(run.cloud, api_id, api.stage, api.auto_deploy),
                       lambda _reply: Resource(self.type, api.stage, parent=api_id),
                       lambda r: f"Created stage {r.id}")
        elif bool(current.get("AutoDeploy")) != api.auto_deploy:
            http_api.update_stage(run.cloud, api_id, api.stage, api.auto_deploy)
            run.emit_event("stage", "updated", f"Set auto-deploy {'on' if api.auto_deploy else 'off'} on {api.stage}")
        else:
            run.reuse(self, recorded or Resource(self.type, api.stage, parent=api_id), f"Stage {api.stage} exists")
        if not api.auto_deploy:
            deployment = http_api.create_deployment(run.cloud, api_id, api.stage)
            run.emit_event("stage", "info",
                           f"Deployed to {api.stage} (deployment {deployment.get('DeploymentId', '?')})")
        run.result.stage = api.stage
        run.result.invoke_url = run.url_for(run.result.api_endpoint, api_id, api.stage)
        run.result.test_url = run.result.invoke_url.rstrip("/") + run.config.test.path
        return api.stage

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        stage = http_api.get_stage(cloud, pending.parent or "", pending.id)
        return Resource(self.type, pending.id, parent=pending.parent) if stage else None

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        http_api.delete_stage(cloud, resource.parent or "", resource.id)

    def cli(self, ctx: RenderContext) -> list[str]:
        api = ctx.config.api
        lines = [f"aws apigatewayv2 create-stage --api-id {ctx.api_id} --stage-name {shlex.quote(api.stage)} "
                 f"--{'auto-deploy' if api.auto_deploy else 'no-auto-deploy'}"]
        if not api.auto_deploy:
            lines.append(f"aws apigatewayv2 create-deployment --api-id {ctx.api_id} --stage-name {shlex.quote(api.stage)}")
        return lines

    def cloudformation(self, ctx: RenderContext) -> Template:
        from .route import logical_id

        api = ctx.config.api
        out: Template = {LOGICAL_ID: {"Type": self.type, "Properties": {
            "ApiId": {"Ref": API_ID}, "StageName": api.stage, "AutoDeploy": api.auto_deploy}}}
        if not api.auto_deploy:
            # A stage without auto-deploy serves only a deployment made after its routes.
            deployment: dict[str, Any] = {"Type": "AWS::ApiGatewayV2::Deployment",
                                          "DependsOn": [logical_id(k) for k in api.routes],
                                          "Properties": {"ApiId": {"Ref": API_ID}}}
            out["MyDeployment"] = deployment
            out[LOGICAL_ID]["Properties"]["DeploymentId"] = {"Ref": "MyDeployment"}
        return out

    def sam(self, ctx: RenderContext) -> Template:
        return {}


KIND = StageKind()
