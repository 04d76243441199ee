"""One data-plane request as it moves down the handler chain: what arrived,
what each handler found, and what goes back. Also what the wizard's test
screen and the request log read afterwards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..invocation import InvokeResult
from ..runtime import FunctionInfo
from .events import HttpRequest, HttpResponse
from .routing import Match
from .views import ApiView, Integration, StageView


@dataclass(slots=True)
class RequestContext:
    """A handler reads only what a handler before it has set. The fields
    typed without None are None only until their handler has run (one
    place for that, rather than a check in every handler that reads them)."""

    api_id: str
    request: HttpRequest
    request_id: str = ""  # API Gateway's, as sent in apigw-requestid
    view: ApiView = None  # type: ignore[assignment]  # FindApi
    stage: str = ""  # select_stage
    route_path: str = ""  # select_stage: the path with a named stage's prefix removed
    stage_view: StageView = None  # type: ignore[assignment]  # select_stage
    match: Match = None  # type: ignore[assignment]  # match_route
    integration: Integration = None  # type: ignore[assignment]  # ResolveIntegration
    function: FunctionInfo = None  # type: ignore[assignment]  # ResolveIntegration
    policy: Any = None  # ResolveIntegration: the function's resource policy
    event: bytes | None = None  # BuildEvent: the event as sent to the function (JSON)
    trace_root: str | None = None  # BuildEvent: the X-Amzn-Trace-Id the event carries
    result: InvokeResult | None = None  # Invoke
    response: HttpResponse | None = None  # set: the chain stops and answers
    note: str | None = None  # why API Gateway answered by itself
    preflight: bool = False  # match_route: API Gateway answered a CORS preflight
    authorizer: dict[str, Any] | None = None  # Authorize: requestContext.authorizer for the event
    # Authorize, with a Lambda authorizer: (its function's name, the Lambda
    # request id of its run or None for a cached answer), for the test screen.
    authorizer_call: tuple[str, str | None] | None = None

    @property
    def route_key(self) -> str | None:
        return self.match.route.key.key if self.match is not None else None
