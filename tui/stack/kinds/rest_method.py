"""AWS::ApiGateway::Method: one per configured route (`ANY /my-function` is
ANY on /my-function), authorization NONE, the API key required when
api.api_key says so, with a Lambda proxy integration (AWS_PROXY, POST, the
function's invocations path: reference J1.4-J1.5). Methods of dropped
routes are deleted; none of it serves until the stage kind deploys (J1.7)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from awsrules.arns import function_arn
from awsrules.routekeys import parse

from ...services import rest_api
from ..ledger import Resource
from .base import Kind, Run, Template
from .function import LOGICAL_ID as FUNCTION_ID
from .rest_api import LOGICAL_ID as API_ID
from .rest_resource import placeholder, route_path, template_ref, variables

if TYPE_CHECKING:
    from ...services.session import Cloud
    from ..render.context import RenderContext


def logical_ids(routes: tuple[str, ...] | list[str]) -> dict[str, str]:
    """Route key -> its template id: `ANY /my-function` -> MethodAnyMyFunction."""
    out: dict[str, str] = {}
    for key in routes:
        base = candidate = "Method" + "".join(w[:1].upper() + w[1:] for w in re.findall(r"[A-Za-z0-9]+", key))
        n = 1
        while candidate in out.values():
            n += 1
            candidate = f"{base}{n}"
        out[key] = candidate
    return out


def integration_matches(method: dict[str, Any], uri: str) -> bool:
    integration = method.get("methodIntegration") or {}
    return (integration.get("type"), integration.get("httpMethod"), integration.get("uri")) == (
        "AWS_PROXY",
        "POST",
        uri,
    )


class RestMethodKind(Kind):
    type = "AWS::ApiGateway::Method"
    short = "apigw_rest_method"
    label = "method"
    step = "integration"
    api_types = ("rest",)
    deleted_with = "AWS::ApiGateway::RestApi"

    def ensure(self, run: Run) -> list[str]:
        api_id = run.result.api_id or run.need("AWS::ApiGateway::RestApi")
        resources: dict[str, str] = run.need("AWS::ApiGateway::Resource")
        fn_name, fn_arn = run.integration_target()
        uri = rest_api.integration_uri(run.cloud.region, fn_arn)
        need_key = run.config.api.api_key
        wanted = {key: (resources[route_path(key)], parse(key).method or "ANY") for key in run.config.api.routes}
        run.emit_event("integration", "start", f"Creating methods with a Lambda proxy integration -> {fn_name}")
        run.settle(self)
        for recorded in run.ledger.all(self.type):
            key = str(recorded.extra.get("route_key"))
            if recorded.parent != api_id or wanted.get(key) == self._where(recorded):
                continue
            rid, method = self._where(recorded)
            if rest_api.get_method(run.cloud, api_id, rid, method) is not None:  # its resource may be gone
                rest_api.delete_method(run.cloud, api_id, rid, method)
            run.ledger.remove(recorded)
            run.facts["rest_changed"] = True
            run.emit_event("integration", "deleted", f"Deleted method {key} (no longer in the config)")
        for key, (rid, method) in wanted.items():
            current = rest_api.get_method(run.cloud, api_id, rid, method)
            if current is None:
                self._create(run, api_id, key, rid, method, uri)
                run.facts["rest_changed"] = True
                continue
            recorded = run.ledger.find(self.type, id=f"{rid}/{method}") or Resource(
                self.type, f"{rid}/{method}", parent=api_id, extra={"route_key": key}
            )
            changed = []
            if bool(current.get("apiKeyRequired")) != need_key:
                # Made anew rather than patched (UpdateMethod): moto has no
                # UpdateMethod, and the stage serves its deployment meanwhile (J1.7).
                rest_api.delete_method(run.cloud, api_id, rid, method)
                rest_api.put_method(run.cloud, api_id, rid, method, need_key)
                rest_api.put_integration(run.cloud, api_id, rid, method, uri)
                changed.append(f"API key {'required' if need_key else 'not required'}")
            elif not integration_matches(current, uri):
                rest_api.put_integration(run.cloud, api_id, rid, method, uri)
                changed.append(f"integration -> {fn_name}")
            if changed:
                run.facts["rest_changed"] = True
                run.result.updated.append(f"{self.short}:{recorded.id}")
                run.emit_event("integration", "updated", f"Updated method {key}: {', '.join(changed)}")
            else:
                run.reuse(self, recorded, f"Method {key} exists")
        run.result.routes = list(wanted)  # deploy's "Routes" line and --json's routes
        return list(wanted)

    @staticmethod
    def _where(resource: Resource) -> tuple[str, str]:
        rid, _, method = resource.id.partition("/")
        return rid, method

    def _create(self, run: Run, api_id: str, key: str, rid: str, method: str, uri: str) -> None:
        def make() -> Any:
            reply = rest_api.put_method(run.cloud, api_id, rid, method, run.config.api.api_key)
            rest_api.put_integration(run.cloud, api_id, rid, method, uri)
            return reply

        run.create(
            self,
            Resource(self.type, f"{rid}/{method}", parent=api_id, extra={"route_key": key}),
            make,
            lambda _reply: Resource(self.type, f"{rid}/{method}", parent=api_id, extra={"route_key": key}),
            lambda _r: f"Created method {key} with a Lambda proxy integration",
        )

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        """A method whose put_integration never ran is no use: not found,
        so the next run puts it again (put_method replaces)."""
        rid, method = self._where(pending)
        found = rest_api.get_method(cloud, pending.parent or "", rid, method)
        if found is None or not (found.get("methodIntegration") or {}).get("uri"):
            return None
        return Resource(self.type, pending.id, parent=pending.parent, extra=dict(pending.extra))

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        rid, method = self._where(resource)
        rest_api.delete_method(cloud, resource.parent or "", rid, method)

    def cli(self, ctx: RenderContext) -> list[str]:
        api = ctx.config.api
        names = variables(api.routes)
        uri = rest_api.integration_uri(ctx.region, function_arn(ctx.region, ctx.account, ctx.config.function.name))
        lines: list[str] = []
        for key in api.routes:
            path, method = route_path(key), parse(key).method or "ANY"
            where = (
                f"--rest-api-id {ctx.sh(ctx.api_id)} "
                f"--resource-id {ctx.sh(ctx.var(names[path], f'<{placeholder(path)}>'))} --http-method {method}"
            )
            lines += ctx.quiet(
                [
                    f"aws apigateway put-method {where} --authorization-type NONE"
                    + (" --api-key-required" if api.api_key else "")
                ]
            )
            lines += ctx.quiet(
                [
                    f"aws apigateway put-integration {where} \\",
                    f"  --type AWS_PROXY --integration-http-method POST --uri {ctx.sh(uri)}",
                ]
            )
        return lines

    def cloudformation(self, ctx: RenderContext) -> Template:
        api = ctx.config.api
        uri = (
            "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
            f"${{{FUNCTION_ID}.Arn}}/invocations"
        )
        out: Template = {}
        for key, logical in logical_ids(api.routes).items():
            props: dict[str, Any] = {
                "RestApiId": {"Ref": API_ID},
                "ResourceId": template_ref(api.routes, route_path(key)),
                "HttpMethod": parse(key).method or "ANY",
                "AuthorizationType": "NONE",
            }
            if api.api_key:
                props["ApiKeyRequired"] = True
            props["Integration"] = {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST", "Uri": {"Fn::Sub": uri}}
            out[logical] = {"Type": self.type, "Properties": props}
        return out

    def sam(self, ctx: RenderContext) -> Template:
        """An Api event per route on the function, on the explicit
        AWS::Serverless::Api (SAM spec, Api event source: Path, Method,
        RestApiId; SAM adds the invoke permission per event)."""
        events = {}
        for key, logical in logical_ids(ctx.config.api.routes).items():
            props = {
                "Path": route_path(key),
                "Method": (parse(key).method or "ANY").lower(),
                "RestApiId": {"Ref": API_ID},
            }
            events[logical.removeprefix("Method")] = {"Type": "Api", "Properties": props}
        return {FUNCTION_ID: {"Properties": {"Events": events}}}


KIND = RestMethodKind()
