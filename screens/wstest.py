"""Step 4 for a WebSocket API: connect, send, receive. The console's own
test is wscat; here the URL, Connect / Disconnect, a message (the chat
tutorial's first one), Send, a log of frames both ways and the connection's
events, and the handler's log lines since Connect (the same CloudWatch
Logs read the HTTP test's Logs tab makes, in a thread worker).

The client is the `websockets` asyncio client in an async worker on the
event loop (not an AWS call; it never blocks). The connection closes when
the screen is left or the wizard quits (cancelling the worker closes it)."""

from __future__ import annotations

import time
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, Static, TabbedContent, TabPane

from tui.apitypes import WS_PROMPT, ws_url
from tui.state import TestRecord
from tui.widgets.clipboard import copy_and_say
from tui.widgets.framelog import FrameLog

from .base import StepScreen
from .forms import button, text_input

LOGS_SETTLE_S = 0.5  # the handler's log lines reach CloudWatch Logs a moment after it returns


class WebSocketTestScreen(StepScreen):
    STEP = "test"
    _session: Any = None
    _connected_ms = 0

    def compose_step(self) -> ComposeResult:
        yield Static(id="url", markup=False)
        with Horizontal(classes="actions"):
            yield button("Connect", id="connect", variant="primary")
            yield button("Disconnect", id="disconnect", disabled=True)
            yield button("Copy URL", id="copy-url")
            yield button("Clean up", id="cleanup", variant="warning")
        with Horizontal(classes="row"):
            yield text_input(WS_PROMPT, id="message", placeholder="a message, e.g. " + WS_PROMPT)
            yield button("Send", id="send", disabled=True)
        yield Static("Connect opens the connection ($connect runs the function).", id="status", markup=False)
        with TabbedContent(id="response"):
            with TabPane("Frames", id="tab-frames"):
                yield FrameLog(id="frames")
            with TabPane("Logs", id="tab-logs"):
                with VerticalScroll():
                    yield Static("", id="out-logs", markup=False)

    def on_mount(self) -> None:
        self._show_url()
        self.focus_primary()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self._show_url()
        self.focus_primary()

    def on_screen_suspend(self) -> None:
        from textual.screen import ModalScreen

        if not isinstance(self.app.screen, ModalScreen):  # a dialog over the step leaves it open
            self.disconnect()  # leaving the step closes the connection

    def on_unmount(self) -> None:
        self.workers.cancel_group(self, "ws")

    def describe_action(self) -> str:
        return "read the function's log lines"

    def primary(self) -> Any:
        if self._session is not None and self._session.connected:
            return self.query_one("#message", Input)
        return self.query_one("#connect", Button)

    def _url(self) -> str:
        result = self.state.result
        return ws_url(result.invoke_url) if result and result.invoke_url else ""

    def _show_url(self) -> None:
        self.query_one("#url", Static).update(Content.styled(self._url() or "(not deployed yet)", "bold"))

    def _status(self, text: str, style: str = "") -> None:
        self.query_one("#status", Static).update(Content.styled(text, style))

    def _buttons(self, connected: bool, connecting: bool = False) -> None:
        self.query_one("#connect", Button).disabled = connected or connecting
        self.query_one("#disconnect", Button).disabled = not (connected or connecting)
        self.query_one("#send", Button).disabled = not connected

    # -- the connection ------------------------------------------------------------
    @on(Button.Pressed, "#connect")
    def connect(self) -> None:
        url = self._url()
        if not url:
            self._status("Nothing to connect to: create the WebSocket API first (step 3).", "red")
            return
        if self._session is not None:
            return  # connecting or connected already
        from tui.services.wsclient import Session

        self._connected_ms = int(time.time() * 1000)
        self._session = Session(url, self._frame)
        self._buttons(False, connecting=True)
        self._status(f"Connecting to {url} ...")
        self.run_session(self._session)

    @work(exclusive=True, group="ws", exit_on_error=False)
    async def run_session(self, session: Any) -> None:
        try:
            await session.run()
        finally:
            if self._session is session:
                self._session = None
                if self.is_attached:
                    self._buttons(False)
                    self.focus_primary()

    @on(Button.Pressed, "#disconnect")
    def disconnect(self) -> None:
        session = self._session
        if session is None:
            return
        if session.connected:
            self.run_worker(session.close(), group="ws-close", exit_on_error=False)
        else:  # still connecting: stop trying
            self.workers.cancel_group(self, "ws")

    @on(Input.Submitted, "#message")
    @on(Button.Pressed, "#send")
    def send(self) -> None:
        session = self._session
        if session is None or not session.connected:
            self._status("Not connected: press Connect first.", "red")
            return
        self.run_worker(session.send(self.query_one("#message", Input).value), group="ws-send", exit_on_error=False)

    def _frame(self, frame: Any) -> None:
        """A Frame from the session (on the event loop): log it, say it."""
        self.query_one("#frames", FrameLog).frame(frame)
        url = self._url()
        if frame.kind == "open":
            self._buttons(True)
            self._status(f"Connected in {frame.elapsed_ms:.0f} ms: type a message and press Enter.", "green")
            self._record(101, frame.elapsed_ms, "connected")
            self.query_one("#message", Input).focus()
        elif frame.kind == "refused":
            self._status(f"$connect refused the connection: HTTP {frame.status}.", "red")
            self._record(frame.status, frame.elapsed_ms, "handshake refused")
        elif frame.kind == "error":
            self._status(frame.text, "red")
            self._record(None, frame.elapsed_ms, "could not connect")
        elif frame.kind == "closed":
            self._status(f"Disconnected ({frame.text}).", "yellow")
        if frame.kind in ("refused", "error", "closed"):
            self._buttons(False)
        elif frame.kind == "received" and frame.round_trip_ms is not None:
            self._status(f"Reply in {frame.round_trip_ms:.0f} ms.", "green")
        if frame.kind in ("open", "refused", "received", "closed") and url:
            self._read_logs()

    def _record(self, status: int | None, elapsed_ms: float, summary: str) -> None:
        self.state.history.append(TestRecord("WS", self._url(), status, elapsed_ms, summary))
        self.refresh_sidebar()

    # -- the handler's log lines -----------------------------------------------------
    def _read_logs(self) -> None:
        since = self._connected_ms - 1000
        function = self.state.integration_function or self.state.config.function.name

        def read(_emit: Any) -> list[str]:
            time.sleep(LOGS_SETTLE_S)  # a thread worker: the wait blocks nothing
            return self.backend.logs_since(function, since)

        self.call_backend("ws-logs", read, self._show_logs, inline=self._logs_failed)

    def _show_logs(self, lines: list[str]) -> None:
        self.query_one("#out-logs", Static).update("\n".join(lines) or "(no log lines since Connect)")

    def _logs_failed(self, error: BaseException) -> None:
        self.query_one("#out-logs", Static).update(f"Could not read the log lines: {self.error_sentence(error)}")

    # -- the rest ----------------------------------------------------------------------
    @on(Button.Pressed, "#copy-url")
    def copy_url(self) -> None:
        copy_and_say(self.app, self._url(), "URL")

    @on(Button.Pressed, "#cleanup")
    def cleanup(self) -> None:
        self.app.goto("cleanup")
