"""One loader of botocore's data files per process. Every botocore session
makes its own loader, and each parses the JSON it needs again (the Lambda
model is 1 MB of JSON, endpoints.json 1.2 MB); json.loads holds the GIL,
so each parse froze the wizard's event loop for 50-200 ms on a busy
machine. Sessions made through `session()` share this loader, so each file
is parsed once (the loader caches what it loads, per instance)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def shared_loader() -> Any:
    from botocore.loaders import create_loader

    return create_loader()


def botocore_session() -> Any:
    """A new botocore session (its own credentials and profile) reading
    models through the shared loader."""
    import botocore.session

    made = botocore.session.get_session()
    made.register_component("data_loader", shared_loader())
    return made


@lru_cache(maxsize=8)
def service_model(service: str) -> Any:
    """botocore's model of `service`, parsed once per process."""
    return botocore_session().get_service_model(service)
