"""How a Lambda (REQUEST) authorizer from `api.authorizer: {type: lambda}`
is written in the AWS CLI script, CloudFormation and SAM (authorizer.py
makes it; authorizer_function.py its function; authorizer_permission.py
API Gateway's permission to run it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from awsrules.arns import function_arn

from .api import LOGICAL_ID as API_ID
from .authorizer_function import LOGICAL_ID as FUNCTION_ID
from .authorizer_function import auth_of, name_for

if TYPE_CHECKING:
    from ..render.context import RenderContext

NAME = "apigw-wizard-lambda"
LOGICAL_ID = "MyLambdaAuthorizer"
SAM_NAME = "LambdaAuthorizer"


def cli(ctx: RenderContext) -> list[str]:
    config = auth_of(ctx.config)
    fn = function_arn(ctx.region, ctx.account, name_for(ctx.config))
    uri = f"arn:{ctx.partition}:apigateway:{ctx.region}:lambda:path/2015-03-31/functions/{fn}/invocations"
    sources = " ".join(ctx.sh(s) for s in config.identity_source)
    simple = "--enable-simple-responses" if config.simple_responses else "--no-enable-simple-responses"
    return ctx.capture(
        "AUTHORIZER_ID",
        "AuthorizerId",
        [
            f"aws apigatewayv2 create-authorizer --api-id {ctx.sh(ctx.api_id)} --name {NAME} "
            f"--authorizer-type REQUEST --authorizer-uri {ctx.sh(uri)} "
            f"--authorizer-payload-format-version {config.payload_format} {simple} "
            f"--identity-source {sources} --authorizer-result-ttl-in-seconds {config.ttl_s}"
        ],
    )


def cloudformation(ctx: RenderContext) -> dict[str, Any]:
    config = auth_of(ctx.config)
    uri = (
        "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
        f"${{{FUNCTION_ID}.Arn}}/invocations"
    )
    return {
        LOGICAL_ID: {
            "Type": "AWS::ApiGatewayV2::Authorizer",
            "Properties": {
                "ApiId": {"Ref": API_ID},
                "Name": NAME,
                "AuthorizerType": "REQUEST",
                "AuthorizerUri": {"Fn::Sub": uri},
                "AuthorizerPayloadFormatVersion": config.payload_format,
                "EnableSimpleResponses": config.simple_responses,
                "IdentitySource": list(config.identity_source),
                "AuthorizerResultTtlInSeconds": config.ttl_s,
            },
        }
    }


def sam_auth(ctx: RenderContext) -> dict[str, Any]:
    """The HttpApi's Auth (SAM spec: LambdaAuthorizer, LambdaAuthorizationIdentity).
    EnableFunctionDefaultPermissions: without it SAM grants API Gateway no
    permission to invoke the authorizer (the property's docs)."""
    config = auth_of(ctx.config)
    identity: dict[str, Any] = {}
    prefixes = {
        "$request.header.": "Headers",
        "$request.querystring.": "QueryStrings",
        "$context.": "Context",
        "$stageVariables.": "StageVariables",
    }
    for source in config.identity_source:
        for prefix, key in prefixes.items():
            if source.startswith(prefix):
                identity.setdefault(key, []).append(source[len(prefix) :])
    identity["ReauthorizeEvery"] = config.ttl_s
    authorizer = {
        "FunctionArn": {"Fn::GetAtt": [FUNCTION_ID, "Arn"]},
        "AuthorizerPayloadFormatVersion": config.payload_format,
        "EnableSimpleResponses": config.simple_responses,
        "EnableFunctionDefaultPermissions": True,
        "Identity": identity,
    }
    return {"Authorizers": {SAM_NAME: authorizer}, "DefaultAuthorizer": SAM_NAME}
