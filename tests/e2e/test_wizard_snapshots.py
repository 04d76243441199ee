"""Snapshots of each step, sub-step and dialog at 80x24 and 120x40. Deterministic: a backend with fixed
answers (no network, fixed ids and account), no cursor blink. Behaviour
against real clouds is covered by the pilot tests; these catch layout
regressions (update with --snapshot-update after a deliberate change)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tui.app import WizardApp
from tui.backend import Backend
from tui.config import Config
from tui.stack.engine import DeployResult
from tui.services.metrics import API_QUERIES, FUNCTION_QUERIES, Metrics, Series
from tui.services.session import Identity
from tui.state import WizardState
from tui.services.errors import WizardError
from tui.widgets.resume import ResumeModal

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Monitor step says when it last read the metrics: a fixed time."""
    import time

    monkeypatch.setattr(time, "strftime", lambda fmt, *args: "12:00:00")


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

    def metrics(self, minutes: int = 10) -> Metrics:
        """A fixed, varied chart for the Monitor step (10 s periods, as locally)."""
        series = {}
        for i, (key, (_ns, metric, stat, counter)) in enumerate({**API_QUERIES, **FUNCTION_QUERIES}.items()):
            values: list[float | None] = [
                float((j * 7 + i * 3) % 11) if counter else float(20 + (j * 5 + i) % 9) for j in range(minutes * 6)
            ]
            series[key] = Series(f"{metric} {stat}", values, counter)
        return Metrics(10, datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc), series)

    def logs_since(self, function: str, since_ms: int) -> list[str]:
        return [
            "START RequestId: 0b1c2d3e-0000-4000-8000-000000000001 Version: $LATEST",
            "END RequestId: 0b1c2d3e-0000-4000-8000-000000000001",
            "REPORT RequestId: 0b1c2d3e-0000-4000-8000-000000000001\tDuration: 1.52 ms\tMemory Size: 128 MB",
        ]

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
    if step in ("api", "test", "monitor", "cleanup"):
        state.result = DeployResult(
            "local",
            "us-east-1",
            "123456789012",
            "my-function",
            function_arn="arn:aws:lambda:us-east-1:123456789012:function:my-function",
            role_arn="arn:aws:iam::123456789012:role/service-role/my-function-role-abcd1234",
        )
    if step in ("test", "monitor", "cleanup"):
        state.result.api_id = "a1b2c3d4e5"
        state.result.invoke_url = "http://127.0.0.1:4580/_aws/execute-api/a1b2c3d4e5/"
    return WizardApp(state, FixedBackend(state))


def before(step: str, pane: str | None = None) -> Any:
    """`pane` may name an API type after an @: "review@rest", "@websocket"."""
    kind = "http"
    if pane is not None and "@" in pane:
        pane, kind = pane.split("@")
        pane = pane or None

    async def run(pilot: Pilot[Any]) -> None:
        app = pilot.app
        if kind != "http":
            from tui.apitypes import choose

            state: Any = app.state  # type: ignore[attr-defined]
            state.update(api=choose(state.config.api, kind))
            if state.result is not None and state.result.invoke_url:
                state.result.invoke_url += state.config.api.stage
        advanced = step == "function" and pane == "advanced"
        if advanced:  # the Advanced settings open, with a plain and a secret-looking variable
            app.state.update("function", environment={"TABLE": "orders", "API_KEY": "s3cr3t-value"})  # type: ignore[attr-defined]
        if step != "target":
            app.goto(step)  # type: ignore[attr-defined]
        await pilot.pause(0.3)
        if advanced:
            from textual.widgets import Collapsible

            app.screen.query_one(Collapsible).collapsed = False
            await _scroll_settled(pilot)
        elif pane is not None:
            screen = app.screen
            screen.pane = pane  # type: ignore[attr-defined]
            screen._show()  # type: ignore[attr-defined]
        if step == "test" and kind == "websocket":
            _frames(app.screen)
        for box in app.screen.query(Input):
            box.cursor_blink = False
        await pilot.pause(0.2)

    return run


async def _scroll_settled(pilot: Pilot[Any]) -> None:
    """Opening the Collapsible scrolls it into view a refresh or more later
    (animated); on a loaded machine a fixed pause caught it mid-way. Wait
    until every scroll offset on the screen holds still for 0.3 s."""
    last: tuple[Any, ...] | None = None
    still = 0
    for _ in range(60):
        await pilot.pause(0.1)
        now = tuple(w.scroll_offset for w in pilot.app.screen.walk_children())
        still = still + 1 if now == last else 0
        if still >= 3:
            return
        last = now


def _frames(screen: Any) -> None:
    """A conversation on the WebSocket panel, at fixed times; one reply is
    hostile (markup, a terminal escape) and must show as text."""
    from tui.services.wsclient import Frame, printable

    url = "ws://127.0.0.1:4580/_aws/execute-api/a1b2c3d4e5/production"
    for frame in (
        Frame("connecting", f"connecting to {url}", 0),
        Frame("open", "open: handshake done (HTTP 101)", 412, status=101),
        Frame("sent", '{"action": "sendmessage", "data": "hi"}', 1630),
        Frame("received", "hi", 1688, round_trip_ms=58),
        Frame("sent", "not json", 2900),
        Frame("received", printable("[b]not bold[/b] \x1b[31m[/]"), 2961, round_trip_ms=61),
        Frame("closed", "closed: code 1000", 4100),
    ):
        screen._frame(frame)


