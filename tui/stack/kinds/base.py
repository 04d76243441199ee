"""What every resource kind knows, in one place per AWS resource type.

A kind is stateless: the deploy engine hands it the run (config, cloud,
ledger, results so far) and it finds, reads, creates, updates or deletes
its resources through the service layer. The same kind says how a person
would do it with the AWS CLI and how CloudFormation and SAM declare it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

if TYPE_CHECKING:
    from ...config import Config
    from ...services.session import Cloud
    from ..ledger import Ledger, Resource
    from ..outcome import DeployResult, UrlFor
    from ..render.context import RenderContext

Template = dict[str, dict[str, Any]]  # logical id -> {"Type": ..., "Properties": ...}


class Run(Protocol):
    """What a kind may use of the deploy run (the engine's Deployer), so
    the kinds need not import the engine that imports them."""

    cloud: Cloud
    config: Config
    ledger: Ledger
    result: DeployResult
    url_for: UrlFor
    facts: dict[str, Any]

    def need(self, type_name: str) -> Any: ...
    def emit_event(self, step: str, status: str, message: str, resource: str | None = None) -> None: ...
    def reuse(self, kind: Kind, resource: Resource, message: str) -> None: ...
    def forget(self, resource: Resource) -> None: ...
    def create(
        self,
        kind: Kind,
        pending: Resource,
        make: Callable[[], Any],
        build: Callable[[Any], Resource],
        message: Callable[[Resource], str],
    ) -> Resource: ...
    def settle(self, kind: Kind) -> None: ...
    def new_token(self) -> str: ...
    def integration_target(self) -> tuple[str, str]: ...


class Kind:
    type: ClassVar[str]  # CloudFormation type name; also the ledger's type
    # A short stable name: deploy --json's created/updated/reused lists use
    # it, and version-1 ledgers used it as the type.
    short: ClassVar[str]
    label: ClassVar[str]  # how progress lines and destroy's plan name it
    step: ClassVar[str]  # the progress step its events belong to
    # The kind whose deletion takes this one along (an API's routes, a
    # function's permissions): destroy spends no call on it.
    deleted_with: ClassVar[str | None] = None
    # Kinds that come with this one but no plan makes (Lambda makes the
    # function's log group): registered right after it.
    companions: ClassVar[tuple[Kind, ...]] = ()
    # The API types (config api.type) it belongs to; None: every stack has
    # it (the function, its role). A deploy of another type retires it.
    api_types: ClassVar[tuple[str, ...] | None] = None

    def label_for(self, config: Config) -> str:
        """Its label for a config (the API kind names the API's type)."""
        return self.label

    def applies(self, config: Config) -> bool:
        return self.api_types is None or config.api.type in self.api_types

    def ensure(self, run: Run) -> Any:
        """Make it exist as configured (create, update or reuse)."""
        raise NotImplementedError

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        """The real resource a pending ledger entry stands for, or None."""
        raise NotImplementedError

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        raise NotImplementedError

    def dedupe_after_create(self) -> bool:
        """True for kinds with no unique name: a retried create may have made
        two, so the engine looks again and keeps one."""
        return False

    def describe(self, resource: Resource) -> str:
        detail = resource.extra.get("route_key") or resource.extra.get("name")
        return f"{self.label} {resource.id}" + (f" ({detail})" if detail else "")

    def cli(self, ctx: RenderContext) -> list[str]:
        """AWS CLI lines that create it by hand (none when it is not made)."""
        return []

    def script(self, ctx: RenderContext) -> list[str]:
        """Its lines in the runnable export script: the view's lines with
        captured ids (ctx.script), plus what only a script needs."""
        return self.cli(ctx)

    def cloudformation(self, ctx: RenderContext) -> Template:
        """Its resources in a CloudFormation template (none when not made)."""
        return {}

    def sam(self, ctx: RenderContext) -> Template:
        """Its resources in a SAM template; by default as in CloudFormation.
        Kinds that SAM makes implicitly (the API's children, the role)
        return nothing or add properties to the function, and the renderer
        merges fragments that name the same logical id."""
        return self.cloudformation(ctx)

    def parameters(self, ctx: RenderContext) -> dict[str, Any]:
        """Template Parameters it needs (the function's code bucket)."""
        return {}

    def outputs(self, ctx: RenderContext, sam: bool = False) -> dict[str, Any]:
        """Template Outputs it gives (the invoke URL)."""
        return {}

    def script_outputs(self, ctx: RenderContext) -> list[str]:
        """Lines that end the export script by printing what it made."""
        return []
