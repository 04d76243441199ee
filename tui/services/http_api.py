"""HTTP APIs (API Gateway v2) built the way the console's wizard builds
them (reference A6): an AWS_PROXY integration, routes targeting it, and a
stage with AutoDeploy sent explicitly (it defaults to false)."""

from __future__ import annotations

from typing import Any

from awsrules.limits import INTEGRATION_TIMEOUT_MS, WEBSOCKET_INTEGRATION_TIMEOUT_MS
from .errors import NOT_FOUND, WizardError, call, translate
from .paging import every
from .session import Cloud


def _maybe(action: str, func: Any, **kwargs: Any) -> dict[str, Any] | None:
    try:
        return call(action, func, **kwargs)
    except WizardError as err:
        if err.code in NOT_FOUND:
            return None
        raise


# A WebSocket API picks a message's route by its JSON "action" (reference K1).
ROUTE_SELECTION = "$request.body.action"


def create_api(
    cloud: Cloud,
    name: str,
    tags: dict[str, str] | None = None,
    cors: dict[str, Any] | None = None,
    protocol: str = "HTTP",
) -> dict[str, Any]:
    """`cors`: a CorsConfiguration (None: no CORS); `protocol`: HTTP or WEBSOCKET."""
    extra: dict[str, Any] = {"CorsConfiguration": cors} if cors is not None else {}
    if protocol == "WEBSOCKET":
        extra["RouteSelectionExpression"] = ROUTE_SELECTION
    return call(
        f"create the {'WebSocket' if protocol == 'WEBSOCKET' else 'HTTP'} API {name}",
        cloud.client("apigatewayv2").create_api,
        Name=name,
        ProtocolType=protocol,
        Description="Created with apigw-wizard",
        Tags=tags or {},
        **extra,
    )


def set_cors(cloud: Cloud, api_id: str, cors: dict[str, Any] | None) -> None:
    """Make the API's CorsConfiguration `cors`; None turns CORS off (the
    console's Clear: DeleteCorsConfiguration, which sets it to null)."""
    client = cloud.client("apigatewayv2")
    if cors is None:
        call(f"turn CORS off on {api_id}", client.delete_cors_configuration, ApiId=api_id)
    else:
        call(f"configure CORS on {api_id}", client.update_api, ApiId=api_id, CorsConfiguration=cors)


def rename_api(cloud: Cloud, api_id: str, name: str) -> None:
    call(f"rename the API {api_id} to {name}", cloud.client("apigatewayv2").update_api, ApiId=api_id, Name=name)


def get_api(cloud: Cloud, api_id: str) -> dict[str, Any] | None:
    return _maybe(f"look up the API {api_id}", cloud.client("apigatewayv2").get_api, ApiId=api_id)


def _every(cloud: Cloud, action: str, operation: str, **kwargs: Any) -> list[dict[str, Any]]:
    return every(action, cloud.client("apigatewayv2"), operation, "Items", **kwargs)


def list_apis(cloud: Cloud) -> list[dict[str, Any]]:
    return _every(cloud, "list the HTTP APIs", "get_apis")


def delete_api(cloud: Cloud, api_id: str) -> None:
    call(f"delete the API {api_id}", cloud.client("apigatewayv2").delete_api, ApiId=api_id)


def invocation_uri(region: str, function_arn: str) -> str:
    """The function as an apigateway ARN of Lambda's invoke path: how a
    WebSocket integration and a Lambda authorizer name it (reference K1, G2)."""
    partition = function_arn.split(":")[1] if function_arn.count(":") > 1 else "aws"
    return f"arn:{partition}:apigateway:{region}:lambda:path/2015-03-31/functions/{function_arn}/invocations"


def integration_settings(function_arn: str, payload_format: str | None) -> dict[str, Any]:
    """payload_format None: a WebSocket integration (its events have no
    version; `function_arn` is then the invocation_uri form)."""
    if payload_format is None:
        return {
            "IntegrationType": "AWS_PROXY",
            "IntegrationUri": function_arn,
            "TimeoutInMillis": WEBSOCKET_INTEGRATION_TIMEOUT_MS,
        }
    return {
        "IntegrationType": "AWS_PROXY",
        "IntegrationMethod": "POST",
        "IntegrationUri": function_arn,
        "PayloadFormatVersion": payload_format,
        "TimeoutInMillis": INTEGRATION_TIMEOUT_MS,
    }


