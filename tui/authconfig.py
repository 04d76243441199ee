"""The config's `api.authorizer`: who may call the API's routes.

- `{type: jwt, issuer: URL | local-cognito, audience: [...], scopes: [...]}`:
  a JWT authorizer on every route (reference G1). `local-cognito` makes a
  Cognito user pool, an app client and a test user in the target, and the
  pool is the issuer (its client the audience); `apigw-wizard test --token`
  then signs in as the test user and sends the token.
- `{type: iam}`: every route needs a SigV4 signature (reference G3);
  `apigw-wizard test --sign` signs with the target's credentials.
- `{type: lambda, code: sample | PATH, handler, payload_format,
  simple_responses, identity_source, ttl_s}`: a REQUEST authorizer (reference
  G2) run by a second function, `<function>-authorizer`. `sample` is the AWS
  docs' example authorizer for HTTP APIs (http-api-lambda-authorizer) in
  Python: it allows a request whose Authorization header is `secretToken`,
  which `apigw-wizard test --token` sends."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from . import fields
from .fields import FieldError

LOCAL_COGNITO = "local-cognito"
TYPES = ("jwt", "lambda", "iam")
SAMPLE = "sample"
SAMPLE_TOKEN = "secretToken"  # what the sample authorizer allows (the AWS docs' example)
DEFAULT_IDENTITY = ("$request.header.Authorization",)
MAX_TTL_S = 3600  # AuthorizerResultTtlInSeconds (botocore's model: "maximum value is 3600")
_IDENTITY = re.compile(
    r"^\$(request\.(header|querystring)\.[A-Za-z0-9_.~!#$%&'*+^`|-]+|context\.[A-Za-z.]+|stageVariables\.[A-Za-z0-9_]+)$"
)
MAX_AUDIENCES = 50  # per authorizer (limits page)
MAX_SCOPES = 10  # per route (limits page)
_SCOPE = re.compile(r"^[\x21\x23-\x5b\x5d-\x7e]+$")  # RFC 6749 scope-token


@dataclass(frozen=True)
class AuthorizerConfig:
    type: str = "jwt"
    issuer: str = LOCAL_COGNITO
    audience: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    # type lambda only:
    code: str = SAMPLE
    handler: str = "lambda_function.lambda_handler"
    payload_format: str = "2.0"
    simple_responses: bool = True
    identity_source: tuple[str, ...] = DEFAULT_IDENTITY
    ttl_s: int = 300

    @property
    def local_cognito(self) -> bool:
        return self.type == "jwt" and self.issuer == LOCAL_COGNITO


def kind(value: Any) -> str:
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


def code(value: Any, base_dir: Any = None) -> str:
    """`sample`, or a path as function.code takes it (against the config's folder)."""
    allowed = "sample (allows Authorization: secretToken), or a path to a .py file, a folder or a .zip"
    if value == SAMPLE:
        return SAMPLE
    if value == "hello":
        raise FieldError(f"'hello' is the function's code, not an authorizer; allowed: {allowed}")
    try:
        return fields.code(value, base_dir)
    except FieldError as exc:
        raise FieldError(str(exc).split("; allowed:")[0] + f"; allowed: {allowed}") from None


def identity_source(value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if (
        not isinstance(items, list)
        or not items
        or not all(isinstance(i, str) and _IDENTITY.fullmatch(i) for i in items)
    ):
        raise FieldError(
            f"{value!r} is not a list of identity sources; allowed: e.g. [$request.header.Authorization], "
            "$request.querystring.NAME, $context.NAME, $stageVariables.NAME"
        )
    return tuple(items)


def ttl_s(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_TTL_S:
        raise FieldError(f"{value!r} is not a cache time; allowed: 0 (no caching) to {MAX_TTL_S} seconds")
    return value


SCHEMA = {
    "type": kind,
    "issuer": issuer,
    "audience": audience,
    "scopes": scopes,
    "code": code,
    "handler": fields.handler,
    "payload_format": fields.payload_format,
    "simple_responses": fields.boolean,
    "identity_source": identity_source,
    "ttl_s": ttl_s,
}
_LAMBDA_ONLY = ("code", "handler", "payload_format", "simple_responses", "identity_source", "ttl_s")


def problem(found: AuthorizerConfig) -> str | None:
    """Combinations the keys alone do not catch."""
    default = AuthorizerConfig()
    if found.type != "lambda" and any(getattr(found, k) != getattr(default, k) for k in _LAMBDA_ONLY):
        return f"type {found.type} takes none of {', '.join(_LAMBDA_ONLY)} (they are for type lambda)"
    if found.type in ("iam", "lambda") and (found.audience or found.scopes or found.issuer != LOCAL_COGNITO):
        return f"type {found.type} takes no issuer, audience or scopes"
    if found.type == "lambda":
        return _lambda_problem(found)
    if found.type == "jwt" and not found.local_cognito and not found.audience:
        return "a jwt authorizer with an issuer URL needs an audience (the app client ids its tokens carry)"
    if found.local_cognito and found.audience:
        return "with issuer local-cognito the audience is the pool's own app client: leave audience out"
    return None


def _lambda_problem(found: AuthorizerConfig) -> str | None:
    # EnableSimpleResponses "is supported only for payload format 2.0"
    # (botocore's model of CreateAuthorizer).
    if found.simple_responses and found.payload_format != "2.0":
        return 'simple_responses needs payload_format "2.0"; set simple_responses: false for "1.0"'
    if found.code == SAMPLE and not found.simple_responses:
        return "code: sample answers with simple responses; keep simple_responses: true, or use your own code"
    if found.code != SAMPLE:
        from .services.packaging import handler_module_problem

        return handler_module_problem(found.code, found.handler)
    return None
