"""AWS::Lambda::Function: the function, its code packaged deterministically
so a re-deploy can tell "unchanged" from "changed" without uploading."""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ... import fields
from ...services import functions
from ...services.errors import ROLE_NOT_ASSUMABLE, WizardError
from ...services.packaging import _SKIP_DIRS as SKIP_DIRS
from ...services.packaging import HELLO_FILE, PackagingError, build, builtin
from ..ledger import Resource
from .base import Kind, Run, Template
from .log_group import KIND as LOG_GROUP
from .role import role_ref

if TYPE_CHECKING:
    from ...services.session import Cloud
    from ..render.context import RenderContext

LOGICAL_ID = "MyFunction"
DESCRIPTION = "Created with apigw-wizard"  # as services.functions.create_function sets it


class FunctionKind(Kind):
    type = "AWS::Lambda::Function"
    short = "lambda_function"
    label = "function"
    step = "function"
    companions: ClassVar[tuple[Kind, ...]] = (LOG_GROUP,)

    def spec(self, run: Run, role_arn: str) -> functions.FunctionSpec:
        fn = run.config.function
        try:
            package = build(fn.code)
        except (PackagingError, OSError) as exc:
            raise WizardError(
                f"package the code {fn.code}", "PackagingError", str(exc), "Fix function.code and retry."
            ) from exc
        return functions.FunctionSpec(
            fn.name,
            fn.runtime,
            fn.architecture,
            fn.handler,
            fn.memory_mb,
            fn.timeout_s,
            role_arn,
            package,
            environment(run.config),
            fn.ephemeral_storage_mb,
            fn.log_format,
        )

    def ensure(self, run: Run) -> str | None:
        fn = run.config.function
        spec = self.spec(run, run.result.role_arn or run.need("AWS::IAM::Role"))
        run.emit_event("function", "start", f"Creating function {fn.name} ({fn.runtime}, {fn.architecture})")
        run.settle(self)
        current = functions.get_function(run.cloud, fn.name)
        recorded = run.ledger.find(self.type, id=fn.name)
        if current is not None and recorded is None:
            raise WizardError(
                f"create the function {fn.name}",
                "ResourceConflictException",
                f"a function named {fn.name} already exists in {run.cloud.region} and was not created by apigw-wizard",
                "Choose another function.name, or delete that function.",
            )
        if current is None:
            if recorded:
                run.forget(recorded)
            real = run.create(
                self,
                Resource(self.type, fn.name),
                lambda: functions.create_function(
                    run.cloud, spec, notify=lambda m: run.emit_event("function", "info", m)
                ),
                lambda reply: Resource(self.type, fn.name, reply["FunctionArn"]),
                lambda r: f"Created function {r.id}",
            )
            run.emit_event("function", "info", "Waiting for the function to become Active")
            functions.wait_active(run.cloud, fn.name)
            run.facts["new_function"] = fn.name  # made just now: no resource policy yet
            arn = real.arn or ""
        else:
            arn = self._update(run, current, spec)
        run.result.function_arn = arn
        return arn

    def _update(self, run: Run, current: dict[str, Any], spec: functions.FunctionSpec) -> str:
        name, cloud = spec.name, run.cloud
        changed = False
        if (
            current.get("Architectures", ["x86_64"]) != [spec.architecture]
            or current.get("CodeSha256") != spec.package.sha256
        ):
            functions.wait_updated(cloud, name)
            functions.update_code(cloud, spec)
            run.emit_event(self.step, "updated", f"Updated the code of {name}", current["FunctionArn"])
            changed = True
        changes = functions.configuration_changes(current, spec)
        if changes:
            functions.wait_updated(cloud, name)
            functions.update_configuration(cloud, spec)
            run.emit_event(self.step, "updated", f"Updated {', '.join(changes)} of {name}", current["FunctionArn"])
            changed = True
        if changed:
            run.result.updated.append(f"{self.short}:{name}")
            functions.wait_updated(cloud, name)
        else:
            run.result.reused.append(f"{self.short}:{name}")
            run.emit_event(self.step, "reused", f"Function {name} is up to date", current["FunctionArn"])
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

        fn = ctx.config.function
        lines = [
            f"aws lambda create-function --function-name {ctx.sh(fn.name)} --runtime {fn.runtime} \\",
            f"  --architectures {fn.architecture} --handler {ctx.sh(fn.handler)} --memory-size {fn.memory_mb} "
            f"--timeout {fn.timeout_s} \\",
            f"  --description {ctx.sh(DESCRIPTION)} \\",
            f"  --role {ctx.sh(RoleKind.arn(ctx))} --zip-file {ctx.sh(self._zip_arg(ctx))}",
        ]
        if environment(ctx.config):
            env = dict(sorted(environment(ctx.config).items()))
            if not ctx.script:  # the wizard's view (F2) is on screen: a secret's value is not
                env = {k: f"<{k} value>" if fields.looks_secret(k) else v for k, v in env.items()}
            variables = json.dumps({"Variables": env}, separators=(",", ":"))
            lines[-1] += " \\"
            lines.append(f"  --environment {ctx.sh(variables)}")
        if fn.ephemeral_storage_mb != 512:
            lines[-1] += " \\"
            lines.append(f"  --ephemeral-storage Size={fn.ephemeral_storage_mb}")
        if fn.log_format != "Text":
            lines[-1] += " \\"
            lines.append(f"  --logging-config LogFormat={fn.log_format}")
        if ctx.script and fn.role == "new":
            lines[0] = f"until_role_ready {lines[0]}"
        return [*ctx.quiet(lines), f"aws lambda wait function-active-v2 --function-name {ctx.sh(fn.name)}"]

    def script(self, ctx: RenderContext) -> list[str]:
        waits = [] if ctx.config.function.role != "new" else until_role_ready()
        return [*package(ctx.config.function.code, "${WORK}"), *waits, *self.cli(ctx)]

    @staticmethod
    def _zip_arg(ctx: RenderContext) -> str:
        code = ctx.config.function.code
        if code.endswith(".zip") and builtin(code) is None:
            return f"fileb://{code}"  # a .zip goes up as it is
        return "fileb://${WORK}/function.zip" if ctx.script else "fileb://function.zip"

    def cloudformation(self, ctx: RenderContext) -> Template:
        from .policy import KIND as POLICY

        fn = ctx.config.function
        props: dict[str, Any] = {
            "FunctionName": fn.name,
            "Description": DESCRIPTION,
            "Runtime": fn.runtime,
            "Architectures": [fn.architecture],
            "Handler": handler(ctx),
            "MemorySize": fn.memory_mb,
            "Timeout": fn.timeout_s,
            "Role": role_ref(ctx),
            "Code": self.code(ctx),
            "LoggingConfig": {"LogGroup": {"Ref": LOG_GROUP.logical_id}, **log_format(fn)},
        }
        if environment(ctx.config):
            props["Environment"] = {"Variables": template_environment(ctx.config)}
        if fn.ephemeral_storage_mb != 512:
            props["EphemeralStorage"] = {"Size": fn.ephemeral_storage_mb}
        resource: dict[str, Any] = {"Type": self.type, "Properties": props}
        if fn.role == "new":
            # Its first invocation can write logs only once the policy is attached.
            resource["DependsOn"] = list(POLICY.cloudformation(ctx))
        return {LOGICAL_ID: resource}

    def sam(self, ctx: RenderContext) -> Template:
        """As `sam init` writes it; SAM makes the role (with the managed
        AWSLambdaBasicExecutionRole) when the function names none."""
        fn = ctx.config.function
        props: dict[str, Any] = {"FunctionName": fn.name, "Description": DESCRIPTION}
        source = builtin(fn.code)
        if source is not None:
            props["InlineCode"] = source
        else:
            base = ctx.base_dir or Path.cwd()
            props["CodeUri"] = os.path.relpath(fn.code, base) if _same_drive(fn.code, base) else fn.code
        props.update(
            {
                "Handler": handler(ctx),
                "Runtime": fn.runtime,
                "Architectures": [fn.architecture],
                "MemorySize": fn.memory_mb,
                "Timeout": fn.timeout_s,
            }
        )
        if fn.role != "new":
            props["Role"] = role_ref(ctx)
        if environment(ctx.config):
            props["Environment"] = {"Variables": template_environment(ctx.config)}
        if fn.ephemeral_storage_mb != 512:
            props["EphemeralStorage"] = {"Size": fn.ephemeral_storage_mb}
        props["LoggingConfig"] = {"LogGroup": {"Ref": LOG_GROUP.logical_id}, **log_format(fn)}
        return {LOGICAL_ID: {"Type": "AWS::Serverless::Function", "Properties": props}}

    def parameters(self, ctx: RenderContext) -> dict[str, Any]:
        fn = ctx.config.function
        if builtin(fn.code) is not None:
            return {}
        return {
            "CodeS3Bucket": {
                "Type": "String",
                "Description": f"The S3 bucket that holds the zip of {fn.name}'s "
                "code (how to build and upload it: top of this file)",
            },
            "CodeS3Key": {
                "Type": "String",
                "Default": f"{fn.name}.zip",
                "Description": "The zip's key in CodeS3Bucket",
            },
        }

    def outputs(self, ctx: RenderContext, sam: bool = False) -> dict[str, Any]:
        return {"FunctionArn": {"Description": "The Lambda function", "Value": {"Fn::GetAtt": [LOGICAL_ID, "Arn"]}}}

    @staticmethod
    def code(ctx: RenderContext) -> dict[str, Any]:
        """A built-in code inline (the console's hello, the chat); other code from S3."""
        source = builtin(ctx.config.function.code)
        if source is not None:
            return {"ZipFile": source}
        return {"S3Bucket": {"Ref": "CodeS3Bucket"}, "S3Key": {"Ref": "CodeS3Key"}}


