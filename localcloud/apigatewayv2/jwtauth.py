"""JWT authorizers on HTTP API routes (reference G1; http-api-jwt-authorizer):
the token from the identity source (bare or "Bearer <token>"), its RSA
signature checked against the issuer's JWKS, then iss, aud or client_id,
exp, nbf and iat, then the route's scopes. A failure before the scopes is
401 {"message":"Unauthorized"} with a www-authenticate challenge; a scope
failure is 403 {"message":"Forbidden"} (measured against a live Cognito
HTTP API: floci-io/floci PR #2011, KensioSoftware/yulin#302).

The challenge: `Bearer` alone when there is no token (an AWS trace found by
search); `Bearer scope="" error="invalid_token"` otherwise, with a
description only where AWS's words are recorded ("the token does not have a
valid audience" in the JWT troubleshooting page; "token contains an invalid
number of segments" in a captured README). Other failures get none rather
than invented words; the cloud's request log says which check failed.

Keys: a Cognito user pool in this local cloud is its own issuer (moto signs
its tokens with the key it serves as the pool's JWKS), so tokens from it work
with no internet. Another issuer's JWKS is fetched from its OpenID
configuration as AWS does (1.5 s timeouts, 150,000 bytes at most, limits
page), kept for five minutes; unreachable, the request is refused (401) and
the log says why."""

from __future__ import annotations

import asyncio
import functools
import json
import re
import time
from dataclasses import dataclass
from typing import Any, Callable

from .errors import GatewayError
from .identity import request_value

FETCH_TIMEOUT_S = 1.5
MAX_JWKS_BYTES = 150_000
KEYS_KEPT_S = 300.0
_COGNITO = re.compile(r"^https://cognito-idp\.([a-z0-9-]+)\.amazonaws\.com/([^/]+)$")
NO_TOKEN = "Bearer"
INVALID = 'Bearer scope="" error="invalid_token"'


class Unauthorized(GatewayError):
    status = 401

    def __init__(self, note: str, challenge: str | None = INVALID, description: str | None = None):
        """`challenge` None: no www-authenticate (a Lambda authorizer's 401)."""
        super().__init__(note)
        if challenge is not None:
            value = challenge + (f' error_description="{description}"' if description else "")
            self.headers = (("www-authenticate", value),)


class Forbidden(GatewayError):
    status = 403


@dataclass(frozen=True)
class JwtAuthorizer:
    authorizer_id: str
    identity_source: str  # e.g. $request.header.Authorization
    issuer: str
    audience: tuple[str, ...]


def token_from(request: Any, source: str) -> str | None:
    """The identity source's token, without a "Bearer " prefix."""
    value = request_value(request, source)
    if not value:
        return None
    return value[7:].strip() if value[:7].lower() == "bearer " else value.strip()


