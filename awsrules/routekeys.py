"""HTTP API route keys: parsing and validation (reference B6).

A route key is `$default` or `METHOD /path`, where a path segment is a
literal, `{name}` (one segment) or `{name+}` (greedy, last segment only).
Shared by the config loader, the wizard's fields and the local gateway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .limits import ROUTE_METHODS

DEFAULT_ROUTE = "$default"
_LITERAL = re.compile(r"[A-Za-z0-9._~!$&'()*,;=:@-]+")
_PARAM = re.compile(r"\{([A-Za-z0-9._:-]+)(\+?)\}")

ROUTE_KEY_HELP = (
    "'$default' or 'METHOD /path' with METHOD one of "
    + ", ".join(ROUTE_METHODS)
    + "; path segments are literals, {name} or a final {name+}"
)


class RouteKeyError(ValueError):
    """The route key is not one API Gateway accepts; str() says why."""


@dataclass(frozen=True)
class Segment:
    kind: str  # "literal" | "param" | "greedy"
    value: str  # the literal text, or the parameter name


@dataclass(frozen=True)
class RouteKey:
    key: str
    method: str | None  # None for $default
    segments: tuple[Segment, ...]

    @property
    def is_default(self) -> bool:
        return self.method is None

    @property
    def path(self) -> str:
        return self.key.split(" ", 1)[1] if self.method else ""

    @property
    def shape(self) -> str:
        """The key with parameter names erased: AWS treats `GET /a/{x}` and
        `GET /a/{y}` as the same route (ConflictException)."""
        if self.method is None:
            return DEFAULT_ROUTE
        parts = ["{}" if s.kind == "param" else "{+}" if s.kind == "greedy" else s.value for s in self.segments]
        return f"{self.method} /" + "/".join(parts)

    def source_arn_suffix(self) -> str:
        """The `stage/METHOD/path` part of an execute-api SourceArn that
        allows this route on any stage, as the console scopes it (A8).
        Parameters become `*` because StringLike's `*` crosses `/`."""
        if self.method is None:
            return "*/$default"
        method = "*" if self.method == "ANY" else self.method
        parts = ["*" if s.kind != "literal" else s.value for s in self.segments]
        return f"*/{method}/" + "/".join(parts)


def parse(key: object) -> RouteKey:
    if not isinstance(key, str):
        raise RouteKeyError(f"a route key must be a string, not {type(key).__name__}")
    if key == DEFAULT_ROUTE:
        return RouteKey(key, None, ())
    method, sep, path = key.partition(" ")
    if not sep:
        raise RouteKeyError(f"{key!r} has no path; expected {ROUTE_KEY_HELP}")
    if method not in ROUTE_METHODS:
        hint = f" (did you mean {method.upper()}?)" if method.upper() in ROUTE_METHODS else ""
        raise RouteKeyError(f"method {method!r} is not allowed{hint}; expected {ROUTE_KEY_HELP}")
    return RouteKey(key, method, parse_path(path))


def parse_path(path: str) -> tuple[Segment, ...]:
    if not path.startswith("/"):
        raise RouteKeyError(f"path {path!r} must start with '/'")
    if path == "/":
        return ()
    raw = path[1:].split("/")
    segments: list[Segment] = []
    for index, part in enumerate(raw):
        if part == "":
            raise RouteKeyError(f"path {path!r} has an empty segment (a double or trailing '/')")
        match = _PARAM.fullmatch(part)
        if match:
            greedy = match.group(2) == "+"
            if greedy and index != len(raw) - 1:
                raise RouteKeyError(f"greedy parameter {part!r} must be the last segment of {path!r}")
            segments.append(Segment("greedy" if greedy else "param", match.group(1)))
        elif _LITERAL.fullmatch(part):
            segments.append(Segment("literal", part))
        else:
            raise RouteKeyError(
                f"segment {part!r} of {path!r} is neither a literal "
                "(letters, digits, . _ ~ - and similar) nor {name} / {name+}"
            )
    names = [s.value for s in segments if s.kind != "literal"]
    if len(names) != len(set(names)):
        raise RouteKeyError(f"path {path!r} repeats a parameter name")
    return tuple(segments)


def shape_of(key: str) -> str:
    """An HTTP route key's shape; a WebSocket route key ($connect,
    sendmessage) is matched as it is written (reference K1, K3)."""
    try:
        return parse(key).shape
    except RouteKeyError:
        return key


def source_arn_suffix(key: str) -> str:
    """The SourceArn suffix that allows a route on any stage: an HTTP
    route's `*/METHOD/path`, a WebSocket route's `*/{routeKey}` (K1)."""
    try:
        return parse(key).source_arn_suffix()
    except RouteKeyError:
        return f"*/{key}"
