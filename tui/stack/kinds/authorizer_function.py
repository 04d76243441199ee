"""The function a Lambda authorizer runs (`api.authorizer: {type: lambda}`):
`<function>-authorizer`, with the stack's role (basic logging, as the
function's), the same runtime and architecture, its code from
`api.authorizer.code` (`sample`: packaging.AUTHORIZER_SAMPLE_CODE). Made,
updated and deleted as the function is (function.py); dropping the
authorizer from the config deletes it after the authorizer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...services import functions
from ...services.errors import WizardError
from ...services.packaging import AUTHORIZER_SAMPLE_CODE, PackagingError, build_authorizer, builtin
from ..ledger import Resource
from .base import Run, Template
from .function import DESCRIPTION, FunctionKind
from .log_group import KIND as LOG_GROUP
from .role import role_ref

if TYPE_CHECKING:
    from ...authconfig import AuthorizerConfig
    from ...services.session import Cloud
    from ..render.context import RenderContext

LOGICAL_ID = "MyAuthorizerFunction"
MEMORY_MB = 128
TIMEOUT_S = 10  # API Gateway waits 10 s for an authorizer (limits page)


def name_for(config: Any) -> str:
    return f"{config.function.name}-authorizer"


def auth_of(config: Any) -> AuthorizerConfig:
    """The config's authorizer, where a Lambda one is configured."""
    found = config.api.authorizer
    assert found is not None
    return found


def wanted(config: Any) -> bool:
    return config.api.authorizer is not None and config.api.authorizer.type == "lambda"


