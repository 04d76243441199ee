"""HTTP API CORS (reference F): API Gateway answers preflights itself and
adds the configured headers to every other response, its own errors too.

Sources, beside the reference's F section (the http-api-cors page):
- Only a request with an Origin header gets CORS headers; a preflight is an
  OPTIONS with Origin and Access-Control-Request-Method (http-api-cors).
- A route that matches the preflight (OPTIONS, ANY, $default) gets it like
  any request; API Gateway answers only when none does (SAM issue #1603 and
  sst#5493: ANY routes send preflights to the function).
- Actual responses: a matching origin is echoed with `vary: origin`, `*`
  is sent as `*`, with allow-credentials when configured; no allow-methods,
  allow-headers or max-age (real AWS traces found by search: a JWT 401 with
  access-control-allow-origin: http://localhost:5173, vary: origin,
  access-control-allow-credentials: true; an HTTPie trace with only
  Access-Control-Allow-Origin: * on 200/400/404 responses). Header names are
  lower case, as those traces show.
- The integration's own access-control-* headers are ignored when CORS is
  configured (http-api-cors: "API Gateway ignores CORS headers returned from
  your backend integration"): dropped here, never merged.
Uncertain, chosen: the preflight's status is 204 with no body (AWS does not
document it; a probe log of a real HTTP API shows OPTIONS -> 204; SAM answers
200, floci 204); list values are joined with "," (SAM's choice; no AWS trace);
a disallowed origin gets the preflight's status without CORS headers, so the
browser refuses, as the CORS protocol has it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .events import HttpRequest, HttpResponse


@dataclass(frozen=True)
class Cors:
    allow_origins: tuple[str, ...] = ()
    allow_methods: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age: int | None = None
    allow_credentials: bool = False

    @classmethod
    def of(cls, stored: Any) -> Cors | None:
        """From the API's CorsConfiguration as moto keeps it (the request's
        camelCase keys). None when CORS is off; an empty configuration ({})
        is still on (reference F1: only Clear, which sets null, turns it off)."""
        if not isinstance(stored, dict):
            return None

        def texts(key: str) -> tuple[str, ...]:
            value = stored.get(key) or ()
            return tuple(str(v) for v in value) if isinstance(value, (list, tuple)) else ()

        age = stored.get("maxAge")
        return cls(
            texts("allowOrigins"),
            texts("allowMethods"),
            texts("allowHeaders"),
            texts("exposeHeaders"),
            int(age) if isinstance(age, int) and not isinstance(age, bool) else None,
            stored.get("allowCredentials") is True,
        )

    def origin_value(self, origin: str) -> str | None:
        """What access-control-allow-origin says for `origin`, or None."""
        for allowed in self.allow_origins:
            if allowed == "*":
                return "*"
            if allowed.lower() == origin.lower() or _wildcard_scheme(allowed, origin):
                return origin
        return None


def _wildcard_scheme(allowed: str, origin: str) -> bool:
    """The origin forms http://* and https://* (http-api-cors lists them)."""
    return allowed in ("http://*", "https://*") and origin.lower().startswith(allowed[:-1])


def _header(request: HttpRequest, name: str) -> str | None:
    for key, value in request.headers:
        if key == name:
            return value
    return None


def is_preflight(request: HttpRequest) -> bool:
    return (
        request.method == "OPTIONS"
        and _header(request, "origin") is not None
        and _header(request, "access-control-request-method") is not None
    )


def _allow_origin(cors: Cors, origin: str) -> list[tuple[str, str]]:
    value = cors.origin_value(origin)
    if value is None:
        return []
    headers = [("access-control-allow-origin", value)]
    if value != "*":
        headers.append(("vary", "origin"))  # the answer depends on the Origin sent
    if cors.allow_credentials:
        headers.append(("access-control-allow-credentials", "true"))
    return headers


def preflight(cors: Cors, request: HttpRequest) -> HttpResponse:
    """API Gateway's own answer to a preflight no route took."""
    origin = _header(request, "origin") or ""
    headers = _allow_origin(cors, origin)
    if headers:
        if cors.allow_methods:
            headers.append(("access-control-allow-methods", ",".join(cors.allow_methods)))
        if cors.allow_headers:
            headers.append(("access-control-allow-headers", ",".join(cors.allow_headers)))
        if cors.max_age is not None and cors.max_age >= 0:
            headers.append(("access-control-max-age", str(cors.max_age)))
    return HttpResponse(204, headers, b"")


def decorate(cors: Cors, request: HttpRequest, response: HttpResponse) -> None:
    """An actual response: the integration's CORS headers out, the API's in."""
    response.headers[:] = [(k, v) for k, v in response.headers if not k.lower().startswith("access-control-")]
    origin = _header(request, "origin")
    if origin is None:
        return
    headers = _allow_origin(cors, origin)
    if headers and cors.expose_headers:
        headers.append(("access-control-expose-headers", ",".join(cors.expose_headers)))
    response.headers.extend(headers)
