"""AWS::ApiGatewayV2::Integration: the Lambda proxy integration (AWS_PROXY,
payload 2.0 by default, 30 s), pointing at the function's ARN; on a
WebSocket API at Lambda's invoke path, with no payload version (K1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from awsrules.arns import function_arn
from awsrules.limits import INTEGRATION_TIMEOUT_MS, WEBSOCKET_INTEGRATION_TIMEOUT_MS

from ...services import http_api
from ..ledger import Resource
from .api import LOGICAL_ID as API_ID
from .base import Kind, Run, Template
from .function import LOGICAL_ID as FUNCTION_ID

if TYPE_CHECKING:
    from ...services.session import Cloud
    from ..render.context import RenderContext

LOGICAL_ID = "MyIntegration"


class IntegrationKind(Kind):
    type = "AWS::ApiGatewayV2::Integration"
    short = "apigw_integration"
    label = "integration"
    step = "integration"
    api_types = ("http", "websocket")
    deleted_with = "AWS::ApiGatewayV2::Api"

    def ensure(self, run: Run) -> str:
        api_id = run.result.api_id or run.need("AWS::ApiGatewayV2::Api")
        fn_name, fn_arn = run.integration_target()
        fmt: str | None = run.config.api.payload_format
        if run.config.api.type == "websocket":
            fn_arn, fmt = http_api.invocation_uri(run.cloud.region, fn_arn), None
            run.emit_event("integration", "start", "Creating Lambda integration")
        else:
            run.emit_event("integration", "start", f"Creating Lambda integration (payload {fmt})")
        run.settle(self)
        recorded = run.ledger.find(self.type, parent=api_id)
        current = http_api.get_integration(run.cloud, api_id, recorded.id) if recorded else None
        if recorded and current is None:
            run.forget(recorded)
        if current is None:
            real = run.create(
                self,
                Resource(self.type, f"pending-{run.new_token()}", parent=api_id, extra={"uri": fn_arn}),
                lambda: http_api.create_integration(run.cloud, api_id, fn_arn, fmt),
                lambda reply: Resource(self.type, reply["IntegrationId"], parent=api_id),
                lambda r: f"Created integration {r.id} -> {fn_name}",
            )
            current = {"IntegrationId": real.id}
        elif current.get("IntegrationUri") != fn_arn or (fmt and current.get("PayloadFormatVersion") != fmt):
            http_api.update_integration(run.cloud, api_id, current["IntegrationId"], fn_arn, fmt)
            run.result.updated.append(f"{self.short}:{current['IntegrationId']}")
            run.emit_event("integration", "updated", f"Updated integration {current['IntegrationId']}")
        else:
            assert recorded is not None
            run.reuse(self, recorded, f"Integration {current['IntegrationId']} exists")
        run.result.integration_id = current["IntegrationId"]
        return str(current["IntegrationId"])

    def dedupe_after_create(self) -> bool:
        return True

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        api_id = pending.parent or ""
        # Every page: a retry's duplicate may be on the last.
        matches = [
            i
            for i in http_api.get_integrations(cloud, api_id)
            if i.get("IntegrationUri") == pending.extra.get("uri") and i.get("IntegrationType") == "AWS_PROXY"
        ]
        for duplicate in matches[1:]:
            http_api.delete_integration(cloud, api_id, duplicate["IntegrationId"])
        return Resource(self.type, matches[0]["IntegrationId"], parent=pending.parent) if matches else None

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        http_api.delete_integration(cloud, resource.parent or "", resource.id)

    def cli(self, ctx: RenderContext) -> list[str]:
        fn_arn = function_arn(ctx.region, ctx.account, ctx.config.function.name)
        if ctx.config.api.type == "websocket":
            uri = http_api.invocation_uri(ctx.region, fn_arn)
            return ctx.capture(
                "INTEGRATION_ID",
                "IntegrationId",
                [
                    f"aws apigatewayv2 create-integration --api-id {ctx.sh(ctx.api_id)} --integration-type AWS_PROXY \\",
                    f"  --integration-uri {ctx.sh(uri)} --timeout-in-millis {WEBSOCKET_INTEGRATION_TIMEOUT_MS}",
                ],
            )
        return ctx.capture(
            "INTEGRATION_ID",
            "IntegrationId",
            [
                f"aws apigatewayv2 create-integration --api-id {ctx.sh(ctx.api_id)} --integration-type AWS_PROXY \\",
                f"  --integration-method POST --integration-uri {ctx.sh(fn_arn)} \\",
                f"  --payload-format-version {ctx.config.api.payload_format} --timeout-in-millis {INTEGRATION_TIMEOUT_MS}",
            ],
        )

    def cloudformation(self, ctx: RenderContext) -> Template:
        if ctx.config.api.type == "websocket":
            uri = (
                "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
                f"${{{FUNCTION_ID}.Arn}}/invocations"
            )
            properties = {"ApiId": {"Ref": API_ID}, "IntegrationType": "AWS_PROXY", "IntegrationUri": {"Fn::Sub": uri}}
            return {
                LOGICAL_ID: {
                    "Type": self.type,
                    "Properties": {**properties, "TimeoutInMillis": WEBSOCKET_INTEGRATION_TIMEOUT_MS},
                }
            }
        return {
            LOGICAL_ID: {
                "Type": self.type,
                "Properties": {
                    "ApiId": {"Ref": API_ID},
                    "IntegrationType": "AWS_PROXY",
                    "IntegrationMethod": "POST",
                    "IntegrationUri": {"Fn::GetAtt": [FUNCTION_ID, "Arn"]},
                    "PayloadFormatVersion": ctx.config.api.payload_format,
                    "TimeoutInMillis": INTEGRATION_TIMEOUT_MS,
                },
            }
        }

    def sam(self, ctx: RenderContext) -> Template:
        if ctx.config.api.type == "websocket":
            return self.cloudformation(ctx)  # SAM has no WebSocket event: the raw resource
        return {}  # each HttpApi event makes it (payload format: the route kind's events)


KIND = IntegrationKind()
