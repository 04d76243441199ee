"""Work moto's server does that the local cloud never uses, left undone
(measured on the first call of each service, which a `deploy` from nothing
waits for):

- werkzeug compiles two URL *builders* per routing rule (Python source
  generated and compiled, ~1 ms a rule) for every Flask app and every REST
  operation router moto makes: ~200 ms for API Gateway alone. moto only
  *matches* URLs; a builder is now compiled the first time one is used.
- moto's dispatcher lists its own package folder (a stat per service, ~160)
  on every request to see whether the host is a service name. The folder
  does not change while the process runs: listed once.
- botocore's model files were listed and parsed once per Loader, and
  the cloud makes several (moto's routers, moto's region lists, each
  backend's boto3 session, operations.py): every service folder (~800
  stats) was listed ten times and IAM's model parsed three times in a
  start. Both are now read once per process: the files do not change
  while it runs.
- API Gateway v2 calls went through API Gateway v1's app (moto merges the
  two URL maps), whose import loads an OpenAPI validator (~200 ms) and
  whose map is three times the size. `apigatewayv2_app()` is v2's own.
"""

from __future__ import annotations

import os
from typing import Any, Callable

_applied = False


def apply() -> None:
    """Patch once per process (idempotent)."""
    global _applied
    if _applied:
        return
    _applied = True
    _lazy_url_builders()
    _listed_once()
    _models_read_once()


def _lazy_url_builders() -> None:
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder

    def lazy(self: Rule, append_unknown: bool = True) -> Callable[..., Any]:
        def build(rule: Rule, *args: Any, **kwargs: Any) -> Any:
            bound = compile_builder(rule, append_unknown).__get__(rule, None)
            setattr(rule, "_build_unknown" if append_unknown else "_build", bound)  # compiled once
            return bound(*args, **kwargs)

        return build

    Rule._compile_builder = lazy  # type: ignore[method-assign]


def _listed_once() -> None:
    from moto import backends

    names = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: iter(names)


def _models_read_once() -> None:
    from botocore.loaders import Loader

    listed: dict[tuple[Any, ...], list[str]] = {}
    loaded: dict[tuple[Any, ...], Any] = {}
    list_services, load_model = Loader.list_available_services, Loader.load_service_model

    def where(loader: Loader) -> tuple[Any, ...]:
        return type(loader), tuple(loader.search_paths), tuple(getattr(loader, "extras_types", ()))

    def found_in(loader: Loader, service_name: str) -> str:
        """The folder the service's files come from: loaders that differ
        only in folders holding nothing of this service read the same files."""
        return next((p for p in loader.search_paths if os.path.isdir(os.path.join(p, service_name))), "")

    def list_available_services(self: Loader, type_name: str) -> list[str]:
        key = (*where(self), type_name)
        if key not in listed:
            listed[key] = list(list_services(self, type_name))
        return list(listed[key])

    def load_service_model(self: Loader, service_name: str, type_name: str, api_version: str | None = None) -> Any:
        key = (
            type(self),
            found_in(self, service_name),
            tuple(getattr(self, "extras_types", ())),
            service_name,
            type_name,
            api_version,
        )
        if key not in loaded:  # shared as one Loader's own cache shares it: callers only read models
            loaded[key] = load_model(self, service_name, type_name, api_version)
        return loaded[key]

    Loader.list_available_services = list_available_services
    Loader.load_service_model = load_service_model


def apigatewayv2_app() -> Any:
    """A WSGI app serving API Gateway v2's paths only."""
    from moto.moto_server.werkzeug_app import create_backend_app

    return create_backend_app("apigatewayv2")
