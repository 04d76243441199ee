"""The config's stage settings: `api.throttling` (the stage's default route
throttling), `api.stage_variables` and `api.access_log`. Their rules, and
the UpdateStage fields they become (reference H1, H2, H3).

- Throttling: ThrottlingBurstLimit (int) and ThrottlingRateLimit (requests
  per second); route limits "cannot exceed the account limits"
  (http-api-throttling): 5,000 burst and 10,000 per second by default.
- Stage variables: names of letters, digits and _; values of
  [A-Za-z0-9-._~:/?#&=,]+ (botocore's StageVariablesMap docs); at most 100
  per stage; names up to 64 and values up to 512 characters (the quotas
  page gives these for REST; HTTP APIs document none, so REST's are used)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .fields import FieldError

ACCOUNT_BURST = 5000
ACCOUNT_RATE = 10000.0
MAX_VARIABLES = 100
# The console's access log formats, as "Configure logging for HTTP APIs"
# (http-api-logging) prints them; reference H3.
ACCESS_LOG_FORMATS = {
    "clf": (
        '$context.identity.sourceIp - - [$context.requestTime] "$context.httpMethod $context.routeKey '
        '$context.protocol" $context.status $context.responseLength $context.requestId'
    ),
    "json": (
        '{ "requestId":"$context.requestId", "ip": "$context.identity.sourceIp", '
        '"requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod",'
        '"routeKey":"$context.routeKey", "status":"$context.status","protocol":"$context.protocol", '
        '"responseLength":"$context.responseLength" }'
    ),
    "xml": (
        '<request id="$context.requestId"> <ip>$context.identity.sourceIp</ip> '
        "<requestTime>$context.requestTime</requestTime> <httpMethod>$context.httpMethod</httpMethod> "
        "<routeKey>$context.routeKey</routeKey> <status>$context.status</status> "
        "<protocol>$context.protocol</protocol> <responseLength>$context.responseLength</responseLength> </request>"
    ),
    "csv": (
        "$context.identity.sourceIp,$context.requestTime,$context.httpMethod,$context.routeKey,"
        "$context.protocol,$context.status,$context.responseLength,$context.requestId"
    ),
}
_NAME = re.compile(r"^[A-Za-z0-9_]{1,64}$")
_VALUE = re.compile(r"^[A-Za-z0-9\-._~:/?#&=,]{1,512}$")


@dataclass(frozen=True)
class Throttling:
    burst: int | None = None  # None: the account's limit
    rate: float | None = None

    def route_settings(self) -> dict[str, Any]:
        """As UpdateStage's DefaultRouteSettings."""
        out: dict[str, Any] = {}
        if self.burst is not None:
            out["ThrottlingBurstLimit"] = self.burst
        if self.rate is not None:
            out["ThrottlingRateLimit"] = self.rate
        return out


def burst(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= ACCOUNT_BURST:
        raise FieldError(f"{value!r} is not a burst size; allowed: a whole number from 0 to {ACCOUNT_BURST}")
    return value


def rate(value: Any) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= ACCOUNT_RATE:
        raise FieldError(f"{value!r} is not a rate; allowed: requests per second from 0 to {ACCOUNT_RATE:g}")
    return float(value)


THROTTLING_SCHEMA = {"burst": burst, "rate": rate}


def stage_variables(value: Any) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise FieldError(f"{value!r} is not a mapping of names to values; allowed: e.g. {{table: orders-dev}}")
    if len(value) > MAX_VARIABLES:
        raise FieldError(f"{len(value)} stage variables; allowed: at most {MAX_VARIABLES}")
    out = []
    for name, text in value.items():
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise FieldError(f"{name!r} is not a stage variable name; allowed: 1-64 letters, digits and _")
        if isinstance(text, bool) or not isinstance(text, (str, int, float)):
            raise FieldError(f"{name}: {text!r} is not text; allowed: letters, digits and -._~:/?#&=,")
        if not _VALUE.fullmatch(str(text)):
            raise FieldError(
                f"{name}: {str(text)!r} is not a stage variable value; allowed: 1-512 of A-Z a-z 0-9 -._~:/?#&=,"
            )
        out.append((name, str(text)))
    return tuple(sorted(out))


def access_log(value: Any) -> str | None:
    """One of the console's formats by name, or None (no access logs)."""
    if value is None:
        return None
    if not isinstance(value, str) or value.lower() not in ACCESS_LOG_FORMATS:
        raise FieldError(f"{value!r} is not an access log format; allowed: null, {', '.join(ACCESS_LOG_FORMATS)}")
    return value.lower()