def create_integration(cloud: Cloud, api_id: str, function_arn: str, payload_format: str | None) -> dict[str, Any]:
    return call(
        "create the Lambda integration",
        cloud.client("apigatewayv2").create_integration,
        ApiId=api_id,
        ConnectionType="INTERNET",
        **integration_settings(function_arn, payload_format),
    )


def get_integration(cloud: Cloud, api_id: str, integration_id: str) -> dict[str, Any] | None:
    return _maybe(
        f"look up the integration {integration_id}",
        cloud.client("apigatewayv2").get_integration,
        ApiId=api_id,
        IntegrationId=integration_id,
    )


def update_integration(
    cloud: Cloud, api_id: str, integration_id: str, function_arn: str, payload_format: str | None
) -> dict[str, Any]:
    return call(
        "update the Lambda integration",
        cloud.client("apigatewayv2").update_integration,
        ApiId=api_id,
        IntegrationId=integration_id,
        **integration_settings(function_arn, payload_format),
    )


def delete_integration(cloud: Cloud, api_id: str, integration_id: str) -> None:
    call(
        f"delete the integration {integration_id}",
        cloud.client("apigatewayv2").delete_integration,
        ApiId=api_id,
        IntegrationId=integration_id,
    )


def get_routes(cloud: Cloud, api_id: str) -> list[dict[str, Any]]:
    return _every(cloud, f"list the routes of the API {api_id}", "get_routes", ApiId=api_id)


def get_integrations(cloud: Cloud, api_id: str) -> list[dict[str, Any]]:
    return _every(cloud, f"list the integrations of the API {api_id}", "get_integrations", ApiId=api_id)


def create_route(cloud: Cloud, api_id: str, route_key: str, integration_id: str) -> dict[str, Any]:
    return call(
        f"create the route {route_key}",
        cloud.client("apigatewayv2").create_route,
        ApiId=api_id,
        RouteKey=route_key,
        Target=f"integrations/{integration_id}",
        AuthorizationType="NONE",
    )


def delete_route(cloud: Cloud, api_id: str, route_id: str) -> None:
    call(f"delete the route {route_id}", cloud.client("apigatewayv2").delete_route, ApiId=api_id, RouteId=route_id)


def get_stage(cloud: Cloud, api_id: str, stage: str) -> dict[str, Any] | None:
    return _maybe(f"look up the stage {stage}", cloud.client("apigatewayv2").get_stage, ApiId=api_id, StageName=stage)


def create_stage(
    cloud: Cloud, api_id: str, stage: str, auto_deploy: bool, settings: dict[str, Any] | None = None
) -> dict[str, Any]:
    """`settings`: more CreateStage fields (DefaultRouteSettings, StageVariables)."""
    return call(
        f"create the stage {stage}",
        cloud.client("apigatewayv2").create_stage,
        ApiId=api_id,
        StageName=stage,
        AutoDeploy=auto_deploy,
        **(settings or {}),
    )


def update_stage(
    cloud: Cloud, api_id: str, stage: str, auto_deploy: bool, settings: dict[str, Any] | None = None
) -> dict[str, Any]:
    return call(
        f"update the stage {stage}",
        cloud.client("apigatewayv2").update_stage,
        ApiId=api_id,
        StageName=stage,
        AutoDeploy=auto_deploy,
        **(settings or {}),
    )


def delete_access_log_settings(cloud: Cloud, api_id: str, stage: str) -> None:
    call(
        f"turn off the access logs of the stage {stage}",
        cloud.client("apigatewayv2").delete_access_log_settings,
        ApiId=api_id,
        StageName=stage,
    )


def delete_stage(cloud: Cloud, api_id: str, stage: str) -> None:
    call(f"delete the stage {stage}", cloud.client("apigatewayv2").delete_stage, ApiId=api_id, StageName=stage)


