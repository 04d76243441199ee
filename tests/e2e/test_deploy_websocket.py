"""`api.type: websocket` through the installed command: the API Gateway
docs' chat tutorial (routes $connect, $disconnect, $default, sendmessage;
stage production; the chat code with its DynamoDB table) deployed onto a
real local cloud, used with the `websockets` client, switched to HTTP and
back, and destroyed; then against stock moto with `--target aws`.
Facts: /work/shared/reference/aws-behaviour-2.md section K."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import boto3
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from tests.cloudproc import owner_kw
from tests.conftest import REGION, deploy_json, free_port, run_cli

WS = "api:\n  type: websocket\n"
HI = json.dumps({"action": "sendmessage", "data": "hi"})


def _open(url: str, **kw: Any) -> ClientConnection:
    return connect(url, open_timeout=30, **kw)


def _where(tmp_path: Path, config: Path) -> tuple[list[str], int]:
    port = free_port()
    return ["--config", str(config), "--port", str(port), "--state-dir", str(tmp_path / "state")], port


def test_the_chat_broadcasts_switches_type_and_destroys_clean(tmp_path: Path) -> None:
    config = tmp_path / "chat.yaml"
    chat = WS + "  name: chat\n"  # one name for both types: one ledger (scope: function + API name)
    config.write_text(chat)
    where, port = _where(tmp_path, config)
    kw = owner_kw(port)
    try:
        out = deploy_json(*where)
        api_id = str(out["api_id"])
        # K2: clients connect to the stage URL; the local cloud's path form is ws://.
        url = f"ws://127.0.0.1:{port}/_aws/execute-api/{api_id}/production"
        assert out["invoke_url"] == out["test_url"] == url
        assert out["api_endpoint"] == f"ws://{api_id}.execute-api.localhost:{port}"  # as AWS's is wss:// (K2)
        assert out["connections_url"] == f"http://127.0.0.1:{port}/_aws/execute-api/{api_id}/production/@connections"
        assert out["routes"] == ["$connect", "$disconnect", "$default", "sendmessage"] and out["stage"] == "production"

        with _open(url) as alice, _open(url) as bob:
            alice.send(HI)
            assert (alice.recv(timeout=30), bob.recv(timeout=30)) == ("hi", "hi")  # every connected client
            bob.send("not an action")  # K3: no matching route -> $default, which tells the sender how to chat
            guidance = bob.recv(timeout=30)
            assert isinstance(guidance, str) and guidance.startswith("Use the sendmessage route to send a message")
        # The host form, {apiId}.execute-api.localhost (no DNS needed: the socket goes to 127.0.0.1).
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        with _open(f"ws://{api_id}.execute-api.localhost:{port}/production", sock=sock) as carol:
            carol.send(HI)
            assert carol.recv(timeout=30) == "hi"

        proc = run_cli("test", *where, "--json")
        assert proc.returncode == 0, proc.stderr
        reply = json.loads(proc.stdout)
        assert reply["connected"] and reply["status"] == 101 and reply["frames"] == ["hi"]

        again = deploy_json(*where)
        assert again["created"] == [] and again["api_id"] == api_id  # nothing made twice
        # The table, like the rest of the control plane, outlives the local cloud (persist.py).
        assert run_cli("local", "--stop", "--port", str(port)).returncode == 0
        restarted = deploy_json(*where)  # starts the cloud again
        assert restarted["created"] == [] and "dynamodb_table:chat-connections" in restarted["reused"]
        with _open(url) as erin:
            erin.send(HI)
            assert erin.recv(timeout=30) == "hi"

        # The handler's DynamoDB calls pass only by its role's policy (rolecreds.py): without the chat
        # policy $connect's PutItem is denied, the function fails, and the handshake with it (K5).
        iam = boto3.client("iam", **kw)
        role = str(out["role_arn"]).rsplit("/", 1)[1]
        iam.delete_role_policy(RoleName=role, PolicyName="chat-connections")
        with pytest.raises(InvalidStatus) as denied:
            _open(url)
        assert denied.value.response.status_code == 502
        repaired = deploy_json(*where)  # the policy is put back
        assert "iam_role_policy:chat-connections" in repaired["updated"]
        with _open(url) as frank:
            frank.send(HI)
            assert frank.recv(timeout=30) == "hi"

        apigw = boto3.client("apigatewayv2", **kw)
        config.write_text("api:\n  name: chat\n")  # http under the same names
        http = deploy_json(*where)
        apis = apigw.get_apis()["Items"]
        assert [(a["ApiId"], a["ProtocolType"]) for a in apis] == [(http["api_id"], "HTTP")]
        assert boto3.client("dynamodb", **kw).list_tables()["TableNames"] == []  # the chat's table went too
        config.write_text(chat)
        back = deploy_json(*where)
        apis = apigw.get_apis()["Items"]
        assert [(a["ApiId"], a["ProtocolType"]) for a in apis] == [(back["api_id"], "WEBSOCKET")]
        policy = json.loads(boto3.client("lambda", **kw).get_policy(FunctionName="my-function")["Policy"])
        arns = sorted(s["Condition"]["ArnLike"]["AWS:SourceArn"] for s in policy["Statement"])
        assert [a.rsplit(":", 1)[1] for a in arns] == sorted(f"{back['api_id']}/*/{k}" for k in back["routes"])
        with _open(str(back["invoke_url"])) as dave:
            dave.send(HI)
            assert dave.recv(timeout=30) == "hi"

        proc = run_cli("destroy", "--yes", *where)
        assert proc.returncode == 0, proc.stderr
        assert apigw.get_apis()["Items"] == []
        assert boto3.client("dynamodb", **kw).list_tables()["TableNames"] == []
        assert boto3.client("lambda", **kw).list_functions()["Functions"] == []
        assert boto3.client("iam", **kw).list_roles()["Roles"] == []
    finally:
        run_cli("destroy", "--yes", *where)
        run_cli("local", "--stop", "--port", str(port))


OWN = """import json
import os

