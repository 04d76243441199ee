"""Step 2: create the Lambda function, as the console's "Author from
scratch": name, runtime, architecture, code, execution role, and memory and
timeout under "Advanced settings". Create runs role, policy and function in
a thread worker with a live progress log and ends on the function's ARN."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.syntax import Syntax
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Collapsible, Input, Label, Select, Static

from tui import fields
from tui.config import TYPE_NAMES
from tui.services.packaging import HELLO_CODE
from tui.urlconfig import UrlConfig
from tui.widgets.progress import ProgressLog

from .base import StepScreen
from .envedit import EnvEditor
from .forms import Field, button, first_invalid, select, text_input
from .validators import FieldValidator, as_int

NEW_ROLE = "new"
PUBLISH_CHOICES = [("No: $LATEST only", "no"), ("Yes: a version per change", "yes")]
URL_CHOICES = [("Off", "off"), ("Public (auth NONE)", "NONE"), ("IAM (auth AWS_IAM, SigV4)", "AWS_IAM")]


class FunctionScreen(StepScreen):
    STEP = "function"

    def compose_step(self) -> ComposeResult:
        fn = self.state.config.function
        yield Label("Create function: author from scratch", classes="step-title")
        with VerticalScroll(id="function-form"):
            yield Field("Name", text_input(fn.name, id="name", validators=[FieldValidator(fields.function_name)]))
            yield Field(
                "Runtime", select([(fn.runtime, fn.runtime)], value=fn.runtime, allow_blank=False, id="runtime")
            )
            yield Field(
                "Architecture",
                select(
                    [(a, a) for a in ("x86_64", "arm64")], value=fn.architecture, allow_blank=False, id="architecture"
                ),
            )
            yield Field(
                "Code",
                text_input(
                    fn.code if fn.code == "hello" else fn.code,
                    id="code",
                    placeholder="hello, or a .py file, a folder or a .zip",
                    validators=[FieldValidator(lambda v: fields.code(v, Path.cwd()))],
                ),
            )
            yield Static(Syntax(HELLO_CODE, "python", theme="ansi_dark", line_numbers=False), id="code-view")
            role_options = [("Create a new role with basic Lambda permissions", NEW_ROLE)]
            if fn.role != NEW_ROLE:
                role_options.append((fn.role, fn.role))
            yield Field("Execution role", select(role_options, value=fn.role, allow_blank=False, id="role"))
            with Collapsible(title="Advanced settings", collapsed=True):
                yield Field(
                    "Handler", text_input(fn.handler, id="handler", validators=[FieldValidator(fields.handler)])
                )
                yield Field(
                    "Memory (MB)",
                    text_input(str(fn.memory_mb), id="memory", validators=[FieldValidator(fields.memory_mb, as_int)]),
                )
                yield Field(
                    "Timeout (s)",
                    text_input(str(fn.timeout_s), id="timeout", validators=[FieldValidator(fields.timeout_s, as_int)]),
                )
                yield Field(
                    "/tmp (MB)",
                    text_input(
                        str(fn.ephemeral_storage_mb),
                        id="tmp-size",
                        validators=[FieldValidator(fields.ephemeral_storage_mb, as_int)],
                    ),
                )
                yield Field(
                    "Publish",
                    select(PUBLISH_CHOICES, value="yes" if fn.publish else "no", allow_blank=False, id="publish"),
                )
                yield Field(
                    "Alias",
                    text_input(
                        fn.alias or "",
                        placeholder="none, or e.g. live",
                        id="alias",
                        validators=[FieldValidator(lambda v: fields.alias(v.strip() or None))],
                    ),
                )
                yield Field(
                    "Function URL",
                    select(URL_CHOICES, value=fn.url.auth if fn.url else "off", allow_blank=False, id="url"),
                )
                yield Label("Environment variables (secrets shown as dots)")
                yield EnvEditor(fn.environment, id="env")
        with Horizontal(classes="actions"):
            yield button("Create function", id="create", variant="primary")
            yield button("Next: API", id="next", variant="success", disabled=True)  # _reflect names the type
            yield button("Test", id="test-event", disabled=True)
        yield ProgressLog(id="function-log", hide_empty=True)

    def on_mount(self) -> None:
        self._reflect()
        if self.state.step_done("function"):
            self.query_one(ProgressLog).event("done", f"Function ARN: {self.state.result.function_arn}")
        self.focus_primary()
        self.call_backend("choices", lambda _emit: self._choices(), self._fill_choices)

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self._reflect()  # after a clean-up the function is gone: Create again, Next off
        self.focus_primary()

    def primary(self) -> Button:
        done = self.state.step_done("function") and "create-function" not in self.running
        return self.query_one("#next" if done else "#create", Button)

    def _reflect(self) -> None:
        """The buttons say what exists now."""
        done = self.state.step_done("function")
        create = self.query_one("#create", Button)
        if "create-function" not in self.running:
            create.label = "Update function" if done else "Create function"
        self.query_one("#next", Button).disabled = not done
        self.query_one("#next", Button).label = f"Next: {TYPE_NAMES[self.state.config.api.type]}"
        self.query_one("#test-event", Button).disabled = not done

    def describe_action(self) -> str:
        return f"create the function {self.state.config.function.name}"

    def _choices(self) -> tuple[list[tuple[str, str]], list[str], list[str]]:
        """Runtimes (from botocore's model), architectures and Lambda-assumable roles."""
        from awsrules import limits

        today = dt.date.today()
        runtimes = [(r.label(today), r.name) for r in limits.creatable_runtimes(today)]
        try:
            roles = self.backend.roles()
        except Exception:  # noqa: BLE001 - the list is a convenience; "new" always works
            roles = []
        return runtimes, list(limits.architectures()), roles

    def _fill_choices(self, choices: tuple[list[tuple[str, str]], list[str], list[str]]) -> None:
        runtimes, architectures, roles = choices
        fn = self.state.config.function
        runtime = self.query_one("#runtime", Select)
        runtime.set_options(runtimes)
        runtime.value = fn.runtime if any(v == fn.runtime for _, v in runtimes) else runtimes[0][1]
        arch = self.query_one("#architecture", Select)
        arch.set_options([(a, a) for a in architectures])
        arch.value = fn.architecture
        role = self.query_one("#role", Select)
        options = [("Create a new role with basic Lambda permissions", NEW_ROLE)] + [(r, r) for r in roles]
        if fn.role not in (NEW_ROLE, *roles):
            options.append((fn.role, fn.role))
        role.set_options(options)
        role.value = fn.role

    @on(Input.Changed, "#code")
    def code_changed(self, event: Input.Changed) -> None:
        self.query_one("#code-view").display = event.value.strip() == "hello"

    @on(Input.Submitted)
    @on(Button.Pressed, "#create")
    def create(self) -> None:
        if "create-function" in self.running:
            return  # Enter while it runs: focus and the running call stay as they are
        bad = first_invalid(self)
        if bad is not None:
            bad.focus()
            self.notify("Correct the highlighted field first.", severity="warning")
            return
        if not self._apply():
            return
        create = self.query_one("#create", Button)
        create.label = "Updating..." if self.state.step_done("function") else "Creating..."
        self.call_backend("create-function", self.backend.create_function, self._done, self._failed)
        create.focus()

    def _apply(self) -> bool:
        """Copy the form into the wizard's state; False if a value that
        needs more than one field (handler vs code) is wrong."""
        from tui.services.packaging import handler_module_problem

        value = lambda widget_id: self.query_one(widget_id, Input).value.strip()  # noqa: E731
        code = fields.code(value("#code"), Path.cwd())
        problem = handler_module_problem(code, value("#handler"))
        if problem:
            self.query_one("#handler", Input).focus()
            self.query_one(Collapsible).collapsed = False
            self.notify(problem, severity="error", timeout=8, markup=False)
            return False
        old_name = self.state.config.function.name
        self.state.update(
            "function",
            name=value("#name"),
            runtime=str(self.query_one("#runtime", Select).value),
            architecture=str(self.query_one("#architecture", Select).value),
            code=code,
            handler=value("#handler"),
            memory_mb=int(value("#memory")),
            timeout_s=int(value("#timeout")),
            role=str(self.query_one("#role", Select).value),
            environment=dict(self.query_one(EnvEditor).variables),
            ephemeral_storage_mb=int(value("#tmp-size")),
            publish=str(self.query_one("#publish", Select).value) == "yes",
            alias=value("#alias") or None,
            url=self._url(),
        )
        self._follow_rename(old_name, value("#name"))
        return True

    def _url(self) -> UrlConfig | None:
        """The chosen URL; the config's CORS kept while the auth type stays."""
        chosen = str(self.query_one("#url", Select).value)
        if chosen == "off":
            return None
        current = self.state.config.function.url
        return UrlConfig(chosen, current.cors if current else None)

    def _follow_rename(self, old: str, new: str) -> None:
        """The console names the route after the function: keep the default
        route and test path in step with a renamed function."""
        if old == new:
            return
        if self.state.config.api.routes == (f"ANY /{old}",):
            self.state.update("api", routes=(f"ANY /{new}",))
        if self.state.config.test.path == f"/{old}":
            self.state.update("test", path=f"/{new}")

    def _done(self, result: object) -> None:
        self._created()

    def _created(self) -> None:
        self._reflect()
        result = self.state.result
        self.query_one(ProgressLog).event("done", f"Function ARN: {result.function_arn}")
        if result.function_version:
            alias = f", alias {self.state.config.function.alias}" if self.state.config.function.alias else ""
            self.query_one(ProgressLog).event("done", f"Version {result.function_version}{alias}")
        if result.function_url:
            self.query_one(ProgressLog).event(
                "done", f"Function URL: {result.function_url_local or result.function_url}"
            )
        self.focus_primary()

    def _failed(self) -> None:
        self._reflect()

    @on(Button.Pressed, "#next")
    def next_step(self) -> None:
        self.app.goto("api")

    @on(Button.Pressed, "#test-event")
    def test_event(self) -> None:
        """The console's Test tab: invoke the function with an event."""
        from tui.widgets.invokemodal import InvokeModal

        state = self.state
        self.app.push_screen(InvokeModal(state.config.function.name, self.backend, state.ledger_dir or state.state_dir))