def create_deployment(cloud: Cloud, api_id: str, stage: str) -> dict[str, Any]:
    """Only for stages without auto-deploy: AWS deploys the others itself."""
    try:
        return cloud.client("apigatewayv2").create_deployment(ApiId=api_id, StageName=stage)
    except Exception as exc:
        raise translate(exc, f"deploy the API to the stage {stage}") from exc


def invoke_url(api_endpoint: str, stage: str) -> str:
    """The stage's base URL as the console shows it (reference A9)."""
    base = api_endpoint.rstrip("/")
    return f"{base}/" if stage == "$default" else f"{base}/{stage}"


def get_authorizer(cloud: Cloud, api_id: str, authorizer_id: str) -> dict[str, Any] | None:
    return _maybe(
        f"look up the authorizer {authorizer_id}",
        cloud.client("apigatewayv2").get_authorizer,
        ApiId=api_id,
        AuthorizerId=authorizer_id,
    )


def get_authorizers(cloud: Cloud, api_id: str) -> list[dict[str, Any]]:
    return _every(cloud, f"list the authorizers of the API {api_id}", "get_authorizers", ApiId=api_id)


def create_jwt_authorizer(cloud: Cloud, api_id: str, name: str, issuer: str, audience: list[str]) -> dict[str, Any]:
    return call(
        f"create the JWT authorizer {name}",
        cloud.client("apigatewayv2").create_authorizer,
        ApiId=api_id,
        Name=name,
        AuthorizerType="JWT",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Issuer": issuer, "Audience": audience},
    )


def update_jwt_authorizer(cloud: Cloud, api_id: str, authorizer_id: str, issuer: str, audience: list[str]) -> None:
    call(
        f"update the JWT authorizer {authorizer_id}",
        cloud.client("apigatewayv2").update_authorizer,
        ApiId=api_id,
        AuthorizerId=authorizer_id,
        JwtConfiguration={"Issuer": issuer, "Audience": audience},
    )


def lambda_authorizer_fields(region: str, function_arn: str, config: Any) -> dict[str, Any]:
    """CreateAuthorizer / UpdateAuthorizer fields of a REQUEST authorizer
    (reference G2; botocore's model): the function as an apigateway ARN
    of Lambda's invoke path, as the console sets AuthorizerUri."""
    return {
        "AuthorizerUri": invocation_uri(region, function_arn),
        "AuthorizerPayloadFormatVersion": config.payload_format,
        "EnableSimpleResponses": config.simple_responses,
        "IdentitySource": list(config.identity_source),
        "AuthorizerResultTtlInSeconds": config.ttl_s,
    }


def create_lambda_authorizer(cloud: Cloud, api_id: str, name: str, fields: dict[str, Any]) -> dict[str, Any]:
    return call(
        f"create the Lambda authorizer {name}",
        cloud.client("apigatewayv2").create_authorizer,
        ApiId=api_id,
        Name=name,
        AuthorizerType="REQUEST",
        **fields,
    )


def update_authorizer(cloud: Cloud, api_id: str, authorizer_id: str, fields: dict[str, Any]) -> None:
    call(
        f"update the authorizer {authorizer_id}",
        cloud.client("apigatewayv2").update_authorizer,
        ApiId=api_id,
        AuthorizerId=authorizer_id,
        **fields,
    )


def delete_authorizer(cloud: Cloud, api_id: str, authorizer_id: str) -> None:
    call(
        f"delete the authorizer {authorizer_id}",
        cloud.client("apigatewayv2").delete_authorizer,
        ApiId=api_id,
        AuthorizerId=authorizer_id,
    )


def set_route_authorization(
    cloud: Cloud, api_id: str, route_id: str, kind: str, authorizer_id: str | None, scopes: list[str]
) -> None:
    """kind: NONE, JWT, CUSTOM (a Lambda authorizer) or AWS_IAM (the route's AuthorizationType)."""
    extra: dict[str, Any] = {"AuthorizerId": authorizer_id} if authorizer_id else {}
    if kind == "JWT":
        extra["AuthorizationScopes"] = scopes
    call(
        f"set the authorization of the route {route_id}",
        cloud.client("apigatewayv2").update_route,
        ApiId=api_id,
        RouteId=route_id,
        AuthorizationType=kind,
        **extra,
    )
