"""AWS_IAM authorization on HTTP API routes over real HTTP against the
local cloud (reference G3; http-api-access-control-iam; the 403 words from
the re:Post knowledge center's API Gateway 403 and SigV4 pages, which the
reference marks medium confidence for HTTP APIs)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.cloudproc import Deployed, deploy, owner_kw

SHOW = """import json


def lambda_handler(event, context):
    return {"statusCode": 200, "body": json.dumps(event["requestContext"].get("authorizer"))}
"""


def signed_get(url: str, key: str, secret: str, service: str = "execute-api") -> httpx.Response:
    request = AWSRequest(method="GET", url=url, headers={"host": httpx.URL(url).netloc.decode()})
    SigV4Auth(Credentials(key, secret), service, "us-east-1").add_auth(request)
    return httpx.get(url, headers=dict(request.headers.items()), timeout=40)


@pytest.fixture(scope="module")
def api(cloud: Any) -> Deployed:
    deployed = deploy(cloud, SHOW, routes=("GET /private", "GET /open"))
    gw = cloud.client("apigatewayv2")
    route = next(r for r in gw.get_routes(ApiId=deployed.api_id)["Items"] if r["RouteKey"] == "GET /private")
    gw.update_route(ApiId=deployed.api_id, RouteId=route["RouteId"], AuthorizationType="AWS_IAM")
    return deployed


def test_an_unsigned_request_is_403_missing_authentication_token(api: Deployed) -> None:
    reply = api.get("/private")
    assert reply.status_code == 403 and reply.text == '{"message":"Missing Authentication Token"}'
    assert reply.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"
    assert api.get("/open").status_code == 200


def test_the_owners_signature_reaches_the_function_with_the_caller(api: Deployed, cloud: Any) -> None:
    kw = owner_kw(cloud.port)
    reply = signed_get(api.base + "/private", kw["aws_access_key_id"], kw["aws_secret_access_key"])
    assert reply.status_code == 200, reply.text
    iam = json.loads(reply.text)["iam"]
    assert iam["accessKey"] == kw["aws_access_key_id"] and iam["accountId"] == "123456789012"
    assert iam["cognitoIdentity"] is None and iam["userArn"].startswith("arn:aws:iam::123456789012:")


def test_bad_signatures_are_403_with_the_reason(api: Deployed, cloud: Any) -> None:
    kw = owner_kw(cloud.port)
    url = api.base + "/private"
    wrong_secret = signed_get(url, kw["aws_access_key_id"], "not-the-secret")
    assert wrong_secret.status_code == 403
    assert wrong_secret.headers["x-amzn-errortype"] == "InvalidSignatureException"
    assert json.loads(wrong_secret.text)["message"].startswith("The request signature we calculated does not match")
    unknown = signed_get(url, "AKIAUNKNOWNKEY000000", "whatever")
    assert unknown.status_code == 403
    assert json.loads(unknown.text) == {"message": "The security token included in the request is invalid."}
    other_service = signed_get(url, kw["aws_access_key_id"], kw["aws_secret_access_key"], service="lambda")
    assert other_service.status_code == 403
    assert "Credential should be scoped to correct service: 'execute-api'" in other_service.text


CREDS = """import json, os


def lambda_handler(event, context):
    keys = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
    return {"statusCode": 200, "body": json.dumps({k: os.environ[k] for k in keys})}
"""


def test_a_role_session_needs_execute_api_invoke_in_its_policies(api: Deployed, cloud: Any) -> None:
    """A function's execution-role keys (what Lambda puts in its environment)
    may call an IAM route only if the role's policies allow execute-api:Invoke;
    AccessDenied otherwise, in REST's capital-M body (reference G3)."""
    helper = deploy(cloud, CREDS, routes=("GET /creds",))
    creds = json.loads(helper.get("/creds").text)
    url = api.base + "/private"

    def as_role() -> httpx.Response:
        request = AWSRequest(method="GET", url=url, headers={"host": httpx.URL(url).netloc.decode()})
        credentials = Credentials(
            creds["AWS_ACCESS_KEY_ID"], creds["AWS_SECRET_ACCESS_KEY"], creds["AWS_SESSION_TOKEN"]
        )
        SigV4Auth(credentials, "execute-api", "us-east-1").add_auth(request)
        return httpx.get(url, headers=dict(request.headers.items()), timeout=40)

    denied = as_role()
    assert denied.status_code == 403 and denied.headers["x-amzn-errortype"] == "AccessDeniedException"
    message = json.loads(denied.text)["Message"]
    assert "is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:" in message
    role = cloud.client("lambda").get_function(FunctionName=helper.function)["Configuration"]["Role"].rsplit("/", 1)[-1]
    cloud.client("iam").put_role_policy(
        RoleName=role,
        PolicyName="invoke-api",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}],
            }
        ),
    )
    allowed = as_role()
    assert allowed.status_code == 200, allowed.text
    assert json.loads(allowed.text)["iam"]["userArn"].startswith("arn:aws:sts::123456789012:assumed-role/")
