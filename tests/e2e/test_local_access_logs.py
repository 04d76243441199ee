"""HTTP API access logs over real HTTP (reference H3; http-api-logging and
http-api-logging-variables): a stage's AccessLogSettings send one line per
request, the Format's $context variables filled, into the named CloudWatch
Logs group, where filter-log-events reads them. The formats are the
console's CLF and JSON presets as the docs print them."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest

from localcloud.moto_bridge import ACCOUNT
from tests.cloudproc import deploy

HANDLER = """
def lambda_handler(event, context):
    return {"statusCode": 201, "body": "made"}
"""
CLF = (
    '$context.identity.sourceIp - - [$context.requestTime] "$context.httpMethod $context.routeKey '
    '$context.protocol" $context.status $context.responseLength $context.requestId'
)
JSON_PRESET = (
    '{ "requestId":"$context.requestId", "ip": "$context.identity.sourceIp", "requestTime":"$context.requestTime", '
    '"httpMethod":"$context.httpMethod","routeKey":"$context.routeKey", "status":"$context.status",'
    '"protocol":"$context.protocol", "responseLength":"$context.responseLength" }'
)


def lines(cloud: Any, group: str, count: int) -> list[str]:
    logs = cloud.client("logs")
    deadline = time.monotonic() + 30
    found: list[str] = []
    while time.monotonic() < deadline:
        try:
            found = [e["message"] for e in logs.filter_log_events(logGroupName=group)["events"]]
        except logs.exceptions.ResourceNotFoundException:
            found = []
        if len(found) >= count:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{len(found)} access log lines in {group}, wanted {count}")


def _settings(group: str, fmt: str) -> dict[str, Any]:
    arn = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{group}"
    return {"AccessLogSettings": {"DestinationArn": arn, "Format": fmt}}


def test_clf_lines_for_a_success_and_a_404(cloud: Any) -> None:
    group = f"access-clf-{time.time_ns()}"
    api = deploy(cloud, HANDLER, routes=("POST /orders",), stage_settings=_settings(group, CLF))
    made = api.request("POST", "/orders", headers={"user-agent": "tester"})
    missing = api.get("/nowhere")
    assert made.status_code == 201 and missing.status_code == 404
    found = lines(cloud, group, 2)
    ok = next(line for line in found if made.headers["apigw-requestid"] in line)
    assert re.fullmatch(
        r"127\.0\.0\.1 - - \[\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "
        r'"POST POST /orders HTTP/1\.1" 201 4 ' + re.escape(made.headers["apigw-requestid"]),
        ok,
    ), ok
    not_found = next(line for line in found if missing.headers["apigw-requestid"] in line)
    # No route matched: $context.routeKey has no value, written "-" as API Gateway writes it.
    assert '"GET - HTTP/1.1" 404 23 ' in not_found, not_found


def test_the_json_preset_is_valid_json_per_line(cloud: Any) -> None:
    group = f"access-json-{time.time_ns()}"
    api = deploy(cloud, HANDLER, routes=("ANY /items",), stage_settings=_settings(group, JSON_PRESET))
    reply = api.get("/items")
    entry = json.loads(lines(cloud, group, 1)[0])
    assert entry["requestId"] == reply.headers["apigw-requestid"]
    assert entry["routeKey"] == "ANY /items" and entry["httpMethod"] == "GET"
    assert entry["status"] == "201" and entry["protocol"] == "HTTP/1.1" and entry["responseLength"] == "4"


def test_update_stage_turns_access_logs_on_and_bad_settings_are_refused(cloud: Any) -> None:
    group = f"access-update-{time.time_ns()}"
    api = deploy(cloud, HANDLER, routes=("GET /later",))
    client = cloud.client("apigatewayv2")
    # botocore's AccessLogSettings: the format "must include at least $context.requestId".
    with pytest.raises(client.exceptions.BadRequestException):
        client.update_stage(ApiId=api.api_id, StageName="$default", **_settings(group, "$context.status only"))
    with pytest.raises(client.exceptions.BadRequestException):
        client.update_stage(
            ApiId=api.api_id,
            StageName="$default",
            AccessLogSettings={"DestinationArn": "not-an-arn", "Format": "$context.requestId"},
        )
    client.update_stage(
        ApiId=api.api_id, StageName="$default", **_settings(group, "$context.requestId $context.status")
    )
    reply = api.get("/later")
    assert lines(cloud, group, 1) == [f"{reply.headers['apigw-requestid']} 201"]
    # DeleteAccessLogSettings (botocore's model: DELETE
    # /v2/apis/{ApiId}/stages/{StageName}/accesslogsettings, 204): the stage
    # stops logging, and a missing stage is NotFound.
    client.delete_access_log_settings(ApiId=api.api_id, StageName="$default")
    assert "AccessLogSettings" not in client.get_stage(ApiId=api.api_id, StageName="$default")
    after = api.get("/later")
    assert after.status_code == 201
    time.sleep(1.5)  # a line written for it, if any, is readable by now
    assert lines(cloud, group, 1) == [f"{reply.headers['apigw-requestid']} 201"]
    with pytest.raises(client.exceptions.NotFoundException):
        client.delete_access_log_settings(ApiId=api.api_id, StageName="nope")
