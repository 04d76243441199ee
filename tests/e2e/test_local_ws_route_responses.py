"""Two-way WebSocket routes in the local cloud (localcloud/websocket/replies.py):
a real cloud, boto3 for the control plane, the `websockets` library as the client.

Reference K1: "Two-way routes need RouteResponseSelectionExpression:
"$default" plus a CreateRouteResponse(RouteResponseKey="$default"). Without
these, the Lambda's return value is not sent to the client"; AWS docs
apigateway-websocket-api-route-response: "The body of your Lambda function
should return"."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.cloudproc import create_function, owner_kw

# Its answer depends on the message: the route tests read what comes back.
ECHO = """
import json


def lambda_handler(event, context):
    if event["requestContext"]["eventType"] != "MESSAGE":
        return {"statusCode": 200}
    message = json.loads(event["body"])
    kind = message.get("kind")
    if kind == "string":
        return "plain " + message["text"]
    if kind == "object":
        return {"echo": message["text"]}
    if kind == "nobody":
        return {"statusCode": 200}
    return {"statusCode": 200, "body": "got " + message["text"]}
"""


@pytest.fixture(scope="module")
def echo_api(cloud: Any) -> tuple[str, Any, str]:
    """A WEBSOCKET API whose routes `oneway`, `twoway`, `alsotwoway` and
    $default run the echo function; the two-way ones set up as the console's
    "Enable two-way communication" does. (ws URL, apigatewayv2 client, API id)."""
    kw = owner_kw(cloud.port)
    name, arn = create_function(cloud, ECHO, timeout=10)
    apigw = boto3.client("apigatewayv2", **kw)
    api_id = apigw.create_api(Name="echo", ProtocolType="WEBSOCKET", RouteSelectionExpression="$request.body.action")[
        "ApiId"
    ]
    uri = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations"
    target = (
        "integrations/"
        + apigw.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=uri)["IntegrationId"]
    )
    apigw.create_route(ApiId=api_id, RouteKey="oneway", Target=target)
    apigw.create_route(ApiId=api_id, RouteKey="$default", Target=target)
    for key in ("twoway", "alsotwoway"):
        route_id = apigw.create_route(
            ApiId=api_id, RouteKey=key, Target=target, RouteResponseSelectionExpression="$default"
        )["RouteId"]
        apigw.create_route_response(ApiId=api_id, RouteId=route_id, RouteResponseKey="$default")
    apigw.create_stage(ApiId=api_id, StageName="prod", AutoDeploy=True)
    boto3.client("lambda", **kw).add_permission(
        FunctionName=name,
        StatementId="apigw",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=f"arn:aws:execute-api:us-east-1:123456789012:{api_id}/*",
    )
    return f"ws://127.0.0.1:{cloud.port}/_aws/execute-api/{api_id}/prod", apigw, api_id


def _send(url: str, messages: list[dict[str, Any]], expect: int) -> list[str]:
    """Send each message on one connection: the frames that come back, the
    `expect`ed ones (20 s at most) and any more within 2 s after them."""
    got: list[str] = []
    with connect(url, open_timeout=20) as client:
        for message in messages:
            client.send(json.dumps(message))
        try:
            while True:
                frame = client.recv(timeout=20 if len(got) < expect else 2)
                got.append(frame if isinstance(frame, str) else frame.decode())
        except (TimeoutError, ConnectionClosed):
            return got


def test_a_two_way_route_sends_the_body_back(echo_api: tuple[str, Any, str]) -> None:
    # K1 / AWS docs: the proxy answer's body is what the client gets.
    got = _send(echo_api[0], [{"action": "twoway", "text": "hi"}], 1)
    assert got == ["got hi"]


def test_a_one_way_route_sends_nothing(echo_api: tuple[str, Any, str]) -> None:
    # K1: without a route response the function's return value is not sent.
    # The two-way message after it proves the connection answered in the meantime.
    got = _send(echo_api[0], [{"action": "oneway", "text": "a"}, {"text": "b"}, {"action": "twoway", "text": "c"}], 1)
    assert got == ["got c"]


def test_what_a_two_way_route_sends_for_other_answers(echo_api: tuple[str, Any, str]) -> None:
    # Not proxy-shaped: the return value itself (its JSON text); a proxy
    # answer without a body: nothing.
    messages = [
        {"action": "twoway", "kind": "string", "text": "x"},
        {"action": "twoway", "kind": "nobody", "text": "y"},
        {"action": "twoway", "kind": "object", "text": "z"},
    ]
    got = _send(echo_api[0], messages, 2)
    assert sorted(json.loads(frame) for frame in got if frame.startswith('"')) == ["plain x"]
    assert [json.loads(frame) for frame in got if frame.startswith("{")] == [{"echo": "z"}]
    assert len(got) == 2


def test_removing_the_route_response_makes_the_route_one_way(echo_api: tuple[str, Any, str]) -> None:
    url, apigw, api_id = echo_api
    api_routes = apigw.get_routes(ApiId=api_id)["Items"]
    route_id = next(r["RouteId"] for r in api_routes if r["RouteKey"] == "twoway")
    response_id = apigw.get_route_responses(ApiId=api_id, RouteId=route_id)["Items"][0]["RouteResponseId"]
    apigw.delete_route_response(ApiId=api_id, RouteId=route_id, RouteResponseId=response_id)
    try:
        # The other two-way route's answer proves the connection answered meanwhile.
        got = _send(url, [{"action": "twoway", "text": "gone"}, {"action": "alsotwoway", "text": "x"}], 1)
        assert got == ["got x"]
    finally:
        apigw.create_route_response(ApiId=api_id, RouteId=route_id, RouteResponseKey="$default")


def test_route_responses_answer_with_aws_status_codes(echo_api: tuple[str, Any, str]) -> None:
    # botocore's model of apigatewayv2: CreateRouteResponse 201, GetRouteResponses 200,
    # DeleteRouteResponse 204; moto lacks GetRouteResponses (controlplane_routeresponses.py).
    _, apigw, api_id = echo_api
    route_id = apigw.create_route(ApiId=api_id, RouteKey="statuses")["RouteId"]
    created = apigw.create_route_response(ApiId=api_id, RouteId=route_id, RouteResponseKey="$default")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201 and created["RouteResponseKey"] == "$default"
    listed = apigw.get_route_responses(ApiId=api_id, RouteId=route_id)["Items"]
    assert [r["RouteResponseId"] for r in listed] == [created["RouteResponseId"]]
    deleted = apigw.delete_route_response(ApiId=api_id, RouteId=route_id, RouteResponseId=created["RouteResponseId"])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert apigw.get_route_responses(ApiId=api_id, RouteId=route_id)["Items"] == []
    with pytest.raises(apigw.exceptions.NotFoundException):
        apigw.get_route_responses(ApiId=api_id, RouteId="nosuchroute")
