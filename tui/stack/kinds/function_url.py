"""AWS::Lambda::Url: the function's URL (`function.url`), with the public
statements a NONE URL needs (services/function_urls.py). Created, updated
in place (auth type, CORS) and deleted when the key goes; deleted with its
function. On the local cloud the result also names where it is served
(the path form needs no DNS)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...services import function_urls
from ..ledger import Resource
from .base import Kind, Run, Template
from .function import LOGICAL_ID as FUNCTION_ID

if TYPE_CHECKING:
    from ...services.session import Cloud
    from ..render.context import RenderContext

LOGICAL_ID = "MyFunctionUrl"


def _cors(config: Any) -> dict[str, Any] | None:
    return config.cors.wire() if config.cors is not None else None


class FunctionUrlKind(Kind):
    type = "AWS::Lambda::Url"
    short = "function_url"
    label = "function URL"
    step = "function"
    deleted_with = "AWS::Lambda::Function"

    def ensure(self, run: Run) -> str | None:
        fn, config = run.config.function.name, run.config.function.url
        recorded = run.ledger.find(self.type, parent=fn)
        if config is None:
            if recorded is not None:
                function_urls.revoke_public(run.cloud, fn)
                function_urls.delete_url(run.cloud, fn)
                run.ledger.remove(recorded)
                run.emit_event("function", "deleted", f"Deleted the URL of {fn} (no longer in the config)")
            return None
        run.settle(self)
        current = function_urls.get_url(run.cloud, fn)
        cors = _cors(config)
        if current is None:
            if recorded is not None:
                run.forget(recorded)
            made = run.create(
                self,
                Resource(self.type, fn, parent=fn),
                lambda: function_urls.create_url(run.cloud, fn, config.auth, cors),
                lambda reply: Resource(self.type, fn, reply["FunctionUrl"], parent=fn),
                lambda r: f"Created the function URL {r.arn} (auth {config.auth})",
            )
            url = made.arn or ""
        else:
            url = current["FunctionUrl"]
            if current.get("AuthType") != config.auth or (current.get("Cors") or {}) != (cors or {}):
                function_urls.update_url(run.cloud, fn, config.auth, cors)
                run.emit_event("function", "updated", f"Updated the function URL of {fn} (auth {config.auth})")
            elif recorded is not None:
                run.reuse(self, recorded, f"Function URL {url} exists")
        if config.auth == "NONE":
            for sid in function_urls.allow_public(run.cloud, fn):
                run.emit_event("function", "info", f"Allowed public calls of the URL ({sid})")
        else:
            function_urls.revoke_public(run.cloud, fn)
        run.result.function_url = url
        endpoint = run.cloud.target.effective_endpoint
        if run.cloud.target.kind == "local" and endpoint:
            url_id = url.removeprefix("https://").split(".", 1)[0]
            run.result.function_url_local = f"{endpoint.rstrip('/')}/_aws/lambda-url/{url_id}/"
        return url

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        found = function_urls.get_url(cloud, pending.parent or pending.id)
        return Resource(self.type, pending.id, found["FunctionUrl"], parent=pending.parent) if found else None

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        function_urls.delete_url(cloud, resource.parent or resource.id)

    def cli(self, ctx: RenderContext) -> list[str]:
        import json

        fn, config = ctx.config.function.name, ctx.config.function.url
        if config is None:
            return []
        command = f"aws lambda create-function-url-config --function-name {ctx.sh(fn)} --auth-type {config.auth}"
        cors = _cors(config)
        if cors:
            command += f" --cors {ctx.sh(json.dumps(cors, separators=(',', ':')))}"
        lines = ctx.quiet([command])
        if config.auth == "NONE":
            lines += ctx.quiet(
                [
                    f"aws lambda add-permission --function-name {ctx.sh(fn)} "
                    f"--statement-id {function_urls.URL_STATEMENT} --action lambda:InvokeFunctionUrl \\",
                    "  --principal '*' --function-url-auth-type NONE",
                ]
            )
            lines += ctx.quiet(
                [
                    f"aws lambda add-permission --function-name {ctx.sh(fn)} "
                    f"--statement-id {function_urls.INVOKE_STATEMENT} --action lambda:InvokeFunction \\",
                    "  --principal '*' --invoked-via-function-url",
                ]
            )
        return lines

    def cloudformation(self, ctx: RenderContext) -> Template:
        config = ctx.config.function.url
        if config is None:
            return {}
        props: dict[str, Any] = {"TargetFunctionArn": {"Fn::GetAtt": [FUNCTION_ID, "Arn"]}, "AuthType": config.auth}
        cors = _cors(config)
        if cors:
            props["Cors"] = cors
        out: Template = {LOGICAL_ID: {"Type": self.type, "Properties": props}}
        if config.auth == "NONE":
            out[f"{LOGICAL_ID}PublicAccess"] = {
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "Action": "lambda:InvokeFunctionUrl",
                    "FunctionName": {"Ref": FUNCTION_ID},
                    "Principal": "*",
                    "FunctionUrlAuthType": "NONE",
                },
            }
            out[f"{LOGICAL_ID}InvokeAction"] = {
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "Action": "lambda:InvokeFunction",
                    "FunctionName": {"Ref": FUNCTION_ID},
                    "Principal": "*",
                    "InvokedViaFunctionUrl": True,
                },
            }
        return out

    def sam(self, ctx: RenderContext) -> Template:
        """SAM's FunctionUrlConfig on the function (SAM adds the NONE URL's
        public permission itself; the InvokeFunction one it may not, so it
        is declared here)."""
        config = ctx.config.function.url
        if config is None:
            return {}
        url: dict[str, Any] = {"AuthType": config.auth}
        cors = _cors(config)
        if cors:
            url["Cors"] = cors
        out: Template = {FUNCTION_ID: {"Properties": {"FunctionUrlConfig": url}}}
        if config.auth == "NONE":
            invoke = self.cloudformation(ctx)[f"{LOGICAL_ID}InvokeAction"]
            out[f"{LOGICAL_ID}InvokeAction"] = invoke
        return out

    def outputs(self, ctx: RenderContext, sam: bool = False) -> dict[str, Any]:
        if ctx.config.function.url is None:
            return {}
        value = (
            {"Fn::GetAtt": [f"{FUNCTION_ID}Url", "FunctionUrl"]} if sam else {"Fn::GetAtt": [LOGICAL_ID, "FunctionUrl"]}
        )
        return {"FunctionUrl": {"Description": "The function's URL", "Value": value}}


KIND = FunctionUrlKind()
