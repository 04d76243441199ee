"""The invoke permission for a REST API's methods: one statement per route,
letting apigateway.amazonaws.com invoke the function from that method only,
on any stage, as the console scopes it (reference J1.6:
`{apiId}/*/{METHOD or * for ANY}/{path}`). Its own ledger type, so the HTTP
API's statements and these are kept and retired apart."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from awsrules.arns import execute_api_arn
from awsrules.routekeys import parse

from ...services import permissions
from ..ledger import Resource
from .base import Kind, Run, Template
from .function import LOGICAL_ID as FUNCTION_ID
from .rest_api import LOGICAL_ID as API_ID
from .rest_method import logical_ids

if TYPE_CHECKING:
    from ...services.session import Cloud
    from ..render.context import RenderContext


class RestPermissionKind(Kind):
    type = "AWS::Lambda::Permission/RestApi"
    short = "lambda_permission_rest"
    label = "invoke permission"
    step = "permission"
    api_types = ("rest",)
    deleted_with = "AWS::Lambda::Function"

    def ensure(self, run: Run) -> None:
        api_id = run.result.api_id or run.need("AWS::ApiGateway::RestApi")
        fn = run.integration_target()[0]
        run.emit_event("permission", "start", "Allowing API Gateway to invoke the function")
        run.settle(self)
        new_function = run.facts.get("new_function") == fn  # made just now: its policy is empty
        current = {} if new_function else {s.get("Sid"): s for s in permissions.statements(run.cloud, fn)}
        wanted = {
            key: permissions.source_arn(run.cloud.region, run.result.account, api_id, key)
            for key in run.config.api.routes
        }
        for recorded in run.ledger.all(self.type):
            if recorded.extra.get("source_arn") not in wanted.values() or recorded.parent != fn:
                if recorded.id in current:
                    permissions.remove_permission(run.cloud, recorded.parent or fn, recorded.id)
                run.ledger.remove(recorded)
        for key, arn in wanted.items():
            found = run.ledger.find(self.type, source_arn=arn)
            if found and found.id in current:
                run.reuse(self, found, f"Invoke permission for {key} exists")
                continue
            if found:
                run.forget(found)
            self._create(run, fn, key, arn)

    def _create(self, run: Run, fn: str, key: str, arn: str) -> None:
        sid = permissions.new_statement_id()
        extra = {"source_arn": arn, "route_key": key}
        run.create(
            self,
            Resource(self.type, sid, parent=fn, extra=dict(extra)),
            lambda: permissions.add_invoke_permission(run.cloud, fn, sid, arn),
            lambda _reply: Resource(self.type, sid, parent=fn, extra=dict(extra)),
            lambda r: f"Allowed apigateway.amazonaws.com to invoke {fn} from {r.extra['source_arn']}",
        )

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        found = permissions.find_statement(cloud, pending.parent or "", pending.id)
        return Resource(self.type, pending.id, parent=pending.parent, extra=dict(pending.extra)) if found else None

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        permissions.remove_permission(cloud, resource.parent or "", resource.id)

    def cli(self, ctx: RenderContext) -> list[str]:
        name = ctx.config.function.name
        lines = []
        for key in ctx.config.api.routes:
            arn = execute_api_arn(ctx.region, ctx.account, ctx.api_id, parse(key).source_arn_suffix())
            lines += ctx.quiet(
                [
                    f"aws lambda add-permission --function-name {ctx.sh(name)} "
                    f"--statement-id {ctx.fresh_id(16, '<32-hex-id>')} \\",
                    f"  --action lambda:InvokeFunction --principal apigateway.amazonaws.com --source-arn {ctx.sh(arn)}",
                ]
            )
        return lines

    def cloudformation(self, ctx: RenderContext) -> Template:
        out: Template = {}
        for key, logical in logical_ids(ctx.config.api.routes).items():
            props: dict[str, Any] = {
                "Action": "lambda:InvokeFunction",
                "FunctionName": {"Ref": FUNCTION_ID},
                "Principal": "apigateway.amazonaws.com",
                "SourceArn": {
                    "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:"
                    f"${{{API_ID}}}/{parse(key).source_arn_suffix()}"
                },
            }
            out[f"{logical}Permission"] = {"Type": "AWS::Lambda::Permission", "Properties": props}
        return out

    def sam(self, ctx: RenderContext) -> Template:
        return {}  # SAM adds the permission for each Api event


KIND = RestPermissionKind()
