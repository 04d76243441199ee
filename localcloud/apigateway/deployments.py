"""What a REST API stage serves: the resources and methods as they were at
its deployment. REST APIs have no auto-deploy (reference J1.7: "changes are
invisible until the next deployment"), but moto's Deployment keeps only an
id and a name, so the methods are copied at CreateDeployment and kept on
moto's own Deployment object: they are pickled with the control plane and
survive a restart like the rest of it. The API's binaryMediaTypes are
frozen the same way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_SNAPSHOT = "local_methods"  # the attribute on moto's Deployment
_BINARY = "local_binary_media_types"  # the API's binaryMediaTypes at that deployment
DEFAULT_TIMEOUT_MS = 29000  # reference J1.5: put_integration's default timeoutInMillis


@dataclass(frozen=True)
class RestMethod:
    resource_id: str
    path: str  # the resource's path, e.g. /{proxy+}
    method: str  # GET ... or ANY
    integration_type: str  # "" when the method has no integration
    uri: str
    timeout_ms: int
    # Methods frozen before this field existed (older saved state) load with
    # the class default: no key required, as they served then.
    api_key_required: bool = False


def methods_of(api: Any) -> tuple[RestMethod, ...]:
    """Every method of a moto RestAPI right now (call with moto's lock)."""
    out = []
    for resource in list(api.resources.values()):
        path = resource.get_path()
        for name, method in list(resource.resource_methods.items()):
            integration = method.method_integration
            try:
                timeout = int(getattr(integration, "timeout_in_millis", None) or DEFAULT_TIMEOUT_MS)
            except (TypeError, ValueError):
                timeout = DEFAULT_TIMEOUT_MS
            out.append(
                RestMethod(
                    resource.id,
                    path,
                    str(name),
                    str(getattr(integration, "integration_type", None) or ""),
                    str(getattr(integration, "uri", None) or ""),
                    timeout,
                    bool(getattr(method, "api_key_required", False)),
                )
            )
    return tuple(out)


def deployed_methods(api: Any, deployment_id: str | None) -> tuple[RestMethod, ...]:
    """The methods a stage's deployment froze. A deployment made before this
    module was installed (state saved by an older version) has no copy: the
    API's current methods stand in for it."""
    deployment = api.deployments.get(deployment_id) if deployment_id else None
    frozen = getattr(deployment, _SNAPSHOT, None)
    return frozen if frozen is not None else methods_of(api)


def deployed_binary_media_types(api: Any, deployment_id: str | None) -> tuple[str, ...]:
    """The binaryMediaTypes a stage's deployment froze (a change is live only
    after the next deployment, like every REST change). A deployment saved
    before this was kept (older state) stands in with the API's current list."""
    deployment = api.deployments.get(deployment_id) if deployment_id else None
    frozen = getattr(deployment, _BINARY, None)
    return frozen if frozen is not None else binary_media_types_of(api)


def binary_media_types_of(api: Any) -> tuple[str, ...]:
    return tuple(str(t) for t in (getattr(api, "binaryMediaTypes", None) or ()))


def install() -> None:
    """Make moto's RestAPI.create_deployment keep the methods it deploys
    (idempotent; moto's own CreateDeployment and CloudFormation both go
    through it)."""
    from moto.apigateway.models import RestAPI

    original = RestAPI.create_deployment
    if getattr(original, "keeps_methods", False):
        return

    def create_deployment(self: Any, *args: Any, **kwargs: Any) -> Any:
        deployment = original(self, *args, **kwargs)
        setattr(deployment, _SNAPSHOT, methods_of(self))
        setattr(deployment, _BINARY, binary_media_types_of(self))
        return deployment

    create_deployment.keeps_methods = True  # type: ignore[attr-defined]
    RestAPI.create_deployment = create_deployment  # type: ignore[method-assign]
