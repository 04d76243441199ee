"""The console's flow as ordered, idempotent steps over the resource kinds.

Each kind first looks in the ledger for what an earlier run created, checks
that it still exists, and reuses it (updating it where the config changed);
only then does it create, and it records what it created before the next
call. So a second deploy creates nothing, and a deploy that was interrupted
anywhere resumes where it stopped. The wizard runs the plans step by step
(plans.FUNCTION, then plans.API); `deploy` runs plans.ALL.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from awsrules.arns import function_arn

from ..config import Config
from ..services.errors import NOT_FOUND, WizardError
from ..services.session import Cloud
from . import intent
from .plans import ALL, BY_TYPE
from .kinds.base import Kind
from .ledger import Ledger, Resource
from .outcome import DeployResult, Event, OnEvent, UrlFor, aws_invoke_url

__all__ = ["DeployResult", "Deployer", "Event", "OnEvent", "UrlFor", "aws_invoke_url"]


class Deployer:
    """One run of the flow: the kinds call back into it for the ledger,
    progress events and what earlier kinds made."""

    def __init__(
        self,
        cloud: Cloud,
        config: Config,
        ledger: Ledger,
        on_event: OnEvent = lambda _e: None,
        url_for: UrlFor = aws_invoke_url,
    ):
        self.cloud = cloud
        self.config = config
        self.ledger = ledger
        self.emit = on_event
        self.url_for = url_for
        ident = cloud.identity()
        self.result = DeployResult(cloud.target.kind, cloud.region, ident.account, config.function.name)
        # The wizard's integration step may point the API at another of the
        # account's functions; by default it is the one this plan creates.
        self.integration_function: str | None = None
        self.facts: dict[str, Any] = {}  # what one kind tells a later one (the role's name)
        self._done: dict[str, Any] = {}

    # -- the plan ----------------------------------------------------------
    def run(self) -> DeployResult:
        self.apply(ALL)
        self.emit(Event("done", "done", f"Invoke URL: {self.result.invoke_url}", self.result.invoke_url))
        return self.result

    def apply(self, plan: Iterable[Kind]) -> None:
        for kind in plan:
            if kind.applies(self.config):
                self.ensure(kind)
            else:
                self.retire(kind)

    def retire(self, kind: Kind) -> None:
        """Delete what an earlier deploy of another API type made of this
        kind (api.type changed): the old API goes, its children leave the
        ledger with it, the function's statements for it are removed."""
        self.settle(kind)
        parents = {BY_TYPE[kind.deleted_with]} if kind.deleted_with in BY_TYPE else set()
        parent_retired = any(not p.applies(self.config) for p in parents)
        for resource in self.ledger.all(kind.type):
            if not parent_retired:
                try:
                    kind.delete(self.cloud, resource)
                except WizardError as err:
                    if err.code not in NOT_FOUND:
                        raise
            self.ledger.remove(resource)
            self.emit(Event(kind.step, "deleted", f"Deleted {kind.describe(resource)} (another API type now)"))

    def ensure(self, kind: Kind) -> Any:
        """The kind made as configured, once per run."""
        if kind.type not in self._done:
            self._done[kind.type] = kind.ensure(self)
        return self._done[kind.type]

    def need(self, type_name: str) -> Any:
        """What another kind made (made now if this run has not yet)."""
        return self.ensure(BY_TYPE[type_name])

    # -- what kinds call ---------------------------------------------------
    def emit_event(self, step: str, status: str, message: str, resource: str | None = None) -> None:
        self.emit(Event(step, status, message, resource))

    def reuse(self, kind: Kind, resource: Resource, message: str) -> None:
        self.result.reused.append(f"{kind.short}:{resource.id}")
        self.emit(Event(kind.step, "reused", message, resource.arn or resource.id))

    def forget(self, resource: Resource) -> None:
        """It was in the ledger but is gone from AWS (deleted by hand)."""
        self.ledger.remove(resource)

    def create(
        self,
        kind: Kind,
        pending: Resource,
        make: Callable[[], Any],
        build: Callable[[Any], Resource],
        message: Callable[[Resource], str],
    ) -> Resource:
        """Create through the ledger's intent-first path (intent.py)."""
        real = intent.create(self.ledger, self.cloud, kind, pending, make, build)
        self.result.created.append(f"{kind.short}:{real.id}")
        self.emit(Event(kind.step, "created", message(real), real.arn or real.id))
        return real

    def settle(self, kind: Kind) -> None:
        intent.settle(self.ledger, self.cloud, kind)

    @staticmethod
    def new_token() -> str:
        return uuid.uuid4().hex

    def integration_target(self) -> tuple[str, str]:
        """(name, ARN) of the function the API invokes."""
        if self.integration_function and self.integration_function != self.config.function.name:
            name = self.integration_function
            return name, function_arn(self.cloud.region, self.result.account, name)
        return self.config.function.name, self.result.function_arn or self.need("AWS::Lambda::Function")
