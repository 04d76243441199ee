"""WebSocket APIs in the local cloud (localcloud/websocket/): a real
cloud, boto3 for the control plane, the `websockets` library as the client.

The chat is AWS's own sample's design (simple-websockets-chat-app): the
$connect / $disconnect routes keep connection ids in a DynamoDB table
(moto's, in this cloud), sendmessage posts to every id in it through
@connections. Facts: /work/shared/reference/aws-behaviour-2.md section K."""

from __future__ import annotations

import json
import socket
import time
import uuid
from typing import Any

import boto3
import pytest
from websockets.exceptions import InvalidStatus
from websockets.typing import Subprotocol
from websockets.sync.client import ClientConnection, connect

from tests.cloudproc import create_function, owner_kw

CHAT = """
import json
import socket
import os

import boto3

TABLE = os.environ["TABLE"]


def lambda_handler(event, context):
    ctx = event["requestContext"]
    db = boto3.client("dynamodb")
    me = ctx["connectionId"]
    if ctx["routeKey"] == "$connect":
        if (event.get("queryStringParameters") or {}).get("deny"):
            return {"statusCode": 403}
        if (event.get("queryStringParameters") or {}).get("crash"):
            raise RuntimeError("the $connect function fails")
        db.put_item(TableName=TABLE, Item={"id": {"S": me}})
        return {"statusCode": 200}
    if ctx["routeKey"] == "$disconnect":
        db.delete_item(TableName=TABLE, Key={"id": {"S": me}})
        return {"statusCode": 200}
    endpoint = f"{os.environ['AWS_ENDPOINT_URL']}/_aws/execute-api/{ctx['apiId']}/{ctx['stage']}"
    manage = boto3.client("apigatewaymanagementapi", endpoint_url=endpoint)
    if ctx["routeKey"] == "sendmessage":
        data = json.loads(event["body"])["data"]
        for item in db.scan(TableName=TABLE)["Items"]:
            manage.post_to_connection(ConnectionId=item["id"]["S"], Data=data.encode())
    else:  # $default: the event back to its sender, for the test to read
        manage.post_to_connection(ConnectionId=me, Data=json.dumps(event).encode())
    return {"statusCode": 200}
"""


def _websocket_api(
    cloud: Any, code: str, env: dict[str, str], actions: list[str], keys: tuple[str, ...]
) -> tuple[str, str]:
    """A WEBSOCKET API whose routes `keys` all run one function whose role
    allows `actions`: its ws:// URL (path form) and the function's name."""
    kw = owner_kw(cloud.port)
    name, arn = create_function(cloud, code, env=env, timeout=10)
    if actions:
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}
        boto3.client("iam", **kw).put_role_policy(
            RoleName=f"{name}-role", PolicyName="chat", PolicyDocument=json.dumps(policy)
        )
    apigw = boto3.client("apigatewayv2", **kw)
    # Reference K1: a WEBSOCKET API needs a route selection expression.
    api = apigw.create_api(Name="chat", ProtocolType="WEBSOCKET", RouteSelectionExpression="$request.body.action")
    api_id = api["ApiId"]
    uri = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations"
    integration = apigw.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=uri)
    for key in keys:
        apigw.create_route(ApiId=api_id, RouteKey=key, Target=f"integrations/{integration['IntegrationId']}")
    apigw.create_stage(ApiId=api_id, StageName="prod", AutoDeploy=True)
    boto3.client("lambda", **kw).add_permission(
        FunctionName=name,
        StatementId="apigw",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=f"arn:aws:execute-api:us-east-1:123456789012:{api_id}/*",  # K1: .../{stage}/{routeKey}
    )
    return f"ws://127.0.0.1:{cloud.port}/_aws/execute-api/{api_id}/prod", name


