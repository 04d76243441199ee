"""Which kinds each step of the flow makes, in order: the wizard's function
step, its API step, and `deploy` (both)."""

from __future__ import annotations

from .kinds import api, function, integration, permission, policy, role, route, stage
from .kinds.base import Kind

FUNCTION: tuple[Kind, ...] = (role.KIND, policy.KIND, function.KIND)
API: tuple[Kind, ...] = (api.KIND, integration.KIND, route.KIND, stage.KIND, permission.KIND)
ALL: tuple[Kind, ...] = FUNCTION + API
