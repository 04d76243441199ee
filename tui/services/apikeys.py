"""A REST API key's value, for the Test step's x-api-key header. The value
is a secret: callers show it masked (mask), never in full."""

from __future__ import annotations

from .errors import call
from .session import Cloud


def value(cloud: Cloud, key_id: str) -> str:
    """GetApiKey with includeValue (without it AWS leaves the value out)."""
    reply = call(f"read the API key {key_id}", cloud.client("apigateway").get_api_key, apiKey=key_id, includeValue=True)
    return str(reply["value"])


def mask(secret: str) -> str:
    """Enough to tell two keys apart, not enough to use one."""
    return "••••" + secret[-4:] if len(secret) > 12 else "••••"
