"""AWS::ApiGateway::Stage and its deployments. A REST API has no
auto-deploy: changes serve only after a new CreateDeployment (reference
J1.7). So a deployment is made when the stage is new, when this run changed
a resource or method, or when the API's shape differs from what the stage
last got (a run that died between the change and the deployment); an
identical second deploy makes none. Stage variables are patched in place."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from ...services import rest_api
from ..ledger import Resource
from .base import Kind, Run, Template
from .rest_api import LOGICAL_ID as API_ID
from .rest_method import logical_ids as method_ids

if TYPE_CHECKING:
    from ...services.session import Cloud
    from ..render.context import RenderContext

LOGICAL_ID = "MyRestStage"
DEPLOYMENT_ID = "MyRestDeployment"


def shape(run: Run) -> str:
    """What a deployment freezes, as far as this config decides it."""
    api = run.config.api
    parts: list[Any] = [sorted(api.routes), api.api_key, run.integration_target()[1]]
    if api.binary_media_types:  # only when set, so stages deployed before this keep their shape
        parts.append(sorted(api.binary_media_types))
    text = json.dumps(parts)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class RestStageKind(Kind):
    type = "AWS::ApiGateway::Stage"
    short = "apigw_rest_stage"
    label = "stage"
    step = "stage"
    api_types = ("rest",)
    deleted_with = "AWS::ApiGateway::RestApi"

    def ensure(self, run: Run) -> str:
        api_id = run.result.api_id or run.need("AWS::ApiGateway::RestApi")
        api = run.config.api
        run.need("AWS::ApiGateway::Method")
        run.emit_event("stage", "start", f"Deploying the API to the stage {api.stage}")
        run.settle(self)
        variables = dict(api.stage_variables)
        recorded = run.ledger.find(self.type, parent=api_id, id=api.stage)
        fingerprint = shape(run)
        current = None if run.facts.get("new_api") == api_id else rest_api.get_stage(run.cloud, api_id, api.stage)
        if current is None:
            if recorded:
                run.forget(recorded)
            replies: list[dict[str, Any]] = []

            def make() -> dict[str, Any]:
                replies.append(rest_api.create_deployment(run.cloud, api_id, api.stage, variables))
                return replies[-1]

            run.create(
                self,
                Resource(self.type, api.stage, parent=api_id),
                make,
                lambda reply: Resource(
                    self.type, api.stage, parent=api_id, extra={"deployment": reply.get("id"), "shape": fingerprint}
                ),
                lambda r: f"Created stage {r.id} (deployment {r.extra.get('deployment', '?')})",
            )
        else:
            deploy = run.facts.get("rest_changed") or (
                recorded is not None and recorded.extra.get("shape") != fingerprint
            )
            deployment = rest_api.create_deployment(run.cloud, api_id)["id"] if deploy else None
            ops = rest_api.stage_operations(current.get("variables") or {}, variables, deployment)
            rest_api.update_stage(run.cloud, api_id, api.stage, ops)
            entry = Resource(
                self.type,
                api.stage,
                parent=api_id,
                extra={"deployment": deployment or current.get("deploymentId"), "shape": fingerprint},
            )
            if recorded:
                run.ledger.replace(recorded, entry)
            else:  # made by a run whose ledger entry was lost: it goes with the API anyway
                run.ledger.add(entry)
            if deployment:
                run.result.updated.append(f"{self.short}:{api.stage}")
                run.emit_event(
                    "stage", "updated", f"Deployed the API to the stage {api.stage} (deployment {deployment})"
                )
            elif ops:
                run.result.updated.append(f"{self.short}:{api.stage}")
                run.emit_event("stage", "updated", f"Updated stage {api.stage}: {len(variables)} stage variables")
            else:
                run.reuse(self, entry, f"Stage {api.stage} serves the current deployment")
        run.result.stage = api.stage
        run.result.invoke_url = run.url_for(run.result.api_endpoint, api_id, api.stage)
        run.result.test_url = run.result.invoke_url.rstrip("/") + run.config.test.path
        return api.stage

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        stage = rest_api.get_stage(cloud, pending.parent or "", pending.id)
        if stage is None:
            return None
        return Resource(self.type, pending.id, parent=pending.parent, extra={"deployment": stage.get("deploymentId")})

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        rest_api.delete_stage(cloud, resource.parent or "", resource.id)

    def cli(self, ctx: RenderContext) -> list[str]:
        api = ctx.config.api
        command = (
            f"aws apigateway create-deployment --rest-api-id {ctx.sh(ctx.api_id)} --stage-name {ctx.sh(api.stage)}"
        )
        if api.stage_variables:
            command += f" --variables {ctx.sh(json.dumps(dict(api.stage_variables), separators=(',', ':')))}"
        return ctx.quiet([command])

    def script_outputs(self, ctx: RenderContext) -> list[str]:
        """The URLs, on stdout: AWS's form (J2) and, with AWS_ENDPOINT_URL
        set, the local cloud's path form (targets.local_invoke_url)."""
        api, path = ctx.config.api, ctx.config.test.path
        url = f"{rest_api.endpoint(ctx.region, '${API_ID}')}/{api.stage}"
        local = f"${{LOCAL_ENDPOINT}}/{api.stage}"
        header = " -H 'x-api-key: <the API key>'" if api.api_key else ""
        return [
            f"echo {ctx.sh(f'Invoke URL  {url}')}",
            f"echo {ctx.sh(f'Try it      curl -i{header} {url}{path}')}",
            'if [[ -n "${AWS_ENDPOINT_URL:-}" ]]; then',
            "  # apigw-wizard's local cloud serves every API under its own endpoint",
            f'  LOCAL_ENDPOINT="${{AWS_ENDPOINT_URL%/}}/_aws/execute-api/{ctx.api_id}"',
            f"  echo {ctx.sh(f'Local URL   {local}')}",
            f"  echo {ctx.sh(f'Try it      curl -i{header} {local}{path}')}",
            "fi",
        ]

    def cloudformation(self, ctx: RenderContext) -> Template:
        api = ctx.config.api
        props: dict[str, Any] = {
            "RestApiId": {"Ref": API_ID},
            "DeploymentId": {"Ref": DEPLOYMENT_ID},
            "StageName": api.stage,
        }
        if api.stage_variables:
            props["Variables"] = dict(api.stage_variables)
        return {
            # A deployment serves the methods made before it (J1.7).
            DEPLOYMENT_ID: {
                "Type": "AWS::ApiGateway::Deployment",
                "DependsOn": list(method_ids(api.routes).values()),
                "Properties": {"RestApiId": {"Ref": API_ID}},
            },
            LOGICAL_ID: {"Type": self.type, "Properties": props},
        }

    def sam(self, ctx: RenderContext) -> Template:
        return {}  # the AWS::Serverless::Api's StageName (kinds/rest_api.py)


KIND = RestStageKind()
