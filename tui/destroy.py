"""Delete everything a stack's ledger holds, in dependency order.

Each deletion tolerates "already gone", and each resource leaves the ledger
as soon as it is deleted, so an interrupted destroy can simply be run again.
Children of an API that is itself being deleted, and permissions of a
function that is being deleted, go with their parent: no call is spent on
them.
"""

from __future__ import annotations

from .deploy import Event, OnEvent
from .services import functions, http_api, logs, permissions, roles
from .services.errors import NOT_FOUND, WizardError
from .services.ledger import Ledger, Resource
from .services.session import Cloud

ORDER = (
    "lambda_permission",
    "apigw_stage",
    "apigw_route",
    "apigw_integration",
    "apigw_api",
    "lambda_function",
    "iam_policy",
    "iam_role",
)
LABELS = {
    "lambda_permission": "invoke permission",
    "apigw_stage": "stage",
    "apigw_route": "route",
    "apigw_integration": "integration",
    "apigw_api": "HTTP API",
    "lambda_function": "function",
    "iam_policy": "policy",
    "iam_role": "role",
}


def describe(resource: Resource) -> str:
    label = LABELS.get(resource.type, resource.type)
    detail = resource.extra.get("route_key") or resource.extra.get("name")
    return f"{label} {resource.id}" + (f" ({detail})" if detail else "")


def plan(ledger: Ledger) -> list[Resource]:
    """The ledger's resources in the order they will be deleted."""
    rank = {t: i for i, t in enumerate(ORDER)}
    return sorted(ledger.resources, key=lambda r: rank.get(r.type, len(ORDER)))


def _delete(cloud: Cloud, resource: Resource) -> None:
    kind, rid, parent = resource.type, resource.id, resource.parent or ""
    if kind == "lambda_permission":
        permissions.remove_permission(cloud, parent, rid)
    elif kind == "apigw_stage":
        http_api.delete_stage(cloud, parent, rid)
    elif kind == "apigw_route":
        http_api.delete_route(cloud, parent, rid)
    elif kind == "apigw_integration":
        http_api.delete_integration(cloud, parent, rid)
    elif kind == "apigw_api":
        http_api.delete_api(cloud, rid)
    elif kind == "lambda_function":
        functions.delete_function(cloud, rid)
        # Lambda made the log group on first invoke; it is ours to remove.
        logs.delete_log_group(cloud, rid)
    elif kind == "iam_policy":
        roles.delete_policy(cloud, resource.arn or "")
    elif kind == "iam_role":
        roles.delete_role(cloud, rid)
    else:
        raise WizardError(f"delete {rid}", "UnknownResource", f"unknown resource type {kind}",
                          "Remove it by hand; this ledger was written by a newer version.")


def destroy(cloud: Cloud, ledger: Ledger, on_event: OnEvent = lambda _e: None) -> list[str]:
    """Delete everything; return what was deleted, one label each."""
    # Entries still pending (a run died mid-call) are first found or dropped.
    from .reconcile import settle

    for kind in ORDER:
        settle(ledger, cloud, kind)
    deleted: list[str] = []
    doomed_apis = {r.id for r in ledger.all("apigw_api")}
    doomed_functions = {r.id for r in ledger.all("lambda_function")}
    for resource in plan(ledger):
        label = describe(resource)
        goes_with_parent = (resource.type.startswith("apigw_") and resource.type != "apigw_api"
                            and resource.parent in doomed_apis) or (
            resource.type == "lambda_permission" and resource.parent in doomed_functions)
        if goes_with_parent:
            ledger.remove(resource)
            deleted.append(label)
            on_event(Event("destroy", "deleted", f"Deleted {label} (with its parent)", resource.id))
            continue
        on_event(Event("destroy", "start", f"Deleting {label}"))
        try:
            _delete(cloud, resource)
            message = f"Deleted {label}"
        except WizardError as err:
            if err.code not in NOT_FOUND:
                raise
            message = f"{label} was already gone"
        ledger.remove(resource)
        deleted.append(label)
        on_event(Event("destroy", "deleted", message, resource.id))
    return deleted
