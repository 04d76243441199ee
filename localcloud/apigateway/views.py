"""What the REST data plane reads from moto: an API's stages and the
methods each stage's deployment serves, cached per control-plane change
(Moto.generation) as the HTTP API views are (apigatewayv2/views.py)."""

from __future__ import annotations

from dataclasses import dataclass

from ..apigatewayv2.routing import RouteTable
from ..moto_bridge import ACCOUNT, Moto
from .deployments import RestMethod, deployed_binary_media_types, deployed_methods


@dataclass(frozen=True)
class RestStage:
    deployment_id: str
    routes: RouteTable  # route id "<resource id> <METHOD>"; HTTP API precedence (literal > {x} > {x+})
    methods: dict[str, RestMethod]  # by route id
    variables: dict[str, str]
    binary_media_types: tuple[str, ...] = ()  # the deployment's (binarymedia.py)


@dataclass(frozen=True)
class RestView:
    api_id: str
    name: str  # REST metrics' ApiName dimension
    region: str
    stages: dict[str, RestStage]


def route_id(method: RestMethod) -> str:
    return f"{method.resource_id} {method.method}"


class RestViews:
    def __init__(self, moto: Moto):
        self.moto = moto
        self._views: dict[str, tuple[int, RestView | None]] = {}

    def view(self, api_id: str) -> RestView | None:
        """None: no REST API has this id (it may be an HTTP API's)."""
        cached = self._views.get(api_id)
        if cached and cached[0] == self.moto.generation:
            return cached[1]
        if len(self._views) > 1000:  # ids come from URLs: unknown ones must not pile up
            self._views.clear()
        with self.moto.lock:
            generation = self.moto.generation
            view = _read(api_id)
        self._views[api_id] = (generation, view)
        return view


def _read(api_id: str) -> RestView | None:
    from moto.apigateway.models import apigateway_backends

    for region, backend in apigateway_backends[ACCOUNT].items():
        api = backend.apis.get(api_id)
        if api is None:
            continue
        stages = {}
        for name, stage in api.stages.items():
            methods = deployed_methods(api, stage.deployment_id)
            stages[name] = RestStage(
                str(stage.deployment_id or ""),
                RouteTable((route_id(m), f"{m.method} {m.path}", None) for m in methods),
                {route_id(m): m for m in methods},
                dict(stage.variables or {}),
                deployed_binary_media_types(api, stage.deployment_id),
            )
        return RestView(api_id, str(api.name or ""), region, stages)
    return None
