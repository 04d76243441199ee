"""The config's `api.cors`: who may call the API from a browser. Its keys,
their rules, and the CorsConfiguration they become (the same object
CreateApi, CloudFormation and SAM take). Rules beyond each key's own
(credentials with *, wildcard origins, the MaxAge range) are API Gateway's,
in awsrules/cors.py."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from awsrules.cors import MAX_AGE_RANGE, ORIGIN_WILDCARDS, cors_problem

from .fields import FieldError

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "*")
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$")
_HEADER = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # an HTTP token (RFC 9110)


@dataclass(frozen=True)
class CorsConfig:
    allow_origins: tuple[str, ...] = ()
    allow_methods: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age_s: int | None = None
    allow_credentials: bool = False

    def wire(self) -> dict[str, Any]:
        """As CreateApi's CorsConfiguration (boto3's keys); empty lists left out."""
        out: dict[str, Any] = {}
        for key, value in (
            ("AllowOrigins", self.allow_origins),
            ("AllowMethods", self.allow_methods),
            ("AllowHeaders", self.allow_headers),
            ("ExposeHeaders", self.expose_headers),
        ):
            if value:
                out[key] = list(value)
        if self.max_age_s is not None:
            out["MaxAge"] = self.max_age_s
        if self.allow_credentials:
            out["AllowCredentials"] = True
        return out


def _list(value: Any, what: str, example: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise FieldError(f"{value!r} is not a list of {what}; allowed: e.g. {example}")
    return value


def origins(value: Any) -> tuple[str, ...]:
    items = _list(value, "origins", '["https://app.example.com"] or ["*"]')
    for item in items:
        if item not in ORIGIN_WILDCARDS and not _ORIGIN.fullmatch(item):
            raise FieldError(
                f"{item!r} is not an origin; allowed: *, http://*, https://* or scheme://host[:port] "
                "with no path, e.g. https://app.example.com"
            )
    return tuple(items)


def methods(value: Any) -> tuple[str, ...]:
    items = [m.upper() for m in _list(value, "HTTP methods", '["GET", "POST"]')]
    for item in items:
        if item not in METHODS:
            raise FieldError(f"{item!r} is not an HTTP method; allowed: {', '.join(METHODS)}")
    return tuple(items)


def headers(value: Any) -> tuple[str, ...]:
    items = _list(value, "header names", '["content-type", "authorization"]')
    for item in items:
        if not _HEADER.fullmatch(item):
            raise FieldError(f"{item!r} is not a header name; allowed: letters, digits and - (or *)")
    return tuple(items)


def max_age(value: Any) -> int:
    low, high = MAX_AGE_RANGE
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise FieldError(f"{value!r} is not a number of seconds; allowed: {low} to {high}")
    return value


def credentials(value: Any) -> bool:
    if not isinstance(value, bool):
        raise FieldError(f"{value!r} is not true or false; allowed: true, false")
    return value


def problem(cors: CorsConfig) -> str | None:
    """What API Gateway would refuse in this configuration (awsrules/cors.py)."""
    return cors_problem(
        {"allowOrigins": list(cors.allow_origins), "allowCredentials": cors.allow_credentials, "maxAge": cors.max_age_s}
    )


SCHEMA = {
    "allow_origins": origins,
    "allow_methods": methods,
    "allow_headers": headers,
    "expose_headers": headers,
    "max_age_s": max_age,
    "allow_credentials": credentials,
}
