"""AWS::ApiGatewayV2::Authorizer: the JWT authorizer `api.authorizer: {type:
jwt}` puts on the API (found by its name), and each route's authorization
(JWT with the configured scopes, AWS_IAM for type iam, NONE without). When
the config drops it, the routes are opened first: AWS does not delete an
authorizer routes still use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...services import http_api
from ..ledger import Resource
from .api import LOGICAL_ID as API_ID
from .base import Kind, Run, Template
from . import authorizer_lambda as lambda_export
from .cognito import CLIENT_ID, POOL_ID, UserPoolClientKind, UserPoolKind

if TYPE_CHECKING:
    from ...services.session import Cloud
    from ..render.context import RenderContext

NAME = "apigw-wizard-jwt"
LOGICAL_ID = "MyJwtAuthorizer"


class AuthorizerKind(Kind):
    type = "AWS::ApiGatewayV2::Authorizer"
    short = "apigw_authorizer"
    label = "authorizer"
    step = "api"
    api_types = ("http",)
    deleted_with = "AWS::ApiGatewayV2::Api"

    def ensure(self, run: Run) -> str | None:
        api_id = run.result.api_id or run.need("AWS::ApiGatewayV2::Api")
        config = run.config.api.authorizer
        run.settle(self)
        recorded = run.ledger.find(self.type, parent=api_id)
        found = http_api.get_authorizer(run.cloud, api_id, recorded.id) if recorded else None
        if recorded is not None and found is None:
            run.forget(recorded)
            recorded = None
        want = config.type if config is not None and config.type in ("jwt", "lambda") else None
        if recorded is not None and found is not None and _kind(found) != want:
            self._remove(run, api_id, recorded)  # gone from the config, or another type: made anew below
            recorded = found = None
        if want is None:
            return None
        assert config is not None
        if want == "lambda":
            return self._lambda(run, api_id, recorded, found)
        if config.local_cognito:
            run.need(UserPoolKind.type)
            run.need(UserPoolClientKind.type)
            issuer, audience = run.result.jwt_issuer, list(run.facts["jwt_audience"])
        else:
            issuer, audience = config.issuer, list(config.audience)
        if recorded is not None and found is not None:
            jwt = found.get("JwtConfiguration") or {}
            if jwt.get("Issuer") != issuer or sorted(jwt.get("Audience") or []) != sorted(audience):
                http_api.update_jwt_authorizer(run.cloud, api_id, recorded.id, issuer, audience)
                run.emit_event("api", "updated", f"Updated authorizer {recorded.id} (issuer {issuer})")
            else:
                run.reuse(self, recorded, f"Authorizer {recorded.id} exists")
            return recorded.id
        made = run.create(
            self,
            Resource(self.type, f"pending-{run.new_token()}", parent=api_id, extra={"name": NAME}),
            lambda: http_api.create_jwt_authorizer(run.cloud, api_id, NAME, issuer, audience),
            lambda reply: Resource(self.type, reply["AuthorizerId"], parent=api_id, extra={"name": NAME}),
            lambda r: f"Created JWT authorizer {r.id} (issuer {issuer})",
        )
        return made.id

    def _lambda(self, run: Run, api_id: str, recorded: Resource | None, found: dict[str, Any] | None) -> str:
        from .authorizer_function import KIND as FUNCTION

        fields = http_api.lambda_authorizer_fields(run.cloud.region, run.need(FUNCTION.type), run.config.api.authorizer)
        if recorded is not None and found is not None:
            if any(found.get(key) != value for key, value in fields.items()):
                http_api.update_authorizer(run.cloud, api_id, recorded.id, fields)
                run.emit_event("api", "updated", f"Updated the Lambda authorizer {recorded.id}")
            else:
                run.reuse(self, recorded, f"Authorizer {recorded.id} exists")
            return recorded.id
        made = run.create(
            self,
            Resource(self.type, f"pending-{run.new_token()}", parent=api_id, extra={"name": lambda_export.NAME}),
            lambda: http_api.create_lambda_authorizer(run.cloud, api_id, lambda_export.NAME, fields),
            lambda reply: Resource(self.type, reply["AuthorizerId"], parent=api_id, extra={"name": lambda_export.NAME}),
            lambda r: f"Created Lambda authorizer {r.id} (REQUEST, payload {fields['AuthorizerPayloadFormatVersion']})",
        )
        return made.id

    def _remove(self, run: Run, api_id: str, recorded: Resource) -> None:
        """Ours: open its routes first (AWS refuses to delete an authorizer
        routes still use), then delete it."""
        for route in http_api.get_routes(run.cloud, api_id):
            if route.get("AuthorizerId") == recorded.id:
                http_api.set_route_authorization(run.cloud, api_id, route["RouteId"], "NONE", None, [])
        http_api.delete_authorizer(run.cloud, api_id, recorded.id)
        run.ledger.remove(recorded)
        run.emit_event("api", "deleted", f"Deleted authorizer {recorded.id} (no longer in the config)")

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        name = pending.extra.get("name", NAME)
        for found in http_api.get_authorizers(cloud, pending.parent or ""):
            if found.get("Name") == name:
                return Resource(self.type, found["AuthorizerId"], parent=pending.parent, extra={"name": name})
        return None

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        return None  # deleted with its API

    def cli(self, ctx: RenderContext) -> list[str]:
        config = ctx.config.api.authorizer
        if config is not None and config.type == "lambda":
            return lambda_export.cli(ctx)
        if config is None or config.type != "jwt":
            return []
        if config.local_cognito:
            issuer = f"https://cognito-idp.{ctx.config.region}.amazonaws.com/$POOL_ID"
            audience = "$CLIENT_ID"
        else:
            issuer, audience = config.issuer, ",".join(config.audience)
        return ctx.capture(
            "AUTHORIZER_ID",
            "AuthorizerId",
            [
                f"aws apigatewayv2 create-authorizer --api-id {ctx.sh(ctx.api_id)} --name {NAME} "
                '--authorizer-type JWT --identity-source "\\$request.header.Authorization" '
                f'--jwt-configuration "Issuer={issuer},Audience={audience}"'
            ],
        )

    def cloudformation(self, ctx: RenderContext) -> Template:
        config = ctx.config.api.authorizer
        if config is not None and config.type == "lambda":
            return lambda_export.cloudformation(ctx)
        if config is None or config.type != "jwt":
            return {}
        jwt: dict[str, Any]
        if config.local_cognito:
            issuer = {"Fn::Sub": f"https://cognito-idp.${{AWS::Region}}.amazonaws.com/${{{POOL_ID}}}"}
            jwt = {"Issuer": issuer, "Audience": [{"Ref": CLIENT_ID}]}
        else:
            jwt = {"Issuer": config.issuer, "Audience": list(config.audience)}
        return {
            LOGICAL_ID: {
                "Type": self.type,
                "Properties": {
                    "ApiId": {"Ref": API_ID},
                    "Name": NAME,
                    "AuthorizerType": "JWT",
                    "IdentitySource": ["$request.header.Authorization"],
                    "JwtConfiguration": jwt,
                },
            }
        }

    def sam(self, ctx: RenderContext) -> Template:
        """SAM declares authorizers on the HttpApi (Auth), with a default
        every implicit route takes (SAM spec: HttpApiAuth, OAuth2Authorizer)."""
        config = ctx.config.api.authorizer
        if config is None:
            return {}
        auth: dict[str, Any]
        if config.type == "iam":
            auth = {"EnableIamAuthorizer": True, "DefaultAuthorizer": "AWS_IAM"}
        elif config.type == "lambda":
            auth = lambda_export.sam_auth(ctx)
        else:
            jwt = self.cloudformation(ctx)[LOGICAL_ID]["Properties"]["JwtConfiguration"]
            authorizer: dict[str, Any] = {
                "IdentitySource": "$request.header.Authorization",
                "JwtConfiguration": {"issuer": jwt["Issuer"], "audience": jwt["Audience"]},
            }
            if config.scopes:
                authorizer["AuthorizationScopes"] = list(config.scopes)
            auth = {"Authorizers": {"JwtAuthorizer": authorizer}, "DefaultAuthorizer": "JwtAuthorizer"}
        return {API_ID: {"Properties": {"Auth": auth}}}


def logical_id(config: Any) -> str:
    """The authorizer's logical id in a template, by its type."""
    return lambda_export.LOGICAL_ID if config is not None and config.type == "lambda" else LOGICAL_ID


def _kind(found: dict[str, Any]) -> str:
    return "lambda" if found.get("AuthorizerType") == "REQUEST" else "jwt"


def route_authorization(config: Any) -> tuple[str, list[str]]:
    """(AuthorizationType, scopes) every route gets."""
    if config is None:
        return "NONE", []
    if config.type == "iam":
        return "AWS_IAM", []
    if config.type == "lambda":
        return "CUSTOM", []
    return "JWT", list(config.scopes)


KIND = AuthorizerKind()
