"""The log group an API stage's access logs go to (`api.access_log`). The
console asks for an existing group's ARN; deploy makes one named for the
API (logs.access_log_group), records it and destroy deletes it. A group of
that name made by someone else is used and left alone. The stage's
AccessLogSettings point at it (stage.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from awsrules.arns import logs_arn

from ...services import logs
from ..ledger import Resource
from .base import Kind, Run, Template

if TYPE_CHECKING:
    from ...services.session import Cloud
    from ..render.context import RenderContext

LOGICAL_ID = "MyApiAccessLogs"
CFN_TYPE = "AWS::Logs::LogGroup"


class AccessLogGroupKind(Kind):
    # The ledger and the registry need one type per kind, and the function's
    # log group has the plain CloudFormation name; templates say CFN_TYPE.
    type = "AWS::Logs::LogGroup/AccessLogs"
    short = "access_log_group"
    label = "access log group"
    step = "stage"
    api_types = ("http",)

    def ensure(self, run: Run) -> str | None:
        """The group's ARN for the stage's DestinationArn; None when the
        config asks for no access logs (a group made before is kept, with
        its logs, until destroy)."""
        if run.config.api.access_log is None:
            return None
        name = logs.access_log_group(run.config.api.name)
        arn = logs_arn(run.cloud.region, run.result.account, f"log-group:{name}")
        run.result.access_log_group = name
        run.settle(self)
        recorded = run.ledger.find(self.type, id=name)
        if logs.group_exists(run.cloud, name):
            if recorded:
                run.reuse(self, recorded, f"Access log group {name} exists")
            else:
                run.emit_event("stage", "info", f"Access logs go to the existing log group {name} (destroy keeps it)")
            return arn
        if recorded:
            run.forget(recorded)
        run.create(
            self,
            Resource(self.type, name, arn),
            lambda: logs.create_group(run.cloud, name),
            lambda _reply: Resource(self.type, name, arn),
            lambda r: f"Created log group {r.id} for the access logs",
        )
        return arn

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        return pending if logs.group_exists(cloud, pending.id) else None

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        logs.delete_group(cloud, resource.id)

    def cli(self, ctx: RenderContext) -> list[str]:
        if ctx.config.api.access_log is None:
            return []
        return ctx.quiet([f"aws logs create-log-group --log-group-name {ctx.sh(group(ctx))}"])

    def cloudformation(self, ctx: RenderContext) -> Template:
        if ctx.config.api.access_log is None:
            return {}
        return {
            LOGICAL_ID: {
                "Type": CFN_TYPE,
                "DeletionPolicy": "Delete",
                "UpdateReplacePolicy": "Delete",
                "Properties": {"LogGroupName": group(ctx)},
            }
        }


def group(ctx: RenderContext) -> str:
    return logs.access_log_group(ctx.config.api.name)


def template_arn() -> dict[str, Any]:
    """The group's ARN in a template. GetAtt's Arn ends in ':*', which
    DestinationArn accepts: aws-cdk's aws-apigatewayv2 LogGroupLogDestination
    passes logGroup.logGroupArn (that GetAtt) as the stage's destinationArn."""
    return {"Fn::GetAtt": [LOGICAL_ID, "Arn"]}


def cli_arn(ctx: RenderContext) -> str:
    return logs_arn(ctx.region, ctx.account, f"log-group:{group(ctx)}")


KIND = AccessLogGroupKind()
