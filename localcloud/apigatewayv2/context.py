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
    api_id: str
    request: HttpRequest
    request_id: str = ""  # API Gateway's, as sent in apigw-requestid
    view: ApiView | None = None
    stage: str = ""
    route_path: str = ""  # the path with the named stage's prefix removed
    stage_view: StageView | None = None
    match: Match | None = None
    integration: Integration | None = None
    function: FunctionInfo | None = None
    policy: Any = None  # the function's resource policy
    event: bytes | None = None  # the event as sent to the function (JSON)
    trace_root: str | None = None  # the X-Amzn-Trace-Id the event carries
    result: InvokeResult | None = None
    response: HttpResponse | None = None  # set: the chain stops and answers
    note: str | None = None  # why API Gateway answered by itself

    @property
    def route_key(self) -> str | None:
        return self.match.route.key.key if self.match is not None else None
