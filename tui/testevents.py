"""Test events for invoking a function directly (the Lambda console's Test
tab): AWS's templates, and the events a person saves, kept per function in
the state folder (`test-events/<function>.json`, 0600: events may hold
tokens). The console's rule for a name: at most 25 letters, digits, dots,
hyphens and underscores."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from .fields import FieldError

NAME = re.compile(r"^[A-Za-z0-9._-]{1,25}$")
MAX_EVENTS = 10  # the console keeps at most 10 saved events per function
MAX_BYTES = 256 * 1024  # an event larger than the synchronous Invoke payload limit could not be sent anyway

# The console's "hello-world" template, and the shape of the events API
# Gateway sends (payload 2.0 for an HTTP API, 1.0 for a REST API or a 1.0
# integration) after the AWS docs' examples (http-api-develop-integrations-lambda,
# set-up-lambda-proxy-integrations).
TEMPLATES: dict[str, dict[str, object]] = {
    "hello-world": {"key1": "value1", "key2": "value2", "key3": "value3"},
    "apigateway-http-api": {
        "version": "2.0",
        "routeKey": "ANY /my-function",
        "rawPath": "/my-function",
        "rawQueryString": "name=me",
        "headers": {"accept": "*/*", "host": "abcdef123.execute-api.us-east-1.amazonaws.com"},
        "queryStringParameters": {"name": "me"},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abcdef123",
            "domainName": "abcdef123.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "abcdef123",
            "http": {
                "method": "GET",
                "path": "/my-function",
                "protocol": "HTTP/1.1",
                "sourceIp": "192.0.2.1",
                "userAgent": "agent",
            },
            "requestId": "JKJaXmPLvHcESHA=",
            "routeKey": "ANY /my-function",
            "stage": "$default",
            "time": "10/Mar/2020:05:16:23 +0000",
            "timeEpoch": 1583817383220,
        },
        "isBase64Encoded": False,
    },
    "apigateway-rest-proxy": {
        "version": "1.0",
        "resource": "/my-function",
        "path": "/my-function",
        "httpMethod": "GET",
        "headers": {"Accept": "*/*"},
        "multiValueHeaders": {"Accept": ["*/*"]},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abcdef123",
            "httpMethod": "GET",
            "path": "/my-function",
            "stage": "$default",
            "requestId": "JKJaXmPLvHcESHA=",
            "identity": {"sourceIp": "192.0.2.1", "userAgent": "agent"},
        },
        "body": None,
        "isBase64Encoded": False,
    },
}


def _file(state_dir: Path, function: str) -> Path:
    return state_dir / "test-events" / f"{function}.json"


def saved(state_dir: Path, function: str) -> dict[str, str]:
    """Saved events by name (JSON text). A damaged file reads as none and
    is left for the person to look at; the next save replaces it."""
    try:
        data = json.loads(_file(state_dir, function).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def check(name: str, text: str) -> str:
    """The event's JSON, normalised; FieldError names what is wrong."""
    if not NAME.fullmatch(name):
        raise FieldError(f"{name!r} is not an event name; allowed: 1-25 letters, digits, '.', '-' and '_'")
    if len(text.encode()) > MAX_BYTES:
        raise FieldError(f"the event is {len(text.encode())} bytes; allowed: at most {MAX_BYTES} (Invoke's limit)")
    try:
        json.loads(text)
    except ValueError as exc:
        raise FieldError(f'the event is not JSON ({exc}); allowed: a JSON value, e.g. {{"key1": "value1"}}') from None
    return text


def save(state_dir: Path, function: str, name: str, text: str) -> dict[str, str]:
    """Save (or replace) one event; the saved events after it."""
    events = saved(state_dir, function)
    if name not in events and len(events) >= MAX_EVENTS:
        raise FieldError(f"{function} has {MAX_EVENTS} saved events; allowed: at most {MAX_EVENTS}, replace one")
    events[name] = check(name, text)
    path = _file(state_dir, function)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temp = path.with_suffix(".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(events, out, indent=2, sort_keys=True)
    os.replace(temp, path)
    return events
