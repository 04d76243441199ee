"""Which ledger a config's stack uses on a target: the scope (target,
account, region, where, names) and, on the local cloud, the cloud's id
rather than its port, so a restart on another port finds the same stack."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..config import Config
from .ledger import Ledger, Scope
from ..services.session import Cloud


def open_ledger(
    cloud: Cloud,
    config: Config,
    state_dir: Path,
    *,
    lock: bool = False,
    on_wait: Callable[[str], None] = lambda _m: None,
) -> Ledger:
    """The stack's ledger; lock=True for a deploy or destroy (held until exit
    or ledger.close()), so two runs of one config cannot both create it."""
    ident = cloud.identity()
    endpoint = cloud.target.effective_endpoint
    legacy = None
    if cloud.target.kind == "local":
        # A local cloud is named by its state's id, not its port: a restart on
        # another port must find the same stack. Ledgers from before were
        # keyed by the endpoint; every local one in this folder is this cloud's.
        found_id = _local_cloud_id(endpoint)
        if found_id:
            endpoint = f"local-cloud:{found_id}"

            def legacy(old: dict[str, Any]) -> bool:
                return (
                    old.get("target") == "local"
                    and str(old.get("endpoint") or "").startswith("http")
                    and (old.get("account"), old.get("region"), old.get("function"), old.get("api"))
                    == (ident.account, cloud.region, config.function.name, config.api.name)
                )

    scope = Scope(cloud.target.kind, ident.account, cloud.region, endpoint, config.function.name, config.api.name)
    older = legacy

    def earlier(old: dict[str, Any]) -> bool:
        # The same function under another API name is this stack before the
        # API was renamed or its type changed (each type has its own default
        # name): its ledger is folded in, so the deploy replaces that API
        # instead of refusing a function it no longer knows it made.
        same_function = {k: old.get(k) for k in ("target", "account", "region", "endpoint", "function")} == {
            "target": scope.target,
            "account": scope.account,
            "region": scope.region,
            "endpoint": scope.endpoint,
            "function": scope.function,
        }
        return same_function or (older is not None and older(old))

    return Ledger.open(state_dir, scope, lock=lock, legacy=earlier, on_wait=on_wait)


def _local_cloud_id(endpoint: str | None) -> str | None:
    from urllib.parse import urlsplit

    from localcloud.client import health

    try:
        port = urlsplit(endpoint or "").port
    except ValueError:
        return None
    found = health(port, timeout=2.0) if port else None
    details = getattr(found, "details", None) or (found if isinstance(found, dict) else {})
    value = details.get("cloud_id")
    return str(value) if value else None
