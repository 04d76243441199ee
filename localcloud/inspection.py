"""For the wizard's test screen: what became of a recent data-plane request,
asked for by its API Gateway request id (GET <INVOCATIONS_PATH><id>): the
event the function received, what it returned, its log, and why API Gateway
answered as it did. Only the last RECENT_INVOCATIONS are kept."""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

from .asgi import respond
from .invocation import log_texts

RECENT_INVOCATIONS = 200


class RecentRequests:
    def __init__(self) -> None:
        self.kept: OrderedDict[str, tuple[Any, ...]] = OrderedDict()  # apigw request id -> _inspection()

    def keep(self, outcome: Any) -> None:
        self.kept[outcome.request_id] = _inspection(outcome)
        if len(self.kept) > RECENT_INVOCATIONS:
            self.kept.popitem(last=False)

    async def answer(self, send: Any, request_id: str) -> int:
        """The event the function received, what it returned, and why API
        Gateway answered as it did."""
        kept = self.kept.get(request_id)
        if kept is None:
            await respond(send, 404, [("content-type", "application/json")], b'{"message":"Not Found"}')
            return 404
        route_key, note, event, lambda_request_id, returned, error_type, log, authorizer = kept
        body = {
            "route_key": route_key,
            "note": note,
            "event": json.loads(event) if event is not None else None,
            "lambda_request_id": lambda_request_id,
            "returned": returned.decode("utf-8", "replace") if returned is not None else None,
            "error_type": error_type,
            "logs": log_texts(log),
            # A Lambda authorizer's run: its function and Lambda request id
            # (None: a cached answer, nothing ran).
            "authorizer": {"function": authorizer[0], "lambda_request_id": authorizer[1]} if authorizer else None,
        }
        await respond(send, 200, [("content-type", "application/json")], json.dumps(body).encode())
        return 200


def _inspection(outcome: Any) -> tuple[Any, ...]:
    """What the test screen may ask about a recent request: a tuple of
    strings, bytes and the invocation's log (formatted when asked). Kept
    contexts, events as nested dicts, cost every garbage collection about
    10 % of a warm request's CPU."""
    result = outcome.result
    return (
        outcome.route_key,
        outcome.note,
        outcome.event,
        result.request_id if result else None,
        result.payload if result else None,
        result.error_type if result else None,
        result.log if result else (),
        outcome.authorizer_call,
    )
