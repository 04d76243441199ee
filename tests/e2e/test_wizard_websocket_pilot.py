"""The Test step of a WebSocket API, driven by Textual's pilot at 80x24
against a real local cloud: connect, send, the reply with its round trip,
the handler's log lines, a refused handshake and the close on leaving.

The API is made here with boto3, as tests/e2e/test_local_websocket.py
makes it, so the panel is covered whether or not the wizard's own
WebSocket deploy is there yet (the type-to-test flow through Create is in
test_wizard_api_types.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, Input, Static

from tui.app import WizardApp
from tui.config import Config, api_for_type
from tui.services.session import Identity
from tui.stack.outcome import DeployResult
from tui.state import WizardState
from tui.widgets.framelog import FrameLog
from tests.e2e.test_local_websocket import _websocket_api
from tests.e2e.test_wizard_pilot import SIZE, screen_is, until

ECHO = """
import json
import os

import boto3


def lambda_handler(event, context):
    ctx = event["requestContext"]
    print("route", ctx["routeKey"], ctx.get("disconnectStatusCode") or "")
    if ctx["routeKey"] == "$connect":
        return {"statusCode": int(os.environ["CONNECT_STATUS"])}
    if ctx["routeKey"] == "$disconnect":
        return {"statusCode": 200}
    endpoint = f"{os.environ['AWS_ENDPOINT_URL']}/_aws/execute-api/{ctx['apiId']}/{ctx['stage']}"
    manage = boto3.client("apigatewaymanagementapi", endpoint_url=endpoint)
    # A hostile reply: markup and a terminal escape, shown as text.
    reply = "echo [b]" + json.loads(event["body"])["data"] + "[/b] \\x1b[31m"
    manage.post_to_connection(ConnectionId=ctx["connectionId"], Data=reply.encode())
    return {"statusCode": 200}
"""


def _state(cloud: Any, tmp_path: Path, connect_status: int) -> WizardState:
    url, name = _websocket_api(
        cloud,
        ECHO,
        {"CONNECT_STATUS": str(connect_status)},
        ["execute-api:ManageConnections"],
        ("$connect", "$disconnect", "$default", "sendmessage"),
    )
    config = Config(api=api_for_type("websocket"))
    state = WizardState(config, tmp_path / "state", cloud.port)
    state.update("function", name=name)
    state.identity = Identity("123456789012", "arn:aws:iam::123456789012:root")
    state.result = DeployResult("local", "us-east-1", "123456789012", name, function_arn=f"arn:{name}")
    # As the local cloud's invoke URL reads (http://, path form): the panel connects with ws://.
    state.result.invoke_url = "http://" + url.removeprefix("ws://")
    state.result.api_id = url.rsplit("/", 2)[-2]
    return state


def _lines(app: WizardApp) -> list[str]:
    return app.screen.query_one("#frames", FrameLog).lines_written


async def test_connect_send_receive_and_close_on_leaving(cloud: Any, tmp_path: Path) -> None:
    state = _state(cloud, tmp_path, 200)
    app = WizardApp(state)
    async with app.run_test(size=SIZE) as pilot:
        app.goto("test")
        await until(pilot, screen_is(app, "test"), "the test step")
        assert str(app.screen.query_one("#url", Static).render()).startswith("ws://127.0.0.1:")
        assert app.focused is not None and app.focused.id == "connect"
        await pilot.press("enter")
        await until(pilot, lambda: any("open:" in line for line in _lines(app)), "the connection", timeout=60)
        assert state.step_done("test")
        message = app.screen.query_one("#message", Input)
        assert app.focused is message and message.value == '{"action": "sendmessage", "data": "hi"}'
        await pilot.press("enter")
        await until(pilot, lambda: any(line.startswith("←") for line in _lines(app)), "the reply", timeout=60)
        sent = next(line for line in _lines(app) if line.startswith("→"))
        reply = next(line for line in _lines(app) if line.startswith("←"))
        assert '{"action": "sendmessage", "data": "hi"}' in sent
        # Untrusted text stays text: the brackets as sent, the escape as \x1b.
        assert "round trip" in reply and "echo [b]hi[/b] \\x1b[31m" in reply
        # Read again after each frame: the message's lines follow $connect's.
        await until(
            pilot,
            lambda: "route sendmessage" in str(app.screen.query_one("#out-logs", Static).render()),
            "the handler's log lines for the message",
        )
        logs = str(app.screen.query_one("#out-logs", Static).render())
        assert "route $connect" in logs and "START RequestId" in logs
        screen = app.screen
        app.goto("cleanup")  # leaving the step closes the connection
        await until(pilot, lambda: any("closed: code 1000" in line for line in _lines_of(screen)), "the close")
        assert screen.query_one("#connect", Button).disabled is False


def _lines_of(screen: Any) -> list[str]:
    return screen.query_one("#frames", FrameLog).lines_written


async def test_a_refused_handshake_says_its_status(cloud: Any, tmp_path: Path) -> None:
    app = WizardApp(_state(cloud, tmp_path, 403))
    async with app.run_test(size=SIZE) as pilot:
        app.goto("test")
        await until(pilot, screen_is(app, "test"), "the test step")
        await pilot.press("enter")
        await until(pilot, lambda: any("refused" in line for line in _lines(app)), "the refusal", timeout=60)
        assert "HTTP 403" in str(app.screen.query_one("#status", Static).render())
        assert app.focused is not None and app.focused.id == "connect"  # Enter tries again


@pytest.mark.parametrize("kind", ["http", "rest"])
async def test_other_types_keep_the_request_screen(tmp_path: Path, kind: str) -> None:
    """The Test step's screen follows the API type (and changes with it)."""
    state = WizardState(Config(api=api_for_type("websocket")), tmp_path / "state", 1)
    app = WizardApp(state)
    async with app.run_test(size=SIZE) as pilot:
        app.goto("test")
        await until(pilot, screen_is(app, "test"), "the test step")
        assert type(app.screen).__name__ == "WebSocketTestScreen"
        app.goto("target")
        await pilot.pause()
        state.update(api=api_for_type(kind))
        app.goto("test")
        await until(pilot, lambda: type(app.screen).__name__ == "TestScreen", "the request screen")


async def test_quitting_closes_the_connection(cloud: Any, tmp_path: Path) -> None:
    """Ctrl+Q with a connection open closes it properly: API Gateway runs
    $disconnect with the client's close code 1000 (a dropped socket: 1006)."""
    import time

    state = _state(cloud, tmp_path, 200)
    app = WizardApp(state)
    async with app.run_test(size=SIZE) as pilot:
        app.goto("test")
        await until(pilot, screen_is(app, "test"), "the test step")
        await pilot.press("enter")
        await until(pilot, lambda: any("open:" in line for line in _lines(app)), "the connection", timeout=60)
        await pilot.press("ctrl+q")
    logs = cloud.client("logs")
    group = f"/aws/lambda/{state.config.function.name}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        events = logs.filter_log_events(logGroupName=group)["events"]
        if any("route $disconnect 1000" in e["message"] for e in events):
            return
        time.sleep(0.3)
    raise AssertionError(f"$disconnect never ran: {[e['message'] for e in events]}")
