"""IAM's verdict by action for a handler's role credentials, in process.
The evaluation order (an explicit Deny overrides any Allow; no Allow means
denied) is IAM's policy evaluation logic (AWS docs:
reference_policies_evaluation-logic)."""

from __future__ import annotations

import json

from localcloud.rolecreds import RoleSessions, allowed, iam_action

BASIC = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "logs:CreateLogGroup", "Resource": "arn:aws:logs:us-east-1:123456789012:*"},
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/my-function:*"],
            },
        ],
    }
)


def test_the_consoles_basic_role_allows_only_logs() -> None:
    assert allowed([BASIC], "logs:PutLogEvents")
    assert not allowed([BASIC], "lambda:DeleteFunction")
    assert not allowed([BASIC], "iam:CreateRole")
    assert not allowed([], "lambda:InvokeFunction")
    assert allowed([], "sts:GetCallerIdentity")  # needs no permission on AWS


def test_wildcards_notaction_and_deny_wins() -> None:
    star = json.dumps({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}})
    deny = json.dumps({"Statement": [{"Effect": "Deny", "Action": "lambda:Delete*", "Resource": "*"}]})
    not_iam = json.dumps({"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]})
    assert allowed([star], "dynamodb:PutItem")
    assert not allowed([star, deny], "lambda:DeleteFunction")
    assert allowed([star, deny], "lambda:GetFunction")
    assert allowed([not_iam], "s3:GetObject") and not allowed([not_iam], "iam:PassRole")
    assert not allowed(["not json"], "s3:GetObject")
    assert allowed([json.dumps({"Statement": [{"Effect": "Allow", "Action": "LAMBDA:list*"}]})], "lambda:ListFunctions")


def test_api_gateway_actions_are_http_verbs_and_sessions_are_stable() -> None:
    assert iam_action("apigatewayv2", "CreateApi", "POST") == "apigateway:POST"
    assert iam_action("lambda", "Invoke", "POST") == "lambda:InvokeFunction"
    keys: dict[str, str] = {}
    sessions = RoleSessions(keys)
    first = sessions.issue("arn:fn", "fn", "arn:aws:iam::123456789012:role/r")
    assert sessions.issue("arn:fn", "fn", "arn:aws:iam::123456789012:role/r") is first
    assert keys[first.access_key] == first.secret and first.access_key.startswith("ASIA")
    assert first.principal == "arn:aws:sts::123456789012:assumed-role/r/fn"
    other = sessions.issue("arn:fn", "fn", "arn:aws:iam::123456789012:role/other")
    assert other.access_key != first.access_key


def test_a_role_request_is_judged_by_what_will_really_run() -> None:
    """Red-team finding: a header or an Action= must not make an Invoke or
    a PutRolePolicy look like a Logs call."""
    from localcloud.operations import for_role

    logs = [("x-amz-target", "Logs_20140328.PutLogEvents"), ("content-type", "application/x-amz-json-1.1")]
    form = [("content-type", "application/x-www-form-urlencoded")]
    invoke = "/2015-03-31/functions/victim/invocations"
    assert for_role("POST", invoke, "", [], b"{}", "lambda").name == "Invoke"  # type: ignore[union-attr]
    assert for_role("POST", invoke, "", logs, b"{}", "lambda") is None
    assert for_role("POST", invoke, "Action=PutLogEvents", [], b"{}", "logs") is None
    assert for_role("POST", "/", "", logs, b"{}", "logs").name == "PutLogEvents"  # type: ignore[union-attr]
    assert for_role("POST", "/", "", logs + form, b"Action=PutRolePolicy&RoleName=r", "iam") is None
    assert for_role("POST", "/", "", form, b"Action=PutRolePolicy&RoleName=r", "iam").name == "PutRolePolicy"  # type: ignore[union-attr]
    assert for_role("POST", "/", "", logs, b"{}", "iam") is None
    assert for_role("GET", "/v2/apis", "", [], b"", "lambda") is None  # signed for another service
    assert for_role("GET", "/v2/apis", "", [], b"", "apigateway").name == "GetApis"  # type: ignore[union-attr]
    assert for_role("POST", "/", "", [], b"", "not-a-service") is None
    assert for_role("GET", "/no/such/route", "", [], b"", "lambda") is None
