"""What the person chose and what exists: the wizard's shared state. Typed,
no I/O; screens read and write it, the backend fills in what it finds."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .config import Config

STEPS = ("target", "function", "api", "test", "monitor", "cleanup")  # monitor: optional
STEP_TITLES = {
    "target": "Target",
    "function": "Create function",
    "api": "Create HTTP API",
    "test": "Test",
    "monitor": "Monitor",
    "cleanup": "Clean up",
}


@dataclass
class TestRecord:
    __test__ = False  # a record of the Test step, not a pytest class

    method: str
    url: str
    status: int | None
    elapsed_ms: float
    summary: str


@dataclass
class WizardState:
    config: Config
    state_dir: Path
    port: int
    endpoint_url: str | None = None  # aws target: an emulator instead of AWS
    ledger_dir: Path | None = None  # set on connect: the local cloud's own state dir for the local target
    identity: Any = None  # services.session.Identity once checked
    result: Any = None  # deploy.DeployResult as the steps fill it in
    billing_confirmed: bool = False
    integration_function: str | None = None  # None: the function this wizard created
    notes: list[str] = field(default_factory=list)
    history: list[TestRecord] = field(default_factory=list)
    # --state-dir was given: a cloud started on a non-default port keeps its
    # state there as named, not in the per-port subfolder `port-N`.
    state_dir_named: bool = False

    def update(self, section: str | None = None, **values: Any) -> None:
        """Replace config values: update("function", name="x") or update(target="aws")."""
        if section is None:
            self.config = replace(self.config, **values)
        else:
            self.config = replace(self.config, **{section: replace(getattr(self.config, section), **values)})

    def step_title(self, step: str) -> str:
        """The sidebar's name for a step: the API step names the chosen type."""
        if step == "api":
            from .apitypes import STEP_TITLES as by_type

            return by_type[self.config.api.type]
        return STEP_TITLES[step]

    def step_done(self, step: str) -> bool:
        result = self.result
        if step == "target":
            return self.identity is not None
        if step == "function":
            return bool(result and result.function_arn)
        if step == "api":
            return bool(result and result.invoke_url)
        if step == "test":
            return any(r.status and r.status < 400 for r in self.history)
        return False

    def step_detail(self, step: str) -> str:
        """The id a done step created, for the sidebar."""
        result = self.result
        if step == "target" and self.identity is not None:
            return "local cloud" if self.config.target == "local" else self.identity.account
        if step == "function" and result and result.function_arn:
            return result.function_arn.rsplit(":", 1)[-1]
        if step == "api" and result and result.api_id:
            return result.api_id
        if step == "test" and self.history:
            last = self.history[-1]
            return f"{last.status or 'failed'} {last.method}"
        return ""

    @property
    def test_url(self) -> str:
        if not self.result or not self.result.invoke_url:
            return ""
        return self.result.invoke_url.rstrip("/") + self.config.test.path
