"""An authorizer's identity source read from the request: a header (its
name in any case) or a query parameter (its name exactly), as API Gateway
reads $request.header.* and $request.querystring.* (reference G1, G2)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

HEADER = "$request.header."
QUERY = "$request.querystring."


def request_value(request: Any, source: str) -> str | None:
    """The source's value, or None when it is not a request source or absent."""
    if source.lower().startswith(HEADER):
        name = source[len(HEADER) :].lower()
        return next((v for k, v in request.headers if k == name), None)
    if source.startswith(QUERY):
        name = source[len(QUERY) :]
        return next((v for k, v in parse_qsl(request.raw_query, keep_blank_values=True) if k == name), None)
    return None
