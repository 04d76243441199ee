"""The Monitor step in Textual's pilot at 80x24: after the app sends 100
requests against the real local cloud, the charts and figures show them;
on the aws target against a stock moto server, which publishes no
API Gateway or Lambda metrics, the step says there are none instead of
drawing flat charts.

Figures expected (AWS docs "Monitor HTTP API metrics": Count is the
number of requests; "Types of metrics for Lambda functions": Invocations
counts each invoke)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, Input, Sparkline, Static

from tests.e2e.test_wizard_pilot import SIZE, enter_through_to_test, screen_is, until

from tui.app import WizardApp
from tui.config import Config
from tui.state import WizardState
from tui.widgets.charts import MetricRow
from tests.pilotclick import click


@pytest.fixture
def local_state(cloud: Any, tmp_path: Path) -> WizardState:
    """Unique names: tests share one local cloud."""
    import uuid

    suffix = uuid.uuid4().hex[:6]
    state = WizardState(Config(), tmp_path / "state", cloud.port)
    state.update("function", name=f"mon-{suffix}")
    state.update("api", name=f"mon-{suffix}", routes=(f"ANY /mon-{suffix}",))
    state.update("test", path=f"/mon-{suffix}")
    return state


def row(app: WizardApp, key: str) -> MetricRow:
    return app.screen.query_one(f"#metric-{key}", MetricRow)


def text(app: WizardApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_monitor_shows_the_hundred_requests_sent_from_the_app(cloud: Any, local_state: WizardState) -> None:
    app = WizardApp(local_state)
    async with app.run_test(size=SIZE) as pilot:
        await enter_through_to_test(pilot, app)
        app.goto("monitor")
        await until(pilot, screen_is(app, "monitor"), "the monitor step")
        await until(pilot, lambda: "No requests have reached" in text(app, "#missing"), "the no-requests-yet note")
        assert not app.screen.query_one("#charts").display

        await click(pilot, "#load")
        await until(pilot, lambda: "100 x 200" in text(app, "#load-status"), "the 100 requests", timeout=90)
        await until(
            pilot, lambda: row(app, "count").figure == "100" and row(app, "invocations").figure == "100", "the counts"
        )
        assert app.screen.query_one("#charts").display and not app.screen.query_one("#missing").display
        for key in ("count", "latency_p50", "latency_p99", "integration_p50", "invocations", "duration"):
            assert max(row(app, key).query_one(Sparkline).data or [0]) > 0, key
            assert row(app, key).figure not in ("", "-"), key
        assert row(app, "client_errors").figure == "0" and row(app, "errors").figure == "0"
        await until(pilot, lambda: "RequestId" in text(app, "#log-lines"), "the latest log lines")

        # Everything fits 80x24: the last row, the buttons and the log lines are on screen.
        for widget in (
            row(app, "throttles"),
            app.screen.query_one("#load", Button),
            app.screen.query_one("#log-lines"),
        ):
            region = widget.region
            assert region.height > 0 and region.bottom <= SIZE[1] - 1 and region.right <= SIZE[0], widget

        # The live refresh keeps going: a request sent elsewhere shows up without a key press.
        import httpx

        assert httpx.get(local_state.test_url, timeout=40).status_code == 200
        await until(pilot, lambda: row(app, "count").figure == "101", "the refreshed count", timeout=30)


async def test_aws_target_without_metrics_says_so(aws_env: dict[str, str], tmp_path: Path) -> None:
    state = WizardState(Config(target="aws"), tmp_path / "state", 1)
    app = WizardApp(state)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, screen_is(app, "target"), "the target step")
        app.screen.query_one("#endpoint", Input).value = aws_env["AWS_ENDPOINT_URL"]
        await enter_through_to_test(pilot, app)
        app.goto("monitor")
        await until(pilot, screen_is(app, "monitor"), "the monitor step")
        await until(pilot, lambda: bool(text(app, "#missing")), "the missing-metrics note")
        note = text(app, "#missing")
        # moto answers GetMetricData, with no datapoint for these series.
        assert f"CloudWatch has no metrics for API {state.result.api_id}" in note, note
        assert "stock moto server" in note
        assert not app.screen.query_one("#charts").display
        assert "No metrics" in text(app, "#monitor-status")


async def test_a_metrics_read_that_fails_is_said_on_the_step_and_retried(tmp_path: Path) -> None:
    """A person without cloudwatch:GetMetricData sees why on the step (no
    error dialog every refresh), and the timer keeps trying."""
    from botocore.exceptions import ClientError

    from tests.e2e.test_wizard_snapshots import FixedBackend, make_app
    from tui.widgets.modals import ErrorModal

    calls: list[int] = []

    class Denied(FixedBackend):
        def metrics(self, minutes: int = 10) -> Any:
            calls.append(minutes)
            error = {"Code": "AccessDenied", "Message": "not authorized to perform: cloudwatch:GetMetricData"}
            raise ClientError({"Error": error}, "GetMetricData")

        def logs_since(self, function: str, since_ms: int) -> list[str]:
            raise AssertionError("no logs are read when the metrics could not be")

    app = make_app(tmp_path, "test")
    app.backend = Denied(app.state)
    async with app.run_test(size=SIZE) as pilot:
        app.goto("monitor")
        await until(pilot, lambda: "GetMetricData" in text(app, "#missing"), "the reason")
        assert text(app, "#monitor-status").startswith("No metrics:")
        assert not app.screen.query_one("#charts").display
        await until(pilot, lambda: len(calls) >= 2, "the next refresh", timeout=30)
        assert not any(isinstance(s, ErrorModal) for s in app.screen_stack)
