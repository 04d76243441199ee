"""Intent-first creation: nothing is ever created that the ledger cannot
find again.

Before a create call, a *pending* entry goes into the ledger saying how to
find what the call makes (a name, a tag token, a route key). If the call
then fails in a way that may still have created it (its response was lost,
it timed out, a retry met "already exists"), or the process dies, the
pending entry is resolved by looking (the kind's `find`): found, it is
adopted (and duplicates that a retry made are deleted); not found, the
entry is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..services.errors import NOT_FOUND, WizardError
from ..services.session import Cloud
from .kinds.base import Kind
from .ledger import Ledger, Resource

# Codes that mean "it is already there": after our own lost response, the
# thing there is ours.
CONFLICT = frozenset({"EntityAlreadyExists", "ResourceConflictException", "ConflictException"})


def find(cloud: Cloud, kind: Kind, pending: Resource, account: str) -> Resource | None:
    """The real resource a pending entry stands for, or None."""
    try:
        return kind.find(cloud, pending, account)
    except WizardError as err:
        if err.code in NOT_FOUND:
            return None
        raise


def create(
    ledger: Ledger,
    cloud: Cloud,
    kind: Kind,
    pending: Resource,
    make: Callable[[], Any],
    build: Callable[[Any], Resource],
) -> Resource:
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
        real = find(cloud, kind, pending, ledger.scope.account)
        if real is None:
            ledger.remove(pending)
            raise
        ledger.replace(pending, real)
        return real
    real = build(reply)
    if kind.dedupe_after_create():
        # No unique name: if a retry made two, keep one.
        real = find(cloud, kind, pending, ledger.scope.account) or real
    ledger.replace(pending, real)
    return real


def settle(ledger: Ledger, cloud: Cloud, kind: Kind) -> None:
    """Resolve the pending entries of one kind left by an earlier run."""
    for pending in [r for r in ledger.all(kind.type) if r.extra.get("pending")]:
        real = find(cloud, kind, pending, ledger.scope.account)
        if real is None:
            ledger.remove(pending)
        else:
            ledger.replace(pending, real)