def stringify(value: Any) -> str:
    """A claim as API Gateway passes it on: every value a string; arrays in
    Go's bracket form ("[admin poweruser]"); objects as JSON (reference G1)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "[" + " ".join(stringify(v) for v in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def token_scopes(claims: dict[str, Any]) -> list[str]:
    """scp first, then scope split on whitespace (reference G1)."""
    scp = claims.get("scp")
    if isinstance(scp, list):
        return [str(s) for s in scp]
    if isinstance(scp, str):
        return scp.split()
    scope = claims.get("scope")
    return scope.split() if isinstance(scope, str) else []


class IssuerKeys:
    """Each issuer's JWKS, imported once: a local user pool's from moto,
    others fetched. Reading and importing the keys on every request cost
    more than the rest of the request (bench/authorizers.py: 0.18 of an
    open route's throughput before, most of it here)."""

    def __init__(self, local_pool: Callable[[str, str], bool], clock: Callable[[], float] = time.monotonic):
        self.local_pool = local_pool
        self.clock = clock
        self.kept: dict[str, tuple[float, Any]] = {}  # issuer -> (until, joserfc KeySet)

    async def keys(self, issuer: str) -> Any:
        """The issuer's keys as a joserfc KeySet; ValueError says why there are none."""
        found = _COGNITO.match(issuer)
        if found and self.local_pool(found.group(1), found.group(2)):
            return _moto_keys()
        kept = self.kept.get(issuer)
        if kept and kept[0] > self.clock():
            return kept[1]
        keyset = _imported(await asyncio.to_thread(_fetch_jwks, issuer))
        self.kept[issuer] = (self.clock() + KEYS_KEPT_S, keyset)
        return keyset


def _imported(document: dict[str, Any]) -> Any:
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    try:
        return KeySet.import_key_set(document)  # type: ignore[arg-type]  # a JWKS document, checked by the fetch
    except (JoseError, ValueError, TypeError) as exc:
        raise ValueError(f"the issuer's JWKS has keys that cannot be read ({type(exc).__name__})") from None


@functools.cache
def _moto_keys() -> Any:
    """The key moto signs every user pool's tokens with, as it serves it
    (a file in moto's package: it never changes while the cloud runs)."""
    from moto.utilities.utils import load_resource

    return _imported(load_resource("cognitoidp/resources/jwks-public.json"))


def _fetch_jwks(issuer: str) -> dict[str, Any]:
    import httpx

    try:
        with httpx.Client(timeout=FETCH_TIMEOUT_S, follow_redirects=False) as client:
            config = client.get(issuer.rstrip("/") + "/.well-known/openid-configuration").json()
            uri = config.get("jwks_uri") if isinstance(config, dict) else None
            if not isinstance(uri, str):
                raise ValueError(f"{issuer}'s OpenID configuration has no jwks_uri")
            reply = client.get(uri)
            if len(reply.content) > MAX_JWKS_BYTES:
                raise ValueError(f"{uri} is over {MAX_JWKS_BYTES} bytes")
            document = reply.json()
    except httpx.HTTPError as exc:
        raise ValueError(f"the issuer's keys could not be fetched ({type(exc).__name__}: {exc})") from None
    except json.JSONDecodeError:
        raise ValueError("the issuer's OpenID configuration or JWKS is not JSON") from None
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("the issuer's JWKS has no keys")
    return document


async def authorize(
    keys: IssuerKeys, authorizer: JwtAuthorizer, scopes: tuple[str, ...], request: Any, now: float
) -> dict[str, Any]:
    """requestContext.authorizer's `jwt` for an allowed request; raises
    Unauthorized or Forbidden."""
    from joserfc import jwt
    from joserfc.errors import JoseError

    token = token_from(request, authorizer.identity_source)
    if token is None:
        raise Unauthorized(f"JWT authorizer: no token in {authorizer.identity_source}", NO_TOKEN)
    if token.count(".") != 2:
        raise Unauthorized(
            "JWT authorizer: the token is not a JWT", description="token contains an invalid number of segments"
        )
    try:
        keyset = await keys.keys(authorizer.issuer)
    except ValueError as exc:
        raise Unauthorized(f"JWT authorizer: {exc}") from None
    try:
        decoded = jwt.decode(token, keyset, algorithms=["RS256", "RS384", "RS512"])
    except (JoseError, ValueError) as exc:
        raise Unauthorized(f"JWT authorizer: the signature does not verify ({type(exc).__name__})") from None
    claims = dict(decoded.claims)
    if claims.get("iss") != authorizer.issuer:
        raise Unauthorized(f"JWT authorizer: the issuer {claims.get('iss')!r} is not {authorizer.issuer}")
    audiences = claims.get("aud")
    offered = [*(audiences if isinstance(audiences, list) else [audiences]), claims.get("client_id")]
    if not any(isinstance(a, str) and a in authorizer.audience for a in offered):
        raise Unauthorized(
            "JWT authorizer: neither aud nor client_id is an audience",
            description="the token does not have a valid audience",
        )
    if not isinstance(claims.get("exp"), (int, float)) or claims["exp"] <= now:
        raise Unauthorized("JWT authorizer: the token has expired (exp)")
    for name in ("nbf", "iat"):
        if isinstance(claims.get(name), (int, float)) and claims[name] > now:
            raise Unauthorized(f"JWT authorizer: the token is not valid yet ({name})")
    held = token_scopes(claims)
    if scopes and not set(scopes) & set(held):
        raise Forbidden(f"JWT authorizer: the token has none of the route's scopes {list(scopes)}")
    return {
        "claims": {name: stringify(value) for name, value in claims.items() if value is not None},
        "scopes": held if scopes else None,
    }
