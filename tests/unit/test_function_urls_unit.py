"""Function URL pieces in-process (localcloud/lambdaurl/): the resource-policy
verdicts, the response mapping, the event, and which requests are URL
requests. Hostile shapes get an answer, never an exception.

Sources: reference aws-behaviour-2 I2 (the recorded NONE statement, the
two-permission rule of the urls-auth note), I3 and I4 (LocalStack's
AWS-validated test_lambda_url_* snapshots, recorded 2025-11-24)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from localcloud.apigatewayv2.events import BadOutput, HttpRequest
from localcloud.apigatewayv2.policy import allows
from localcloud.edge import data_plane_target
from localcloud.gate import Gate
from localcloud.lambdaurl import access, mapping, service

ARN = "arn:aws:lambda:us-east-1:123456789012:function:f"
URL_STATEMENT = {  # I2 [R]: what add-permission --function-url-auth-type NONE writes
    "Sid": "url",
    "Effect": "Allow",
    "Principal": "*",
    "Action": "lambda:InvokeFunctionUrl",
    "Resource": ARN,
    "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}},
}
INVOKE_STATEMENT = {
    "Sid": "invoke",
    "Effect": "Allow",
    "Principal": "*",
    "Action": "lambda:InvokeFunction",
    "Resource": ARN,
    "Condition": {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}},
}


def policy(*statements: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def test_none_needs_both_statements() -> None:
    assert access.check_public(policy(URL_STATEMENT, INVOKE_STATEMENT)) is access.ANONYMOUS
    for partial in (policy(), policy(URL_STATEMENT), policy(INVOKE_STATEMENT), None):
        with pytest.raises(access.Denied):
            access.check_public(partial)


def test_conditions_and_deny() -> None:
    iam_only = {**URL_STATEMENT, "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "AWS_IAM"}}}
    with pytest.raises(access.Denied):
        access.check_public(policy(iam_only, INVOKE_STATEMENT))
    unknown_key = {**URL_STATEMENT, "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}
    with pytest.raises(access.Denied):  # an operator not evaluated here: fail closed
        access.check_public(policy(unknown_key, INVOKE_STATEMENT))
    deny = {**INVOKE_STATEMENT, "Effect": "Deny", "Sid": "no"}
    with pytest.raises(access.Denied):
        access.check_public(policy(URL_STATEMENT, INVOKE_STATEMENT, deny))
    wildcard = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "lambda:*", "Resource": ARN}
    assert access.check_public(policy(wildcard)) is access.ANONYMOUS


@pytest.mark.parametrize(
    "hostile",
    [
        {"Statement": {"Effect": "Allow"}},
        {"Statement": "nope"},
        {"Statement": [1, None, "x"]},
        {"Statement": [{**URL_STATEMENT, "Condition": ["x"]}]},
        {"Statement": [{**URL_STATEMENT, "Condition": {"StringEquals": "x"}}]},
        {"Statement": [{**URL_STATEMENT, "Action": 5, "Principal": ["*"]}]},
    ],
)
def test_hostile_policies_are_a_denial_not_a_crash(hostile: Any) -> None:
    with pytest.raises(access.Denied):
        access.check_public(hostile)


def test_api_gateway_is_not_let_in_by_a_url_only_statement() -> None:
    """A statement conditioned on lambda:InvokedViaFunctionUrl is for URL
    calls; API Gateway's invocation is not one."""
    source = "arn:aws:execute-api:us-east-1:123456789012:abc/$default/GET/x"
    assert not allows(policy(INVOKE_STATEMENT), source, "123456789012")
    plain = {k: v for k, v in INVOKE_STATEMENT.items() if k != "Condition"}
    assert allows(policy(plain), source, "123456789012")


@pytest.mark.parametrize(
    ("returned", "status", "body"),
    [
        # I4 [R] test_lambda_url_invocation[*]
        ({"hello": "world"}, 200, b'{"hello":"world"}'),
        ({"statusCode": 200, "body": "body123"}, 200, b"body123"),
        ({"statusCode": 200, "body": '{"hello": "world"}'}, 200, b'{"hello": "world"}'),
        (["hello", 3, True], 200, b'["hello",3,true]'),
        ("hello", 200, b"hello"),
        (3, 200, b"3"),
        (3.1, 200, b"3.1"),
        (True, 200, b"true"),
        ({"statusCode": "418", "body": "i'm a teapot"}, 418, b"i'm a teapot"),
    ],
)
def test_the_recorded_response_mapping(returned: Any, status: int, body: bytes) -> None:
    response = mapping.response(json.dumps(returned).encode())
    assert (response.status, response.body) == (status, body)
    assert ("content-type", "application/json") in response.headers


