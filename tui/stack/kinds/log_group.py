"""AWS::Logs::LogGroup: /aws/lambda/<function>. Lambda makes it on the first
invoke (the console creates none), so deploy records no entry for it; it is
deleted with its function, and templates declare it so a stack owns it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...services import logs
from ..ledger import Resource
from .base import Kind, Run, Template

if TYPE_CHECKING:
    from ...services.session import Cloud
    from ..render.context import RenderContext


class LogGroupKind(Kind):
    type = "AWS::Logs::LogGroup"
    short = "log_group"
    label = "log group"
    step = "function"
    logical_id = "MyFunctionLogGroup"

    def ensure(self, run: Run) -> None:
        return None  # Lambda creates it on first invoke, as on the console

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        return None  # never pending: deploy never creates one

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        self.delete_for(cloud, resource.id.removeprefix("/aws/lambda/"))

    def delete_for(self, cloud: Cloud, function: str) -> bool:
        return logs.delete_log_group(cloud, function)

    def cloudformation(self, ctx: RenderContext) -> Template:
        return {
            self.logical_id: {
                "Type": self.type,
                "DeletionPolicy": "Delete",
                "UpdateReplacePolicy": "Delete",
                "Properties": {"LogGroupName": logs.log_group(ctx.config.function.name)},
            }
        }


KIND = LogGroupKind()
