"""Snapshots of each step at 80x24. Deterministic: a backend with fixed
answers (no network, fixed ids and account), no cursor blink. Behaviour
against real clouds is covered by the pilot tests; these catch layout
regressions (update with --snapshot-update after a deliberate change)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tui.app import WizardApp
from tui.backend import Backend
from tui.config import Config
from tui.stack.engine import DeployResult
from tui.services.session import Identity
from tui.state import WizardState

SIZE = (80, 24)


class FixedBackend(Backend):
    def connect(self) -> Identity:
        self.state.identity = Identity("123456789012", "arn:aws:sts::123456789012:user/learner")
        return self.state.identity

    def profiles(self) -> list[str]:
        return ["default", "training"]

    def roles(self) -> list[str]:
        return ["existing-lambda-role"]

    def functions(self) -> list[str]:
        return ["my-function"]

    def ledger_items(self) -> list[str]:
        return [
            "invoke permission 0123456789abcdef0123456789abcdef (ANY /my-function)",
            "stage $default",
            "route abcdefg (ANY /my-function)",
            "integration hijklmn",
            "HTTP API a1b2c3d4e5 (my-http-api)",
            "function my-function",
            "policy AWSLambdaBasicExecutionRole-00000000-0000-4000-8000-000000000000",
            "role my-function-role-abcd1234",
        ]


def make_app(tmp_path: Path, step: str, target: str = "local") -> WizardApp:
    state = WizardState(Config(target=target), tmp_path / "state", 1)
    if step != "target":
        state.identity = Identity("123456789012", "arn:aws:sts::123456789012:user/learner")
    if step in ("api", "test", "cleanup"):
        state.result = DeployResult(
            "local",
            "us-east-1",
            "123456789012",
            "my-function",
            function_arn="arn:aws:lambda:us-east-1:123456789012:function:my-function",
            role_arn="arn:aws:iam::123456789012:role/service-role/my-function-role-abcd1234",
        )
    if step in ("test", "cleanup"):
        state.result.api_id = "a1b2c3d4e5"
        state.result.invoke_url = "http://127.0.0.1:4580/_aws/execute-api/a1b2c3d4e5/"
    return WizardApp(state, FixedBackend(state))


def before(step: str, pane: str | None = None) -> Any:
    async def run(pilot: Pilot[Any]) -> None:
        app = pilot.app
        if step != "target":
            app.goto(step)  # type: ignore[attr-defined]
        await pilot.pause(0.3)
        if pane is not None:
            screen = app.screen
            screen.pane = pane  # type: ignore[attr-defined]
            screen._show()  # type: ignore[attr-defined]
        for box in app.screen.query(Input):
            box.cursor_blink = False
        await pilot.pause(0.2)

    return run


@pytest.mark.parametrize(
    ("step", "pane", "target"),
    [
        ("target", None, "local"),
        ("target", None, "aws"),
        ("function", None, "local"),
        ("api", "integration", "local"),
        ("api", "routes", "local"),
        ("api", "stages", "local"),
        ("api", "review", "local"),
        ("test", None, "local"),
        ("cleanup", None, "local"),
    ],
)
def test_step_snapshot(snap_compare: Any, tmp_path: Path, step: str, pane: str | None, target: str) -> None:
    assert snap_compare(make_app(tmp_path, step, target), terminal_size=SIZE, run_before=before(step, pane))
