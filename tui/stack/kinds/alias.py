"""AWS::Lambda::Alias: `function.alias: NAME` points an alias at the
version just published (`function.publish: true`) or at $LATEST; it is
moved on each deploy, deleted when the key goes, and goes with its
function. Invoke it as `<function>:<alias>`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...services import versions
from ..ledger import Resource
from .base import Kind, Run, Template
from .function import LOGICAL_ID as FUNCTION_ID
from .version import LOGICAL_ID as VERSION_ID

if TYPE_CHECKING:
    from ...services.session import Cloud
    from ..render.context import RenderContext

LOGICAL_ID = "MyFunctionAlias"


class AliasKind(Kind):
    type = "AWS::Lambda::Alias"
    short = "lambda_alias"
    label = "alias"
    step = "function"
    deleted_with = "AWS::Lambda::Function"

    def ensure(self, run: Run) -> str | None:
        fn, name = run.config.function.name, run.config.function.alias
        for recorded in run.ledger.all(self.type):
            if recorded.extra.get("name") != name:  # renamed or dropped: the old one goes
                versions.delete_alias(run.cloud, fn, recorded.extra.get("name", ""))
                run.ledger.remove(recorded)
                run.emit_event("function", "deleted", f"Deleted the alias {recorded.extra.get('name')} of {fn}")
        if name is None:
            return None
        target = run.result.function_version or "$LATEST"
        current = versions.get_alias(run.cloud, fn, name)
        mine = run.ledger.find(self.type, id=f"{fn}:{name}")
        if current is None:
            reply = versions.create_alias(run.cloud, fn, name, target)
            if mine is None:
                run.ledger.add(Resource(self.type, f"{fn}:{name}", reply["AliasArn"], parent=fn, extra={"name": name}))
            run.result.created.append(f"{self.short}:{fn}:{name}")
            run.emit_event("function", "created", f"Created the alias {name} -> version {target}", reply["AliasArn"])
            arn = reply["AliasArn"]
        elif current.get("FunctionVersion") != target:
            # One made by hand is moved as the config says, but stays the
            # person's: not recorded, so destroy leaves it.
            arn = versions.update_alias(run.cloud, fn, name, target)["AliasArn"]
            run.result.updated.append(f"{self.short}:{fn}:{name}")
            run.emit_event("function", "updated", f"Moved the alias {name} to version {target}", arn)
        else:
            arn = current["AliasArn"]
            run.reuse(
                self,
                mine or Resource(self.type, f"{fn}:{name}", arn, parent=fn, extra={"name": name}),
                f"Alias {name} points at version {target}",
            )
        run.result.function_alias_arn = arn
        return arn

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        return pending

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        versions.delete_alias(cloud, resource.parent or "", resource.extra.get("name", ""))

    def cli(self, ctx: RenderContext) -> list[str]:
        fn, name = ctx.config.function.name, ctx.config.function.alias
        if name is None:
            return []
        version = ctx.var("VERSION", "<version>") if ctx.config.function.publish else "$LATEST"
        return ctx.quiet(
            [
                f"aws lambda create-alias --function-name {ctx.sh(fn)} --name {ctx.sh(name)} "
                f"--function-version {ctx.sh(version)}"
            ]
        )

    def cloudformation(self, ctx: RenderContext) -> Template:
        fn = ctx.config.function
        if fn.alias is None:
            return {}
        version = {"Fn::GetAtt": [VERSION_ID, "Version"]} if fn.publish else "$LATEST"
        props = {"FunctionName": {"Ref": FUNCTION_ID}, "FunctionVersion": version, "Name": fn.alias}
        return {LOGICAL_ID: {"Type": self.type, "Properties": props}}

    def sam(self, ctx: RenderContext) -> Template:
        """SAM's AutoPublishAlias publishes a version on each change and
        points the alias at it (SAM spec, AWS::Serverless::Function)."""
        fn = ctx.config.function
        if fn.alias is None:
            return {}
        if fn.publish:
            return {FUNCTION_ID: {"Properties": {"AutoPublishAlias": fn.alias}}}
        return self.cloudformation(ctx)


KIND = AliasKind()
