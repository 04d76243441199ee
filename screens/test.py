"""Step 4: test the invoke URL, as the tutorial pastes it into a browser,
but showing what happened underneath: status, time, headers, body, the
function's log lines and, on the local target, the exact event the
function received and what it returned."""

from __future__ import annotations

import json
import os
import shlex
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Collapsible, Input, Select, Static, TabbedContent, TabPane, TextArea

from tui import fields
from awsrules.limits import TEST_METHODS
from tui.state import TestRecord
from tui.widgets.clipboard import copy_and_say

from .base import StepScreen

if TYPE_CHECKING:  # the tester (and httpx) load when the first request is sent
    from tui.services.tester import TestRequest
from .forms import Field, button, first_invalid, select, text_input
from .validators import FieldValidator


def _pretty(text: str) -> str:
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


AUTH_CHOICES = [("None", "none"), ("Token: Cognito user or sample", "token"), ("SigV4 signature", "sign")]


def _auth_default(state: Any) -> str:
    """What the API's authorizer asks for (api.authorizer)."""
    found = state.config.api.authorizer
    if found is None:
        return "none"
    if found.type == "iam":
        return "sign"
    sample = found.type == "lambda" and found.code == "sample"
    return "token" if found.local_cognito or sample else "none"


class TestScreen(StepScreen):
    STEP = "test"
    BINDINGS = [Binding("f6", "hot_reload", "Hot reload", tooltip="Update the function when its code is saved")]
    _status_line = Content("")
    _failed = False
    _reloader: Any = None
    _secret = ""  # the REST API key sent: masked wherever a response, event or log repeats it

    def _masked(self, text: str) -> str:
        if not self._secret:
            return text
        from tui.services.apikey import mask

        return text.replace(self._secret, mask(self._secret))

    def compose_step(self) -> ComposeResult:
        test = self.state.config.test
        yield Static(id="url", markup=False)
        with Horizontal(classes="row"):
            yield select([(m, m) for m in TEST_METHODS], value=test.method, allow_blank=False, id="method")
            yield text_input(test.path, id="path", validators=[FieldValidator(fields.test_path)])
        with Collapsible(title="Query, headers and body", collapsed=True):
            yield Field("Query", text_input(placeholder="a=1&b=2", id="query"))
            yield Field("Headers", text_input(placeholder="Name: value; Other: value", id="headers"))
            yield Field("Auth", select(AUTH_CHOICES, value=_auth_default(self.state), allow_blank=False, id="auth"))
            yield TextArea("", id="body", compact=True, placeholder="request body")
        with Horizontal(classes="actions"):
            yield button("Send", id="send", variant="primary")
            yield button("Copy URL", id="copy-url")
            yield button("Copy curl", id="copy-curl")
            yield button("Clean up", id="cleanup", variant="warning")
        yield Static("", id="reload-status", markup=False)  # shown while hot reload is on
        yield Static("Press Enter to send the request.", id="status", markup=False)
        with TabbedContent(id="response"):
            for pane in ("Body", "Headers", "Logs", "Event", "Returned", "History"):
                with TabPane(pane, id=f"tab-{pane.lower()}"):
                    with VerticalScroll():
                        yield Static("", id=f"out-{pane.lower()}", markup=False)

    def on_mount(self) -> None:
        self.query_one("#reload-status", Static).display = False
        self._show_url()
        self.query_one("#send", Button).focus()
        hint = self._ssh_hint()
        if hint:
            self.query_one("#status", Static).update(hint)

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.query_one("#auth", Select).value = _auth_default(self.state)  # the API's authorizer may have changed
        self._show_url()
        if not self.state.history:  # cleaned up (or nothing sent yet): no stale responses
            self._clear_responses()
        self.focus_primary()

    def primary(self) -> Button:
        return self.query_one("#send", Button)

    def _clear_responses(self) -> None:
        for pane in ("body", "headers", "logs", "event", "returned", "history"):
            self.query_one(f"#out-{pane}", Static).update("")
        status = (
            "Press Enter to send the request." if self.state.test_url else "Nothing deployed: create the API first."
        )
        self.query_one("#status", Static).update(self._ssh_hint() or status)

    def _show_url(self) -> None:
        """The URL line follows what Send will request."""
        url = self._url() if self.state.test_url else "(not deployed yet)"
        self.query_one("#url", Static).update(Content.styled(url, "bold"))

    @on(Input.Changed, "#path, #query")
    def request_changed(self, event: Input.Changed) -> None:
        self._show_url()
        if event.input.id == "path" and event.validation_result and event.validation_result.is_valid:
            if str(self.query_one("#status", Static).render()).startswith("The path"):
                self.query_one("#status", Static).update("Press Enter to send the request.")

    # -- hot reload ------------------------------------------------------------
    def action_hot_reload(self) -> None:
        if self._reloader is not None:
            self._reloader.stop.set()  # its thread ends within a second
            self._reloader = None
            self._reload_said("Hot reload off.")
            return
        self._reload_said("Hot reload: looking for the function's code...")

        def said(reload: Any) -> None:  # from the watcher's thread
            self.app.call_from_thread(self._reload_said, f"{time.strftime('%H:%M:%S')} {reload.sentence()}")

        def started(reloader: Any) -> None:
            self._reloader = reloader
            path = reloader.watched[0].path
            self._reload_said(f"Hot reload on: saving {path} updates the function (F6 turns it off).")
            self.run_worker(reloader.run, thread=True, group="hot-reload", exit_on_error=False)

        def refused(error: BaseException) -> None:
            self._reload_said(f"Hot reload off: {error}")

        self.call_backend("hot-reload", lambda _emit: self.backend.hot_reloader(said), started, inline=refused)

    def _reload_said(self, text: str) -> None:
        line = self.query_one("#reload-status", Static)
        line.update(text)
        line.display = True

    def on_unmount(self) -> None:
        if self._reloader is not None:
            self._reloader.stop.set()

    def describe_action(self) -> str:
        return "send the test request"

    def _ssh_hint(self) -> Content | None:
        """Over SSH a loopback URL only works on the server: say how to
        reach it from the laptop's browser."""
        if self.state.config.target != "local" or not (
            os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_CLIENT")
        ):
            return None
        port = self.state.port
        return Content.assemble(
            "Over SSH: run ",
            (f"ssh -L {port}:127.0.0.1:{port} <this host>", "bold"),
            " on your laptop, then open the same URL in its browser.",
        )

    def _url(self) -> str:
        base = (self.state.result.invoke_url if self.state.result else "").rstrip("/")
        query = self.query_one("#query", Input).value.strip().lstrip("?")
        return base + self.query_one("#path", Input).value.strip() + (f"?{query}" if query else "")

    def _headers(self) -> tuple[tuple[str, str], ...]:
        raw = self.query_one("#headers", Input).value
        pairs = [part.partition(":") for part in raw.split(";") if part.strip()]
        return tuple((name.strip(), value.strip()) for name, sep, value in pairs if sep and name.strip())

    @on(Input.Submitted)
    @on(Button.Pressed, "#send")
    def send(self) -> None:
        status = self.query_one("#status", Static)
        if not self.state.test_url:
            status.update(Content.styled("Nothing to send to: create the API first (step 3).", "red"))
            return
        bad = first_invalid(self)
        if bad is not None:
            result = bad.validate(bad.value)
            reason = "; ".join(result.failure_descriptions) if result else "it is not valid"
            status.update(Content.styled(f"The path cannot be sent: {reason}", "red"))
            bad.focus()
            return
        from tui.services.tester import TestRequest

        body = self.query_one("#body", TextArea).text.encode()
        method = str(self.query_one("#method", Select).value)
        self.query_one("#status", Static).update(f"Sending {method} {self._url()} ...")
        auth = str(self.query_one("#auth", Select).value)
        self.run_request(TestRequest(method, self._url(), self._headers(), body), auth)

    @work(exclusive=True, group="send", exit_on_error=False)
    async def run_request(self, request: TestRequest, auth: str = "none") -> None:
        """An async worker: a new send cancels the one in flight. A token or
        a signature (boto3 calls) is made in a thread, off the event loop."""
        import asyncio
        from dataclasses import replace

        from tui.services.errors import WizardError
        from tui.services.tester import send_async

        sent_ms = int(time.time() * 1000)
        try:
            api = self.state.config.api
            if api.type == "rest" and api.api_key:
                # REST's API key (a secret): read in a thread, shown masked only.
                from tui.services.apikey import mask

                key = await asyncio.to_thread(self.backend.api_key)
                self._secret = key
                request = replace(request, headers=(*request.headers, ("x-api-key", key)))
                self.query_one("#status", Static).update(
                    f"Sending {request.method} {request.url} with x-api-key {mask(key)} ..."
                )
            if auth != "none":
                headers = await asyncio.to_thread(
                    self.backend.auth_headers, auth, request.method, request.url, request.headers, request.body
                )
                request = replace(request, headers=headers)
            reply = await send_async(request)
        except (WizardError, ValueError) as err:
            sentence = err.sentence() if isinstance(err, WizardError) else f"Could not send: {err}"
            code = err.code if isinstance(err, WizardError) else "NoApiKey"
            self.query_one("#status", Static).update(Content.styled(sentence, "red"))
            self.state.history.append(TestRecord(request.method, request.url, None, 0, code))
            self._history()
            return
        colour = "green" if reply.status < 400 else "red"
        self._status_line = Content.assemble(
            (f"{reply.status} {reply.reason}", f"bold {colour}"),
            f"  {reply.elapsed_ms:.0f} ms  {len(reply.body)} bytes  {reply.header('content-type') or ''}",
        )
        self._failed = reply.status >= 400
        self.query_one("#status", Static).update(self._status_line)
        self.query_one("#out-body", Static).update(self._masked(_pretty(reply.text)))
        self.query_one("#out-headers", Static).update(self._masked("\n".join(f"{k}: {v}" for k, v in reply.headers)))
        self.query_one("#response", TabbedContent).active = "tab-body"
        self.state.history.append(
            TestRecord(
                request.method,
                request.url,
                reply.status,
                reply.elapsed_ms,
                self._masked(reply.text)[:40].replace("\n", " "),
            )
        )
        self._history()
        self.refresh_sidebar()
        # HTTP APIs name the request apigw-requestid; REST APIs x-amzn-RequestId (reference J5).
        request_id = reply.header("apigw-requestid") or reply.header("x-amzn-requestid") or ""
        self.call_backend("inspect", lambda _emit: self._inspect(request_id, sent_ms), self._show_inspection)

    def _inspect(self, request_id: str, sent_ms: int) -> tuple[dict | None, list[str]]:
        """The request's log lines: the Lambda authorizer's run (if one
        decided it), the function's, and the stage's access log line."""
        invocation = self.backend.invocation(request_id)
        function = self.state.integration_function or self.state.config.function.name
        lambda_id = (invocation or {}).get("lambda_request_id")
        lines: list[str] = []
        authorizer = (invocation or {}).get("authorizer")
        if authorizer:
            run_id = authorizer.get("lambda_request_id")
            lines.append(f"── Authorizer {authorizer['function']}" + ("" if run_id else ": a cached answer, not run"))
            if run_id:
                lines += self.backend.request_logs(authorizer["function"], sent_ms, run_id)
        if not invocation or lambda_id:  # else API Gateway answered by itself: the function did not run
            if authorizer:
                lines.append(f"── Function {function}")
            lines += self.backend.request_logs(function, sent_ms, lambda_id)
        access = self.backend.access_log_lines(request_id, sent_ms)
        if access:
            lines += ["── Access log", *access]
        return invocation, lines

    def _show_inspection(self, found: tuple[dict | None, list[str]]) -> None:
        invocation, lines = found
        self.query_one("#out-logs", Static).update(self._masked("\n".join(lines)) or "(no log lines for this request)")
        if invocation is None:
            note = "Only the local cloud can show the event (AWS does not return it)."
            self.query_one("#out-event", Static).update(note)
            self.query_one("#out-returned", Static).update(note)
            return
        event = invocation.get("event")
        reason = invocation.get("note") or ""
        if reason and self._failed:
            # AWS's body says only {"message": "Not Found"}; the cloud logged why.
            self.query_one("#status", Static).update(
                Content.assemble(self._status_line, "\n", ("Why: ", "bold"), reason)
            )
        self.query_one("#out-event", Static).update(
            self._masked(json.dumps(event, indent=2)) if event else f"The function was not invoked: {reason}"
        )
        returned = invocation.get("returned")
        self.query_one("#out-returned", Static).update(
            (self._masked(_pretty(returned)) if returned is not None else f"Nothing: {reason}")
            + (f"\n\nAPI Gateway: {reason}" if reason and returned is not None else "")
        )

    def _history(self) -> None:
        rows = [
            f"{r.status or 'ERR':>4}  {r.elapsed_ms:6.0f} ms  {r.method:<6} {urlsplit(r.url).path}  {r.summary}"
            for r in reversed(self.state.history)
        ]
        self.query_one("#out-history", Static).update("\n".join(rows))

    @on(Button.Pressed, "#copy-url")
    def copy_url(self) -> None:
        copy_and_say(self.app, self._url(), "URL")

    @on(Button.Pressed, "#copy-curl")
    def copy_curl(self) -> None:
        method = str(self.query_one("#method", Select).value)
        parts = ["curl", "-i", "-X", method]
        for name, value in self._headers():
            parts += ["-H", f"{name}: {value}"]
        body = self.query_one("#body", TextArea).text
        if body:
            parts += ["--data-binary", body]
        command, what = shlex.join([*parts, self._url()]), "curl command"
        api = self.state.config.api
        if api.type == "rest" and api.api_key:
            # The key itself stays out of the clipboard (and the shell's history): the shell fills it in.
            command = command.replace("curl -i", 'curl -i -H "x-api-key: $API_KEY"', 1)
            what = "curl command (set API_KEY to the API key first)"
        copy_and_say(self.app, command, what)

    @on(Button.Pressed, "#cleanup")
    def cleanup(self) -> None:
        self.app.goto("cleanup")