import boto3


def handler(event, context):
    ctx = event["requestContext"]
    if ctx["routeKey"] == "$connect":
        deny = (event.get("queryStringParameters") or {}).get("deny")
        return {"statusCode": 403 if deny else 200}
    if ctx["routeKey"] == "$disconnect":
        return {"statusCode": 200}
    endpoint = f"{os.environ['AWS_ENDPOINT_URL']}/_aws/execute-api/{ctx['apiId']}/{ctx['stage']}"
    api = boto3.client("apigatewaymanagementapi", endpoint_url=endpoint)
    target = json.loads(event["body"]).get("to") if ctx["routeKey"] == "sendmessage" else None
    if target is None:  # $default: the sender's own id
        answer = ctx["connectionId"]
    else:
        try:
            api.post_to_connection(ConnectionId=target, Data=b"x")
            answer = "delivered"
        except api.exceptions.GoneException:
            answer = "GoneException"
    api.post_to_connection(ConnectionId=ctx["connectionId"], Data=answer.encode())
    return {"statusCode": 200}
"""


def test_own_code_connect_rejects_with_its_status_and_gone_connections_raise(tmp_path: Path) -> None:
    code = tmp_path / "code"
    code.mkdir()
    (code / "app.py").write_text(OWN)
    config = tmp_path / "own.yaml"
    config.write_text(f"function:\n  code: {code}\n  handler: app.handler\n  timeout_s: 10\n{WS}  auto_deploy: false\n")
    where, port = _where(tmp_path, config)
    try:
        out = deploy_json(*where)
        assert "dynamodb_table" not in " ".join(map(str, out["created"]))  # only the chat code has a table
        role = str(out["role_arn"]).rsplit("/", 1)[1]
        # Its own code gets no chat policy: the test grants @connections as a user would.
        doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "execute-api:*", "Resource": "*"}]}
        boto3.client("iam", **owner_kw(port)).put_role_policy(
            RoleName=role, PolicyName="manage", PolicyDocument=json.dumps(doc)
        )
        url = str(out["invoke_url"])
        # K5: a $connect integration returning a non-2xx statusCode rejects the handshake with that status.
        with pytest.raises(InvalidStatus) as refused:
            _open(url + "?deny=1")
        assert refused.value.response.status_code == 403
        with _open(url) as gone:
            gone.send("who am I")
            gone_id = gone.recv(timeout=30)
        with _open(url) as alice:
            # K6: posting to a closed connection is 410 GoneException.
            alice.send(json.dumps({"action": "sendmessage", "to": gone_id}))
            assert alice.recv(timeout=30) == "GoneException"
        proc = run_cli("test", *where)
        assert proc.returncode == 0 and "Connected" in proc.stdout, proc.stderr
        proc = run_cli("test", *where, "-d", "not json")
        assert proc.returncode == 0 and "< " in proc.stdout  # $default answered with the sender's id
    finally:
        run_cli("destroy", "--yes", *where)
        run_cli("local", "--stop", "--port", str(port))


def test_stock_moto_has_the_websocket_resources_and_destroy_removes_them(
    aws_env: dict[str, str], tmp_path: Path
) -> None:
    config = tmp_path / "chat.yaml"
    config.write_text(WS)
    where = ["--target", "aws", "--config", str(config)]
    out = deploy_json(*where, env=aws_env)
    kw = {"endpoint_url": aws_env["AWS_ENDPOINT_URL"], "region_name": REGION}
    apigw, iam = boto3.client("apigatewayv2", **kw), boto3.client("iam", **kw)
    api_id = str(out["api_id"])
    api = apigw.get_api(ApiId=api_id)
    # K1: a WEBSOCKET API selects routes by $request.body.action.
    assert (api["ProtocolType"], api["RouteSelectionExpression"]) == ("WEBSOCKET", "$request.body.action")
    assert str(out["invoke_url"]) == f"wss://{api_id}.execute-api.{REGION}.amazonaws.com/production"  # K2
    assert out["connections_url"] == f"https://{api_id}.execute-api.{REGION}.amazonaws.com/production/@connections"
    routes = apigw.get_routes(ApiId=api_id)["Items"]
    assert sorted(r["RouteKey"] for r in routes) == sorted(["$connect", "$disconnect", "$default", "sendmessage"])
    assert {r.get("AuthorizationType", "NONE") for r in routes} == {"NONE"}
    (integration,) = apigw.get_integrations(ApiId=api_id)["Items"]
    fn_arn = str(out["function_arn"])
    # K1: AWS_PROXY, Lambda's invoke path as an apigateway ARN, 29 s at most, no payload version.
    assert integration["IntegrationType"] == "AWS_PROXY"
    assert integration["IntegrationUri"] == (
        f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{fn_arn}/invocations"
    )
    assert integration["TimeoutInMillis"] == 29000 and not integration.get("PayloadFormatVersion")
    assert {r["Target"] for r in routes} == {f"integrations/{integration['IntegrationId']}"}
    assert apigw.get_stage(ApiId=api_id, StageName="production")["StageName"] == "production"
    table = boto3.client("dynamodb", **kw).describe_table(TableName="my-websocket-api-connections")["Table"]
    assert table["KeySchema"] == [{"AttributeName": "connectionId", "KeyType": "HASH"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    role = str(out["role_arn"]).rsplit("/", 1)[1]
    doc = iam.get_role_policy(RoleName=role, PolicyName="chat-connections")["PolicyDocument"]
    account = fn_arn.split(":")[4]
    assert doc["Statement"] == [
        {
            "Effect": "Allow",
            "Action": ["dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Scan"],
            "Resource": table["TableArn"],
        },
        {
            "Effect": "Allow",
            "Action": "execute-api:ManageConnections",
            "Resource": [
                f"arn:aws:execute-api:{REGION}:{account}:{api_id}/production/{verb}/@connections/*"
                for verb in ("POST", "GET")
            ],
        },
    ]
    env = boto3.client("lambda", **kw).get_function_configuration(FunctionName="my-function")["Environment"]
    assert env["Variables"]["TABLE_NAME"] == "my-websocket-api-connections"
    policy = json.loads(boto3.client("lambda", **kw).get_policy(FunctionName="my-function")["Policy"])
    sources = sorted(s["Condition"]["ArnLike"]["AWS:SourceArn"] for s in policy["Statement"])
    assert sources == sorted(f"arn:aws:execute-api:{REGION}:{account}:{api_id}/*/{k}" for k in out["routes"])  # K1

    proc = run_cli("destroy", "--yes", *where, env=aws_env)
    assert proc.returncode == 0, proc.stderr
    assert apigw.get_apis()["Items"] == []
    assert boto3.client("dynamodb", **kw).list_tables()["TableNames"] == []
    assert boto3.client("lambda", **kw).list_functions()["Functions"] == []
    assert iam.list_roles()["Roles"] == []
