"""The HTTP API data plane: a request goes down the handler chain
(chain.py) with its own RequestContext, reading the control plane through
views cached per control-plane change."""

from __future__ import annotations

from typing import Any, Awaitable

from ..moto_bridge import Moto
from ..runtime import Runtime
from . import events
from .chain import http_api_chain
from .context import RequestContext
from .deployments import Deployments
from .handlers import MAX_REQUEST_BYTES
from .views import ControlPlaneViews, function_info

__all__ = ["MAX_REQUEST_BYTES", "Gateway", "function_info"]


class Gateway:
    def __init__(self, moto: Moto, runtime: Runtime, deployments: Deployments, port: int, iam: Any = None):
        """`iam`: the IamAuth that checks AWS_IAM routes (None: they are refused)."""
        self.views = ControlPlaneViews(moto, deployments)
        self.chain = http_api_chain(self.views, runtime, port, iam)

    def handle(self, api_id: str, request: events.HttpRequest) -> Awaitable[RequestContext]:
        """Awaited: API Gateway's answer (`.response`), why it answered by
        itself (`.note`), and what the function saw and returned."""
        return self.chain.run(RequestContext(api_id, request, events.new_request_id()))