@pytest.mark.parametrize(
    "bad",
    [
        {"statusCode": True},
        {"statusCode": "abc"},
        {"statusCode": 200, "headers": ["x"]},
        {"statusCode": 200, "headers": {"a\nb": "c"}},
        {"statusCode": 200, "cookies": "a=1"},
        {"statusCode": 200, "body": 5},
        {"statusCode": 200, "body": "!!", "isBase64Encoded": True},
    ],
)
def test_unsendable_custom_responses_are_bad_output(bad: Any) -> None:
    with pytest.raises(BadOutput):
        mapping.response(json.dumps(bad).encode())


def test_cookies_and_custom_content_type() -> None:
    response = mapping.response(
        json.dumps({"statusCode": 200, "headers": {"Content-Type": "text/html"}, "cookies": ["a=1"]}).encode()
    )
    assert ("content-type", "text/html") in response.headers and ("set-cookie", "a=1") in response.headers
    assert [v for k, v in response.headers if k == "content-type"] == ["text/html"]


def test_the_event_keeps_the_raw_path_and_says_who_called() -> None:
    request = HttpRequest(
        "POST", "/pa2%Fth/1", "a=1&a=2", [("content-type", "multipart/form-data; b=x")], b"--x--", "127.0.0.1"
    )
    event = mapping.event(request, "u" * 32, f"{'u' * 32}.lambda-url.us-east-1.localhost:4580", "rid")
    assert event["rawPath"] == "/pa2%Fth/1" and event["requestContext"]["http"]["path"] == "/pa2%Fth/1"
    assert event["queryStringParameters"] == {"a": "1,2"} and event["isBase64Encoded"] is True
    assert event["requestContext"]["accountId"] == "anonymous" and event["requestContext"]["requestId"] == "rid"
    assert event["headers"]["x-forwarded-port"] == "4580" and event["headers"]["x-amzn-tls-version"] == "TLSv1.2"


def test_which_requests_are_url_requests() -> None:
    url_id = "abcdefghijklmnopqrstuvwxyz012345"
    assert service.target(f"{url_id}.lambda-url.eu-west-1.localhost:4580", "/a%2Fb") == (url_id, "/a%2Fb", "eu-west-1")
    assert service.target(f"{url_id.upper()}.LAMBDA-URL.us-east-1.localhost", "/") == (url_id, "/", "us-east-1")
    assert service.target("127.0.0.1:4580", f"/_aws/lambda-url/{url_id}") == (url_id, "/", "")
    assert service.target("127.0.0.1:4580", f"/_aws/lambda-url/{url_id}/x/y") == (url_id, "/x/y", "")
    assert service.target("127.0.0.1:4580", "/_aws/execute-api/abc/x") is None
    # A URL's host owns every path, the execute-api path form too.
    assert data_plane_target(f"{url_id}.lambda-url.us-east-1.localhost:4580", "/_aws/execute-api/abc/x") is None


def test_url_hosts_are_this_clouds_names_on_its_port_only() -> None:
    gate = Gate(4580, "AKIAOWNER", "secret")
    url_host = "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.localhost"
    assert gate.host_allowed(f"{url_host}:4580") and gate.host_allowed(url_host)
    assert not gate.host_allowed(f"{url_host}:4581")
    assert not gate.host_allowed(f"{url_host}.evil.example:4580")
    assert not gate.host_allowed("x.lambda-url.localhost:4580")  # no region: not AWS's shape


def test_the_qualifier_a_function_name_carries() -> None:
    """botocore's FunctionUrlFunctionName: a name, name:alias, or a partial
    or full ARN with or without a qualifier."""
    from localcloud.lambdaurl.urlconfig import _derived_qualifier

    assert _derived_qualifier("f") is None and _derived_qualifier(ARN) is None
    assert _derived_qualifier("f:live") == "live" and _derived_qualifier(ARN + ":live") == "live"
    assert _derived_qualifier("123456789012:function:f") is None
    assert _derived_qualifier("123456789012:function:f:live") == "live"


def test_a_resource_policy_deny_is_a_verdict_of_its_own() -> None:
    """An explicit Deny wins over any Allow, the caller's own policies' too
    (IAM's evaluation logic); silence leaves it to the caller's policies."""
    role = "arn:aws:iam::123456789012:role/r"
    who = {"123456789012", role}
    context = {"lambda:functionurlauthtype": "AWS_IAM"}
    allow = {"Effect": "Allow", "Principal": {"AWS": role}, "Action": "lambda:InvokeFunctionUrl"}
    deny = {**allow, "Effect": "Deny"}
    assert access.resource_policy_verdict(policy(allow), "lambda:InvokeFunctionUrl", who, context) is True
    assert access.resource_policy_verdict(policy(allow, deny), "lambda:InvokeFunctionUrl", who, context) is False
    assert access.resource_policy_verdict(policy(allow), "lambda:InvokeFunction", who, context) is None
    assert access.resource_policy_verdict(policy(allow), "lambda:InvokeFunctionUrl", {"999999999999"}, context) is None
