"""What a two-way WebSocket route sends back (localcloud/websocket/replies.py).
Reference K1 and AWS docs apigateway-websocket-api-route-response: "The body
of your Lambda function should return"."""

from __future__ import annotations

import json
from typing import Any

import pytest

from localcloud.websocket.replies import reply_of


def _reply(answer: Any) -> bytes | None:
    payload = json.dumps(answer).encode()
    return reply_of(payload, answer)


@pytest.mark.parametrize(
    ("answer", "sent"),
    [
        ({"statusCode": 200, "body": "hi"}, b"hi"),  # a proxy answer: its body
        ({"body": "only a body"}, b"only a body"),
        ({"statusCode": 200}, None),  # no body: nothing
        ({"statusCode": 200, "body": {"a": 1}}, b'{"a":1}'),  # a non-string body: its JSON
        ("plain", b'"plain"'),  # anything else: the return value as Lambda returned it
        ({"echo": "z"}, b'{"echo": "z"}'),
        ([1, 2], b"[1, 2]"),
        (None, None),  # our choice: None sends nothing
    ],
)
def test_what_a_two_way_route_sends(answer: Any, sent: bytes | None) -> None:
    assert _reply(answer) == sent
