"""A REST API's deployed integration is read per deployment (the data plane
works a method's integration out once per deployment, apigateway/gateway.py):
a new integration uri serves only after the next deployment, and then at
once. Reference J1.7 [D]: "changes are invisible until the next deployment"."""

from __future__ import annotations

from typing import Any

import httpx

from tests.cloudproc import create_function
from tests.e2e.test_local_rest_api import ACCOUNT, HELLO, console_api

OTHER = """
def lambda_handler(event, context):
    return {"statusCode": 200, "body": "the other function"}
"""


def test_a_new_integration_uri_serves_after_the_next_deployment_only(cloud: Any) -> None:
    api = console_api(cloud, HELLO)
    assert httpx.get(api.url("/test/my-function"), timeout=40).text == "Hello from Lambda!"
    other, other_arn = create_function(cloud, OTHER)
    cloud.client("lambda").add_permission(
        FunctionName=other,
        StatementId="apigw",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=f"arn:aws:execute-api:us-east-1:{ACCOUNT}:{api.api_id}/*/*/my-function",
    )
    apigw = cloud.client("apigateway")
    resource = next(r["id"] for r in apigw.get_resources(restApiId=api.api_id)["items"] if r["path"] == "/my-function")
    uri = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{other_arn}/invocations"
    apigw.put_integration(  # replaces the method's integration (J1.5's call again)
        restApiId=api.api_id,
        resourceId=resource,
        httpMethod="ANY",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=uri,
    )
    assert httpx.get(api.url("/test/my-function"), timeout=40).text == "Hello from Lambda!"
    apigw.create_deployment(restApiId=api.api_id, stageName="test")
    assert httpx.get(api.url("/test/my-function"), timeout=40).text == "the other function"
