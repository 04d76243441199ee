"""API Gateway's permission to run the Lambda authorizer's function: on AWS
an authorizer without it fails every request with 500 (reference G2), so
the console adds one statement scoped to the authorizer's own ARN,
`arn:aws:execute-api:<region>:<account>:<api>/authorizers/<id>`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from awsrules.arns import execute_api_arn

from ...services import permissions
from ..ledger import Resource
from .api import LOGICAL_ID as API_ID
from .authorizer_function import LOGICAL_ID as FUNCTION_ID
from .authorizer_function import name_for, wanted
from .authorizer_lambda import LOGICAL_ID as AUTHORIZER_ID
from .base import Run, Template
from .permission import PermissionKind

if TYPE_CHECKING:
    from ..render.context import RenderContext


class AuthorizerPermissionKind(PermissionKind):
    """Found and deleted as the API's invoke permissions are (permission.py)."""

    # One ledger type per kind; templates say AWS::Lambda::Permission.
    type = "AWS::Lambda::Permission/Authorizer"
    short = "authorizer_permission"
    label = "authorizer invoke permission"
    step = "permission"
    api_types = ("http",)
    deleted_with = "AWS::Lambda::Function/Authorizer"

    def ensure(self, run: Run) -> None:
        from .authorizer import KIND as AUTHORIZER

        recorded = run.ledger.find(self.type)
        if not wanted(run.config):
            if recorded is not None:
                run.ledger.remove(recorded)  # went with the authorizer's function
            return None
        api_id = run.result.api_id or run.need("AWS::ApiGatewayV2::Api")
        authorizer_id = run.need(AUTHORIZER.type)
        fn = name_for(run.config)
        arn = execute_api_arn(run.cloud.region, run.result.account, api_id, f"authorizers/{authorizer_id}")
        run.settle(self)
        current = {s.get("Sid") for s in permissions.statements(run.cloud, fn)}
        if recorded is not None and recorded.extra.get("source_arn") == arn and recorded.id in current:
            run.reuse(self, recorded, f"API Gateway may invoke {fn}")
            return None
        if recorded is not None:
            if recorded.id in current:
                permissions.remove_permission(run.cloud, fn, recorded.id)
            run.ledger.remove(recorded)
        sid = permissions.new_statement_id()
        extra = {"source_arn": arn}
        run.create(
            self,
            Resource(self.type, sid, parent=fn, extra=dict(extra)),
            lambda: permissions.add_invoke_permission(run.cloud, fn, sid, arn),
            lambda _reply: Resource(self.type, sid, parent=fn, extra=dict(extra)),
            lambda r: f"Allowed apigateway.amazonaws.com to invoke the authorizer function {fn} from {arn}",
        )
        return None

    def cli(self, ctx: RenderContext) -> list[str]:
        if not wanted(ctx.config):
            return []
        authorizer = ctx.var("AUTHORIZER_ID", "<authorizer-id>")
        source = execute_api_arn(ctx.region, ctx.account, ctx.api_id, f"authorizers/{authorizer}")
        return ctx.quiet(
            [
                f"aws lambda add-permission --function-name {ctx.sh(name_for(ctx.config))} "
                f"--statement-id {ctx.fresh_id(16, '<32-hex-id>')} \\",
                f"  --action lambda:InvokeFunction --principal apigateway.amazonaws.com --source-arn {ctx.sh(source)}",
            ]
        )

    def cloudformation(self, ctx: RenderContext) -> Template:
        if not wanted(ctx.config):
            return {}
        return {
            "MyAuthorizerPermission": {
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "Action": "lambda:InvokeFunction",
                    "FunctionName": {"Ref": FUNCTION_ID},
                    "Principal": "apigateway.amazonaws.com",
                    "SourceArn": {
                        "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:"
                        f"${{{API_ID}}}/authorizers/${{{AUTHORIZER_ID}}}"
                    },
                },
            }
        }

    def sam(self, ctx: RenderContext) -> Template:
        return {}  # SAM adds it (EnableFunctionDefaultPermissions, authorizer_lambda.py)


KIND = AuthorizerPermissionKind()
