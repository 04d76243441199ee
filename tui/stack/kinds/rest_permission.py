"""The invoke permission for a REST API's methods: one statement per route,
letting apigateway.amazonaws.com invoke the function from that method only,
on any stage, as the console scopes it (reference J1.6:
`{apiId}/*/{METHOD or * for ANY}/{path}`). The HTTP API's kind with its own
ledger type, so the two APIs' statements are kept and retired apart."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .permission import PermissionKind
from .rest_api import LOGICAL_ID as API_ID
from .rest_method import logical_ids

if TYPE_CHECKING:
    from ..render.context import RenderContext
    from .base import Template


class RestPermissionKind(PermissionKind):
    type = "AWS::Lambda::Permission/RestApi"
    short = "lambda_permission_rest"
    api_types = ("rest",)
    api_kind = "AWS::ApiGateway::RestApi"
    api_logical_id = API_ID

    def route_ids(self, routes: tuple[str, ...]) -> dict[str, str]:
        return logical_ids(routes)

    def sam(self, ctx: RenderContext) -> Template:
        return {}  # SAM adds the permission for each Api event


KIND = RestPermissionKind()
