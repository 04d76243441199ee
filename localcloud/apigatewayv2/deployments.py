"""Deployments, which moto lacks (reference D1). A stage with auto-deploy
serves the API as it is now; a stage without it serves only what was last
deployed to it, and nothing before the first deployment."""

from __future__ import annotations

import datetime as dt
import secrets
import string
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Snapshot:
    routes: tuple[tuple[str, str, str | None], ...]  # (route id, route key, target)
    integrations: tuple[tuple[str, str, str, str, int], ...]  # (id, type, uri, payload format, timeout ms)

    @classmethod
    def of(cls, api: Any) -> Snapshot:
        """What moto holds for an API right now (call with moto's lock)."""
        routes = tuple((r.route_id, r.route_key, r.target) for r in api.routes.values())
        integrations = tuple(
            (
                i.id,
                i.integration_type or "",
                i.integration_uri or "",
                i.payload_format_version or "1.0",
                int(i.timeout_in_millis or 30000),
            )
            for i in api.integrations.values()
        )
        return cls(routes, integrations)


@dataclass
class Deployment:
    deployment_id: str
    created: str
    description: str
    snapshot: Snapshot

    def to_json(self) -> dict[str, Any]:
        return {
            "deploymentId": self.deployment_id,
            "deploymentStatus": "DEPLOYED",
            "createdDate": self.created,
            "description": self.description,
            "autoDeployed": False,
        }


@dataclass
class Deployments:
    by_api: dict[str, dict[str, Deployment]] = field(default_factory=dict)
    stage_deployment: dict[tuple[str, str], str] = field(default_factory=dict)

    def create(self, api: Any, stage: str | None, description: str) -> Deployment:
        deployment_id = "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(6))
        created = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        deployment = Deployment(deployment_id, created, description, Snapshot.of(api))
        self.by_api.setdefault(api.api_id, {})[deployment_id] = deployment
        if stage:
            self.stage_deployment[(api.api_id, stage)] = deployment_id
        return deployment

    def snapshot_for(self, api_id: str, stage: str) -> Snapshot | None:
        deployment_id = self.stage_deployment.get((api_id, stage))
        deployment = self.by_api.get(api_id, {}).get(deployment_id or "")
        return deployment.snapshot if deployment else None

    def delete(self, api_id: str, deployment_id: str) -> bool:
        found = self.by_api.get(api_id, {}).pop(deployment_id, None)
        for key, value in list(self.stage_deployment.items()):
            if key[0] == api_id and value == deployment_id:
                del self.stage_deployment[key]
        return found is not None
