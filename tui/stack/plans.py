"""Which kinds each step of the flow makes, in order: the wizard's function
step, its API step, and `deploy` (both). This is also the registry: every
kind a plan names, with the companions it declares (the function's log
group), in deploy order; destroy walks it backwards and the ledger, the CLI
view and export dispatch through it.

To add a kind: write its module (a Kind subclass and KIND), name it in the
plan that makes it, here, and test it (tests/unit/test_kinds.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .kinds import (
    access_logs,
    alias,
    api,
    authorizer,
    authorizer_function,
    authorizer_permission,
    chat_policy,
    cognito,
    function,
    function_url,
    integration,
    permission,
    policy,
    rest_api,
    rest_api_key,
    rest_method,
    rest_permission,
    rest_resource,
    rest_stage,
    rest_usage_plan,
    role,
    route,
    stage,
    table,
    version,
)
from .kinds.base import Kind

if TYPE_CHECKING:
    from ..config import Config

FUNCTION: tuple[Kind, ...] = (role.KIND, policy.KIND, function.KIND, version.KIND, alias.KIND, function_url.KIND)
API: tuple[Kind, ...] = (
    api.KIND,
    cognito.POOL,
    cognito.CLIENT,
    cognito.TEST_USER,
    authorizer_function.KIND,  # deleted only once the authorizer that runs it is gone
    authorizer.KIND,
    authorizer_permission.KIND,
    integration.KIND,
    route.KIND,
    access_logs.KIND,
    stage.KIND,
    permission.KIND,
    table.KIND,  # the WebSocket chat example's connections, and what its function may do with them
    chat_policy.KIND,
    # REST (api.type rest): the console's order, J1; the key's usage plan needs the stage.
    rest_api.KIND,
    rest_resource.KIND,
    rest_method.KIND,
    rest_permission.KIND,
    rest_stage.KIND,
    rest_api_key.KIND,
    rest_usage_plan.PLAN,
    rest_usage_plan.PLAN_KEY,
)
ALL: tuple[Kind, ...] = FUNCTION + API

ORDERED: tuple[Kind, ...] = tuple(k for kind in ALL for k in (kind, *kind.companions))
BY_TYPE: dict[str, Kind] = {k.type: k for k in ORDERED}
# Ledgers before version 2 named the types by the kinds' short names.
LEGACY_TYPES: dict[str, str] = {k.short: k.type for k in ORDERED}


def applicable(config: Config, kinds: tuple[Kind, ...] = ORDERED) -> tuple[Kind, ...]:
    """The kinds a config's API type has (export and the CLI view walk these)."""
    return tuple(k for k in kinds if k.applies(config))


def kind(type_name: str) -> Kind | None:
    return BY_TYPE.get(type_name)
