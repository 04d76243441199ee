"""AWS::ApiGatewayV2::Stage: `$default` with auto-deploy as the console makes
it, or a named stage; without auto-deploy the engine deploys it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ...services import http_api
from ...services.ws_tester import connections_url, websocket_url
from ...stagesettings import ACCESS_LOG_FORMATS
from ..ledger import Resource
from . import access_logs
from .api import LOGICAL_ID as API_ID
from .base import Kind, Run, Template

if TYPE_CHECKING:
    from ...services.session import Cloud
    from ..render.context import RenderContext

LOGICAL_ID = "MyStage"
DEPLOYMENT_ID = "MyDeployment"


class StageKind(Kind):
    type = "AWS::ApiGatewayV2::Stage"
    short = "apigw_stage"
    label = "stage"
    step = "stage"
    api_types = ("http", "websocket")
    deleted_with = "AWS::ApiGatewayV2::Api"

    def ensure(self, run: Run) -> str:
        api_id = run.result.api_id or run.need("AWS::ApiGatewayV2::Api")
        api = run.config.api
        run.emit_event(
            "stage", "start", f"Creating stage {api.stage} (auto-deploy {'on' if api.auto_deploy else 'off'})"
        )
        log_arn = run.need(access_logs.KIND.type) if api.is_http else None
        run.settle(self)
        recorded = run.ledger.find(self.type, parent=api_id, id=api.stage)
        new_api = run.facts.get("new_api") == api_id  # made just now: it has no stage yet
        current = None if new_api else http_api.get_stage(run.cloud, api_id, api.stage)
        if current is None:
            if recorded:
                run.forget(recorded)
            run.create(
                self,
                Resource(self.type, api.stage, parent=api_id),
                lambda: http_api.create_stage(run.cloud, api_id, api.stage, api.auto_deploy, settings(api, log_arn)),
                lambda _reply: Resource(self.type, api.stage, parent=api_id),
                lambda r: f"Created stage {r.id}",
            )
        elif bool(current.get("AutoDeploy")) != api.auto_deploy or changed_settings(current, api, log_arn):
            http_api.update_stage(run.cloud, api_id, api.stage, api.auto_deploy, settings(api, log_arn))
            if log_arn is None and current.get("AccessLogSettings"):
                # UpdateStage cannot drop them; this call is how AWS turns access logs off.
                http_api.delete_access_log_settings(run.cloud, api_id, api.stage)
            run.emit_event("stage", "updated", f"Updated stage {api.stage}: {describe(api)}")
        else:
            run.reuse(self, recorded or Resource(self.type, api.stage, parent=api_id), f"Stage {api.stage} exists")
        if not api.auto_deploy:
            deployment = http_api.create_deployment(run.cloud, api_id, api.stage)
            run.emit_event(
                "stage", "info", f"Deployed to {api.stage} (deployment {deployment.get('DeploymentId', '?')})"
            )
        run.result.stage = api.stage
        run.result.invoke_url = run.url_for(run.result.api_endpoint, api_id, api.stage)
        if api.type == "websocket":
            # K2: clients connect to the stage URL (wss:// on AWS, ws:// locally); @connections is
            # the same host and stage over HTTPS.
            run.result.invoke_url = websocket_url(run.result.invoke_url)
            run.result.test_url = run.result.invoke_url
            run.result.connections_url = connections_url(run.result.invoke_url)
        else:
            run.result.test_url = run.result.invoke_url.rstrip("/") + run.config.test.path
        return api.stage

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        stage = http_api.get_stage(cloud, pending.parent or "", pending.id)
        return Resource(self.type, pending.id, parent=pending.parent) if stage else None

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        http_api.delete_stage(cloud, resource.parent or "", resource.id)

    def cli(self, ctx: RenderContext) -> list[str]:
        api = ctx.config.api
        command = (
            f"aws apigatewayv2 create-stage --api-id {ctx.sh(ctx.api_id)} "
            f"--stage-name {ctx.sh(api.stage)} --{'auto-deploy' if api.auto_deploy else 'no-auto-deploy'}"
        )
        log_arn = access_logs.cli_arn(ctx) if api.access_log else None
        for option, value in template_settings(api, log_arn).items():
            flag = {
                "DefaultRouteSettings": "--default-route-settings",
                "StageVariables": "--stage-variables",
                "AccessLogSettings": "--access-log-settings",
            }[option]
            command += f" {flag} {ctx.sh(json.dumps(value, separators=(',', ':')))}"
        lines = ctx.quiet([command])
        if not api.auto_deploy:
            lines += ctx.quiet(
                [f"aws apigatewayv2 create-deployment --api-id {ctx.sh(ctx.api_id)} --stage-name {ctx.sh(api.stage)}"]
            )
        return lines

    def script_outputs(self, ctx: RenderContext) -> list[str]:
        """The URLs, on stdout: the API's own (AWS's form, from its
        ApiEndpoint) and, with AWS_ENDPOINT_URL set, the local cloud's
        path form (targets.local_invoke_url)."""
        api, path = ctx.config.api, ctx.config.test.path
        if api.type == "websocket":
            return websocket_script_outputs(ctx)
        url = http_api.invoke_url("${API_ENDPOINT}", api.stage)
        local = http_api.invoke_url("${LOCAL_ENDPOINT}", api.stage)
        test, local_test = url.rstrip("/") + path, local.rstrip("/") + path
        return [
            *ctx.capture("API_ENDPOINT", "ApiEndpoint", [f"aws apigatewayv2 get-api --api-id {ctx.sh(ctx.api_id)}"]),
            f"echo {ctx.sh(f'Invoke URL  {url}')}",
            f"echo {ctx.sh(f'Try it      curl -i {test}')}",
            'if [[ -n "${AWS_ENDPOINT_URL:-}" ]]; then',
            "  # apigw-wizard's local cloud serves every API under its own endpoint",
            f'  LOCAL_ENDPOINT="${{AWS_ENDPOINT_URL%/}}/_aws/execute-api/{ctx.api_id}"',
            f"  echo {ctx.sh(f'Local URL   {local}')}",
            f"  echo {ctx.sh(f'Try it      curl -i {local_test}')}",
            "fi",
        ]

    def cloudformation(self, ctx: RenderContext) -> Template:
        from .route import logical_ids

        api = ctx.config.api
        out: Template = {
            LOGICAL_ID: {
                "Type": self.type,
                "Properties": {
                    "ApiId": {"Ref": API_ID},
                    "StageName": api.stage,
                    "AutoDeploy": api.auto_deploy,
                    **template_settings(api, access_logs.template_arn()),
                },
            }
        }
        if not api.auto_deploy:
            # A stage without auto-deploy serves only a deployment made after its routes.
            deployment: dict[str, Any] = {
                "Type": "AWS::ApiGatewayV2::Deployment",
                "DependsOn": list(logical_ids(api.routes).values()),
                "Properties": {"ApiId": {"Ref": API_ID}},
            }
            out[DEPLOYMENT_ID] = deployment
            out[LOGICAL_ID]["Properties"]["DeploymentId"] = {"Ref": DEPLOYMENT_ID}
        return out

    def sam(self, ctx: RenderContext) -> Template:
        """A named stage on the explicit HttpApi. SAM's HttpApi stages
        always auto-deploy (samtranslator http_api_generator sets
        AutoDeploy: true), so auto_deploy: false has no SAM form. A
        WebSocket API's stage is the raw resource (SAM has none)."""
        from .api import sam_explicit

        if ctx.config.api.type == "websocket":
            return self.cloudformation(ctx)
        if not sam_explicit(ctx):
            return {}
        settings = template_settings(ctx.config.api, access_logs.template_arn())
        return {API_ID: {"Properties": {"StageName": ctx.config.api.stage, **settings}}}

    def outputs(self, ctx: RenderContext, sam: bool = False) -> dict[str, Any]:
        from .api import sam_logical_id

        if ctx.config.api.type == "websocket":
            return websocket_outputs(ctx)
        api_id = sam_logical_id(ctx) if sam else API_ID
        url = http_api.invoke_url(f"${{{api_id}.ApiEndpoint}}", ctx.config.api.stage)
        return {
            "InvokeUrl": {"Description": f"The stage {ctx.config.api.stage}'s invoke URL", "Value": {"Fn::Sub": url}},
            "TestUrl": {
                "Description": f"What the wizard's test step requests ({ctx.config.test.method})",
                "Value": {"Fn::Sub": url.rstrip("/") + ctx.config.test.path},
            },
        }


