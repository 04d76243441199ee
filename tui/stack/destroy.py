"""Delete everything a stack's ledger holds, in reverse deploy order.

Each deletion tolerates "already gone", and each resource leaves the ledger
as soon as it is deleted, so an interrupted destroy can simply be run again.
A resource whose kind is deleted with its parent (an API's routes, a
function's permissions) goes with it when the parent is being deleted too:
no call is spent on it.
"""

from __future__ import annotations

from ..services.errors import NOT_FOUND, WizardError
from ..services.session import Cloud
from .engine import Event, OnEvent
from .intent import settle
from .plans import BY_TYPE, ORDERED
from .ledger import Ledger, Resource

ORDER = tuple(k.type for k in reversed(ORDERED))


def describe(resource: Resource) -> str:
    found = BY_TYPE.get(resource.type)
    if found is None:
        return f"{resource.type} {resource.id}"
    return found.describe(resource)


def plan(ledger: Ledger) -> list[Resource]:
    """The ledger's resources in the order they will be deleted."""
    rank = {t: i for i, t in enumerate(ORDER)}
    return sorted(ledger.resources, key=lambda r: rank.get(r.type, len(ORDER)))


def destroy(cloud: Cloud, ledger: Ledger, on_event: OnEvent = lambda _e: None) -> list[str]:
    """Delete everything; return what was deleted, one label each."""
    for kind in reversed(ORDERED):  # entries still pending (a run died mid-call) are found or dropped first
        settle(ledger, cloud, kind)
    deleted: list[str] = []
    doomed = list(ledger.resources)
    for resource in plan(ledger):
        label = describe(resource)
        found = BY_TYPE.get(resource.type)
        if (
            found
            and found.deleted_with
            and any(r.type == found.deleted_with and r.id == resource.parent for r in doomed)
        ):
            ledger.remove(resource)
            deleted.append(label)
            on_event(Event("destroy", "deleted", f"Deleted {label} (with its parent)", resource.id))
            continue
        if found is None:
            raise WizardError(
                f"delete {resource.id}",
                "UnknownResource",
                f"unknown resource type {resource.type}",
                "Remove it by hand; this ledger was written by a newer version.",
            )
        on_event(Event("destroy", "start", f"Deleting {label}"))
        try:
            found.delete(cloud, resource)
            message = f"Deleted {label}"
        except WizardError as err:
            if err.code not in NOT_FOUND:
                raise
            message = f"{label} was already gone"
        ledger.remove(resource)
        deleted.append(label)
        on_event(Event("destroy", "deleted", message, resource.id))
    return deleted
