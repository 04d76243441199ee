"""Deployments, which moto lacks (reference D1). A stage with auto-deploy
serves the API as it is now; a stage without it serves only what was last
deployed to it, and nothing before the first deployment.

As on AWS, a change to an API deploys it to each of its auto-deploy stages:
a deployment with AutoDeployed true and the description AWS gives it
(aws-cli examples, awscli/examples/apigatewayv2/get-deployments.rst).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .ids import DEPLOYMENT_ID_LENGTH, aws_id

# Worded as in awscli/examples/apigatewayv2/get-deployments.rst (AWS output).
AUTO_DESCRIPTION = "Automatic deployment triggered by changes to the Api configuration"


@dataclass(frozen=True)
class Snapshot:
    routes: tuple[tuple[str, str, str | None], ...]  # (route id, route key, target)
    integrations: tuple[tuple[str, str, str, str, int], ...]  # (id, type, uri, payload format, timeout ms)
    # Class-level defaults: snapshots saved before these existed load with none.
    # (route id, authorization type, authorizer id, scopes)
    route_auth: tuple[tuple[str, str, str | None, tuple[str, ...]], ...] = ()
    # (id, type, identity sources, JWT issuer, JWT audiences, Lambda URI, payload format, simple responses, TTL s)
    authorizers: tuple[tuple[Any, ...], ...] = ()

    @classmethod
    def of(cls, api: Any) -> Snapshot:
        """What moto holds for an API right now (call with moto's lock)."""
        routes = tuple((r.route_id, r.route_key, r.target) for r in api.routes.values())
        # getattr: routes made by older moto versions (saved state) may lack them.
        route_auth = tuple(
            (
                r.route_id,
                str(getattr(r, "authorization_type", None) or "NONE"),
                getattr(r, "authorizer_id", None),
                tuple(str(s) for s in (getattr(r, "authorization_scopes", None) or ())),
            )
            for r in api.routes.values()
            if (getattr(r, "authorization_type", None) or "NONE") != "NONE"
        )
        authorizers = tuple(_authorizer(a) for a in getattr(api, "authorizers", {}).values())
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
        return cls(routes, integrations, route_auth, authorizers)


def _authorizer(found: Any) -> tuple[Any, ...]:
    jwt = found.jwt_config or {}
    sources = found.identity_source or []
    return (
        found.id,
        str(found.authorizer_type or ""),
        tuple(str(s) for s in (sources if isinstance(sources, list) else [sources])),
        str(jwt.get("issuer") or ""),
        tuple(str(a) for a in (jwt.get("audience") or ())),
        str(found.authorizer_uri or ""),
        str(found.auth_payload_format_version or "2.0"),
        bool(found.enable_simple_response),
        int(found.auth_result_ttl or 0),
    )


@dataclass
class Deployment:
    deployment_id: str
    created: str
    description: str
    snapshot: Snapshot
    # A class-level default: deployments saved before it existed load as manual ones.
    auto_deployed: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "deploymentId": self.deployment_id,
            "deploymentStatus": "DEPLOYED",
            "createdDate": self.created,
            "description": self.description,
            "autoDeployed": self.auto_deployed,
        }


@dataclass
class Deployments:
    by_api: dict[str, dict[str, Deployment]] = field(default_factory=dict)
    stage_deployment: dict[tuple[str, str], str] = field(default_factory=dict)

    def create(self, api: Any, stage: str | None, description: str, auto: bool = False) -> Deployment:
        ours = self.by_api.setdefault(api.api_id, {})
        deployment_id = aws_id(DEPLOYMENT_ID_LENGTH)
        while deployment_id in ours:
            deployment_id = aws_id(DEPLOYMENT_ID_LENGTH)
        created = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        deployment = Deployment(deployment_id, created, description, Snapshot.of(api), auto)
        ours[deployment_id] = deployment
        if stage:
            self.stage_deployment[(api.api_id, stage)] = deployment_id
        return deployment

    def auto_deploy(self, api: Any, stages: list[str] | None = None) -> list[Deployment]:
        """Deploy the API as it is now to its auto-deploy stages (all of
        them, or those named), one deployment each, as AWS does after a
        change. An API without routes cannot be deployed (CreateDeployment
        refuses it on AWS), so nothing happens then. Call with moto's lock."""
        if not api.routes:
            return []
        made = []
        for name, stage in api.stages.items():
            if stage.auto_deploy and (stages is None or name in stages):
                made.append(self.create(api, name, AUTO_DESCRIPTION, auto=True))
        return made

    def forget_api(self, api_id: str) -> None:
        """Everything about a deleted API."""
        self.by_api.pop(api_id, None)
        for key in [k for k in self.stage_deployment if k[0] == api_id]:
            del self.stage_deployment[key]

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
