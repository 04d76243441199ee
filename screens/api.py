"""Step 3: create the HTTP API as the console's sub-steps: integrations
(Lambda, payload 2.0) and the API's name; routes; stages; access
(authorization, CORS, throttling: apiaccess.py); review and create (with
the equivalent AWS CLI commands). Create shows progress per resource and
ends on the invoke URL."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, ContentSwitcher, DataTable, Input, Label, Select, Static, Switch

from tui import fields
from awsrules.routekeys import parse

from tui.widgets.progress import ProgressLog

from .apiaccess import (
    ACCESS_LOG_CHOICES,
    compose_access,
    describe_access,
    parse_variables,
    read_access,
    read_access_log,
    show_variables,
)
from .base import StepScreen
from .forms import Field, button, first_invalid, is_valid, select, text_input
from .validators import FieldValidator

PANES = ("integration", "routes", "stages", "access", "review")
TITLES = {
    "integration": "Integrations",
    "routes": "Routes",
    "stages": "Stages",
    "access": "Access",
    "review": "Review",
}


def _on_off(value: bool) -> str:
    return "On" if value else "Off"


class ApiScreen(StepScreen):
    STEP = "api"
    pane = "integration"

    def compose_step(self) -> ComposeResult:
        api = self.state.config.api
        fn = self.state.config.function.name
        yield Static(id="substeps")
        with ContentSwitcher(initial="integration", id="panes"):
            with Vertical(id="integration"):
                yield Label("Lambda integration (payload 2.0 is the console's default)")
                yield Field("Function", select([(fn, fn)], value=fn, allow_blank=False, id="function"))
                yield Field(
                    "Payload",
                    select([("2.0", "2.0"), ("1.0", "1.0")], value=api.payload_format, allow_blank=False, id="payload"),
                )
                yield Field(
                    "API name", text_input(api.name, id="api-name", validators=[FieldValidator(fields.api_name)])
                )
            with Vertical(id="routes"):
                yield DataTable(id="route-table", cursor_type="row")
                yield Field(
                    "New route",
                    text_input(
                        placeholder="e.g. GET /pets/{id}", id="new-route", validators=[FieldValidator(fields.route_key)]
                    ),
                )
                with Horizontal(classes="actions"):
                    yield button("Add", id="add-route")
                    yield button("Remove selected", id="remove-route")
            with Vertical(id="stages"):
                yield Label("$default has no stage segment in the URL; auto-deploy publishes every change.")
                yield Field("Stage name", text_input(api.stage, id="stage", validators=[FieldValidator(fields.stage)]))
                with Horizontal(classes="row"):
                    yield Label("Auto-deploy", classes="field-label")
                    yield Switch(value=api.auto_deploy, id="auto-deploy")
                    yield Label(_on_off(api.auto_deploy), id="auto-deploy-state")
                yield Field(
                    "Variables",
                    text_input(
                        show_variables(api),
                        placeholder="none, or e.g. table=orders-dev, mode=test",
                        id="stage-variables",
                        validators=[FieldValidator(parse_variables)],
                    ),
                )
                yield Field(
                    "Access logs",
                    select(ACCESS_LOG_CHOICES, value=api.access_log or "off", allow_blank=False, id="access-log"),
                )
            yield from compose_access(api)
            with Vertical(id="review"):
                yield Static(id="summary", markup=False)
                yield ProgressLog(id="api-log", hide_empty=True)
        with Horizontal(classes="actions"):
            yield button("Next", id="next", variant="primary")
            yield button("AWS CLI", id="cli")
            yield button("Export", id="export")

    def on_mount(self) -> None:
        self.pane = "integration"
        table = self.query_one("#route-table", DataTable)
        table.add_columns("Method", "Path", "Target")
        self._fill_routes()
        self._show()
        self.call_backend("functions", lambda _emit: self.backend.functions(), self._fill_functions)

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self._show()  # the review says what exists now (a clean-up may have deleted it)

    def describe_action(self) -> str:
        return f"create the HTTP API {self.state.config.api.name}"

    def primary(self) -> Widget:
        return self.query_one("#new-route", Input) if self.pane == "routes" else self.query_one("#next", Button)

    def _review_label(self) -> str:
        """What the review's button does: it changes AWS only when it says so."""
        if "create-api" in self.running:
            return "Creating..."
        if not self.state.step_done("api"):
            return "Create"
        return "Update API" if self._dirty else "Next: Test"

    @on(Switch.Changed, "#auto-deploy")
    def auto_deploy_changed(self, event: Switch.Changed) -> None:
        self.query_one("#auto-deploy-state", Label).update(_on_off(event.value))

    def _fill_functions(self, names: list[str]) -> None:
        select = self.query_one("#function", Select)
        current = self.state.integration_function or self.state.config.function.name
        select.set_options([(n, n) for n in sorted({*names, current})])
        select.value = current

    def _fill_routes(self) -> None:
        table = self.query_one("#route-table", DataTable)
        table.clear()
        target = f"Lambda {self.state.integration_function or self.state.config.function.name}"
        for key in self.state.config.api.routes:
            route = parse(key)
            # DataTable parses str cells as markup: Text keeps them as written.
            table.add_row(Text(route.method or "$default"), Text(route.path or "(any)"), Text(target), key=key)

    def _show(self) -> None:
        self.query_one(ContentSwitcher).current = self.pane
        marks = " › ".join(
            f"[reverse] {i} {TITLES[p]} [/]" if p == self.pane else f"{i} {TITLES[p]}" for i, p in enumerate(PANES, 1)
        )
        self.query_one("#substeps", Static).update(marks)
        button = self.query_one("#next", Button)
        button.label = self._review_label() if self.pane == "review" else "Next"
        button.refresh(layout=True)  # the label's width changed
        self.query_one("#export", Button).display = self.pane == "review"
        if self.pane == "review":
            self._summarise()
        self.focus_primary()

    def _summarise(self) -> None:
        state = self.state
        api = state.config.api
        lines = [
            f"API        {api.name} (HTTP)",
            f"Integration Lambda {state.integration_function or state.config.function.name}, "
            f"payload {api.payload_format}, 30000 ms",
            f"Routes     {', '.join(api.routes)}",
            f"Stage      {api.stage}, auto-deploy {'on' if api.auto_deploy else 'off'}"
            + (f", variables {show_variables(api)}" if api.stage_variables else "")
            + (f", access logs {api.access_log.upper()}" if api.access_log else ""),
            f"Access     {describe_access(api)}",
            "Permission lambda:InvokeFunction for apigateway.amazonaws.com, scoped to this API",
        ]
        if state.result and state.result.invoke_url:
            lines.append(f"Invoke URL {state.result.invoke_url}")
        else:
            lines.append("Exists     nothing yet: Create makes the API, its routes, stage and permission")
        self.query_one("#summary", Static).update("\n".join(lines))

    def go_back(self) -> bool:
        """Esc: the previous sub-step, if any (the app goes a step back otherwise)."""
        index = PANES.index(self.pane)
        if index == 0:
            return False
        self.pane = PANES[index - 1]
        self._show()
        return True

    @on(Input.Submitted, "#new-route")
    def route_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.add_route()
        else:
            self.advance()

    @on(Input.Submitted, "#api-name, #stage, #stage-variables, #auth-scopes, #cors-origins, #burst, #rate")
    @on(Button.Pressed, "#next")
    def advance(self) -> None:
        if "create-api" in self.running:
            return  # Enter while it runs: focus and the running call stay as they are
        pane = self.query_one(f"#{self.pane}")
        bad = first_invalid(pane) if self.pane != "routes" else None
        if bad is not None:
            bad.focus()
            return
        self._apply()
        if self.pane != "review":
            self.pane = PANES[PANES.index(self.pane) + 1]
            self._show()
        elif self.state.step_done("api") and not self._dirty:
            self.app.goto("test")
        else:
            self.call_backend("create-api", self.backend.create_api, self._created, self._failed)
            self._show()

    _dirty = False

    def _apply(self) -> None:
        state = self.state
        before = (state.config.api, state.integration_function)
        if self.pane == "integration":
            chosen = str(self.query_one("#function", Select).value)
            state.integration_function = None if chosen == state.config.function.name else chosen
            state.update(
                "api",
                name=self.query_one("#api-name", Input).value,
                payload_format=str(self.query_one("#payload", Select).value),
            )
            self._fill_routes()
        elif self.pane == "stages":
            state.update(
                "api",
                stage=self.query_one("#stage", Input).value,
                auto_deploy=self.query_one("#auto-deploy", Switch).value,
                stage_variables=parse_variables(self.query_one("#stage-variables", Input).value),
                access_log=read_access_log(self),
            )
        elif self.pane == "access":
            state.update("api", **read_access(self, state.config.api))
        self._dirty = self._dirty or before != (state.config.api, state.integration_function)
        if not state.step_done("api"):
            self._dirty = False  # nothing to update: the review offers Create

    @on(Button.Pressed, "#add-route")
    def add_route(self) -> None:
        box = self.query_one("#new-route", Input)
        if not is_valid(box):
            return
        keys = list(self.state.config.api.routes)
        try:
            self.state.update("api", routes=tuple(fields.routes([*keys, box.value.strip()])))
        except fields.FieldError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        box.value = ""
        self._dirty = True
        self._fill_routes()

    @on(Button.Pressed, "#remove-route")
    def remove_route(self) -> None:
        table = self.query_one("#route-table", DataTable)
        keys = list(self.state.config.api.routes)
        if len(keys) <= 1 or table.row_count == 0:
            self.notify("An HTTP API needs at least one route here.", severity="warning")
            return
        keys.pop(table.cursor_row)
        self.state.update("api", routes=tuple(keys))
        self._dirty = True
        self._fill_routes()

    @on(Button.Pressed, "#cli")
    def show_cli(self) -> None:
        self.app.action_show_cli()

    @on(Button.Pressed, "#export")
    def show_export(self) -> None:
        self.app.action_export()

    def _created(self, result: object) -> None:
        self._dirty = False
        self._show()

    def _failed(self) -> None:
        self._show()
