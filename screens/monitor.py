"""Step 5 (optional): Monitor, the console's Monitor tab. The API's requests,
4xx, 5xx, latency p50/p99 and integration latency, the function's
invocations, errors, duration and throttles, as charts of the last minutes,
and the function's latest log lines; refreshed every few seconds by a timer
that starts a thread worker (never a read on the event loop), while the
person sends requests here ("Send 100 requests") or on the Test step.

The figures come from CloudWatch (GetMetricData) on both targets: the local
cloud publishes the same metrics. Where there are none (no request yet, or
an emulator without CloudWatch metrics) the step says so instead of
showing flat charts."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Button, Label, Static
from textual.worker import Worker, WorkerState

from tui.stack.engine import Event
from tui.widgets.charts import MetricRow

from .base import StepProgress, StepScreen
from .forms import button

REFRESH_S = 3.0
# On AWS the metrics have one-minute resolution and GetMetricData is billed
# per metric read (ten a refresh): a slower refresh there shows the same.
AWS_REFRESH_S = 15.0
MINUTES = 10
LOG_LINES = 4
LOG_WINDOW_MS = 30_000
LOAD_COUNT = 100

# service key, row title, unit ("ms" for timings: the newest value; else the total)
ROWS = (
    ("count", "Requests", ""),
    ("client_errors", "4xx", ""),
    ("server_errors", "5xx", ""),
    ("latency_p50", "Latency p50", "ms"),
    ("latency_p99", "Latency p99", "ms"),
    ("integration_p50", "Integration p50", "ms"),
    ("invocations", "Invocations", ""),
    ("errors", "Errors", ""),
    ("duration", "Duration avg", "ms"),
    ("throttles", "Throttles", ""),
)


@dataclass(frozen=True)
class MonitorRead:
    metrics: Any  # services.metrics.Metrics, or None when they could not be read
    logs: list[str]
    problem: str = ""  # why there are no metrics


class MonitorScreen(StepScreen):
    STEP = "monitor"
    DEFAULT_CSS = """
    MonitorScreen #monitor-status { height: 1; color: $text-muted; }
    MonitorScreen #missing { height: auto; margin: 1 0; }
    MonitorScreen #charts { height: auto; }
    MonitorScreen #load-status { width: 1fr; height: 1; color: $text-muted; }
    MonitorScreen #log-lines { height: 4; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def compose_step(self) -> ComposeResult:
        yield Label("Monitor: the API and function in CloudWatch", classes="step-title")
        yield Static("Reading CloudWatch metrics...", id="monitor-status", markup=False)
        yield Static("", id="missing", markup=False)
        with Vertical(id="charts"):
            for key, title, unit in ROWS:
                yield MetricRow(key, title, unit)
        with Horizontal(classes="actions"):
            yield button(f"Send {LOAD_COUNT} requests", id="load", variant="primary")
            yield button("Clean up", id="cleanup", variant="warning")
            yield Static("", id="load-status", markup=False)
        yield Static("", id="log-lines", markup=False)

    def on_mount(self) -> None:
        self.read: MonitorRead | None = None
        self._reading = False
        self._logs_read_ms = 0
        self.log_lines: list[str] = []
        self.query_one("#missing").display = False
        every = REFRESH_S if self.state.config.target == "local" else AWS_REFRESH_S
        self.timer: Timer = self.set_interval(every, self.poll)
        self.query_one("#load", Button).focus()
        self.poll()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if hasattr(self, "timer"):  # not before the first mount
            self.timer.resume()
            self.poll()

    def on_screen_suspend(self) -> None:
        if hasattr(self, "timer"):
            self.timer.pause()

    def describe_action(self) -> str:
        return "monitor the API"

    # -- reading ---------------------------------------------------------------
    def poll(self) -> None:
        """Start a read unless one is still running (a slow GetMetricData
        must not pile up workers)."""
        if self._reading:
            return
        self._reading = True
        self.call_backend("metrics", self._read, self._shown, self._read_failed)

    def _read(self, _emit: Any) -> MonitorRead:
        """In the worker thread: the metrics, then the newest log lines."""
        from tui.services.errors import translate

        backend = self.backend
        try:
            metrics = backend.metrics(MINUTES)
        except Exception as exc:  # noqa: BLE001 - said on the step, not a modal every few seconds
            return MonitorRead(None, [], translate(exc, "read the CloudWatch metrics").sentence())
        function = self.state.integration_function or (self.state.result.function_name if self.state.result else "")
        try:
            # From just before the last read: the newest lines, not the first
            # page of a long window (FilterLogEvents answers oldest first).
            since = max(int(time.time() * 1000) - LOG_WINDOW_MS, self._logs_read_ms - 2000)
            self._logs_read_ms = int(time.time() * 1000)
            logs = backend.logs_since(function, since) if function else []
        except Exception:  # noqa: BLE001 - the charts still show
            logs = []
        return MonitorRead(metrics, logs[-LOG_LINES:])

    def _read_failed(self) -> None:
        self._reading = False

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        super().on_worker_state_changed(event)
        if event.worker.name == "metrics" and event.state == WorkerState.CANCELLED:
            self._reading = False  # else the timer would never read again

    def _shown(self, read: MonitorRead) -> None:
        self._reading = False
        self.read = read
        metrics = read.metrics
        missing = self.query_one("#missing", Static)
        charts = self.query_one("#charts")
        has_data = metrics is not None and metrics.has_data
        missing.display = not has_data
        charts.display = has_data
        if metrics is None:
            self._status(f"No metrics: {read.problem}")
            missing.update(read.problem)
        elif not has_data:
            self._status(f"No metrics in the last {MINUTES} minutes")
            missing.update(self._why_missing())
        else:
            self._status(f"Last {MINUTES} min, {metrics.period_s} s periods · updated {time.strftime('%H:%M:%S')}")
            for row in self.query(MetricRow):
                series = metrics[row.key]
                row.show(series.values, series.latest if row.unit == "ms" else series.total)
        if read.logs:  # nothing new: the last lines stay
            self.log_lines = [line for line in self.log_lines if line not in read.logs] + read.logs
            self.log_lines = self.log_lines[-LOG_LINES:]
            self.query_one("#log-lines", Static).update("\n".join(line.rstrip() for line in self.log_lines))

    def _why_missing(self) -> str:
        result = self.state.result
        what = f"API {result.api_id} (stage {result.stage}) or function {result.function_name}" if result else "it"
        if self.state.config.target == "local":
            return f"No requests have reached {what} yet: send some with the button below or on the Test step."
        return (
            f"CloudWatch has no metrics for {what} in the last {MINUTES} minutes. API Gateway and Lambda "
            "publish them about a minute after requests arrive; an endpoint without CloudWatch metrics "
            "(such as a stock moto server) has none to show."
        )

    def _status(self, text: str) -> None:
        self.query_one("#monitor-status", Static).update(text)

    # -- load ------------------------------------------------------------------
    @on(Button.Pressed, "#load")
    def send_load(self) -> None:
        url = self.state.test_url
        if not url:
            self.query_one("#load-status", Static).update("No API yet: create one first.")
            return
        self.query_one("#load", Button).disabled = True
        self.query_one("#load-status", Static).update(f"Sending 0/{LOAD_COUNT}...")

        def send(emit: Any) -> Any:
            from tui.services import load

            return load.send(
                url, LOAD_COUNT, lambda done: emit(Event("load", "info", f"Sending {done}/{LOAD_COUNT}..."))
            )

        self.call_backend("load", send, self._loaded, self._load_failed)

    def on_step_progress(self, message: StepProgress) -> None:
        self.query_one("#load-status", Static).update(message.event.message)

    def _loaded(self, result: Any) -> None:
        self.query_one("#load", Button).disabled = False
        self.query_one("#load-status", Static).update(result.summary())
        self.poll()

    def _load_failed(self) -> None:
        self.query_one("#load", Button).disabled = False
        self.query_one("#load-status", Static).update("Sending failed.")

    @on(Button.Pressed, "#cleanup")
    def cleanup(self) -> None:
        self.app.goto("cleanup")
