"""Untrusted text is never parsed as Textual markup: a test path, an AWS
error message, a typed value or a content type holding `[/]`, `[b]` or
`[x]` is shown as typed. `[/]` used to raise MarkupError and end the app
(exit code 1 on entering the Test step); `[x]` silently disappeared. Even
through textual.markup.escape, "x[/" raised MarkupError, "[$accent]"
vanished and backslashes doubled; HOSTILE carries each of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input, Static

from tests.e2e.test_wizard_pilot import SIZE, screen_is, until
from tui.app import WizardApp
from tui.config import Config
from tui.stack.engine import DeployResult
from tui.state import WizardState
from tui.widgets.modals import ErrorModal

HOSTILE = "[/] [b]bold[/b] [x] [$accent] C:\\[b] x[/"


def _text(app: WizardApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_brackets_in_errors_paths_and_typed_values_are_shown_as_typed(cloud: Any, tmp_path: Path) -> None:
    from tests.conftest import free_port

    # The test's own cloud: the function step lists its roles (a port with
    # no cloud would make the wizard start one there, and leave it running).
    state = WizardState(Config(), tmp_path / "state", cloud.port)
    state.update("test", path="/pets[/][x]")
    # A deployed stack whose endpoint refuses connections: sending fails
    # with an error sentence that quotes the URL.
    refusing = free_port()
    state.result = DeployResult(
        "local",
        "us-east-1",
        "123456789012",
        "my-function",
        invoke_url=f"http://127.0.0.1:{refusing}/_aws/execute-api/abc/",
    )
    app = WizardApp(state)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(ErrorModal("call [/]", "Code[x]", f"AWS said {HOSTILE}", f"try {HOSTILE}"))
        await pilot.pause()
        assert f"AWS said {HOSTILE}" in _text(app, "#error-message")
        assert f"try {HOSTILE}" in _text(app, "#error-hint")
        await app.pop_screen()
        await until(pilot, lambda: not isinstance(app.screen, ErrorModal), "the modal to close")
        app.goto("test")  # type: ignore[attr-defined]
        await until(pilot, screen_is(app, "test"), "the test step")
        assert "/pets[/][x]" in _text(app, "#url")
        app.screen.query_one("#send").press()  # type: ignore[attr-defined]
        await until(
            pilot,
            lambda: f"127.0.0.1:{refusing}" in _text(app, "#status") and "Sending" not in _text(app, "#status"),
            "the error",
        )
        assert "/pets[/][x]" in _text(app, "#status")
        app.goto("function")  # type: ignore[attr-defined]
        await until(pilot, screen_is(app, "function"), "the function step")
        name = app.screen.query_one("#name", Input)
        name.value = "bad[/]name[x]"
        await until(
            pilot,
            lambda: "bad[/]name[x]" in " ".join(str(s.render()) for s in app.screen.query(".field-error")),
            "the field's reason",
        )
        assert app.is_running


async def test_a_hostile_page_title_in_the_response_does_not_reach_markup(cloud: Any, tmp_path: Path) -> None:
    """A function's content type and body with markup-like text."""
    from tests.cloudproc import deploy

    code = (
        "def lambda_handler(e, c):\n"
        "    return {'statusCode': 200, 'headers': {'content-type': 'text/plain; x=[/][b]'}, 'body': '[/] [x]'}\n"
    )
    api = deploy(cloud, code, routes=("ANY /echo",))
    state = WizardState(Config(), tmp_path / "state", cloud.port)
    state.update("test", path="/echo")
    state.result = DeployResult("local", "us-east-1", "123456789012", api.function, invoke_url=api.base + "/")
    app = WizardApp(state)
    async with app.run_test(size=SIZE) as pilot:
        app.goto("test")  # type: ignore[attr-defined]
        await until(pilot, screen_is(app, "test"), "the test step")
        app.screen.query_one("#send").press()  # type: ignore[attr-defined]
        await until(pilot, lambda: bool(state.history), "the response")
        assert "text/plain; x=[/][b]" in _text(app, "#status")
        assert "[/] [x]" in _text(app, "#out-body")
