"""Step 3: create the API as the console's sub-steps: the API type
(HTTP, WebSocket or REST: apitype.py); integrations (Lambda, payload 2.0
for HTTP) and the API's name; routes (route keys for WebSocket); stages;
access (HTTP: authorization, CORS, throttling; REST: the API key:
apiaccess.py); review and create (with the equivalent AWS CLI commands).
Create shows progress per resource and ends on the invoke URL."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, ContentSwitcher, DataTable, Input, Label, OptionList, Select, Static, Switch

from tui import apitypes, fields
from tui.config import TYPE_DEFAULTS, TYPE_NAMES
from awsrules.routekeys import parse

from tui.widgets.progress import ProgressLog

from .apiaccess import (
    ACCESS_LOG_CHOICES,
    compose_access,
    load_access,
    parse_variables,
    read_access,
    read_access_log,
    show_variables,
)
from .apitype import PANES_BY_TYPE, compose_type, show_for_type, summary_lines
from .base import StepScreen
from .forms import Field, button, first_invalid, is_valid, select, text_input
from .validators import FieldValidator

TITLES = {
    "type": "Type",
    "integration": "Integrations",
    "routes": "Routes",
    "stages": "Stages",
    "access": "Access",
    "review": "Review",
}


def _on_off(value: bool) -> str:
    return "On" if value else "Off"


def _route_key(kind: str, value: str) -> str:
    return fields.ws_route_key(value) if kind == "websocket" else fields.route_key(value)


def _stage(kind: str, value: str) -> str:
    if kind != "http" and value == "$default":
        # As the config file says it (tui/config.py): REST and WebSocket URLs name the stage.
        example = TYPE_DEFAULTS[kind]["stage"]
        raise fields.FieldError(f"$default is an HTTP API stage; allowed: letters, digits, - or _, e.g. {example}")
    return fields.stage(value)


class ApiScreen(StepScreen):
    STEP = "api"
    pane = "type"

    @property
    def kind(self) -> str:
        return self.state.config.api.type

    @property
    def panes(self) -> tuple[str, ...]:
        return PANES_BY_TYPE[self.kind]

    def compose_step(self) -> ComposeResult:
        api = self.state.config.api
        fn = self.state.config.function.name
        yield Static(id="substeps")
        with ContentSwitcher(initial="type", id="panes"):
            yield from compose_type(api.type)
            with Vertical(id="integration"):
                yield Label(id="integration-note")
                yield Field("Function", select([(fn, fn)], value=fn, allow_blank=False, id="function"))
                yield Field(
                    "Payload",
                    select([("2.0", "2.0"), ("1.0", "1.0")], value=api.payload_format, allow_blank=False, id="payload"),
                    id="payload-field",
                )
                yield Field(
                    "API name", text_input(api.name, id="api-name", validators=[FieldValidator(fields.api_name)])
                )
            with Vertical(id="routes"):
                yield Label(id="routes-note")
                yield DataTable(id="route-table", cursor_type="row")
                yield Field(
                    "New route",
                    id="new-route-field",
                    control=text_input(
                        placeholder="e.g. GET /pets/{id}",
                        id="new-route",
                        validators=[FieldValidator(lambda v: _route_key(self.kind, v))],
                    ),
                )
                with Horizontal(classes="actions", id="add-route-row"):
                    yield button("Add", id="add-route")
                    yield button("Remove selected", id="remove-route")
            with Vertical(id="stages"):
                yield Label(id="stages-note")
                yield Field(
                    "Stage name",
                    text_input(api.stage, id="stage", validators=[FieldValidator(lambda v: _stage(self.kind, v))]),
                )
                with Horizontal(classes="row", id="auto-deploy-row"):
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
                    id="access-log-field",
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
        self.pane = "type"
        self._highlight_type()
        self._fill_routes()
        self._show()
        self.call_backend("functions", lambda _emit: self.backend.functions(), self._fill_functions)

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self._show()  # the review says what exists now (a clean-up may have deleted it)

    def describe_action(self) -> str:
        return f"create the {TYPE_NAMES[self.kind]} {self.state.config.api.name}"

    def primary(self) -> Widget:
        if self.pane == "type":
            return self.query_one("#api-type", OptionList)
        if self.pane == "routes" and self.kind != "websocket":
            return self.query_one("#new-route", Input)
        return self.query_one("#next", Button)

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

    @on(Switch.Changed, "#api-key")
    def api_key_changed(self, event: Switch.Changed) -> None:
        self.query_one("#api-key-state", Label).update("required" if event.value else "not required")

    @on(OptionList.OptionSelected, "#api-type")
    def type_chosen(self) -> None:
        self.advance()

    def _highlight_type(self) -> None:
        choices = self.query_one("#api-type", OptionList)
        choices.highlighted = choices.get_option_index(self.kind)

    def _load_fields(self) -> None:
        """The sub-steps' fields from the config (its type was just chosen)."""
        api = self.state.config.api
        self.query_one("#api-name", Input).value = api.name
        self.query_one("#payload", Select).value = api.payload_format
        self.query_one("#stage", Input).value = api.stage
        self.query_one("#auto-deploy", Switch).value = api.auto_deploy
        self.query_one("#stage-variables", Input).value = show_variables(api)
        self.query_one("#access-log", Select).value = api.access_log or "off"
        load_access(self, api)
        self._fill_routes()

    def _fill_functions(self, names: list[str]) -> None:
        select = self.query_one("#function", Select)
        current = self.state.integration_function or self.state.config.function.name
        select.set_options([(n, n) for n in sorted({*names, current})])
        select.value = current

    def _fill_routes(self) -> None:
        table = self.query_one("#route-table", DataTable)
        table.clear(columns=True)
        target = f"Lambda {self.state.integration_function or self.state.config.function.name}"
        # DataTable parses str cells as markup: Text keeps them as written.
        if self.kind == "websocket":
            table.add_columns("Route key", "Runs when", "Target")
            for key in self.state.config.api.routes:
                table.add_row(Text(key), Text(apitypes.route_kind(key)), Text(target), key=key)
            return
        table.add_columns("Method", "Path", "Target")
        for key in self.state.config.api.routes:
            route = parse(key)
            table.add_row(Text(route.method or "$default"), Text(route.path or "(any)"), Text(target), key=key)

    def _show(self) -> None:
        if self.pane not in self.panes:
            self.pane = "type"
        self.query_one(ContentSwitcher).current = self.pane
        show_for_type(self, self.kind)
        if self.pane != "type":  # not while choosing: a dialog closing would undo the arrows
            self._highlight_type()
        marks = " › ".join(
            f"[reverse] {i} {TITLES[p]} [/]" if p == self.pane else f"{i} {TITLES[p]}"
            for i, p in enumerate(self.panes, 1)
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
        self.query_one("#summary", Static).update("\n".join(summary_lines(self.state)))

    def go_back(self) -> bool:
        """Esc: the previous sub-step, if any (the app goes a step back otherwise)."""
        index = self.panes.index(self.pane)
        if index == 0:
            return False
        self.pane = self.panes[index - 1]
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
            self.pane = self.panes[self.panes.index(self.pane) + 1]
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
        if self.pane == "type":
            chosen_type = self.query_one("#api-type", OptionList).highlighted_option
            if chosen_type is not None and chosen_type.id != self.kind:
                state.update(api=apitypes.choose(state.config.api, str(chosen_type.id)))
                self._load_fields()
                self.refresh_sidebar()  # the step's title names the type
        elif self.pane == "integration":
            chosen = str(self.query_one("#function", Select).value)
            state.integration_function = None if chosen == state.config.function.name else chosen
            values = {"name": self.query_one("#api-name", Input).value}
            if self.kind == "http":
                values["payload_format"] = str(self.query_one("#payload", Select).value)
            state.update("api", **values)
            self._fill_routes()
        elif self.pane == "stages":
            stage = {
                "stage": self.query_one("#stage", Input).value,
                "stage_variables": parse_variables(self.query_one("#stage-variables", Input).value),
            }
            if self.kind != "rest":
                stage["auto_deploy"] = self.query_one("#auto-deploy", Switch).value
            if self.kind == "http":
                stage["access_log"] = read_access_log(self)
            state.update("api", **stage)
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
            self.state.update(api=apitypes.with_routes(self.state.config.api, [*keys, box.value.strip()]))
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
            self.notify("An API needs at least one route here.", severity="warning")
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
