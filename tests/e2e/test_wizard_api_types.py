"""The console's "Choose an API type" on the API step, by keyboard at 80x24:
what each type sets and shows (no cloud: the snapshot tests' fixed
backend), and each type from the chooser to a tested endpoint against a
real local cloud. REST and WebSocket deploys come from their own kinds;
until tui.stack.plans registers them, those two flows are skipped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, Static, Switch

from tui.app import WizardApp
from tui.stack import plans
from tui.state import WizardState
from tui.widgets.framelog import FrameLog
from tests.e2e.test_wizard_pilot import SIZE, local_state, screen_is, to_function_step, until  # noqa: F401
from tests.e2e.test_wizard_snapshots import make_app

DOWNS = {"http": 0, "websocket": 1, "rest": 2}  # the console's order


def _deploys(kind: str) -> bool:
    """Some kind of tui.stack.plans makes this API type's API."""
    return any(kind in (k.api_types or ()) for k in plans.ORDERED)


needs_rest = pytest.mark.skipif(not _deploys("rest"), reason="the REST kinds (AWS::ApiGateway::*) are not in plans yet")
needs_websocket = pytest.mark.skipif(not _deploys("websocket"), reason="the v2 kinds do not deploy WebSocket APIs yet")


async def _choose(pilot: Any, app: WizardApp, kind: str) -> Any:
    """On the API step's first sub-step: Home, arrows to the type, Enter."""
    await until(pilot, screen_is(app, "api"), "the API step")
    screen = app.screen
    await until(pilot, lambda: app.focused is screen.query_one("#api-type"), "focus on the API types")
    await pilot.press("home", *["down"] * DOWNS[kind], "enter")
    await until(pilot, lambda: screen.pane == "integration", "the integrations")  # type: ignore[attr-defined]
    return screen


def _summary(screen: Any) -> str:
    return str(screen.query_one("#summary", Static).render())


async def test_each_type_sets_its_defaults_and_shows_its_own_sub_steps(tmp_path: Path) -> None:
    app = make_app(tmp_path, "api")
    state = app.state
    state.update("api", name="orders")  # typed by the person: kept across types
    async with app.run_test(size=SIZE) as pilot:
        app.goto("api")
        screen = await _choose(pilot, app, "websocket")
        api = state.config.api
        assert (api.type, api.name, api.stage) == ("websocket", "orders", "production")
        assert api.routes == ("$connect", "$disconnect", "$default", "sendmessage")
        assert not screen.query_one("#payload-field").display and state.step_title("api") == "Create WS API"
        await pilot.press("enter")  # -> routes: read-only keys and the selection expression
        assert screen.pane == "routes" and not screen.query_one("#new-route-field").display
        assert "$request.body.action" in str(screen.query_one("#routes-note").render())
        await pilot.press("enter", "enter")  # -> stages -> review: no access sub-step
        await until(pilot, lambda: screen.pane == "review", "the review")
        assert "wss://{api-id}.execute-api.us-east-1.amazonaws.com/production" in _summary(screen)

        await pilot.press("escape", "escape", "escape", "escape")
        screen = await _choose(pilot, app, "rest")
        api = state.config.api
        assert (api.type, api.name, api.stage, api.auto_deploy) == ("rest", "orders", "dev", False)
        await pilot.press("enter", "enter")  # -> routes -> stages
        await until(pilot, lambda: screen.pane == "stages", "the stages")
        assert not screen.query_one("#auto-deploy-row").display and not screen.query_one("#access-log-field").display
        assert "only when deployed" in str(screen.query_one("#stages-note").render())
        await pilot.press("enter")
        await until(pilot, lambda: screen.pane == "access", "the access sub-step")
        assert not screen.query_one("#http-access").display
        await pilot.press("shift+tab")
        assert app.focused is screen.query_one("#api-key", Switch)
        await pilot.press("enter", "tab", "enter")  # the key required; Next
        await until(pilot, lambda: screen.pane == "review", "the review")
        assert state.config.api.api_key
        summary = _summary(screen)
        assert "API key required" in summary and "https://{api-id}.execute-api.us-east-1.amazonaws.com/dev" in summary

        # Back to HTTP: its defaults again, the typed name kept.
        await pilot.press(*["escape"] * 5)
        screen = await _choose(pilot, app, "http")
        api = state.config.api
        assert (api.type, api.name, api.stage, api.api_key) == ("http", "orders", "$default", False)
        assert screen.query_one("#payload-field").display and state.step_title("api") == "Create HTTP API"