@pytest.fixture(scope="module")
def chat(cloud: Any) -> str:
    """The chat API's ws:// URL (path form)."""
    table = f"chat-{uuid.uuid4().hex[:8]}"
    boto3.client("dynamodb", **owner_kw(cloud.port)).create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    actions = ["dynamodb:*", "execute-api:ManageConnections"]
    keys = ("$connect", "$disconnect", "$default", "sendmessage")
    return _websocket_api(cloud, CHAT, {"TABLE": table}, actions, keys)[0]


def _open(url: str) -> ClientConnection:
    return connect(url, open_timeout=20)


def _event(client: ClientConnection) -> dict[str, Any]:
    """The $default route's event, as the chat handler posts it back."""
    client.send("not json")
    event: dict[str, Any] = json.loads(client.recv(timeout=20))
    return event


def test_a_message_reaches_every_connected_client(chat: str) -> None:
    with _open(chat) as alice, _open(chat) as bob:
        alice.send(json.dumps({"action": "sendmessage", "data": "hi"}))
        assert alice.recv(timeout=20) == "hi"
        assert bob.recv(timeout=20) == "hi"


def test_events_carry_what_api_gateway_sends(chat: str) -> None:
    with _open(chat) as client:
        event = _event(client)
    context = event["requestContext"]
    # Reference K3: a non-JSON body goes to $default. K4: a MESSAGE event
    # has the frame as `body`, no headers, and these context fields.
    assert context["routeKey"] == "$default"
    assert context["eventType"] == "MESSAGE"
    assert context["messageDirection"] == "IN"
    assert context["stage"] == "prod"
    assert event["body"] == "not json" and "headers" not in event
    # K4: connection ids are 16 characters of base64 ending in "=".
    assert len(context["connectionId"]) == 16 and context["connectionId"].endswith("=")
    assert isinstance(context["connectedAt"], int) and context["apiId"] in context["domainName"]


def test_a_connect_route_answering_403_refuses_the_handshake(chat: str) -> None:
    # Reference K5: a $connect function's non-2xx statusCode refuses the
    # upgrade with that status (serverless-offline PR #1301, wscat).
    with pytest.raises(InvalidStatus) as refused:
        _open(chat + "?deny=1")
    assert refused.value.response.status_code == 403


def test_a_failing_connect_function_refuses_the_handshake_with_502(chat: str) -> None:
    # AWS answers a failing $connect function's upgrade with 502 (wscat's
    # "Unexpected server response: 502" in serverless-websockets-plugin#13,
    # aws-lambda-graphql#107); reference K5: the connection is not made.
    with pytest.raises(InvalidStatus) as refused:
        _open(chat + "?crash=1")
    assert refused.value.response.status_code == 502


def test_a_closed_connection_is_gone(cloud: Any, chat: str) -> None:
    api_id = chat.split("/")[-2]
    manage = boto3.client(
        "apigatewaymanagementapi",
        **{**owner_kw(cloud.port), "endpoint_url": f"http://127.0.0.1:{cloud.port}/_aws/execute-api/{api_id}/prod"},
    )
    with _open(chat) as client:
        connection_id = _event(client)["requestContext"]["connectionId"]
        # K6: GetConnection answers ConnectedAt, Identity{SourceIp, UserAgent}, LastActiveAt.
        found = manage.get_connection(ConnectionId=connection_id)
        assert found["Identity"]["SourceIp"] == "127.0.0.1" and "LastActiveAt" in found
    # K6: a closed connection answers 410 GoneException.
    deadline = time.monotonic() + 10
    while True:
        try:
            manage.post_to_connection(ConnectionId=connection_id, Data=b"late")
        except manage.exceptions.GoneException:
            break
        assert time.monotonic() < deadline, "the closed connection still takes posts"
        time.sleep(0.1)


