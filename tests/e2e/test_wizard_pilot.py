"""The wizard driven by Textual's pilot: the whole flow against the real
local cloud and against a stock moto server (aws target), validation,
navigation, resume and the error funnel."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input, Static

from tui.app import WizardApp
from tui.backend import Backend
from tui.config import Config
from tui.services.errors import WizardError
from tui.state import WizardState
from tui.widgets.modals import ConfirmModal, ErrorModal
from tui.widgets.resume import ResumeModal
from tests.pilotclick import click

SIZE = (80, 24)


async def until(pilot: Pilot[Any], condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause(0.05)
        if condition():
            return
    raise AssertionError(f"timed out waiting for {what} (screen {pilot.app.screen})")


def screen_is(app: WizardApp, name: str) -> Callable[[], bool]:
    return lambda: app.screen.name == name


async def to_function_step(pilot: Pilot[Any], app: WizardApp, create: bool = False) -> None:
    """From launch to the function step (Enter on the local Target step);
    with `create`, Enter once more and wait for the function."""
    await until(pilot, screen_is(app, "target"), "the target step")
    await pilot.press("enter")
    await until(pilot, screen_is(app, "function"), "the function step")
    if create:
        await pilot.press("enter")
        await until(pilot, lambda: app.state.step_done("function"), "the function", timeout=60)


async def enter_through_to_test(pilot: Pilot[Any], app: WizardApp) -> None:
    """Enter at each step, as a new user would."""
    await until(pilot, screen_is(app, "target"), "the target step")
    await pilot.press("enter")
    if app.state.config.target == "aws":
        await until(
            pilot,
            lambda: isinstance(app.screen, ConfirmModal) and bool(app.screen.query(Button)),
            "the billing confirmation",
        )
        await pilot.press("enter")
    await until(pilot, screen_is(app, "function"), "the function step")
    await pilot.press("enter")
    await until(
        pilot,
        lambda: app.state.step_done("function") and app.focused is not None and app.focused.id == "next",
        "the function to be created",
    )
    await pilot.press("enter")
    await until(pilot, screen_is(app, "api"), "the API step")
    # Type (Enter takes the highlighted one: the config's) -> integrations -> routes -> stages
    # (-> access) -> review: as many as the type has.
    for _ in range(len(app.screen.panes) - 1):  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause(0.05)
    await until(pilot, lambda: app.screen.pane == "review", "the review sub-step")  # type: ignore[attr-defined]
    await pilot.press("enter")
    await until(pilot, lambda: app.state.step_done("api"), "the API to be created")
    await until(pilot, lambda: str(app.screen.query_one("#next", Button).label) == "Next: Test", "Next: Test")
    await pilot.press("enter")
    await until(pilot, screen_is(app, "test"), "the test step")


@pytest.fixture
def local_state(cloud: Any, tmp_path: Path) -> WizardState:
    import uuid

    suffix = uuid.uuid4().hex[:6]
    config = Config()
    state = WizardState(config, tmp_path / "state", cloud.port)
    # Unique names: tests share one local cloud.
    state.update("function", name=f"wiz-{suffix}")
    state.update("api", name=f"api-{suffix}", routes=(f"ANY /wiz-{suffix}",))
    state.update("test", path=f"/wiz-{suffix}")
    return state


async def test_enter_at_each_step_reaches_hello_and_clean_up_leaves_nothing(
    cloud: Any, local_state: WizardState
) -> None:
    app = WizardApp(local_state)
    async with app.run_test(size=SIZE) as pilot:
        await enter_through_to_test(pilot, app)
        await pilot.press("enter")
        await until(pilot, lambda: bool(local_state.history), "the response")
        record = local_state.history[-1]
        assert record.status == 200 and record.summary == '"Hello from Lambda!"'
        assert "200 OK" in str(app.screen.query_one("#status", Static).render())
        await until(
            pilot,
            lambda: "START RequestId" in str(app.screen.query_one("#out-logs", Static).render()),
            "the function's log lines",
        )
        event_text = str(app.screen.query_one("#out-event", Static).render())
        assert '"routeKey": "ANY /wiz-' in event_text and '"version": "2.0"' in event_text
        assert "Hello from Lambda!" in str(app.screen.query_one("#out-returned", Static).render())

        app.goto("cleanup")
        await until(pilot, lambda: not app.screen.query_one("#delete", Button).disabled, "the ledger list")
        await click(pilot, "#delete")
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmModal) and bool(app.screen.query(Button)), "the confirmation"
        )
        assert app.focused is not None and app.focused.id == "no"  # a dangerous question starts on Cancel
        await click(pilot, "#yes")
        await until(
            pilot, lambda: "Nothing to delete" in str(app.screen.query_one("#items", Static).render()), "the deletion"
        )
    name = local_state.config.function.name
    assert name not in [f["FunctionName"] for f in cloud.client("lambda").list_functions()["Functions"]]
    assert local_state.config.api.name not in [a["Name"] for a in cloud.client("apigatewayv2").get_apis()["Items"]]
    assert not any(r["RoleName"].startswith(f"{name}-role-") for r in cloud.client("iam").list_roles()["Roles"])


async def test_aws_target_against_stock_moto_reaches_the_test_step(
    aws_env: dict[str, str], tmp_path: Path, clients: dict[str, Any]
) -> None:
    state = WizardState(Config(target="aws"), tmp_path / "state", 1)
    app = WizardApp(state)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, screen_is(app, "target"), "the target step")
        endpoint = app.screen.query_one("#endpoint", Input)
        endpoint.value = aws_env["AWS_ENDPOINT_URL"]
        await enter_through_to_test(pilot, app)
        assert state.identity.account == "123456789012"
        assert state.result.invoke_url.endswith(".amazonaws.com/")
    assert [f["FunctionName"] for f in clients["lambda"].list_functions()["Functions"]] == ["my-function"]
    [api] = clients["apigatewayv2"].get_apis()["Items"]
    assert [r["RouteKey"] for r in clients["apigatewayv2"].get_routes(ApiId=api["ApiId"])["Items"]] == [
        "ANY /my-function"
    ]


async def test_invalid_function_name_blocks_create_and_says_why(cloud: Any, local_state: WizardState) -> None:
    app = WizardApp(local_state)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await until(pilot, screen_is(app, "function"), "the function step")
        name = app.screen.query_one("#name", Input)
        name.value = "bad name!"
        await pilot.pause()
        reason = str(app.screen.query(".field-error").first().render())
        assert "not a valid function name" in reason and "letters, digits, hyphens" in reason
        await click(pilot, "#create")
        await pilot.pause(0.3)
        assert app.focused is name and not local_state.step_done("function")
        assert local_state.config.function.name != "bad name!"


async def test_escape_goes_back_a_sub_step_then_a_step(cloud: Any, local_state: WizardState) -> None:
    app = WizardApp(local_state)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await until(pilot, screen_is(app, "function"), "the function step")
        app.goto("api")
        await until(pilot, screen_is(app, "api"), "the API step")
        await pilot.press("enter", "enter")  # type -> integrations -> routes
        await until(pilot, lambda: app.screen.pane == "routes", "the routes sub-step")  # type: ignore[attr-defined]
        await pilot.press("escape")
        assert app.screen.pane == "integration"  # type: ignore[attr-defined]
        await pilot.press("escape")
        assert app.screen.pane == "type"  # type: ignore[attr-defined]
        await pilot.press("escape")
        await until(pilot, screen_is(app, "function"), "the function step again")


async def test_route_table_adds_and_validates_routes(cloud: Any, local_state: WizardState) -> None:
    app = WizardApp(local_state)
    async with app.run_test(size=SIZE) as pilot:
        app.goto("api")
        await until(pilot, screen_is(app, "api"), "the API step")
        await pilot.press("enter", "enter")  # type -> integrations -> routes
        await until(pilot, lambda: app.screen.pane == "routes", "the routes sub-step")  # type: ignore[attr-defined]
        box = app.screen.query_one("#new-route", Input)
        box.value = "FOO /x"
        await pilot.press("enter")
        assert len(local_state.config.api.routes) == 1
        box.value = "GET /pets/{id}"
        await pilot.press("enter")
        await pilot.pause()
        assert local_state.config.api.routes[1] == "GET /pets/{id}"
        assert box.value == ""


class FailingBackend(Backend):
    """A service that answers AccessDenied, which moto cannot produce."""

    calls = 0

    def create_function(self, on_event: Any) -> Any:
        FailingBackend.calls += 1
        raise WizardError(
            "create the function my-function",
            "AccessDeniedException",
            "User is not authorized to perform: lambda:CreateFunction",
            "Your credentials lack this permission: ask for it, or use another --profile.",
        )


async def test_a_failing_service_reaches_the_error_funnel_and_retry_calls_again(
    cloud: Any, local_state: WizardState
) -> None:
    FailingBackend.calls = 0
    app = WizardApp(local_state, FailingBackend(local_state))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await until(pilot, screen_is(app, "function"), "the function step")
        await pilot.press("enter")
        await until(
            pilot, lambda: isinstance(app.screen, ErrorModal) and bool(app.screen.query(Button)), "the error dialog"
        )
        text = str(app.screen.query_one("#error-message", Static).render())
        assert "AccessDeniedException" in text and "lambda:CreateFunction" in text
        assert "ask for it" in str(app.screen.query_one("#error-hint", Static).render())
        await pilot.press("enter")  # Retry
        await until(pilot, lambda: FailingBackend.calls == 2, "the retry")
        await until(
            pilot,
            lambda: isinstance(app.screen, ErrorModal) and bool(app.screen.query(Button)),
            "the error dialog again",
        )
        await pilot.press("escape")  # Back: the step stays usable
        await pilot.pause()
        assert app.screen.name == "function" and not app.screen.query_one("#create", Button).disabled
        await until(pilot, lambda: app.focused is app.screen.query_one("#create"), "focus back on Create")
        assert app.is_running


async def test_launch_with_a_ledger_offers_resume(cloud: Any, local_state: WizardState) -> None:
    first = WizardApp(local_state)
    async with first.run_test(size=SIZE) as pilot:
        await enter_through_to_test(pilot, first)
    url = local_state.result.invoke_url
    again = WizardState(local_state.config, local_state.state_dir, local_state.port)
    app = WizardApp(again)
    async with app.run_test(size=SIZE) as pilot:
        # The offer is pushed from a worker after the first frame: wait until it is composed.
        await until(pilot, lambda: isinstance(app.screen, ResumeModal) and bool(app.screen.query("#test")), "the offer")
        await click(pilot, "#test")
        await until(pilot, screen_is(app, "test"), "the test step")
        assert again.result.invoke_url == url  # nothing new was created
        await pilot.press("enter")
        await until(pilot, lambda: bool(again.history), "the response")
        assert again.history[-1].status == 200
        app.goto("cleanup")
        await until(pilot, lambda: not app.screen.query_one("#delete", Button).disabled, "the ledger list")
        await click(pilot, "#delete")
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmModal) and bool(app.screen.query(Button)), "the confirmation"
        )
        assert app.focused is not None and app.focused.id == "no"  # a dangerous question starts on Cancel
        await click(pilot, "#yes")
        await until(
            pilot, lambda: "Nothing to delete" in str(app.screen.query_one("#items", Static).render()), "deletion"
        )


async def test_command_palette_commands(cloud: Any, local_state: WizardState) -> None:
    app = WizardApp(local_state)
    async with app.run_test(size=SIZE) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"Go to step 4: Test", "Clean up", "Show the AWS CLI equivalent", "Toggle dark / light theme"} <= set(
            titles
        )
        theme = app.theme
        app.action_toggle_theme()
        assert app.theme != theme
        await pilot.press("f2")
        await pilot.pause()
        from tui.widgets.modals import TextModal

        assert isinstance(app.screen, TextModal)
        assert "aws apigatewayv2 create-route" in app.screen.text and "lambda add-permission" in app.screen.text
