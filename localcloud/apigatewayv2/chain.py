"""The handler chain: the request handlers in order until one answers,
API Gateway's own errors turned into responses, then the response
handlers, which every answer passes through (errors too).

To add a step (authorizer, CORS, throttling), write a handler in
handlers.py (or its own module) and put it in the list in http_api_chain()."""

from __future__ import annotations

import inspect
from typing import Any, Awaitable, Callable, Iterable

from .context import RequestContext
from .errors import GatewayError, answer
from .handlers import (
    BuildEvent,
    add_cors_headers,
    CheckPermission,
    FindApi,
    Invoke,
    ResolveIntegration,
    add_request_id,
    check_request_size,
    map_response,
    match_route,
    select_stage,
)
from .authorize import Authorize
from .lambdaauth import LambdaAuthorizers
from .throttling import Throttle
from .views import ControlPlaneViews

# A handler returns None, or an awaitable (an async handler) that does.
Handler = Callable[[RequestContext], "Awaitable[None] | None"]


class Chain:
    """Fixed once built (requests run it concurrently): a new step goes
    into the list http_api_chain() builds."""

    def __init__(self, handlers: Iterable[Handler], response_handlers: Iterable[Handler] = ()):
        self.handlers = tuple(handlers)
        self.response_handlers = tuple(response_handlers)
        # A handler object's bound __call__ is a cheaper call than the object.
        self._steps = tuple(_direct(h) for h in self.handlers)
        self._finishers = tuple(_direct(h) for h in self.response_handlers)

    async def run(self, ctx: RequestContext) -> RequestContext:
        try:
            for handler in self._steps:
                step = handler(ctx)
                if step is not None:
                    await step
                if ctx.response is not None:
                    break
            else:
                raise RuntimeError("no handler in the chain answered the request")
        except GatewayError as error:
            ctx.response = answer(error)
            ctx.note = error.note
        for handler in self._finishers:
            handler(ctx)
        return ctx


def _direct(handler: Handler) -> Handler:
    if inspect.isfunction(handler) or inspect.ismethod(handler):
        return handler
    return handler.__call__  # type: ignore[operator]


def http_api_chain(views: ControlPlaneViews, runtime: Any, port: int, iam: Any = None) -> Chain:
    """An HTTP API request's way through API Gateway, in order."""
    return Chain(
        [
            check_request_size,
            FindApi(views.view),
            select_stage,
            match_route,
            Throttle(),
            Authorize(views.user_pool_exists, LambdaAuthorizers(views.function, views.allowed, runtime, port), iam),
            ResolveIntegration(views.function),
            CheckPermission(views.allowed),
            BuildEvent(port),
            Invoke(runtime),
            map_response,
        ],
        [add_cors_headers, add_request_id],
    )
