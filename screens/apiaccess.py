"""The API step's Access sub-step: the console's Authorization, CORS and
Throttling pages in one pane that fits 80x24. What it cannot show (a
richer CORS or an issuer URL from the config file) it keeps as it is
unless the person changes that field."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Switch

from tui import authconfig, corsconfig, stagesettings
from tui.fields import FieldError

from .forms import Field, select, text_input
from .validators import FieldValidator

# The console's Logging page offers these formats (stagesettings.ACCESS_LOG_FORMATS).
ACCESS_LOG_CHOICES = [("Off", "off")] + [
    (f"{name.upper()} to /aws/apigateway/<API>/access-logs", name) for name in stagesettings.ACCESS_LOG_FORMATS
]
AUTH_CHOICES = [
    ("None: open routes", "none"),
    ("JWT: a Cognito pool in the target", "cognito"),
    ("Lambda: sample, allows secretToken", "lambda"),
    ("IAM: SigV4", "iam"),
]


def _list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _origins(text: str) -> Any:
    return corsconfig.origins(_list(text)) if text.strip() else ()


def _scopes(text: str) -> Any:
    return authconfig.scopes(_list(text)) if text.strip() else ()


def _burst(text: str) -> Any:
    return stagesettings.burst(int(text)) if text.strip() else None


def _rate(text: str) -> Any:
    return stagesettings.rate(float(text)) if text.strip() else None


def parse_variables(text: str) -> Any:
    """`name=value, name=value` (the Stages sub-step's field) as stage variables."""
    pairs = {}
    for part in _list(text):
        name, sep, value = part.partition("=")
        if not sep:
            raise FieldError(f"{part!r} is not name=value; allowed: e.g. table=orders-dev, mode=test")
        pairs[name.strip()] = value.strip()
    return stagesettings.stage_variables(pairs)


def read_access_log(screen: Any) -> str | None:
    chosen = str(screen.query_one("#access-log", Select).value)
    return None if chosen == "off" else chosen


def show_variables(api: Any) -> str:
    return ", ".join(f"{name}={value}" for name, value in api.stage_variables)


def _auth_value(api: Any) -> str:
    found = api.authorizer
    if found is None:
        return "none"
    if found.type == "iam":
        return "iam"
    if found.type == "lambda" and found.code == authconfig.SAMPLE and found == authconfig.AuthorizerConfig("lambda"):
        return "lambda"
    return "cognito" if found.local_cognito else "config"


def compose_access(api: Any) -> ComposeResult:
    auth = _auth_value(api)
    choices = list(AUTH_CHOICES)
    if auth == "config":  # an issuer URL or Lambda code from the config file: kept unless changed here
        found = api.authorizer
        label = f"Lambda: {found.code}" if found.type == "lambda" else f"JWT: {found.issuer}"
        choices.append((label[:60], "config"))
    with Vertical(id="access"):
        yield Label("Authorization, CORS and throttling for every route", id="access-note")
        with Horizontal(classes="row", id="api-key-row"):  # REST only: usage plans and API keys are REST's
            yield Label("API key", classes="field-label")
            yield Switch(value=api.api_key, id="api-key")
            yield Label("required" if api.api_key else "not required", id="api-key-state")
        yield from _compose_http(api, auth, choices)


def _compose_http(api: Any, auth: str, choices: list[tuple[str, str]]) -> ComposeResult:
    throttle = api.throttling
    with Vertical(id="http-access"):
        yield Field("Authorizer", select(choices, value=auth, allow_blank=False, id="auth-type"))
        yield Field(
            "JWT scopes",
            text_input(
                ", ".join(api.authorizer.scopes) if api.authorizer else "",
                placeholder="none, or e.g. orders/read",
                id="auth-scopes",
                validators=[FieldValidator(_scopes)],
            ),
        )
        yield Field(
            "CORS origins",
            text_input(
                ", ".join(api.cors.allow_origins) if api.cors else "",
                placeholder="none, or e.g. https://app.example.com",
                id="cors-origins",
                validators=[FieldValidator(_origins)],
            ),
        )
        yield Field(
            "Burst limit",
            text_input(
                "" if throttle is None or throttle.burst is None else str(throttle.burst),
                placeholder="the account's: 5000",
                id="burst",
                validators=[FieldValidator(_burst)],
            ),
        )
        yield Field(
            "Rate limit /s",
            text_input(
                "" if throttle is None or throttle.rate is None else f"{throttle.rate:g}",
                placeholder="the account's: 10000",
                id="rate",
                validators=[FieldValidator(_rate)],
            ),
        )


def load_access(screen: Any, api: Any) -> None:
    """The pane's fields from `api` (its type was chosen again: its defaults)."""
    screen.query_one("#api-key", Switch).value = api.api_key
    if api.authorizer is None:
        screen.query_one("#auth-type", Select).value = "none"
    screen.query_one("#auth-scopes", Input).value = ", ".join(api.authorizer.scopes) if api.authorizer else ""
    screen.query_one("#cors-origins", Input).value = ", ".join(api.cors.allow_origins) if api.cors else ""
    throttle = api.throttling
    screen.query_one("#burst", Input).value = "" if throttle is None or throttle.burst is None else str(throttle.burst)
    screen.query_one("#rate", Input).value = "" if throttle is None or throttle.rate is None else f"{throttle.rate:g}"


def read_access(screen: Any, api: Any) -> dict[str, Any]:
    """The pane's fields as ApiConfig values (call when they are valid)."""
    if api.type == "rest":
        return {"api_key": screen.query_one("#api-key", Switch).value}
    kind = str(screen.query_one("#auth-type", Select).value)
    scopes = _scopes(screen.query_one("#auth-scopes", Input).value)
    authorizer: Any
    if kind == "none":
        authorizer = None
    elif kind == "iam":
        authorizer = authconfig.AuthorizerConfig(type="iam")
    elif kind == "cognito":
        authorizer = authconfig.AuthorizerConfig(scopes=tuple(scopes))
    elif kind == "lambda":
        authorizer = authconfig.AuthorizerConfig(type="lambda")
    elif api.authorizer.type == "lambda":
        authorizer = api.authorizer  # the config file's own Lambda authorizer, as it was
    elif api.authorizer is None:
        authorizer = None  # "config" left over from before the type changed
    else:
        authorizer = authconfig.AuthorizerConfig("jwt", api.authorizer.issuer, api.authorizer.audience, tuple(scopes))
    origins = tuple(_origins(screen.query_one("#cors-origins", Input).value))
    cors = api.cors
    if origins != (api.cors.allow_origins if api.cors else ()):
        # Changed here: the origins typed, with any method and header (a page's fetch needs them).
        cors = corsconfig.CorsConfig(origins, ("*",), ("*",)) if origins else None
    burst = _burst(screen.query_one("#burst", Input).value)
    rate = _rate(screen.query_one("#rate", Input).value)
    throttling = stagesettings.Throttling(burst, rate) if burst is not None or rate is not None else None
    return {"authorizer": authorizer, "cors": cors, "throttling": throttling}


def describe_access(api: Any) -> str:
    found = api.authorizer
    if found is None:
        auth = "open routes"
    elif found.type == "iam":
        auth = "IAM (SigV4)"
    elif found.type == "lambda":
        code = "the sample (Authorization: secretToken)" if found.code == authconfig.SAMPLE else found.code
        auth = f"Lambda authorizer running {code}"
    else:
        issuer = "a Cognito pool made in the target" if found.local_cognito else found.issuer
        auth = f"JWT from {issuer}" + (f", scopes {', '.join(found.scopes)}" if found.scopes else "")
    cors = f"CORS for {', '.join(api.cors.allow_origins) or 'no origin'}" if api.cors else "no CORS"
    limit = api.throttling
    rate = (
        f"{limit.rate if limit.rate is not None else 10000:g}/s, burst {limit.burst if limit.burst is not None else 5000}"
        if limit
        else "the account's throttling"
    )
    return f"{auth}; {cors}; {rate}"
