"""Identifiers shaped as API Gateway v2 makes them (issue 12).

moto names APIs, routes and integrations with 8 lowercase letters; AWS uses
lowercase letters and digits, 10 for an API and 7 for a route or an
integration, and 6 for a deployment. Sources: reference A6 (a console-built
API listed by grucloud: API `7a38wlw431`, route `ytbyc2l`, integration
`tcymupe`); deployments in the aws-cli examples
(awscli/examples/apigatewayv2/get-stages.rst: `dty748`, `x1zwyv`).

`apply()` renames what moto makes right after moto makes it, before anything
refers to it. Saved state keeps its old ids: nothing already made is renamed.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

API_ID_LENGTH = 10
ROUTE_ID_LENGTH = 7
INTEGRATION_ID_LENGTH = 7
DEPLOYMENT_ID_LENGTH = 6
_ALPHABET = string.ascii_lowercase + string.digits
_applied = False


def aws_id(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def apply() -> None:
    """Patch moto's models once per process (idempotent)."""
    global _applied
    if _applied:
        return
    _applied = True
    from moto.apigatewayv2 import models

    api_init = models.Api.__init__
    route_init = models.Route.__init__
    integration_init = models.Integration.__init__

    def api(self: Any, *args: Any, **kwargs: Any) -> None:
        api_init(self, *args, **kwargs)
        backend = self.backend
        old_id, old_arn = self.api_id, self.arn
        new_id = aws_id(API_ID_LENGTH)
        while new_id in backend.apis:
            new_id = aws_id(API_ID_LENGTH)
        self.api_id = new_id
        self.api_endpoint = self.api_endpoint.replace(old_id, new_id, 1)
        self.arn = old_arn.replace(f"/apis/{old_id}", f"/apis/{new_id}")
        tags = backend.tagger.list_tags_for_resource(old_arn).get("Tags", [])
        backend.tagger.delete_all_tags_for_resource(old_arn)
        if tags:
            backend.tagger.tag_resource(self.arn, tags)

    def route(self: Any, *args: Any, **kwargs: Any) -> None:
        route_init(self, *args, **kwargs)
        self.route_id = aws_id(ROUTE_ID_LENGTH)

    def integration(self: Any, *args: Any, **kwargs: Any) -> None:
        integration_init(self, *args, **kwargs)
        self.id = aws_id(INTEGRATION_ID_LENGTH)

    models.Api.__init__ = api  # type: ignore[method-assign]
    models.Route.__init__ = route  # type: ignore[method-assign]
    models.Integration.__init__ = integration  # type: ignore[method-assign]
