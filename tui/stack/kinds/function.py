"""AWS::Lambda::Function: the function, its code packaged deterministically
so a re-deploy can tell "unchanged" from "changed" without uploading."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, Any

from ...services import functions
from ...services.errors import WizardError
from ...services.packaging import HELLO_CODE, PackagingError, build
from ..ledger import Resource
from .base import Kind, Template
from .log_group import KIND as LOG_GROUP
from .role import role_ref

if TYPE_CHECKING:
    from ...services.session import Cloud
    from ..engine import Deployer
    from ..render.context import RenderContext

LOGICAL_ID = "MyFunction"


class FunctionKind(Kind):
    type = "AWS::Lambda::Function"
    short = "lambda_function"
    label = "function"
    step = "function"

    def spec(self, run: Deployer, role_arn: str) -> functions.FunctionSpec:
        fn = run.config.function
        try:
            package = build(fn.code)
        except (PackagingError, OSError) as exc:
            raise WizardError(f"package the code {fn.code}", "PackagingError", str(exc),
                              "Fix function.code and retry.") from exc
        return functions.FunctionSpec(fn.name, fn.runtime, fn.architecture, fn.handler, fn.memory_mb,
                                      fn.timeout_s, role_arn, package, dict(fn.environment))

    def ensure(self, run: Deployer) -> str:
        fn = run.config.function
        spec = self.spec(run, run.result.role_arn or run.need("AWS::IAM::Role"))
        run.emit_event("function", "start", f"Creating function {fn.name} ({fn.runtime}, {fn.architecture})")
        run.settle(self)
        current = functions.get_function(run.cloud, fn.name)
        recorded = run.ledger.find(self.type, id=fn.name)
        if current is not None and recorded is None:
            raise WizardError(f"create the function {fn.name}", "ResourceConflictException",
                              f"a function named {fn.name} already exists in {run.cloud.region} and was not "
                              "created by apigw-wizard", "Choose another function.name, or delete that function.")
        if current is None:
            if recorded:
                run.forget(recorded)
            real = run.create(
                self, Resource(self.type, fn.name),
                lambda: functions.create_function(run.cloud, spec,
                                                  notify=lambda m: run.emit_event("function", "info", m)),
                lambda reply: Resource(self.type, fn.name, reply["FunctionArn"]),
                lambda r: f"Created function {r.id}")
            run.emit_event("function", "info", "Waiting for the function to become Active")
            functions.wait_active(run.cloud, fn.name)
            arn = real.arn or ""
        else:
            arn = self._update(run, current, spec)
        run.result.function_arn = arn
        return arn

    def _update(self, run: Deployer, current: dict[str, Any], spec: functions.FunctionSpec) -> str:
        name, cloud = spec.name, run.cloud
        changed = False
        if (current.get("Architectures", ["x86_64"]) != [spec.architecture]
                or current.get("CodeSha256") != spec.package.sha256):
            functions.wait_updated(cloud, name)
            functions.update_code(cloud, spec)
            run.emit_event("function", "updated", f"Updated the code of {name}", current["FunctionArn"])
            changed = True
        changes = functions.configuration_changes(current, spec)
        if changes:
            functions.wait_updated(cloud, name)
            functions.update_configuration(cloud, spec)
            run.emit_event("function", "updated", f"Updated {', '.join(changes)} of {name}", current["FunctionArn"])
            changed = True
        if changed:
            run.result.updated.append(f"{self.short}:{name}")
            functions.wait_updated(cloud, name)
        else:
            run.result.reused.append(f"{self.short}:{name}")
            run.emit_event("function", "reused", f"Function {name} is up to date", current["FunctionArn"])
        return str(current["FunctionArn"])

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        fn = functions.get_function(cloud, pending.id)
        return Resource(self.type, pending.id, fn["FunctionArn"]) if fn else None

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        functions.delete_function(cloud, resource.id)
        # Lambda made the log group on first invoke; it is ours to remove.
        LOG_GROUP.delete_for(cloud, resource.id)

    def cli(self, ctx: RenderContext) -> list[str]:
        from .role import RoleKind

        fn, q = ctx.config.function, shlex.quote
        lines = [
            f"aws lambda create-function --function-name {q(fn.name)} --runtime {fn.runtime} \\",
            f"  --architectures {fn.architecture} --handler {q(fn.handler)} --memory-size {fn.memory_mb} "
            f"--timeout {fn.timeout_s} \\",
            f"  --role {q(RoleKind.arn(ctx))} --zip-file fileb://function.zip",
        ]
        if fn.environment:
            variables = ",".join(f"{k}={v}" for k, v in sorted(fn.environment.items()))
            lines[-1] += " \\"
            lines.append(f"  --environment {q(f'Variables={{{variables}}}')}")
        return lines

    def cloudformation(self, ctx: RenderContext) -> Template:
        fn = ctx.config.function
        props: dict[str, Any] = {
            "FunctionName": fn.name,
            "Runtime": fn.runtime,
            "Architectures": [fn.architecture],
            "Handler": fn.handler,
            "MemorySize": fn.memory_mb,
            "Timeout": fn.timeout_s,
            "Role": role_ref(ctx),
            "Code": self.code(ctx),
            "LoggingConfig": {"LogGroup": {"Ref": LOG_GROUP.logical_id}},
        }
        if fn.environment:
            props["Environment"] = {"Variables": dict(fn.environment)}
        return {LOGICAL_ID: {"Type": self.type, "Properties": props}}

    @staticmethod
    def code(ctx: RenderContext) -> dict[str, Any]:
        """The console's code inline for `hello`; other code from S3."""
        if ctx.config.function.code == "hello":
            return {"ZipFile": HELLO_CODE}
        return {"S3Bucket": {"Ref": "CodeS3Bucket"}, "S3Key": {"Ref": "CodeS3Key"}}


KIND = FunctionKind()
