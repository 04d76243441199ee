"""One validator per config key. The config loader and the wizard's input
fields both call these, so a value is judged the same way wherever it is
typed. Each returns the normalised value or raises FieldError with a message
that names the bad value and what is allowed.
"""

from __future__ import annotations

import re

import datetime as _dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from awsrules import limits, routekeys
from awsrules.localendpoint import DEFAULT_PORT


class FieldError(ValueError):
    """A value is not allowed; str() says what is."""


def _text(value: Any, allowed: str) -> str:
    if not isinstance(value, str):
        raise FieldError(f"{value!r} is a {type(value).__name__}, not text; allowed: {allowed}")
    return value


def target(value: Any) -> str:
    if value not in ("local", "aws"):
        raise FieldError(f"{value!r} is not a target; allowed: local, aws")
    return value


def region(value: Any) -> str:
    text = _text(value, "a region name like us-east-1")
    if not limits.REGION_RE.fullmatch(text):
        raise FieldError(f"{text!r} is not an AWS region name; allowed: names like us-east-1 or eu-west-2")
    return text


def profile(value: Any) -> str | None:
    if value is None:
        return None
    text = _text(value, "a profile name from ~/.aws/config, or null")
    if not text.strip():
        raise FieldError("an empty profile name; allowed: a profile name from ~/.aws/config, or null")
    return text


def function_name(value: Any) -> str:
    text = _text(value, f"1-{limits.FUNCTION_NAME_MAX} letters, digits, hyphens or underscores")
    if not (1 <= len(text) <= limits.FUNCTION_NAME_MAX) or not limits.FUNCTION_NAME_RE.fullmatch(text):
        raise FieldError(
            f"{text!r} is not a valid function name; allowed: 1-{limits.FUNCTION_NAME_MAX} "
            "letters, digits, hyphens or underscores"
        )
    return text


def runtime(value: Any, today: _dt.date | None = None) -> str:
    today = today or _dt.date.today()
    allowed = ", ".join(r.label(today) for r in limits.creatable_runtimes(today))
    text = _text(value, allowed)
    known = limits.runtime(text)
    if known is None:
        raise FieldError(f"{text!r} is not a Python Lambda runtime; allowed: {allowed}")
    if known.preview:
        raise FieldError(f"{text} is a preview runtime, not generally available; allowed: {allowed}")
    if known.create_blocked(today):
        raise FieldError(
            f"{text} was deprecated on {known.deprecated} and Lambda blocks creating functions "
            f"with it since {known.block_create}; allowed: {allowed}"
        )
    return text


def architecture(value: Any) -> str:
    allowed = limits.architectures()
    if value not in allowed:
        raise FieldError(f"{value!r} is not an architecture; allowed: {', '.join(allowed)}")
    return value


def handler(value: Any) -> str:
    text = _text(value, "module.function, e.g. lambda_function.lambda_handler")
    module, dot, func = text.rpartition(".")
    if not dot or not module or not func or any(c.isspace() for c in text) or len(text) > 128:
        raise FieldError(f"{text!r} is not a handler; allowed: module.function, e.g. lambda_function.lambda_handler")
    return text


def code(value: Any, base_dir: Path | None = None) -> str:
    """A built-in code (`hello`, `chat`), or a path to a .py file, a folder
    or a .zip (resolved against base_dir, the config file's folder)."""
    text = _text(value, "hello, chat, or a path to a .py file, a folder or a .zip")
    if text in ("hello", "chat"):  # services.packaging.BUILTINS
        return text
    path = Path(text).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    allowed = (
        "hello (the console's default code), chat (the WebSocket chat example), "
        "or a path to a .py file, a folder or a .zip"
    )
    if not path.exists():
        raise FieldError(f"{text!r}: no such file or folder ({path}); allowed: {allowed}")
    if path.is_file() and path.suffix not in (".py", ".zip"):
        raise FieldError(f"{text!r} is neither a .py file nor a .zip; allowed: {allowed}")
    return str(path.resolve())


