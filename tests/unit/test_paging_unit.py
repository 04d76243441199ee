"""Listings read every page. moto answers in one page, so a stubbed
client (botocore's Stubber, the real client and paginator) gives two:
AWS pages these listings (botocore's paginators: get_apis, get_routes,
get_integrations, list_functions, list_roles, list_attached_role_policies,
list_role_policies, list_entities_for_policy, list_policy_versions,
filter_log_events)."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from tui.services import functions, http_api, logs, roles
from tui.services.errors import WizardError
from tui.services.session import Cloud, Target


def test_routes_integrations_and_apis_come_from_every_page() -> None:
    cloud = Cloud(Target("aws", "us-east-1", endpoint_url="http://127.0.0.1:1", access_key="k", secret_key="s"))
    client = cloud.client("apigatewayv2")
    with Stubber(client) as stub:
        stub.add_response("get_integrations", {"Items": [{"IntegrationId": "a"}], "NextToken": "t1"}, {"ApiId": "x"})
        stub.add_response("get_integrations", {"Items": [{"IntegrationId": "b"}]}, {"ApiId": "x", "NextToken": "t1"})
        stub.add_response(
            "get_routes", {"Items": [{"RouteId": "r1", "RouteKey": "GET /a"}], "NextToken": "t"}, {"ApiId": "x"}
        )
        stub.add_response(
            "get_routes", {"Items": [{"RouteId": "r2", "RouteKey": "GET /b"}]}, {"ApiId": "x", "NextToken": "t"}
        )
        stub.add_response(
            "get_apis",
            {
                "Items": [{"ApiId": "1", "Name": "a", "ProtocolType": "HTTP", "RouteSelectionExpression": "x"}],
                "NextToken": "n",
            },
            {},
        )
        stub.add_response(
            "get_apis",
            {"Items": [{"ApiId": "2", "Name": "b", "ProtocolType": "HTTP", "RouteSelectionExpression": "x"}]},
            {"NextToken": "n"},
        )
        assert [i["IntegrationId"] for i in http_api.get_integrations(cloud, "x")] == ["a", "b"]
        assert [r["RouteId"] for r in http_api.get_routes(cloud, "x")] == ["r1", "r2"]
        assert [a["ApiId"] for a in http_api.list_apis(cloud)] == ["1", "2"]
        stub.assert_no_pending_responses()


def _cloud() -> Cloud:
    return Cloud(Target("aws", "us-east-1", endpoint_url="http://127.0.0.1:1", access_key="k", secret_key="s"))


def _fn(name: str) -> dict[str, str]:
    return {"FunctionName": name}


def _role(name: str, trusted: bool = True) -> dict[str, Any]:
    service = "lambda.amazonaws.com" if trusted else "ec2.amazonaws.com"
    trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}
    return {
        "Path": "/",
        "RoleName": name,
        "RoleId": "AROAEXAMPLEEXAMPLE1",
        "Arn": f"arn:aws:iam::1:role/{name}",
        "CreateDate": datetime.datetime(2026, 1, 1),
        "AssumeRolePolicyDocument": json.dumps(trust),
    }


def test_lambda_functions_come_from_every_page() -> None:
    cloud = _cloud()
    with Stubber(cloud.client("lambda")) as stub:
        stub.add_response("list_functions", {"Functions": [_fn("a")], "NextMarker": "m"}, {})
        stub.add_response("list_functions", {"Functions": [_fn("b")]}, {"Marker": "m"})
        assert [f["FunctionName"] for f in functions.list_functions(cloud)] == ["a", "b"]
        stub.assert_no_pending_responses()


def test_lambda_roles_come_from_every_page() -> None:
    cloud = _cloud()
    with Stubber(cloud.client("iam")) as stub:
        stub.add_response(
            "list_roles", {"Roles": [_role("a"), _role("ec2", False)], "IsTruncated": True, "Marker": "m"}, {}
        )
        stub.add_response("list_roles", {"Roles": [_role("b")], "IsTruncated": False}, {"Marker": "m"})
        assert [r["RoleName"] for r in roles.list_lambda_roles(cloud)] == ["a", "b"]
        stub.assert_no_pending_responses()


def test_a_policy_attached_on_the_second_page_is_found() -> None:
    cloud = _cloud()
    with Stubber(cloud.client("iam")) as stub:
        stub.add_response(
            "list_attached_role_policies",
            {"AttachedPolicies": [{"PolicyArn": "arn:aws:iam::1:policy/one"}], "IsTruncated": True, "Marker": "m"},
            {"RoleName": "r"},
        )
        stub.add_response(
            "list_attached_role_policies",
            {"AttachedPolicies": [{"PolicyArn": "arn:aws:iam::1:policy/two"}], "IsTruncated": False},
            {"RoleName": "r", "Marker": "m"},
        )
        assert roles.policy_attached(cloud, "r", "arn:aws:iam::1:policy/two")
        stub.assert_no_pending_responses()


def test_deleting_a_role_detaches_and_deletes_policies_from_every_page() -> None:
    cloud = _cloud()
    with Stubber(cloud.client("iam")) as stub:
        stub.add_response(
            "list_attached_role_policies",
            {"AttachedPolicies": [{"PolicyArn": "arn:aws:iam::1:policy/one"}], "IsTruncated": True, "Marker": "m"},
            {"RoleName": "r"},
        )
        stub.add_response(
            "list_attached_role_policies",
            {"AttachedPolicies": [{"PolicyArn": "arn:aws:iam::1:policy/two"}], "IsTruncated": False},
            {"RoleName": "r", "Marker": "m"},
        )
        stub.add_response("detach_role_policy", {}, {"RoleName": "r", "PolicyArn": "arn:aws:iam::1:policy/one"})
        stub.add_response("detach_role_policy", {}, {"RoleName": "r", "PolicyArn": "arn:aws:iam::1:policy/two"})
        stub.add_response(
            "list_role_policies", {"PolicyNames": ["p1"], "IsTruncated": True, "Marker": "n"}, {"RoleName": "r"}
        )
        stub.add_response(
            "list_role_policies", {"PolicyNames": ["p2"], "IsTruncated": False}, {"RoleName": "r", "Marker": "n"}
        )
        stub.add_response("delete_role_policy", {}, {"RoleName": "r", "PolicyName": "p1"})
        stub.add_response("delete_role_policy", {}, {"RoleName": "r", "PolicyName": "p2"})
        stub.add_response("delete_role", {}, {"RoleName": "r"})
        roles.delete_role(cloud, "r")
        stub.assert_no_pending_responses()


def test_deleting_a_policy_reads_every_page_of_its_roles_and_versions() -> None:
    cloud = _cloud()
    arn = "arn:aws:iam::1:policy/p"
    version = {"VersionId": "v1", "IsDefaultVersion": False}
    with Stubber(cloud.client("iam")) as stub:
        stub.add_response(
            "list_entities_for_policy",
            {"PolicyRoles": [{"RoleName": "a"}], "IsTruncated": True, "Marker": "m"},
            {"PolicyArn": arn},
        )
        stub.add_response(
            "list_entities_for_policy",
            {"PolicyRoles": [{"RoleName": "b"}], "IsTruncated": False},
            {"PolicyArn": arn, "Marker": "m"},
        )
        stub.add_response("detach_role_policy", {}, {"RoleName": "a", "PolicyArn": arn})
        stub.add_response("detach_role_policy", {}, {"RoleName": "b", "PolicyArn": arn})
        stub.add_response(
            "list_policy_versions",
            {"Versions": [{"VersionId": "v2", "IsDefaultVersion": True}], "IsTruncated": True, "Marker": "n"},
            {"PolicyArn": arn},
        )
        stub.add_response(
            "list_policy_versions", {"Versions": [version], "IsTruncated": False}, {"PolicyArn": arn, "Marker": "n"}
        )
        stub.add_response("delete_policy_version", {}, {"PolicyArn": arn, "VersionId": "v1"})
        stub.add_response("delete_policy", {}, {"PolicyArn": arn})
        roles.delete_policy(cloud, arn)
        stub.assert_no_pending_responses()


def test_log_events_follow_an_empty_page_and_stop_at_the_limit() -> None:
    """filter_log_events may answer a page with no events and a token while
    it searches: reading only the first page showed no logs at all."""
    cloud = _cloud()
    group = {"logGroupName": "/aws/lambda/fn", "startTime": 5}
    event = {"timestamp": 7, "logStreamName": "s", "message": "hello\n"}
    with Stubber(cloud.client("logs")) as stub:
        stub.add_response("filter_log_events", {"events": [], "nextToken": "t1"}, group)
        stub.add_response("filter_log_events", {"events": [event], "nextToken": "t2"}, {**group, "nextToken": "t1"})
        stub.add_response(
            "filter_log_events",
            {"events": [{**event, "message": "again"}, event], "nextToken": "t3"},
            {**group, "nextToken": "t2"},
        )
        got = logs.recent_events(cloud, "fn", since_ms=5, limit=2)
        assert [(e.timestamp_ms, e.stream, e.message) for e in got] == [(7, "s", "hello"), (7, "s", "again")]
        stub.assert_no_pending_responses()  # and no page was asked for past the limit


def test_a_missing_log_group_is_no_events() -> None:
    cloud = _cloud()
    with Stubber(cloud.client("logs")) as stub:
        stub.add_client_error(
            "filter_log_events", "ResourceNotFoundException", "The specified log group does not exist."
        )
        assert logs.recent_events(cloud, "fn") == []


def test_a_failure_on_a_later_page_is_one_wizard_error() -> None:
    cloud = _cloud()
    with Stubber(cloud.client("lambda")) as stub:
        stub.add_response("list_functions", {"Functions": [_fn("a")], "NextMarker": "m"}, {})
        stub.add_client_error("list_functions", "AccessDeniedException", "not allowed", expected_params={"Marker": "m"})
        with pytest.raises(WizardError) as caught:
            functions.list_functions(cloud)
    assert caught.value.sentence().startswith("Could not list the Lambda functions: AccessDeniedException: not allowed")


def test_no_service_module_calls_a_paginated_operation_directly() -> None:
    """Every listing botocore has a paginator for goes through one (paging.py):
    a direct call reads the first page only."""
    from botocore import xform_name

    cloud = _cloud()
    paginated = {
        xform_name(op)
        for service in ("lambda", "iam", "logs", "apigatewayv2", "sts")
        for client in [cloud.client(service)]
        for op in client.meta.service_model.operation_names
        if client.can_paginate(xform_name(op))
    }
    assert {"list_functions", "filter_log_events", "get_routes"} <= paginated
    services = Path(__file__).resolve().parents[2] / "tui" / "services"
    direct = [
        f"{path.name}: {name}"
        for path in sorted(services.glob("*.py"))
        for name in re.findall(r"\.([a-z_]+)\b", path.read_text())
        if name in paginated
    ]
    assert direct == []
