"""Intent-first creation: nothing is ever created that the ledger cannot
find again.

Before a create call, a *pending* entry goes into the ledger saying how to
find what the call makes (a name, a tag token, a route key). If the call
then fails in a way that may still have created it (its response was lost,
it timed out, a retry met "already exists"), or the process dies, the
pending entry is resolved by looking: found, it is adopted (and duplicates
that a retry made are deleted); not found, the entry is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .services import functions, http_api, permissions, roles
from .services.errors import NOT_FOUND, WizardError
from .services.ledger import Ledger, Resource
from .services.session import Cloud

TOKEN_TAG = "apigw-wizard:token"
# Codes that mean "it is already there": after our own lost response, the
# thing there is ours.
CONFLICT = frozenset({"EntityAlreadyExists", "ResourceConflictException", "ConflictException"})


def _policy_arn(account: str, name: str) -> str:
    return f"arn:aws:iam::{account}:policy/service-role/{name}"


def find(cloud: Cloud, pending: Resource, account: str) -> Resource | None:
    """The real resource a pending entry stands for, or None."""
    kind, extra = pending.type, pending.extra
    try:
        if kind == "iam_role":
            role = roles.get_role(cloud, pending.id)
            return Resource(kind, pending.id, role["Arn"]) if role else None
        if kind == "iam_policy":
            arn = _policy_arn(account, pending.id)
            return Resource(kind, pending.id, arn) if roles.policy_exists(cloud, arn) else None
        if kind == "lambda_function":
            fn = functions.get_function(cloud, pending.id)
            return Resource(kind, pending.id, fn["FunctionArn"]) if fn else None
        if kind == "apigw_api":
            found = [a for a in http_api.list_apis(cloud) if (a.get("Tags") or {}).get(TOKEN_TAG) == extra["token"]]
            for duplicate in found[1:]:  # a retried create made more than one: keep the first
                http_api.delete_api(cloud, duplicate["ApiId"])
            return Resource(kind, found[0]["ApiId"], extra={"name": extra.get("name")}) if found else None
        if kind == "apigw_integration":
            matches = [i for i in _integrations(cloud, pending.parent or "")
                       if i.get("IntegrationUri") == extra["uri"] and i.get("IntegrationType") == "AWS_PROXY"]
            for duplicate in matches[1:]:
                http_api.delete_integration(cloud, pending.parent or "", duplicate["IntegrationId"])
            return Resource(kind, matches[0]["IntegrationId"], parent=pending.parent) if matches else None
        if kind == "apigw_route":
            from awsrules.routekeys import parse

            shape = parse(extra["route_key"]).shape
            for route in http_api.get_routes(cloud, pending.parent or ""):
                if parse(route["RouteKey"]).shape == shape:
                    return Resource(kind, route["RouteId"], parent=pending.parent, extra={"route_key": extra["route_key"]})
            return None
        if kind == "apigw_stage":
            stage = http_api.get_stage(cloud, pending.parent or "", pending.id)
            return Resource(kind, pending.id, parent=pending.parent) if stage else None
        if kind == "lambda_permission":
            found_statement = permissions.find_statement(cloud, pending.parent or "", pending.id)
            return Resource(kind, pending.id, parent=pending.parent, extra=dict(extra)) if found_statement else None
    except WizardError as err:
        if err.code in NOT_FOUND:
            return None
        raise
    return None


def _integrations(cloud: Cloud, api_id: str) -> list[dict[str, Any]]:
    return http_api.get_integrations(cloud, api_id)  # every page: a retry's duplicate may be on the last


def create(ledger: Ledger, cloud: Cloud, pending: Resource, make: Callable[[], Any],
           build: Callable[[Any], Resource]) -> Resource:
    """Record the intent, run `make`, and return the real resource, whether
    `make` answered (`build` turns its reply into the resource) or failed in
    a way that may still have created it (then it is found and adopted)."""
    pending.extra = {**pending.extra, "pending": True}
    ledger.add(pending)
    try:
        reply = make()
    except WizardError as err:
        if err.code not in CONFLICT and not err.transient:
            ledger.remove(pending)  # refused outright: nothing was made
            raise
        real = find(cloud, pending, ledger.scope.account)
        if real is None:
            ledger.remove(pending)
            raise
        ledger.replace(pending, real)
        return real
    real = build(reply)
    if pending.type in ("apigw_api", "apigw_integration"):
        # These have no unique name: if a retry made two, keep one.
        real = find(cloud, pending, ledger.scope.account) or real
    ledger.replace(pending, real)
    return real


def settle(ledger: Ledger, cloud: Cloud, kind: str) -> None:
    """Resolve the pending entries of one kind left by an earlier run."""
    for pending in [r for r in ledger.all(kind) if r.extra.get("pending")]:
        real = find(cloud, pending, ledger.scope.account)
        if real is None:
            ledger.remove(pending)
        else:
            ledger.replace(pending, real)