KIND = StageKind()


def websocket_outputs(ctx: RenderContext) -> dict[str, Any]:
    stage = ctx.config.api.stage
    return {
        "WebSocketUrl": {
            "Description": f"Connect to the stage {stage} (e.g. wscat -c <url>)",
            "Value": {"Fn::Sub": f"${{{API_ID}.ApiEndpoint}}/{stage}"},
        },
        "ConnectionsUrl": {
            "Description": "The stage's @connections management endpoint",
            "Value": {
                "Fn::Sub": f"https://${{{API_ID}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{stage}/@connections"
            },
        },
    }


def websocket_script_outputs(ctx: RenderContext) -> list[str]:
    """The wss:// URL (the API's ApiEndpoint) and, with AWS_ENDPOINT_URL
    set, the local cloud's ws:// path form."""
    stage = ctx.config.api.stage
    message = '{"action":"sendmessage","data":"hi"}'
    return [
        *ctx.capture("API_ENDPOINT", "ApiEndpoint", [f"aws apigatewayv2 get-api --api-id {ctx.sh(ctx.api_id)}"]),
        f"echo {ctx.sh(f'WebSocket URL  ${{API_ENDPOINT}}/{stage}')}",
        f"echo {ctx.sh(f'Try it         wscat -c ${{API_ENDPOINT}}/{stage}, then send {message}')}",
        'if [[ -n "${AWS_ENDPOINT_URL:-}" ]]; then',
        "  # apigw-wizard's local cloud serves every API under its own endpoint (ws:// for http://)",
        '  LOCAL_ENDPOINT="ws${AWS_ENDPOINT_URL#http}"',
        f'  LOCAL_ENDPOINT="${{LOCAL_ENDPOINT%/}}/_aws/execute-api/{ctx.api_id}"',
        f"  echo {ctx.sh(f'Local URL      ${{LOCAL_ENDPOINT}}/{stage}')}",
        "fi",
    ]


