"""AWS::Lambda::Permission: one statement per route, letting API Gateway
invoke the function from that route only, as the console scopes it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from awsrules.arns import execute_api_arn
from awsrules.routekeys import source_arn_suffix

from ...services import permissions
from ..ledger import Resource
from .api import LOGICAL_ID as API_ID
from .base import Kind, Run, Template
from .function import LOGICAL_ID as FUNCTION_ID
from .route import logical_ids

if TYPE_CHECKING:
    from ...services.session import Cloud
    from ..render.context import RenderContext


class PermissionKind(Kind):
    type = "AWS::Lambda::Permission"
    short = "lambda_permission"
    label = "invoke permission"
    step = "permission"
    api_types: ClassVar[tuple[str, ...] | None] = ("http", "websocket")
    deleted_with = "AWS::Lambda::Function"
    api_kind: ClassVar[str] = "AWS::ApiGatewayV2::Api"  # the ledger type of the API it lets in
    api_logical_id: ClassVar[str] = API_ID  # that API's id in a template

    def route_ids(self, routes: tuple[str, ...]) -> dict[str, str]:
        """Route key -> its template id (the permission's is that + Permission)."""
        return logical_ids(routes)

    def ensure(self, run: Run) -> None:
        api_id = run.result.api_id or run.need(self.api_kind)
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
            # A statement recorded for another function (the integration named another) leaves the ledger too.
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

        def make() -> Any:
            return permissions.add_invoke_permission(run.cloud, fn, sid, arn)

        run.create(
            self,
            Resource(self.type, sid, parent=fn, extra=dict(extra)),
            make,
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
            arn = execute_api_arn(ctx.region, ctx.account, ctx.api_id, source_arn_suffix(key))
            # The console's statement ids are 32 hex characters (permissions.new_statement_id).
            lines += ctx.quiet(
                [
                    f"aws lambda add-permission --function-name {ctx.sh(name)} "
                    f"--statement-id {ctx.fresh_id(16, '<32-hex-id>')} \\",
                    f"  --action lambda:InvokeFunction --principal apigateway.amazonaws.com --source-arn {ctx.sh(arn)}",
                ]
            )
        return lines

    def cloudformation(self, ctx: RenderContext) -> Template:
        return {
            f"{route_id}Permission": {
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "Action": "lambda:InvokeFunction",
                    "FunctionName": {"Ref": FUNCTION_ID},
                    "Principal": "apigateway.amazonaws.com",
                    "SourceArn": {
                        "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:"
                        f"${{{self.api_logical_id}}}/{source_arn_suffix(key)}"
                    },
                },
            }
            for key, route_id in self.route_ids(ctx.config.api.routes).items()
        }

    def sam(self, ctx: RenderContext) -> Template:
        if ctx.config.api.type == "websocket":
            return self.cloudformation(ctx)  # no SAM event adds them for a WebSocket API
        return {}  # SAM adds the permission for each HttpApi event


KIND = PermissionKind()