class AuthorizerFunctionKind(FunctionKind):
    # One ledger type per kind; templates say AWS::Lambda::Function.
    type = "AWS::Lambda::Function/Authorizer"
    short = "authorizer_function"
    label = "authorizer function"
    step = "api"
    api_types = ("http",)
    companions = ()

    def spec(self, run: Run, role_arn: str) -> functions.FunctionSpec:
        fn, auth = run.config.function, auth_of(run.config)
        try:
            package = build_authorizer(auth.code)
        except (PackagingError, OSError) as exc:
            raise WizardError(
                f"package the authorizer code {auth.code}", "PackagingError", str(exc), "Fix api.authorizer.code."
            ) from exc
        return functions.FunctionSpec(
            name_for(run.config), fn.runtime, fn.architecture, auth.handler, MEMORY_MB, TIMEOUT_S, role_arn, package, {}
        )

    def ensure(self, run: Run) -> str | None:
        recorded = run.ledger.find(self.type)
        if not wanted(run.config):
            if recorded is not None:
                run.need("AWS::ApiGatewayV2::Authorizer")  # the authorizer that runs it goes first
                self.delete(run.cloud, recorded)
                run.ledger.remove(recorded)
                run.emit_event("api", "deleted", f"Deleted the authorizer function {recorded.id}")
            return None
        spec = self.spec(run, run.result.role_arn or run.need("AWS::IAM::Role"))
        run.settle(self)
        current = functions.get_function(run.cloud, spec.name)
        if current is not None and recorded is None:
            raise WizardError(
                f"create the function {spec.name}",
                "ResourceConflictException",
                f"a function named {spec.name} already exists and was not created by apigw-wizard",
                "Choose another function.name, or delete that function.",
            )
        if current is not None:
            return self._update(run, current, spec)
        if recorded:
            run.forget(recorded)
        run.emit_event("api", "start", f"Creating the authorizer function {spec.name}")
        real = run.create(
            self,
            Resource(self.type, spec.name),
            lambda: functions.create_function(run.cloud, spec, notify=lambda m: run.emit_event("api", "info", m)),
            lambda reply: Resource(self.type, spec.name, reply["FunctionArn"]),
            lambda r: f"Created the authorizer function {r.id}",
        )
        functions.wait_active(run.cloud, spec.name)
        return real.arn or ""

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        fn = functions.get_function(cloud, pending.id)
        return Resource(self.type, pending.id, fn["FunctionArn"]) if fn else None

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        functions.delete_function(cloud, resource.id)
        LOG_GROUP.delete_for(cloud, resource.id)

    def cli(self, ctx: RenderContext) -> list[str]:
        if not wanted(ctx.config):
            return []
        from .role import RoleKind

        fn, name = ctx.config.function, name_for(ctx.config)
        return [
            *ctx.quiet(
                [
                    f"aws lambda create-function --function-name {ctx.sh(name)} --runtime {fn.runtime} \\",
                    f"  --architectures {fn.architecture} --handler {ctx.sh(auth_of(ctx.config).handler)} "
                    f"--memory-size {MEMORY_MB} --timeout {TIMEOUT_S} \\",
                    f"  --description {ctx.sh(DESCRIPTION)} \\",
                    f"  --role {ctx.sh(RoleKind.arn(ctx))} --zip-file {ctx.sh(zip_arg(ctx))}",
                ]
            ),
            f"aws lambda wait function-active-v2 --function-name {ctx.sh(name)}",
        ]

    def script(self, ctx: RenderContext) -> list[str]:
        if not wanted(ctx.config):
            return []
        from .function import package

        code = auth_of(ctx.config).code
        if code == "sample":
            lines = [
                'mkdir -p "${WORK}/authorizer"',
                "cat >\"${WORK}/authorizer/lambda_function.py\" <<'PYTHON'",
                *AUTHORIZER_SAMPLE_CODE.rstrip("\n").split("\n"),
                "PYTHON",
                '(cd "${WORK}/authorizer" && zip -q -X ../authorizer.zip lambda_function.py)',
            ]
        else:
            lines = [line.replace("/function.zip", "/authorizer.zip") for line in package(code, "${WORK}")]
        return [*lines, *self.cli(ctx)]

    def cloudformation(self, ctx: RenderContext) -> Template:
        if not wanted(ctx.config):
            return {}
        fn, code = ctx.config.function, auth_of(ctx.config).code
        props: dict[str, Any] = {
            "FunctionName": name_for(ctx.config),
            "Description": DESCRIPTION,
            "Runtime": fn.runtime,
            "Architectures": [fn.architecture],
            "Handler": handler(ctx),
            "MemorySize": MEMORY_MB,
            "Timeout": TIMEOUT_S,
            "Role": role_ref(ctx),
            "Code": {"ZipFile": AUTHORIZER_SAMPLE_CODE}
            if code == "sample"
            else {"S3Bucket": {"Ref": "CodeS3Bucket"}, "S3Key": {"Ref": "AuthorizerCodeS3Key"}},
        }
        return {LOGICAL_ID: {"Type": "AWS::Lambda::Function", "Properties": props}}

    def sam(self, ctx: RenderContext) -> Template:
        """An AWS::Serverless::Function; SAM gives it its own basic role."""
        if not wanted(ctx.config):
            return {}
        fn, code = ctx.config.function, auth_of(ctx.config).code
        props: dict[str, Any] = {"FunctionName": name_for(ctx.config), "Description": DESCRIPTION}
        if code == "sample":
            props["InlineCode"] = AUTHORIZER_SAMPLE_CODE
        else:
            props["CodeUri"] = code
        props.update(
            {
                "Handler": handler(ctx),
                "Runtime": fn.runtime,
                "Architectures": [fn.architecture],
                "MemorySize": MEMORY_MB,
                "Timeout": TIMEOUT_S,
            }
        )
        return {LOGICAL_ID: {"Type": "AWS::Serverless::Function", "Properties": props}}

    def parameters(self, ctx: RenderContext) -> dict[str, Any]:
        if not wanted(ctx.config) or auth_of(ctx.config).code == "sample":
            return {}
        out = {
            "AuthorizerCodeS3Key": {
                "Type": "String",
                "Default": f"{name_for(ctx.config)}.zip",
                "Description": "The zip of the authorizer's code in CodeS3Bucket",
            }
        }
        if builtin(ctx.config.function.code) is not None:  # the function's parameters do not declare the bucket
            out["CodeS3Bucket"] = {"Type": "String", "Description": "The S3 bucket that holds the code zips"}
        return out

    def outputs(self, ctx: RenderContext, sam: bool = False) -> dict[str, Any]:
        return {}


def handler(ctx: RenderContext) -> str:
    """Inline code lands in `index` (see function.handler)."""
    auth = auth_of(ctx.config)
    return f"index.{auth.handler.rpartition('.')[2]}" if auth.code == "sample" else auth.handler


def zip_arg(ctx: RenderContext) -> str:
    code = auth_of(ctx.config).code
    if code.endswith(".zip"):
        return f"fileb://{code}"
    return "fileb://${WORK}/authorizer.zip" if ctx.script else "fileb://authorizer.zip"


KIND = AuthorizerFunctionKind()