def log_format(fn: Any) -> dict[str, str]:
    """LogFormat in a template only when it is not the default Text."""
    return {"LogFormat": fn.log_format} if fn.log_format != "Text" else {}


def handler(ctx: RenderContext) -> str:
    """Inline code lands in a file named `index` (CloudFormation reference,
    AWS::Lambda::Function Code.ZipFile; SAM's InlineCode is passed as
    ZipFile), so the console's lambda_function.lambda_handler becomes
    index.lambda_handler."""
    fn = ctx.config.function
    return f"index.{fn.handler.rpartition('.')[2]}" if builtin(fn.code) is not None else fn.handler


def _same_drive(path: str, base: Path) -> bool:
    return os.path.splitdrive(path)[0] == os.path.splitdrive(str(base))[0]


def package(code: str, work: str) -> list[str]:
    """Shell lines that build "<work>/function.zip" as services.packaging
    builds the zip: the console's file for hello, a .py file at the zip's
    root, a folder's contents without caches and VCS folders. `work` is an
    absolute folder as a shell expression ("${WORK}", "$PWD"); a .zip is
    uploaded as it is and needs none."""
    out = f'"{work}/function.zip"'
    source = builtin(code)
    if source is not None:
        return [
            f"cat >\"{work}/{HELLO_FILE}\" <<'PYTHON'",
            *source.rstrip("\n").split("\n"),
            "PYTHON",
            f'(cd "{work}" && zip -q -X function.zip {HELLO_FILE})',
        ]
    if code.endswith(".zip"):
        return []
    if not Path(code).is_dir():
        return [f"zip -q -X -j {out} {shlex.quote(code)}"]
    skip = " ".join(f"'{d}/*' '*/{d}/*'" for d in sorted(SKIP_DIRS))
    return [f"(cd {shlex.quote(code)} && zip -q -X -r {out} . \\", f"  -x '*.pyc' {skip})"]