def modal(kind: str) -> Any:
    """Open one of the dialogs over the step behind it."""

    async def run(pilot: Pilot[Any]) -> None:
        app: Any = pilot.app
        app.goto("cleanup" if kind.startswith("confirm") else "function")
        await pilot.pause(0.3)
        if kind == "error":
            app.screen.show_error(
                WizardError(
                    "create the function my-function",
                    "AccessDeniedException",
                    "User: arn:aws:iam::123456789012:user/learner is not authorized to perform: "
                    "iam:CreateRole on resource: arn:aws:iam::123456789012:role/my-function-role-abcd1234 "
                    "because no identity-based policy allows the iam:CreateRole action",
                    "Your credentials lack this permission: ask for it, or use another --profile.",
                ),
                retry=lambda: None,
            )
        elif kind.startswith("confirm"):
            app.screen.query_one("#delete").press()
        elif kind == "text":
            app.action_show_cli()
        elif kind == "export":
            from tui.widgets.export import ExportModal

            # The dialog names the folder it saves in (the working directory): a fixed one here.
            app.push_screen(ExportModal(app.state.config, folder=Path("/home/learner/project")))
        elif kind == "help":
            app.action_step_help()
        elif kind == "invoke":
            from tui.widgets.invokemodal import InvokeModal

            app.push_screen(InvokeModal("my-function", app.backend, app.state.state_dir))
        else:
            app.push_screen(ResumeModal("my-function + my-http-api", 8))
        await pilot.pause(0.3)
        for box in app.screen.query(Input):
            box.cursor_blink = False
        await pilot.pause(0.2)

    return run


STEPS = [
    ("target", None, "local"),
    ("target", None, "aws"),
    ("function", None, "local"),
    ("function", "advanced", "local"),
    ("api", "type", "local"),
    ("api", "routes@websocket", "local"),
    ("api", "review@websocket", "local"),
    ("api", "access@rest", "local"),
    ("api", "review@rest", "local"),
    ("api", "integration", "local"),
    ("api", "routes", "local"),
    ("api", "stages", "local"),
    ("api", "access", "local"),
    ("api", "review", "local"),
    ("test", None, "local"),
    ("test", "@websocket", "local"),
    ("monitor", None, "local"),
    ("cleanup", None, "local"),
]
# confirm-aws: real AWS asks for the API name to be typed, which makes the dialog taller.
MODALS = ["error", "confirm", "confirm-aws", "text", "export", "help", "resume", "invoke"]
SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


def _app_and_setup(tmp_path: Path, case: tuple[str, str | None, str] | str) -> tuple[WizardApp, Any]:
    if isinstance(case, str):
        step = "cleanup" if case.startswith("confirm") else "api"
        return make_app(tmp_path, step, "aws" if case.endswith("-aws") else "local"), modal(case)
    step, pane, target = case
    return make_app(tmp_path, step, target), before(step, pane)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("step", "pane", "target"), STEPS)
def test_step_snapshot(snap_compare: Any, tmp_path: Path, step: str, pane: str | None, target: str, size: str) -> None:
    assert snap_compare(make_app(tmp_path, step, target), terminal_size=SIZES[size], run_before=before(step, pane))


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", MODALS)
def test_modal_snapshot(snap_compare: Any, tmp_path: Path, kind: str, size: str) -> None:
    app, setup = _app_and_setup(tmp_path, kind)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=setup)


@pytest.mark.parametrize("case", [*STEPS, *MODALS], ids=lambda c: c if isinstance(c, str) else "-".join(map(str, c)))
async def test_every_focusable_widget_can_be_seen_at_80x24(
    tmp_path: Path, case: tuple[str, str | None, str] | str
) -> None:
    """Nothing Tab reaches is clipped away: scrolled into view, each
    focusable widget lies inside the screen and is what the screen shows there."""
    app, setup = _app_and_setup(tmp_path, case)
    async with app.run_test(size=SIZE) as pilot:
        await setup(pilot)
        screen = app.screen
        chain = [w for w in screen.focus_chain]
        assert chain, "a screen with nothing to focus"
        for widget in chain:
            # As Tab reaches it: focused, which scrolls it into view (a bare
            # scroll_visible inside the function step's open Collapsible
            # left the first off-screen field where it was; Tab does not).
            widget.focus()
            for _ in range(20):  # the scroll lands a refresh or two later on a busy machine
                await pilot.pause()
                if screen.region.contains_region(widget.region):
                    shown, _ = screen.get_widget_at(*widget.region.offset)
                    if shown is widget or widget in shown.ancestors:
                        break
            region = widget.region
            assert region.area > 0 and screen.region.contains_region(region), f"{widget!r} at {region}"
            # Every corner, not only the top-left: a button cut off at its
            # bottom edge shows its top row and still cannot be clicked.
            for x, y in [
                (region.x, region.y),
                (region.x + region.width // 2, region.y + region.height // 2),
                (region.right - 1, region.bottom - 1),
            ]:
                shown, _ = screen.get_widget_at(x, y)
                assert shown is widget or widget in shown.ancestors, (
                    f"{widget!r} at {(x, y)} is hidden behind {shown!r}"
                )
