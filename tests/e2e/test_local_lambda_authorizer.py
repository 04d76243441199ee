"""Lambda (REQUEST) authorizers over real HTTP against the local cloud
(reference G2; http-api-lambda-authorizer; sources in
localcloud/apigatewayv2/lambdaauth.py)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from localcloud.client import invocation
from localcloud.moto_bridge import ACCOUNT
from tests.cloudproc import Deployed, create_function, deploy

SHOW = """import json


def lambda_handler(event, context):
    return {"statusCode": 200, "body": json.dumps(event["requestContext"].get("authorizer"))}
"""
SIMPLE = """
def lambda_handler(event, context):
    print("AUTHORIZER", event["identitySource"], event["routeArn"], event["type"], event["version"])
    ok = event["headers"].get("x-pass") == "yes"
    return {"isAuthorized": ok, "context": {"user": "ada", "n": 1, "admin": True, "tags": ["a", "b"]}}
"""
POLICY = """
def lambda_handler(event, context):
    arn = event["routeArn"].rsplit("/", 2)[0] + "/GET/allowed"
    return {"principalId": "ada", "policyDocument": {"Version": "2012-10-17", "Statement": [
        {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": arn}]}, "context": {"via": "policy"}}
"""


def authorizer_runs(cloud: Any, function: str) -> list[str]:
    """The authorizer function's own log lines that say it ran."""
    logs = cloud.client("logs")
    try:
        found = logs.filter_log_events(logGroupName=f"/aws/lambda/{function}")["events"]
    except logs.exceptions.ResourceNotFoundException:
        return []
    return [e["message"] for e in found if e["message"].startswith("AUTHORIZER")]


def attach(
    cloud: Any, api: Deployed, code: str, routes: list[str], *, permit: bool = True, **settings: Any
) -> tuple[str, str]:
    name, arn = create_function(cloud, code)
    gw = cloud.client("apigatewayv2")
    authorizer = gw.create_authorizer(
        ApiId=api.api_id,
        Name=f"auth-{name}",
        AuthorizerType="REQUEST",
        AuthorizerUri=f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations",
        **settings,
    )["AuthorizerId"]
    if permit:  # the authorizer's own invoke permission, as on AWS
        cloud.client("lambda").add_permission(
            FunctionName=name,
            StatementId="apigw-authorizer",
            Action="lambda:InvokeFunction",
            Principal="apigateway.amazonaws.com",
            SourceArn=f"arn:aws:execute-api:us-east-1:{ACCOUNT}:{api.api_id}/authorizers/{authorizer}",
        )
    ids = {r["RouteKey"]: r["RouteId"] for r in gw.get_routes(ApiId=api.api_id)["Items"]}
    for key in routes:
        gw.update_route(ApiId=api.api_id, RouteId=ids[key], AuthorizationType="CUSTOM", AuthorizerId=authorizer)
    return name, authorizer


@pytest.fixture(scope="module")
def simple(cloud: Any) -> tuple[Deployed, str]:
    api = deploy(cloud, SHOW, routes=("GET /me", "GET /open"))
    name, _ = attach(
        cloud,
        api,
        SIMPLE,
        ["GET /me"],
        AuthorizerPayloadFormatVersion="2.0",
        EnableSimpleResponses=True,
        IdentitySource=["$request.header.x-pass"],
        AuthorizerResultTtlInSeconds=300,
    )
    return api, name


def cached_by_header(cloud: Any) -> tuple[Deployed, str]:
    """A route behind SIMPLE, simple responses, x-pass as identity, cached 300 s."""
    api = deploy(cloud, SHOW, routes=("GET /me",))
    name, _ = attach(
        cloud,
        api,
        SIMPLE,
        ["GET /me"],
        AuthorizerPayloadFormatVersion="2.0",
        EnableSimpleResponses=True,
        IdentitySource=["$request.header.x-pass"],
        AuthorizerResultTtlInSeconds=300,
    )
    return api, name


def test_simple_responses_allow_and_deny_by_a_header_and_pass_the_context(simple: Any) -> None:
    api, _name = simple
    allowed = api.get("/me", headers={"x-pass": "yes"})
    assert allowed.status_code == 200, allowed.text
    # requestContext.authorizer.lambda = the returned context (reference G2), values as returned.
    assert json.loads(allowed.text) == {"lambda": {"user": "ada", "n": 1, "admin": True, "tags": ["a", "b"]}}
    denied = api.get("/me", headers={"x-pass": "no"})
    assert denied.status_code == 403 and denied.text == '{"message":"Forbidden"}'
    assert api.get("/open").status_code == 200


def test_a_missing_identity_source_is_401_without_calling_the_authorizer(simple: Any, cloud: Any) -> None:
    api, name = simple
    before = len(authorizer_runs(cloud, name))
    reply = api.get("/me")
    assert reply.status_code == 401 and reply.text == '{"message":"Unauthorized"}'
    assert "www-authenticate" not in reply.headers
    logged = invocation(cloud.port, reply.headers["apigw-requestid"])
    assert logged is not None and "identity source is missing" in logged["note"]
    time.sleep(0.5)
    assert len(authorizer_runs(cloud, name)) == before


def test_answers_are_cached_per_identity_for_the_ttl(cloud: Any) -> None:
    api, name = cached_by_header(cloud)
    assert [api.get("/me", headers={"x-pass": "yes"}).status_code for _ in range(3)] == [200] * 3
    assert api.get("/me", headers={"x-pass": "no"}).status_code == 403
    deadline = time.monotonic() + 20
    while len(authorizer_runs(cloud, name)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    runs = authorizer_runs(cloud, name)
    assert len(runs) == 2, runs  # once for "yes", once for "no"
    assert "['yes']" in runs[0] and "REQUEST 2.0" in runs[0] and f"{api.api_id}/$default/GET/me" in runs[0]


def test_an_iam_policy_answer_covers_only_its_resource(cloud: Any) -> None:
    api = deploy(cloud, SHOW, routes=("GET /allowed", "GET /other"))
    attach(
        cloud,
        api,
        POLICY,
        ["GET /allowed", "GET /other"],
        AuthorizerPayloadFormatVersion="2.0",
        EnableSimpleResponses=False,
        IdentitySource=["$request.header.authorization"],
    )
    headers = {"Authorization": "anything"}
    allowed = api.get("/allowed", headers=headers)
    assert allowed.status_code == 200 and json.loads(allowed.text) == {"lambda": {"via": "policy"}}
    assert api.get("/other", headers=headers).status_code == 403


def test_without_its_invoke_permission_the_authorizer_is_a_500(cloud: Any) -> None:
    api = deploy(cloud, SHOW, routes=("GET /me",))
    attach(
        cloud,
        api,
        SIMPLE,
        ["GET /me"],
        permit=False,
        AuthorizerPayloadFormatVersion="2.0",
        EnableSimpleResponses=True,
        IdentitySource=["$request.header.x-pass"],
    )
    reply = api.get("/me", headers={"x-pass": "yes"})
    assert reply.status_code == 500 and reply.text == '{"message":"Internal Server Error"}'
    logged = invocation(cloud.port, reply.headers["apigw-requestid"])
    assert logged is not None and "no permission to invoke the authorizer" in logged["note"]


def test_the_test_screen_learns_which_authorizer_run_decided_a_request(cloud: Any) -> None:
    """The local cloud's own inspection record (for the wizard's Test step,
    not an AWS API): the authorizer's function and Lambda request id, or
    none for an answer from the cache; its log lines carry that id."""
    api, name = cached_by_header(cloud)
    first = api.get("/me", headers={"x-pass": "yes"})
    second = api.get("/me", headers={"x-pass": "yes"})
    ran = invocation(cloud.port, first.headers["apigw-requestid"])
    assert ran is not None and ran["authorizer"]["function"] == name
    run_id = ran["authorizer"]["lambda_request_id"]
    assert run_id and run_id != ran["lambda_request_id"]  # its own run, not the function's
    cached = invocation(cloud.port, second.headers["apigw-requestid"])
    assert cached is not None and cached["authorizer"] == {"function": name, "lambda_request_id": None}
    logs = cloud.client("logs")
    deadline = time.monotonic() + 20
    found: list[str] = []
    while not any(run_id in m for m in found) and time.monotonic() < deadline:
        found = [e["message"] for e in logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]]
        time.sleep(0.2)
    assert any(m.startswith(f"START RequestId: {run_id}") for m in found), found
    assert invocation(cloud.port, api.get("/me").headers["apigw-requestid"])["authorizer"] is None  # 401 first
