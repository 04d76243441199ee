"""AWS::Lambda::Version: with `function.publish: true`, each deploy
publishes the function (a new version only when its code or configuration
changed; otherwise AWS answers with the last one) and reports its number.
Versions go with their function."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...services import versions
from ..ledger import Resource
from .base import Kind, Run, Template
from .function import LOGICAL_ID as FUNCTION_ID

if TYPE_CHECKING:
    from ...services.session import Cloud
    from ..render.context import RenderContext

LOGICAL_ID = "MyFunctionVersion"


class VersionKind(Kind):
    type = "AWS::Lambda::Version"
    short = "lambda_version"
    label = "version"
    step = "function"
    deleted_with = "AWS::Lambda::Function"

    def ensure(self, run: Run) -> str | None:
        fn = run.config.function.name
        if not run.config.function.publish:
            return None
        reply = versions.publish(run.cloud, fn)
        number = str(reply["Version"])
        key = f"{fn}:{number}"
        recorded = run.ledger.find(self.type, id=key)
        if recorded is not None:
            run.reuse(self, recorded, f"Version {number} of {fn} is current (nothing changed since)")
        else:
            run.ledger.add(Resource(self.type, key, reply["FunctionArn"], parent=fn))
            run.result.created.append(f"{self.short}:{key}")
            run.emit_event("function", "created", f"Published version {number} of {fn}", reply["FunctionArn"])
        run.result.function_version = number
        return number

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        return pending  # published at once, never pending

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        return None  # deleted with its function

    def cli(self, ctx: RenderContext) -> list[str]:
        if not ctx.config.function.publish:
            return []
        fn = ctx.config.function.name
        return ctx.capture("VERSION", "Version", [f"aws lambda publish-version --function-name {ctx.sh(fn)}"])

    def cloudformation(self, ctx: RenderContext) -> Template:
        if not ctx.config.function.publish:
            return {}
        return {LOGICAL_ID: {"Type": self.type, "Properties": {"FunctionName": {"Ref": FUNCTION_ID}}}}

    def sam(self, ctx: RenderContext) -> Template:
        return {}  # SAM publishes with AutoPublishAlias (alias.py)


KIND = VersionKind()