def test_delete_connection_closes_it_with_1000(cloud: Any, chat: str) -> None:
    api_id = chat.split("/")[-2]
    manage = boto3.client(
        "apigatewaymanagementapi",
        **{**owner_kw(cloud.port), "endpoint_url": f"http://127.0.0.1:{cloud.port}/_aws/execute-api/{api_id}/prod"},
    )
    with _open(chat) as client:
        connection_id = _event(client)["requestContext"]["connectionId"]
        manage.delete_connection(ConnectionId=connection_id)
        with pytest.raises(Exception):
            client.recv(timeout=20)
        # K6: DeleteConnection takes no close code; API Gateway closes with 1000.
        assert client.close_code == 1000
    with pytest.raises(manage.exceptions.GoneException):
        manage.get_connection(ConnectionId=connection_id)


def test_posting_over_128_kb_is_refused(cloud: Any, chat: str) -> None:
    api_id = chat.split("/")[-2]
    manage = boto3.client(
        "apigatewaymanagementapi",
        **{**owner_kw(cloud.port), "endpoint_url": f"http://127.0.0.1:{cloud.port}/_aws/execute-api/{api_id}/prod"},
    )
    with _open(chat) as client:
        connection_id = _event(client)["requestContext"]["connectionId"]
        # Reference K6: Data is at most 131072 bytes; more is PayloadTooLargeException (413).
        with pytest.raises(manage.exceptions.PayloadTooLargeException):
            manage.post_to_connection(ConnectionId=connection_id, Data=b"x" * (128 * 1024 + 1))
        manage.post_to_connection(ConnectionId=connection_id, Data=b"x" * (128 * 1024))
        assert client.recv(timeout=20) == "x" * (128 * 1024)


def test_an_action_with_no_route_goes_to_default(chat: str) -> None:
    with _open(chat) as client:
        client.send(json.dumps({"action": "nosuchroute"}))
        event = json.loads(client.recv(timeout=20))
    # Reference K3: a key with no route goes to $default.
    assert event["requestContext"]["routeKey"] == "$default"


def test_the_host_form_url_connects(cloud: Any, chat: str) -> None:
    api_id = chat.split("/")[-2]
    sock = socket.create_connection(("127.0.0.1", cloud.port), timeout=20)  # *.localhost may not resolve here
    with connect(f"ws://{api_id}.execute-api.localhost:{cloud.port}/prod", sock=sock, open_timeout=20) as client:
        assert _event(client)["requestContext"]["stage"] == "prod"


# Reference K7 and AWS's "Quotas for configuring and running a WebSocket in
# API Gateway": frames are at most 32 KB, messages 128 KB (bigger messages
# are split into frames); a bigger message or frame closes with 1009.
@pytest.mark.parametrize(
    "fragments",
    [["x" * (32 * 1024 + 1)], ["x" * (32 * 1024)] * 4 + ["x"]],
    ids=["a 33 KB frame", "a 129 KB message in 32 KB frames"],
)
def test_a_frame_over_32_kb_or_a_message_over_128_kb_closes_with_1009(chat: str, fragments: list[str]) -> None:
    with _open(chat) as client:
        client.send(fragments if len(fragments) > 1 else fragments[0])
        with pytest.raises(Exception):
            client.recv(timeout=20)
        assert client.close_code == 1009


def test_a_message_of_32_kb_frames_within_128_kb_is_routed(chat: str) -> None:
    with _open(chat) as client:
        client.send(["y" * (32 * 1024)] * 3)
        event = json.loads(client.recv(timeout=20))
    assert event["requestContext"]["routeKey"] == "$default" and event["body"] == "y" * (96 * 1024)


def test_an_unknown_stage_refuses_the_handshake(chat: str) -> None:
    with pytest.raises(InvalidStatus) as refused:
        _open(chat.rsplit("/", 1)[0] + "/nosuchstage")
    assert refused.value.response.status_code == 403


NO_MANAGE = """
import os

import boto3


def lambda_handler(event, context):
    ctx = event["requestContext"]
    endpoint = f"{os.environ['AWS_ENDPOINT_URL']}/_aws/execute-api/{ctx['apiId']}/{ctx['stage']}"
    try:
        boto3.client("apigatewaymanagementapi", endpoint_url=endpoint).post_to_connection(
            ConnectionId=ctx["connectionId"], Data=b"posted"
        )
    except Exception as exc:
        print("REFUSED", exc.response["Error"]["Code"], exc.response["ResponseMetadata"]["HTTPStatusCode"])
    return {"statusCode": 200}
"""


