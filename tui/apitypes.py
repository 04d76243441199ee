"""The console's "Choose an API type", as the wizard shows it: each type's
one-line explanation, what choosing one does to the config, the shape of
its invoke URL and the step's title. No Textual, no I/O: the API and Test
steps and the tests share it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from . import fields
from .config import TYPE_DEFAULTS, ApiConfig, api_for_type

# The console's order: HTTP first (the tutorial's), then WebSocket, then REST.
CHOICES: tuple[tuple[str, str, str], ...] = (
    ("http", "HTTP API", "Low-latency, cost-effective RESTful APIs with Lambda or HTTP backends (the tutorial's)"),
    ("websocket", "WebSocket API", "Two-way, stateful: clients stay connected and the API pushes messages to them"),
    ("rest", "REST API", "API keys, usage plans, request validation and full control over each request and response"),
)
# The sidebar is 20 columns inside: "Create WebSocket API" would wrap.
STEP_TITLES = {"http": "Create HTTP API", "rest": "Create REST API", "websocket": "Create WS API"}
ROUTE_SELECTION = "$request.body.action"  # the console's (and the chat tutorial's) expression, reference K1
WS_PROMPT = '{"action": "sendmessage", "data": "hi"}'  # the chat tutorial's first message


def default_name(kind: str) -> str:
    return str(TYPE_DEFAULTS[kind].get("name", ApiConfig.name))


def choose(api: ApiConfig, kind: str) -> ApiConfig:
    """`api` as the type `kind`: that type's defaults, keeping the name the
    person typed (a type's default name follows the type) and, between HTTP
    and REST, routes both take. Choosing the type it is changes nothing."""
    if kind == api.type:
        return api
    given: dict[str, Any] = {}
    if api.name != default_name(api.type):
        given["name"] = api.name
    if {api.type, kind} == {"http", "rest"}:
        try:
            given["routes"] = tuple(fields.routes_for(list(api.routes), kind))
        except fields.FieldError:
            pass  # e.g. $default, which REST has not: the type's default route
    return api_for_type(kind, **given)


def with_routes(api: ApiConfig, keys: list[str]) -> ApiConfig:
    """Routes checked as the API's type takes them (FieldError says why not)."""
    return replace(api, routes=tuple(fields.routes_for(keys, api.type)))


def url_shape(kind: str, region: str, stage: str) -> str:
    """The invoke URL AWS gives once the API exists (reference J2, K2)."""
    host = f"{{api-id}}.execute-api.{region}.amazonaws.com"
    if kind == "websocket":
        return f"wss://{host}/{stage}"
    return f"https://{host}/" + ("" if stage == "$default" else stage)


def ws_url(invoke_url: str) -> str:
    """A WebSocket API's URL to connect to: the local cloud serves it on its
    http:// port, AWS on https://, so the scheme follows (ws:, wss:)."""
    if invoke_url.startswith("https://"):
        return "wss://" + invoke_url[len("https://") :]
    if invoke_url.startswith("http://"):
        return "ws://" + invoke_url[len("http://") :]
    return invoke_url


def route_kind(key: str) -> str:
    """What a WebSocket route key does, for the routes table."""
    return {
        "$connect": "on connect (may refuse it)",
        "$disconnect": "on disconnect (best effort)",
        "$default": "no other route matched",
    }.get(key, f"action is {key!r}")
