"""The chain's authorization step: a route's AuthorizationType decides.
JWT routes are checked as jwtauth.py says, Lambda (CUSTOM) ones as
lambdaauth.py says, AWS_IAM ones as iamauth.py says (without an IamAuth,
as in a chain built for tests, they are refused with 500 rather than let
through)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from .errors import ApiConfigurationError
from .handlers import source_arn
from .jwtauth import IssuerKeys, JwtAuthorizer, authorize
from .lambdaauth import LambdaAuthorizers

if TYPE_CHECKING:
    from .context import RequestContext
    from .views import Authorizer


class Authorize:
    def __init__(self, user_pool_exists: Callable[[str, str], bool], lambdas: LambdaAuthorizers, iam: Any = None):
        self.keys = IssuerKeys(user_pool_exists)
        self.lambdas = lambdas
        self.iam = iam

    def __call__(self, ctx: RequestContext) -> Awaitable[None] | None:
        auth = ctx.stage_view.route_auth.get(ctx.match.route.route_id) if ctx.stage_view.route_auth else None
        if auth is None:
            return None  # an open route: no coroutine made on the common path
        if auth.type == "AWS_IAM" and self.iam is not None:
            ctx.authorizer = self.iam.check(ctx, source_arn(ctx))
            return None
        if auth.type not in ("JWT", "CUSTOM"):
            raise ApiConfigurationError(
                f"{auth.type} authorization is not checked here: refused rather than let through"
            )
        found = ctx.stage_view.authorizers.get(auth.authorizer_id or "")
        if auth.type == "CUSTOM":
            if found is None or found.type != "REQUEST":
                raise ApiConfigurationError(
                    f"the route's authorizer {auth.authorizer_id} does not exist or is not REQUEST"
                )
            return self._lambda(ctx, found)
        if found is None or found.type != "JWT":
            raise ApiConfigurationError(f"the route's authorizer {auth.authorizer_id} does not exist or is not JWT")
        authorizer = JwtAuthorizer(
            found.authorizer_id,
            found.identity_sources[0] if found.identity_sources else "$request.header.Authorization",
            found.issuer,
            found.audience,
        )
        return self._jwt(ctx, authorizer, auth.scopes)

    async def _lambda(self, ctx: RequestContext, found: Authorizer) -> None:
        ctx.authorizer = await self.lambdas.authorize(ctx, found, source_arn(ctx))

    async def _jwt(self, ctx: RequestContext, authorizer: JwtAuthorizer, scopes: tuple[str, ...]) -> None:
        found: dict[str, Any] = await authorize(self.keys, authorizer, scopes, ctx.request, time.time())
        ctx.authorizer = {"jwt": found}
