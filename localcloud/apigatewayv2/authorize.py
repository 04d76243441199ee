"""The chain's authorization step: a route's AuthorizationType decides.
JWT routes are checked as jwtauth.py says. Lambda (CUSTOM) and IAM routes
are refused with 500 and a note until the local cloud runs them: letting
them through would answer 200 where AWS answers 401 or 403."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from .errors import ApiConfigurationError
from .jwtauth import IssuerKeys, JwtAuthorizer, authorize

if TYPE_CHECKING:
    from .context import RequestContext


class Authorize:
    def __init__(self, user_pool_exists: Callable[[str, str], bool]):
        self.keys = IssuerKeys(user_pool_exists)

    def __call__(self, ctx: RequestContext) -> Awaitable[None] | None:
        auth = ctx.stage_view.route_auth.get(ctx.match.route.route_id) if ctx.stage_view.route_auth else None
        if auth is None:
            return None  # an open route: no coroutine made on the common path
        if auth.type != "JWT":
            kind = "Lambda (CUSTOM)" if auth.type == "CUSTOM" else auth.type
            raise ApiConfigurationError(
                f"{kind} authorization is not run by the local cloud yet: refused rather than let through"
            )
        found = ctx.stage_view.authorizers.get(auth.authorizer_id or "")
        if found is None or found.type != "JWT":
            raise ApiConfigurationError(f"the route's authorizer {auth.authorizer_id} does not exist or is not JWT")
        authorizer = JwtAuthorizer(
            found.authorizer_id,
            found.identity_sources[0] if found.identity_sources else "$request.header.Authorization",
            found.issuer,
            found.audience,
        )
        return self._jwt(ctx, authorizer, auth.scopes)

    async def _jwt(self, ctx: RequestContext, authorizer: JwtAuthorizer, scopes: tuple[str, ...]) -> None:
        found: dict[str, Any] = await authorize(self.keys, authorizer, scopes, ctx.request, time.time())
        ctx.authorizer = {"jwt": found}
