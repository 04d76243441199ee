"""The config's `api.authorizer`: who may call the API's routes.

- `{type: jwt, issuer: URL | local-cognito, audience: [...], scopes: [...]}`:
  a JWT authorizer on every route (reference G1). `local-cognito` makes a
  Cognito user pool, an app client and a test user in the target, and the
  pool is the issuer (its client the audience); `apigw-wizard test --token`
  then signs in as the test user and sends the token.
- `{type: iam}`: every route needs a SigV4 signature (reference G3);
  `apigw-wizard test --sign` signs with the target's credentials.
Lambda authorizers are not configurable here yet: the local cloud runs them
(routes made with the AWS CLI), the wizard does not make one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .fields import FieldError

LOCAL_COGNITO = "local-cognito"
TYPES = ("jwt", "iam")
MAX_AUDIENCES = 50  # per authorizer (limits page)
MAX_SCOPES = 10  # per route (limits page)
_SCOPE = re.compile(r"^[\x21\x23-\x5b\x5d-\x7e]+$")  # RFC 6749 scope-token


@dataclass(frozen=True)
class AuthorizerConfig:
    type: str = "jwt"
    issuer: str = LOCAL_COGNITO
    audience: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()

    @property
    def local_cognito(self) -> bool:
        return self.type == "jwt" and self.issuer == LOCAL_COGNITO


def kind(value: Any) -> str:
    if value == "lambda":
        raise FieldError(
            "'lambda' is not made by the wizard yet (the local cloud runs Lambda authorizers made with the AWS "
            "CLI); allowed: jwt, iam"
        )
    if value not in TYPES:
        raise FieldError(f"{value!r} is not an authorizer type; allowed: {', '.join(TYPES)}")
    return str(value)


def issuer(value: Any) -> str:
    if value == LOCAL_COGNITO:
        return value
    if not isinstance(value, str) or not re.fullmatch(r"https://[^\s/?#]+(/[^\s?#]*)?", value):
        raise FieldError(
            f"{value!r} is not an issuer; allowed: local-cognito, or the issuer's https URL "
            "(e.g. https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123)"
        )
    return value.rstrip("/")


def audience(value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(a, str) and a for a in items) or not items:
        raise FieldError(f"{value!r} is not a list of audiences; allowed: e.g. [my-app-client-id]")
    if len(items) > MAX_AUDIENCES:
        raise FieldError(f"{len(items)} audiences; allowed: at most {MAX_AUDIENCES}")
    return tuple(items)


def scopes(value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(s, str) and _SCOPE.fullmatch(s) for s in items):
        raise FieldError(f"{value!r} is not a list of OAuth scopes; allowed: e.g. [orders/read]")
    if len(items) > MAX_SCOPES:
        raise FieldError(f"{len(items)} scopes; allowed: at most {MAX_SCOPES} per route")
    return tuple(items)


SCHEMA = {"type": kind, "issuer": issuer, "audience": audience, "scopes": scopes}


def problem(found: AuthorizerConfig) -> str | None:
    """Combinations the keys alone do not catch."""
    if found.type == "iam" and (found.audience or found.scopes or found.issuer != LOCAL_COGNITO):
        return "type iam takes no issuer, audience or scopes"
    if found.type == "jwt" and not found.local_cognito and not found.audience:
        return "a jwt authorizer with an issuer URL needs an audience (the app client ids its tokens carry)"
    if found.local_cognito and found.audience:
        return "with issuer local-cognito the audience is the pool's own app client: leave audience out"
    return None
