"""Stage selection and route matching, as HTTP APIs do them (reference B6).

Precedence: a route without a greedy variable beats one with; then, segment
by segment from the left, a literal beats `{param}`, which beats
`{param+}`; then an exact method beats ANY; `$default` comes last.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Container, Iterable

from awsrules.routekeys import RouteKey, RouteKeyError, parse

_RANK = {"literal": 0, "param": 1, "greedy": 2}


@dataclass(frozen=True)
class Route:
    route_id: str
    key: RouteKey
    target: str | None  # "integrations/<id>"
    path: str = ""  # key.path ("" for $default), kept: every request reads it

    @property
    def rank(self) -> tuple[Any, ...]:
        kinds = tuple(_RANK[s.kind] for s in self.key.segments)
        return (2 in kinds, kinds, self.key.method == "ANY")


@dataclass(frozen=True)
class Match:
    route: Route
    path_parameters: dict[str, str]


class RouteTable:
    def __init__(self, routes: Iterable[tuple[str, str, str | None]]):
        """routes: (route_id, route_key, target) as stored by the control plane."""
        self.routes: list[Route] = []
        self.default: Route | None = None
        for route_id, key, target in routes:
            try:
                parsed = parse(key)
            except RouteKeyError:
                continue  # never created through us; AWS would have refused it
            route = Route(route_id, parsed, target, parsed.path)
            if parsed.is_default:
                self.default = route
            else:
                self.routes.append(route)
        self.routes.sort(key=lambda r: r.rank)

    def match(self, method: str, path: str) -> Match | None:
        """`path` is the decoded path after stage removal, with leading '/'."""
        parts = path[1:].split("/") if path != "/" else []
        for route in self.routes:  # sorted most specific first
            if route.key.method not in (method, "ANY"):
                continue
            params = _match_segments(route, parts)
            if params is not None:
                return Match(route, params)
        return Match(self.default, {}) if self.default else None


def _match_segments(route: Route, parts: list[str]) -> dict[str, str] | None:
    segments = route.key.segments
    params: dict[str, str] = {}
    for index, segment in enumerate(segments):
        if segment.kind == "greedy":
            rest = parts[index:]
            # A greedy variable needs at least one non-empty segment.
            if not rest or rest == [""]:
                return None
            params[segment.value] = "/".join(rest)
            return params
        if index >= len(parts):
            return None
        part = parts[index]
        if segment.kind == "literal":
            if part != segment.value:
                return None
        elif part == "":
            return None
        else:
            params[segment.value] = part
    return params if len(parts) == len(segments) else None


def select_stage(stage_names: Container[str], path: str) -> tuple[str, str] | None:
    """(stage, path without the stage prefix). An explicitly named stage
    wins; otherwise `$default` gets the whole path; otherwise no stage."""
    first, _, rest = path[1:].partition("/")
    if first and first in stage_names and first != "$default":
        return first, "/" + rest
    if "$default" in stage_names:
        return "$default", path
    return None
