"""What the data plane reads from the control plane: an API's served
stages, an integration's function and its resource policy. Read from moto
once per control-plane change (`Moto.generation`) and cached, so a warm
request touches no moto state and takes no lock."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..moto_bridge import ACCOUNT, Moto
from ..runtime import FunctionInfo
from ..versions import Routing, function_info, routing_of, split_arn

__all__ = ["function_info"]  # its home is versions.py; imported from here too
from .accesslog import AccessLog, settings_of
from .cors import Cors
from .deployments import Deployments, Snapshot
from .policy import allows, policy_of, scoped
from .routing import RouteTable
from .throttlelimits import Limit, limits


@dataclass(frozen=True)
class Integration:
    integration_id: str
    type: str
    uri: str
    payload_format: str
    timeout_ms: int


@dataclass(frozen=True)
class RouteAuth:
    type: str  # JWT | CUSTOM | AWS_IAM
    authorizer_id: str | None
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class Authorizer:
    authorizer_id: str
    type: str  # JWT | REQUEST
    identity_sources: tuple[str, ...]
    issuer: str  # JWT only
    audience: tuple[str, ...]  # JWT only
    uri: str = ""  # REQUEST (Lambda) only, and the four below
    payload_format: str = "2.0"
    simple_responses: bool = False
    ttl_s: int = 0


@dataclass(frozen=True)
class StageView:
    routes: RouteTable
    integrations: dict[str, Integration]
    variables: dict[str, str]
    throttling: dict[str, Limit] = field(default_factory=dict)  # route key ("" the default) -> its limit
    access_log: AccessLog | None = None  # the stage's AccessLogSettings, when on
    route_auth: dict[str, RouteAuth] = field(default_factory=dict)  # route id -> how it is authorized
    authorizers: dict[str, Authorizer] = field(default_factory=dict)


@dataclass
class ApiView:
    api_id: str
    region: str
    stages: dict[str, StageView]  # served stages only
    cors: Cors | None = None  # the API's CorsConfiguration (an API setting, not a stage's)


class ControlPlaneViews:
    def __init__(self, moto: Moto, deployments: Deployments):
        self.moto = moto
        self.deployments = deployments
        self._views: dict[str, tuple[int, ApiView | None]] = {}
        self._functions: dict[tuple[str, str], tuple[int, Routing | None, Any]] = {}
        self._allowed: dict[tuple[str, str], bool] = {}
        self._allowed_generation = -1
        self._pools: dict[tuple[str, str], bool] = {}
        self._pools_generation = -1

    def view(self, api_id: str) -> ApiView | None:
        cached = self._views.get(api_id)
        if cached and cached[0] == self.moto.generation:
            return cached[1]
        with self.moto.lock:
            generation = self.moto.generation
            found = self.moto.find_api(api_id)
            view = None
            if found is not None:
                region, api = found
                live = Snapshot.of(api)
                stages = {}
                for name, stage in api.stages.items():
                    snap = live if stage.auto_deploy else self.deployments.snapshot_for(api_id, name)
                    if snap is None:
                        continue  # never deployed: AWS serves nothing here
                    stages[name] = StageView(
                        RouteTable(snap.routes),
                        {i[0]: Integration(*i) for i in snap.integrations},
                        dict(stage.stage_variables or {}),
                        limits(getattr(stage, "default_route_settings", None), getattr(stage, "route_settings", None)),
                        settings_of(getattr(stage, "access_log_settings", None)),
                        {a[0]: RouteAuth(a[1], a[2], a[3]) for a in snap.route_auth},
                        {a[0]: Authorizer(*a) for a in snap.authorizers},
                    )
                view = ApiView(api_id, region, stages, Cors.of(getattr(api, "cors_configuration", None)))
        self._views[api_id] = (generation, view)
        return view

    def user_pool_exists(self, region: str, pool_id: str) -> bool:
        """A Cognito user pool in this local cloud (its own JWT issuer),
        remembered until the control plane changes (no lock per request)."""
        if self._pools_generation != self.moto.generation:
            self._pools = {}
            self._pools_generation = self.moto.generation
        found = self._pools.get((region, pool_id))
        if found is None:
            found = self._pools[(region, pool_id)] = self.moto.find_user_pool(region, pool_id)
        return found

    def function(self, region: str, uri: str) -> tuple[FunctionInfo | None, Any]:
        """(info, resource policy) for an integration URI: the version it
        names (a weighted alias picks one per call, versions.py) and the
        policy statements that apply to the ARN it names (policy.scoped)."""
        key = (region, uri)
        cached = self._functions.get(key)
        if not cached or cached[0] != self.moto.generation:
            name, qualifier = split_arn(uri)
            with self.moto.lock:
                generation = self.moto.generation
                fn = self.moto.find_function(region, name)
                routing = routing_of(self.moto, region, fn, qualifier) if fn is not None else None
                policy = scoped(policy_of(fn), routing.primary.named_arn) if routing is not None else None
            cached = self._functions[key] = (generation, routing, policy)
        return (cached[1].pick() if cached[1] is not None else None), cached[2]

    def allowed(self, info: FunctionInfo, policy: Any, source_arn: str) -> bool:
        """allows(), remembered until the control plane changes."""
        if self._allowed_generation != self.moto.generation:
            self._allowed = {}
            self._allowed_generation = self.moto.generation
        key = (info.named_arn or info.arn, source_arn)  # the policy is the named ARN's (policy.scoped)
        found = self._allowed.get(key)
        if found is None:
            found = self._allowed[key] = allows(policy, source_arn, ACCOUNT)
        return found