def _int_in(value: Any, low: int, high: int, unit: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(f"{value!r} is not a whole number; allowed: {low} to {high} {unit}")
    if not low <= value <= high:
        raise FieldError(f"{value} is out of range; allowed: {low} to {high} {unit}")
    return value


def memory_mb(value: Any) -> int:
    return _int_in(value, limits.MEMORY_MIN, limits.MEMORY_MAX, "MB")


def timeout_s(value: Any) -> int:
    return _int_in(value, limits.TIMEOUT_MIN, limits.TIMEOUT_MAX, "seconds")


def ephemeral_storage_mb(value: Any) -> int:
    # EphemeralStorage.Size: "between 512 MB and 10,240 MB" (botocore's model).
    return _int_in(value, 512, 10240, "MB")


def log_format(value: Any) -> str:
    # LoggingConfig.LogFormat's enum in botocore's model.
    text = {"text": "Text", "json": "JSON"}.get(str(value).lower()) if isinstance(value, str) else None
    if text is None:
        raise FieldError(f"{value!r} is not a log format; allowed: Text, JSON")
    return text


_ALIAS = re.compile(r"^(?![0-9]+$)[A-Za-z0-9_-]{1,128}$")


def alias(value: Any) -> str | None:
    # Alias names: botocore's model pattern (?!^[0-9]+$)([a-zA-Z0-9-_]+), 1-128.
    if value is None:
        return None
    if not isinstance(value, str) or not _ALIAS.fullmatch(value):
        raise FieldError(
            f"{value!r} is not an alias name; allowed: 1-128 letters, digits, - and _, not only digits (e.g. live)"
        )
    return value


def role(value: Any) -> str:
    text = _text(value, "new, an IAM role name, or a role ARN")
    if text == "new" or limits.ROLE_NAME_RE.fullmatch(text):
        return text
    if text.startswith("arn:") and ":iam::" in text and ":role/" in text:
        return text
    raise FieldError(f"{text!r} is not a role; allowed: new (a console-style role), an IAM role name, or a role ARN")


def environment(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise FieldError(f'{value!r} is not a mapping; allowed: NAME: "value" pairs')
    out: dict[str, str] = {}
    for key, val in value.items():
        if not isinstance(key, str) or not limits.ENV_KEY_RE.fullmatch(key):
            raise FieldError(
                f"variable name {key!r} is not allowed; allowed: a letter then letters, digits or "
                "underscores (at least 2 characters)"
            )
        if key in limits.RESERVED_ENV:
            raise FieldError(f"{key} is reserved by Lambda; allowed: any other name")
        if not isinstance(val, str):
            raise FieldError(f'{key}: {val!r} is not text; allowed: text values, so quote it, e.g. {key}: "{val}"')
        out[key] = val
    size = sum(len(k.encode()) + len(v.encode()) for k, v in out.items())
    if size > limits.ENV_TOTAL_BYTES:
        raise FieldError(f"variables take {size} bytes; allowed: at most {limits.ENV_TOTAL_BYTES} bytes in all")
    return out


_SECRET_NAME = re.compile(r"(?i)(secret|token|passw|pwd|key|credential|private|auth)")


def looks_secret(name: str) -> bool:
    """An environment variable whose value the wizard never shows in clear
    (the editor's dots, the AWS CLI view's placeholder)."""
    return bool(_SECRET_NAME.search(name))


def api_name(value: Any) -> str:
    text = _text(value, f"1-{limits.API_NAME_MAX} characters")
    if not 1 <= len(text) <= limits.API_NAME_MAX or not text.strip():
        raise FieldError(f"{text!r} is not an API name; allowed: 1-{limits.API_NAME_MAX} characters")
    return text


def payload_format(value: Any) -> str:
    # An unquoted 2.0 in YAML is a float; take it as the user meant it.
    text = f"{value:.1f}" if isinstance(value, float) else value
    if text not in limits.PAYLOAD_FORMATS:
        raise FieldError(f'{value!r} is not a payload format version; allowed: "2.0", "1.0"')
    return text


def route_key(value: Any) -> str:
    try:
        return routekeys.parse(value).key
    except routekeys.RouteKeyError as exc:
        reason = str(exc).split("; expected ")[0]
        raise FieldError(f"{reason}; allowed: {routekeys.ROUTE_KEY_HELP}") from None


API_TYPES = ("http", "rest", "websocket")  # the console's "Choose an API type", in its order: HTTP first
API_TYPE_HELP = "http (HTTP API, the tutorial's), rest (REST API), websocket (WebSocket API)"


def api_type(value: Any) -> str:
    text = _text(value, API_TYPE_HELP)
    if text not in API_TYPES:
        raise FieldError(f"{text!r} is not an API type; allowed: {API_TYPE_HELP}")
    return text


def route_list(value: Any) -> list[Any]:
    """The shape only; each key is checked for the API's type (routes_for)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise FieldError(f'{value!r} is not a list of route keys; allowed: e.g. ["ANY /my-function"]')
    return value


# WebSocket route keys: the three predefined ones or a custom key the route
# selection expression yields (apigatewayv2 CreateRoute; reference K1).
WS_PREDEFINED = ("$connect", "$disconnect", "$default")
_WS_CUSTOM = re.compile(r"[A-Za-z0-9_.:-]{1,128}")
WS_ROUTE_HELP = "$connect, $disconnect, $default, or a custom key such as sendmessage (letters, digits, _ . : -)"


def ws_route_key(value: Any) -> str:
    text = _text(value, WS_ROUTE_HELP)
    if text in WS_PREDEFINED or _WS_CUSTOM.fullmatch(text):
        return text
    raise FieldError(f"{text!r} is not a WebSocket route key; allowed: {WS_ROUTE_HELP}")


def routes_for(value: Any, kind: str) -> list[str]:
    """Route keys as the API type takes them: `METHOD /path` for HTTP and
    REST (REST has no `$default` route: a `{proxy+}` resource catches all),
    route keys for WebSocket."""
    value = route_list(value)
    if len(value) > limits.MAX_ROUTES:
        raise FieldError(f"{len(value)} routes; allowed: at most {limits.MAX_ROUTES} per API")
    if kind == "websocket":
        keys = [ws_route_key(item) for item in value]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise FieldError(f"{dupes[0]!r} is listed twice; allowed: each route once")
        return keys
    keys = routes(value)
    if kind == "rest" and routekeys.DEFAULT_ROUTE in keys:
        raise FieldError(
            "'$default' is an HTTP API route; allowed for a REST API: 'METHOD /path', "
            "e.g. 'ANY /{proxy+}' to catch every path"
        )
    if kind == "rest":
        _one_variable_per_parent(keys)
    return keys


def _one_variable_per_parent(keys: list[str]) -> None:
    """A REST resource has at most one child that is a variable ({x} or
    {x+}): CreateResource refuses a second ("A sibling ({x}) of this
    resource already has a variable path part -- only one is allowed")."""
    seen: dict[str, tuple[str, str]] = {}  # parent path -> (its variable part, the route that set it)
    for key in keys:
        parts = routekeys.parse(key).path.strip("/").split("/")
        for depth, part in enumerate(parts):
            if part.startswith("{"):
                parent = "/" + "/".join(parts[:depth])
                other, first = seen.setdefault(parent, (part, key))
                if other != part:
                    raise FieldError(
                        f"{key!r} puts {part} beside {other} of {first!r} under {parent}; allowed for a "
                        f"REST API: one variable path part per resource; use {other} in both routes"
                    )


def routes(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise FieldError(f'{value!r} is not a list of route keys; allowed: e.g. ["ANY /my-function"]')
    if len(value) > limits.MAX_ROUTES:
        raise FieldError(f"{len(value)} routes; allowed: at most {limits.MAX_ROUTES} per API")
    seen: dict[str, str] = {}
    out = []
    for item in value:
        key = route_key(item)
        shape = routekeys.parse(key).shape
        if shape in seen:
            raise FieldError(f"{key!r} is the same route as {seen[shape]!r}; allowed: each route once")
        seen[shape] = key
        out.append(key)
    return out


def stage(value: Any) -> str:
    text = _text(value, "$default, or 1-128 letters, digits, hyphens or underscores")
    if text != "$default" and not limits.STAGE_NAME_RE.fullmatch(text):
        raise FieldError(
            f"{text!r} is not a stage name; allowed: $default, or 1-128 letters, digits, hyphens or underscores"
        )
    return text


# A media type or a wildcard as binaryMediaTypes takes it: type/subtype,
# type/* or */* (RFC 6838 name characters; AWS docs: "*/*" includes all types).
_MEDIA_TYPE_RE = re.compile(
    r"^(\*/\*|[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/(\*|[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}))$"
)
MEDIA_TYPE_HELP = "media types like image/png, a wildcard like image/*, or */* for all"


def binary_media_types(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise FieldError(f"{value!r} is not a list of media types; allowed: a list of {MEDIA_TYPE_HELP}")
    seen: list[str] = []
    for entry in value:
        if not isinstance(entry, str) or not _MEDIA_TYPE_RE.fullmatch(entry):
            raise FieldError(f"{entry!r} is not a media type; allowed: {MEDIA_TYPE_HELP}")
        if entry.lower() in (s.lower() for s in seen):
            raise FieldError(f"{entry!r} is listed twice; allowed: each media type once")
        seen.append(entry)
    return tuple(seen)


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise FieldError(f"{value!r} is not true or false; allowed: true, false")
    return value


def test_method(value: Any) -> str:
    if not isinstance(value, str) or value.upper() not in limits.TEST_METHODS:
        raise FieldError(f"{value!r} is not an HTTP method; allowed: {', '.join(limits.TEST_METHODS)}")
    return value.upper()


def test_path(value: Any) -> str:
    text = _text(value, "a path starting with '/', e.g. /my-function")
    if not text.startswith("/") or any(c.isspace() for c in text):
        raise FieldError(f"{text!r} is not a request path; allowed: a path starting with '/', e.g. /my-function")
    return text


Validator = Callable[[Any], Any]


PORT_RANGE = (1024, 65535)


def check_port(text: object) -> int:
    """The Port field: a whole number in PORT_RANGE, or FieldError saying so."""
    low, high = PORT_RANGE
    value = str(text).strip()
    if not value.isdigit() or not low <= int(value) <= high:
        raise FieldError(f"Port must be a whole number from {low} to {high}: type one, e.g. {DEFAULT_PORT}.")
    return int(value)