def until_role_ready() -> list[str]:
    """A shell function that retries CreateFunction while IAM propagates
    a new role, as services.functions.create_function does."""
    attempts = int(functions.RETRY_DEADLINE_S // 5)
    return [
        "# IAM takes seconds to let Lambda assume a new role; until then CreateFunction fails",
        "# with this message. Retry that, and only that.",
        "until_role_ready() {",
        "  local attempt",
        f"  for attempt in $(seq 1 {attempts}); do",
        '    if "$@" 2>"${WORK}/stderr"; then return 0; fi',
        f'    grep -qF {shlex.quote(ROLE_NOT_ASSUMABLE)} "${{WORK}}/stderr" || break',
        '    echo "The new role is not assumable yet (attempt ${attempt}); retrying in 5 s" >&2',
        "    sleep 5",
        "  done",
        '  cat "${WORK}/stderr" >&2',
        "  return 1",
        "}",
    ]


KIND = FunctionKind()


def environment(config: Any) -> dict[str, str]:
    """The function's variables: the config's, plus the chat's table name
    (its code reads TABLE_NAME, as the tutorial's does)."""
    from .table import table_name, wanted

    env = dict(config.function.environment)
    if wanted(config):
        env.setdefault("TABLE_NAME", table_name(config))
    return env


def template_environment(config: Any) -> dict[str, Any]:
    """environment() in a template: the table by Ref, so it is made first."""
    from .table import LOGICAL_ID as TABLE_ID
    from .table import wanted

    env: dict[str, Any] = dict(environment(config))
    if wanted(config) and "TABLE_NAME" not in config.function.environment:
        env["TABLE_NAME"] = {"Ref": TABLE_ID}
    return env