def test_a_role_without_manage_connections_may_not_post(cloud: Any) -> None:
    # Reference K5: the $connect integration is optional (this API has only $default).
    url, name = _websocket_api(cloud, NO_MANAGE, {}, [], ("$default",))
    logs = cloud.client("logs")
    with _open(url) as client:
        client.send("hello")
        deadline = time.monotonic() + 20
        lines: list[str] = []
        while not any("REFUSED" in line for line in lines):
            assert time.monotonic() < deadline, f"no REFUSED line in {lines}"
            time.sleep(0.2)
            try:
                lines = [e["message"] for e in logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]]
            except logs.exceptions.ResourceNotFoundException:
                lines = []
    # K6: PostToConnection's errors include ForbiddenException 403.
    assert any("REFUSED ForbiddenException 403" in line for line in lines), lines


def test_a_message_no_route_takes_gets_the_forbidden_frame(cloud: Any) -> None:
    url, _ = _websocket_api(cloud, NO_MANAGE, {}, [], ("sendmessage",))
    with _open(url) as client:
        client.send("not json")
        frame = client.recv(timeout=20)
    # Reference K3 (wscat captures): this exact format, space after "message": only.
    assert isinstance(frame, str) and frame.startswith('{"message": "Forbidden", "connectionId":"')
    assert json.loads(frame)["requestId"]


def test_a_closed_client_leaves_the_chat(chat: str) -> None:
    """$disconnect ran: the chat's table no longer names the closed client,
    so sendmessage posts only to the one still connected (a post to the
    gone one would fail the function, and the sender would get API
    Gateway's "Internal server error" frame instead of "hi")."""
    with _open(chat) as bob:
        with _open(chat) as alice:
            alice.send(json.dumps({"action": "sendmessage", "data": "both"}))
            assert bob.recv(timeout=20) == "both"
        deadline = time.monotonic() + 10
        while True:
            bob.send(json.dumps({"action": "sendmessage", "data": "hi"}))
            if bob.recv(timeout=20) == "hi":
                break
            assert time.monotonic() < deadline, "the closed client is still in the chat"


def test_the_cloud_stops_promptly_with_a_connection_open(tmp_path: Any) -> None:
    """uvicorn waits for every connection's task at shutdown: an open
    WebSocket (and its $disconnect) must not hold the cloud up."""
    from tests.cloudproc import LocalCloudProcess

    own = LocalCloudProcess(tmp_path / "cloud").start()
    try:
        url, _ = _websocket_api(own, NO_MANAGE, {}, [], ("$default", "$disconnect"))
        with _open(url):
            started = time.monotonic()
            assert own.stop() == 0
            assert time.monotonic() - started < 15
    finally:
        if own.proc is not None and own.proc.poll() is None:
            own.proc.kill()


SUBPROTOCOL = """
def lambda_handler(event, context):
    if event["requestContext"]["routeKey"] == "$connect":
        offered = event["headers"].get("sec-websocket-protocol", event["headers"].get("Sec-WebSocket-Protocol", ""))
        if "chat.v1" in offered:
            return {"statusCode": 200, "headers": {"Sec-WebSocket-Protocol": "chat.v1"}}
    return {"statusCode": 200}
"""


def test_the_subprotocol_is_the_one_connect_answers_with(cloud: Any) -> None:
    url, _ = _websocket_api(cloud, SUBPROTOCOL, {}, [], ("$connect",))
    # Reference K5 (AWS docs, websocket-connect-route-subprotocol): the
    # $connect integration echoes Sec-WebSocket-Protocol to pick one.
    with connect(url, open_timeout=20, subprotocols=[Subprotocol("chat.v1")]) as client:
        assert client.subprotocol == "chat.v1"