def settings(api: Any, log_arn: Any = None) -> dict[str, Any]:
    """The config's stage settings as CreateStage / UpdateStage fields. An
    update sends them all (an empty DefaultRouteSettings clears the limits;
    an empty StageVariables map clears the variables); access logs are
    named only when on (DeleteAccessLogSettings turns them off). `log_arn`:
    the access log group's ARN (a template's GetAtt, in a template)."""
    route = api.throttling.route_settings() if api.throttling is not None else {}
    out: dict[str, Any] = {"DefaultRouteSettings": route, "StageVariables": dict(api.stage_variables)}
    if api.access_log is not None and log_arn is not None:
        out["AccessLogSettings"] = {"DestinationArn": log_arn, "Format": ACCESS_LOG_FORMATS[api.access_log]}
    return out


def template_settings(api: Any, log_arn: Any = None) -> dict[str, Any]:
    """The settings a template or script states: only those the config sets."""
    return {key: value for key, value in settings(api, log_arn).items() if value}


def changed_settings(current: dict[str, Any], api: Any, log_arn: str | None = None) -> bool:
    wanted = settings(api, log_arn)
    have_route = current.get("DefaultRouteSettings") or {}
    for key in ("ThrottlingBurstLimit", "ThrottlingRateLimit"):
        if have_route.get(key) != wanted["DefaultRouteSettings"].get(key):
            return True
    if (current.get("AccessLogSettings") or None) != wanted.get("AccessLogSettings"):
        return True
    return (current.get("StageVariables") or {}) != wanted["StageVariables"]


def describe(api: Any) -> str:
    throttle = api.throttling
    parts = [f"auto-deploy {'on' if api.auto_deploy else 'off'}"]
    if throttle is not None:
        parts.append(
            f"throttling burst {throttle.burst if throttle.burst is not None else 'account'}, "
            f"rate {throttle.rate if throttle.rate is not None else 'account'}/s"
        )
    parts.append(f"{len(api.stage_variables)} stage variables")
    parts.append(f"access logs {api.access_log.upper() if api.access_log else 'off'}")
    return ", ".join(parts)
