"""The apigatewayv2 kinds widened to WebSocket APIs, the chat example's
table and role policy, in-process against moto's in-memory backends (as
test_kinds.py): what a deploy makes (reference K1), that a second one makes
nothing, that pending entries are found, that switching HTTP <-> WebSocket
leaves one API, and that destroy removes all of it. Then the config's
`chat` code and the export's WebSocket forms."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from tests.unit.test_kinds import REGION, cloud, ledger_for  # noqa: F401 - the moto fixture
from tui.config import Config, ConfigError, api_for_type, parse
from tui.services import http_api, permissions
from tui.services.session import Cloud
from tui.stack import plans
from tui.stack.destroy import destroy
from tui.stack.engine import Deployer, Event
from tui.stack.ledger import Resource
from tui.stack.plans import BY_TYPE

CHAT = parse({"api": {"type": "websocket"}})
KEYS = ["$connect", "$disconnect", "$default", "sendmessage"]


def test_the_chat_deploys_as_the_tutorial_makes_it_and_once(cloud: Cloud, tmp_path: Path) -> None:  # noqa: F811
    ledger = ledger_for(cloud, tmp_path)
    first = Deployer(cloud, CHAT, ledger).run()
    client = cloud.client("apigatewayv2")
    api = client.get_api(ApiId=first.api_id)
    assert (api["ProtocolType"], api["RouteSelectionExpression"]) == ("WEBSOCKET", "$request.body.action")  # K1
    (integration,) = client.get_integrations(ApiId=first.api_id)["Items"]
    assert integration["IntegrationUri"] == (
        f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{first.function_arn}/invocations"
    )
    assert not integration.get("PayloadFormatVersion") and integration["TimeoutInMillis"] == 29000
    routes = client.get_routes(ApiId=first.api_id)["Items"]
    assert sorted(r["RouteKey"] for r in routes) == sorted(KEYS)
    assert client.get_stage(ApiId=first.api_id, StageName="production")["StageName"] == "production"
    sources = sorted(s["Condition"]["ArnLike"]["AWS:SourceArn"] for s in permissions.statements(cloud, "my-function"))
    assert [s.split(":", 5)[5] for s in sources] == sorted(f"{first.api_id}/*/{k}" for k in KEYS)  # K1
    assert first.invoke_url == f"wss://{first.api_id}.execute-api.{REGION}.amazonaws.com/production"
    assert first.connections_url == f"https://{first.api_id}.execute-api.{REGION}.amazonaws.com/production/@connections"
    types = {r.type for r in ledger.resources}
    assert {"AWS::DynamoDB::Table", "AWS::IAM::RolePolicy"} <= types
    env = cloud.client("lambda").get_function_configuration(FunctionName="my-function")["Environment"]["Variables"]
    assert env == {"TABLE_NAME": "my-websocket-api-connections"}

    again = Deployer(cloud, CHAT, ledger).run()
    assert again.created == [] and again.updated == [] and again.api_id == first.api_id


def test_each_websocket_kind_finds_what_a_pending_entry_stands_for(cloud: Cloud, tmp_path: Path) -> None:  # noqa: F811
    ledger = ledger_for(cloud, tmp_path)
    result = Deployer(cloud, CHAT, ledger).run()
    uri = http_api.invocation_uri(REGION, result.function_arn)
    for recorded in list(ledger.resources):
        pending = Resource(recorded.type, recorded.id, parent=recorded.parent, extra=dict(recorded.extra))
        if recorded.type == "AWS::ApiGatewayV2::Api":
            token = cloud.client("apigatewayv2").get_api(ApiId=recorded.id)["Tags"]["apigw-wizard:token"]
            pending = Resource(recorded.type, "pending-x", extra={"token": token})
        if recorded.type == "AWS::ApiGatewayV2::Integration":
            pending = Resource(recorded.type, "pending-x", parent=recorded.parent, extra={"uri": uri})
        if recorded.type == "AWS::ApiGatewayV2::Route":
            pending = Resource(recorded.type, "pending-x", parent=recorded.parent, extra=dict(recorded.extra))
        found = BY_TYPE[recorded.type].find(cloud, pending, result.account)
        assert found is not None and found.id == recorded.id, recorded


def test_switching_http_and_websocket_leaves_one_api(cloud: Cloud, tmp_path: Path) -> None:  # noqa: F811
    ledger = ledger_for(cloud, tmp_path)
    http = Deployer(cloud, Config(), ledger).run()
    events: list[Event] = []
    ws_config = replace(CHAT, api=api_for_type("websocket", name="my-http-api"))
    ws = Deployer(cloud, ws_config, ledger, events.append).run()
    apis = cloud.client("apigatewayv2").get_apis()["Items"]
    assert [(a["ApiId"], a["ProtocolType"]) for a in apis] == [(ws.api_id, "WEBSOCKET")]
    assert any("another protocol now" in e.message for e in events)
    assert not [r for r in ledger.resources if http.api_id in (r.parent, r.id)]
    assert not [s for s in permissions.statements(cloud, "my-function") if http.api_id in str(s)]
    back = Deployer(cloud, Config(), ledger).run()
    apis = cloud.client("apigatewayv2").get_apis()["Items"]
    assert [(a["ApiId"], a["ProtocolType"]) for a in apis] == [(back.api_id, "HTTP")]
    assert cloud.client("dynamodb").list_tables()["TableNames"] == []  # the chat's table retired
    role = back.role_arn.rsplit("/", 1)[1]
    assert cloud.client("iam").list_role_policies(RoleName=role)["PolicyNames"] == []


def test_destroy_removes_the_chat(cloud: Cloud, tmp_path: Path) -> None:  # noqa: F811
    ledger = ledger_for(cloud, tmp_path)
    Deployer(cloud, CHAT, ledger).run()
    destroy(cloud, ledger)
    assert ledger.resources == []
    assert cloud.client("apigatewayv2").get_apis()["Items"] == []
    assert cloud.client("dynamodb").list_tables()["TableNames"] == []
    assert cloud.client("iam").list_roles()["Roles"] == []


def test_the_chat_policy_is_scoped_to_the_table_and_the_stage(cloud: Cloud, tmp_path: Path) -> None:  # noqa: F811
    ledger = ledger_for(cloud, tmp_path)
    result = Deployer(cloud, CHAT, ledger).run()
    role = result.role_arn.rsplit("/", 1)[1]
    doc = cloud.client("iam").get_role_policy(RoleName=role, PolicyName="chat-connections")["PolicyDocument"]
    table, manage = doc["Statement"]
    assert table["Action"] == ["dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Scan"]
    assert table["Resource"].endswith(":table/my-websocket-api-connections")
    prefix = f"arn:aws:execute-api:{REGION}:{result.account}:{result.api_id}/production"
    assert manage == {
        "Effect": "Allow",
        "Action": "execute-api:ManageConnections",
        "Resource": [f"{prefix}/POST/@connections/*", f"{prefix}/GET/@connections/*"],
    }


def test_an_existing_role_gets_no_chat_policy_and_other_code_no_table() -> None:
    own_role = parse({"api": {"type": "websocket"}, "function": {"role": "my-role"}})
    assert [k.type for k in plans.applicable(own_role) if k.type == "AWS::IAM::RolePolicy"] == []
    hello = parse({"api": {"type": "websocket"}, "function": {"code": "hello"}})
    assert not {"AWS::DynamoDB::Table", "AWS::IAM::RolePolicy"} & {k.type for k in plans.applicable(hello)}


def test_chat_is_the_websocket_default_code_and_only_there() -> None:
    assert CHAT.function.code == "chat" and CHAT.api.routes == tuple(KEYS) and CHAT.api.stage == "production"
    assert parse({}).function.code == "hello"
    with pytest.raises(ConfigError, match=r"function.code: chat is the WebSocket chat example.*api.type websocket"):
        parse({"function": {"code": "chat"}})
    from tui.services.packaging import HELLO_FILE, build, handler_module_problem

    assert build("chat").files == (HELLO_FILE,)
    assert handler_module_problem("chat", "lambda_function.lambda_handler") is None


def test_the_chat_code_fits_inline_and_compiles() -> None:
    from tui.services.chat_code import CHAT_CODE

    assert len(CHAT_CODE) <= 4096  # CloudFormation's inline ZipFile limit
    compile(CHAT_CODE, "lambda_function.py", "exec")


def test_the_templates_hold_the_raw_websocket_resources() -> None:
    from tui.stack.render import cloudformation, sam

    for render in (cloudformation.template, sam.template):
        doc = render(CHAT)
        assert doc["Description"].startswith("Lambda function my-function behind the WebSocket API my-websocket-api")
        resources = doc["Resources"]
        assert not [r for r in resources.values() if r["Type"].startswith("AWS::Serverless::Http")]
        integration = resources["MyIntegration"]["Properties"]
        assert "PayloadFormatVersion" not in integration and integration["TimeoutInMillis"] == 29000
        permissions_ = [r for r in resources.values() if r["Type"] == "AWS::Lambda::Permission"]
        assert sorted(p["Properties"]["SourceArn"]["Fn::Sub"].rsplit("/", 1)[1] for p in permissions_) == sorted(KEYS)
        outputs = doc["Outputs"]
        assert outputs["WebSocketUrl"]["Value"] == {"Fn::Sub": "${MyHttpApi.ApiEndpoint}/production"}
    sam_function = sam.template(CHAT)["Resources"]["MyFunction"]["Properties"]
    assert json.dumps(sam_function["Policies"]).count("execute-api:ManageConnections") == 1


def test_websocket_urls() -> None:
    from tui.services.ws_tester import connections_url, websocket_url

    assert websocket_url("http://127.0.0.1:1/_aws/execute-api/a/p") == "ws://127.0.0.1:1/_aws/execute-api/a/p"
    assert websocket_url("wss://a.execute-api.r.amazonaws.com/p") == "wss://a.execute-api.r.amazonaws.com/p"
    assert connections_url("wss://a.execute-api.r.amazonaws.com/p") == (
        "https://a.execute-api.r.amazonaws.com/p/@connections"
    )


def test_frames_a_handler_sent_reach_the_terminal_escaped() -> None:
    """A frame is the handler's text: an escape sequence in it must not
    drive the user's terminal."""
    from tui.services.ws_tester import WsReply

    reply = WsReply("ws://x/p", True, 101, "hi", ("\x1b]52;c;evil\x07 ok\ttab",), 3.0)
    assert reply.lines()[1] == "< \\x1b]52;c;evil\\x07 ok\ttab"
    refused = WsReply("ws://x/p", False, 403, error="\x1b[2J")
    assert refused.lines() == ["Handshake refused: 403  \\x1b[2J"]
    assert reply.as_json()["frames"] == ["\x1b]52;c;evil\x07 ok\ttab"]  # JSON escapes them itself


def test_dynamodb_reads_do_not_save_the_control_plane() -> None:
    """The chat scans its table on every message: a read, no snapshot;
    PutItem and DeleteItem change the table and are saved."""
    from localcloud.operations import is_read

    assert is_read("Scan") and is_read("Query") and is_read("GetItem")
    assert not is_read("PutItem") and not is_read("DeleteItem")
