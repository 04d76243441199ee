"""The registry of resource kinds, in deploy order. Destroy walks it
backwards; the ledger, the CLI view and export dispatch through it.

To add a kind: write its module (a Kind subclass and KIND), list it here
in the place its dependencies put it, and add it to the plan that makes it
(tui/stack/plans.py)."""

from __future__ import annotations

from . import api, function, integration, log_group, permission, policy, role, route, stage
from .base import Kind

ORDERED: tuple[Kind, ...] = (
    role.KIND,
    policy.KIND,
    function.KIND,
    log_group.KIND,
    api.KIND,
    integration.KIND,
    route.KIND,
    stage.KIND,
    permission.KIND,
)
BY_TYPE: dict[str, Kind] = {k.type: k for k in ORDERED}
# Ledgers before version 2 named the types in their own words.
LEGACY_TYPES: dict[str, str] = {k.short: k.type for k in ORDERED}


def kind(type_name: str) -> Kind | None:
    return BY_TYPE.get(type_name)


__all__ = ["BY_TYPE", "LEGACY_TYPES", "ORDERED", "Kind", "kind"]
