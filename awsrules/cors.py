"""What CreateApi / UpdateApi accept as an HTTP API's CorsConfiguration
(reference F1), in the wire format's camelCase keys.

- allowCredentials with origin * is refused: "allow-credentials is not
  supported if 'allow-origin' is *" (BadRequestException, quoted in
  aws/aws-cdk#9076 and CloudFormation failure logs).
- An origin may be *, http://* or https://* (http-api-cors), otherwise a
  literal origin: "allow-origin https://*.vercel.app can not have
  wildcards" (a CloudFormation log; one source, so the wording is theirs
  and the rule is the docs').
- maxAge is int<-1, 86400> in the service model (botocore's Cors shape);
  the out-of-range message is ours (no recorded AWS text)."""

from __future__ import annotations

from typing import Any

MAX_AGE_RANGE = (-1, 86400)
ORIGIN_WILDCARDS = ("*", "http://*", "https://*")


def cors_problem(cors: Any) -> str | None:
    """Why API Gateway refuses this CorsConfiguration, or None."""
    if cors is None:
        return None
    if not isinstance(cors, dict):
        return "CorsConfiguration must be an object"
    origins = cors.get("allowOrigins") or []
    if cors.get("allowCredentials") is True and "*" in origins:
        return "allow-credentials is not supported if 'allow-origin' is *"
    for origin in origins:
        if "*" in str(origin) and origin not in ORIGIN_WILDCARDS:
            return f"allow-origin {origin} can not have wildcards"
    age = cors.get("maxAge")
    low, high = MAX_AGE_RANGE
    if age is not None and (not isinstance(age, int) or isinstance(age, bool) or not low <= age <= high):
        return f"max-age {age} is out of range: it must be from {low} to {high} seconds"
    return None