async def test_a_default_name_follows_the_type(tmp_path: Path) -> None:
    app = make_app(tmp_path, "api")
    async with app.run_test(size=SIZE) as pilot:
        app.goto("api")
        await _choose(pilot, app, "rest")
        assert app.state.config.api.name == "my-rest-api"


async def _through_create(pilot: Any, app: WizardApp, kind: str) -> None:
    screen = await _choose(pilot, app, kind)
    for _ in range(len(screen.panes) - 2):  # integrations -> ... -> review
        await pilot.press("enter")
        await pilot.pause(0.05)
    await until(pilot, lambda: screen.pane == "review", "the review")
    await pilot.press("enter")
    await until(pilot, lambda: app.state.step_done("api"), "the API to be created", timeout=90)
    await until(pilot, lambda: str(screen.query_one("#next", Button).label) == "Next: Test", "Next: Test")
    await pilot.press("enter")
    await until(pilot, screen_is(app, "test"), "the test step")


async def _send_and_see_hello(pilot: Any, app: WizardApp) -> None:
    await pilot.press("enter")
    await until(pilot, lambda: bool(app.state.history), "the response", timeout=60)
    record = app.state.history[-1]
    assert record.status == 200 and record.summary == '"Hello from Lambda!"', record


async def test_http_from_the_chooser_to_hello(cloud: Any, local_state: WizardState) -> None:  # noqa: F811
    app = WizardApp(local_state)
    async with app.run_test(size=SIZE) as pilot:
        await to_function_step(pilot, app, create=True)
        await pilot.press("enter")
        await _through_create(pilot, app, "http")
        await _send_and_see_hello(pilot, app)


@needs_rest
async def test_rest_from_the_chooser_to_hello_with_its_api_key(cloud: Any, local_state: WizardState) -> None:  # noqa: F811
    app = WizardApp(local_state)
    async with app.run_test(size=SIZE) as pilot:
        await to_function_step(pilot, app, create=True)
        await pilot.press("enter")
        await _through_create(pilot, app, "rest")
        assert "/dev" in local_state.result.invoke_url
        await _send_and_see_hello(pilot, app)
        # With an API key required: the request carries it (shown masked only).
        app.goto("api")
        await until(pilot, screen_is(app, "api"), "the API step")
        screen: Any = app.screen
        screen.pane = "access"
        screen._show()
        await pilot.pause()
        await pilot.press("shift+tab", "enter", "tab", "enter")
        await until(pilot, lambda: local_state.config.api.api_key, "the API key required")
        await pilot.press("enter")
        await until(pilot, lambda: str(screen.query_one("#next", Button).label) == "Next: Test", "updated", timeout=90)
        await pilot.press("enter")
        await until(pilot, screen_is(app, "test"), "the test step")
        await _send_and_see_hello(pilot, app)
        status = str(app.screen.query_one("#status", Static).render())
        assert "x-api-key" not in status or "••••" in status


@needs_websocket
async def test_websocket_from_the_chooser_to_a_connection(cloud: Any, local_state: WizardState) -> None:  # noqa: F811
    app = WizardApp(local_state)
    async with app.run_test(size=SIZE) as pilot:
        await to_function_step(pilot, app, create=True)
        await pilot.press("enter")
        await _through_create(pilot, app, "websocket")
        frames = app.screen.query_one("#frames", FrameLog)
        await pilot.press("enter")  # Connect: $connect runs the function
        await until(pilot, lambda: any("open:" in line for line in frames.lines_written), "the connection", timeout=60)
        await pilot.press("enter")  # the chat tutorial's message
        await until(pilot, lambda: any(line.startswith("→") for line in frames.lines_written), "the send")
        await until(
            pilot,
            lambda: str(app.screen.query_one("#out-logs", Static).render()).count("START RequestId") >= 2,
            "the handler's log lines for $connect and the message",
            timeout=60,
        )
        assert local_state.step_done("test")
