"""The API step's first sub-step, the console's "Choose an API type", and
what each type shows on the sub-steps after it: the panes it has, the
fields it lacks (tui.config.TYPE_ONLY_KEYS) and what its notes say."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui import apitypes
from tui.apitypes import CHOICES, ROUTE_SELECTION

from .apiaccess import describe_access, show_variables

PANES_BY_TYPE = {
    "http": ("type", "integration", "routes", "stages", "access", "review"),
    "rest": ("type", "integration", "routes", "stages", "access", "review"),  # access: the API key
    "websocket": ("type", "integration", "routes", "stages", "review"),  # no authorizer, CORS or throttling yet
}
NOTES = {
    "integration-note": {
        "http": "Lambda integration (payload 2.0 is the console's default)",
        "rest": "Lambda proxy integration (AWS_PROXY): the function gets REST's payload 1.0 event",
        "websocket": "Lambda proxy integration (AWS_PROXY) for every route key",
    },
    "routes-note": {
        "http": "",
        "rest": "Each route is a resource and method; ANY /{proxy+} would catch every path.",
        "websocket": f"Route selection expression {ROUTE_SELECTION} (read-only): a message's "
        '"action" picks its route; no match goes to $default.',
    },
    "stages-note": {
        "http": "$default has no stage segment in the URL; auto-deploy publishes every change.",
        "rest": "A REST API's changes go live only when deployed: Create deploys them to this stage "
        "(CreateDeployment), and so does each Update API.",
        "websocket": "Clients connect to wss://.../<stage>; auto-deploy publishes every change.",
    },
    "access-note": {
        "http": "Authorization, CORS and throttling for every route",
        "rest": "With an API key required, a request without a valid x-api-key gets 403 Forbidden; "
        "the Test step sends the key the wizard made.",
        "websocket": "",
    },
}
# Widgets only some types show (by id), after tui.config.TYPE_ONLY_KEYS.
ONLY = {
    "payload-field": ("http",),
    "auto-deploy-row": ("http", "websocket"),
    "access-log-field": ("http",),
    "http-access": ("http",),
    "api-key-row": ("rest",),
    "add-route-row": ("http", "rest"),  # WebSocket's route keys are the chat tutorial's, read-only here
    "new-route-field": ("http", "rest"),
}


def compose_type(kind: str) -> ComposeResult:
    with Vertical(id="type"):
        yield Label("Choose an API type (↑ ↓, Enter)")
        yield OptionList(*type_options(), id="api-type", compact=True)


def type_options() -> list[Option | None]:
    options: list[Option | None] = []
    for kind, title, line in CHOICES:
        if options:
            options.append(None)  # a separator line between the types
        # Content, not markup: the prompts are ours, but a bracket must never become a style.
        prompt = Content.assemble((title, "bold"), "\n", (line, "dim"))
        options.append(Option(prompt, id=kind))
    return options


def show_for_type(screen: Any, kind: str) -> None:
    """The notes and fields of the sub-steps as the chosen type has them."""
    for widget_id, text in NOTES.items():
        note = screen.query_one(f"#{widget_id}", Label)
        note.update(Content(text[kind]))
        note.display = bool(text[kind])
    for widget_id, kinds in ONLY.items():
        screen.query_one(f"#{widget_id}").display = kind in kinds


def summary_lines(state: Any) -> list[str]:
    """The review: what Create makes, as the type has it."""
    api = state.config.api
    function = state.integration_function or state.config.function.name
    variables = f", variables {show_variables(api)}" if api.stage_variables else ""
    auto = f"auto-deploy {'on' if api.auto_deploy else 'off'}"
    if api.type == "rest":
        lines = [
            f"API        {api.name} (REST, Regional)",
            f"Integration Lambda proxy to {function}, 29000 ms",
            f"Routes     {', '.join(api.routes)}",
            f"Stage      {api.stage}, deployed by Create (CreateDeployment){variables}",
            "Access     "
            + ("API key required (x-api-key), with a usage plan" if api.api_key else "open methods, no API key"),
        ]
    elif api.type == "websocket":
        lines = [
            f"API        {api.name} (WebSocket), route selection {apitypes.ROUTE_SELECTION}",
            f"Integration Lambda proxy to {function}, 29000 ms",
            f"Routes     {', '.join(api.routes)}",
            f"Stage      {api.stage}, {auto}{variables}",
        ]
    else:
        lines = [
            f"API        {api.name} (HTTP)",
            f"Integration Lambda {function}, payload {api.payload_format}, 30000 ms",
            f"Routes     {', '.join(api.routes)}",
            f"Stage      {api.stage}, {auto}{variables}"
            + (f", access logs {api.access_log.upper()}" if api.access_log else ""),
            f"Access     {describe_access(api)}",
        ]
    lines.append("Permission lambda:InvokeFunction for apigateway.amazonaws.com, scoped to this API")
    label = "URL       " if api.type == "websocket" else "Invoke URL"
    if state.result and state.result.invoke_url:
        url = state.result.invoke_url
        lines.append(f"{label} {apitypes.ws_url(url) if api.type == 'websocket' else url}")
    else:
        lines.append(f"{label} {apitypes.url_shape(api.type, state.config.region, api.stage)}")
        lines.append("Exists     nothing yet: Create makes the API, its routes, stage and permission")
    return lines
