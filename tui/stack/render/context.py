"""What a renderer knows about the stack: the config, and the ids of what
exists already (placeholders where nothing does yet)."""

from __future__ import annotations

from dataclasses import dataclass

from awsrules.arns import partition

from ...config import Config


@dataclass(frozen=True)
class RenderContext:
    config: Config
    account: str = "<account-id>"
    api_id: str = "<api-id>"
    integration_id: str = "<integration-id>"

    @property
    def region(self) -> str:
        return self.config.region

    @property
    def partition(self) -> str:
        return partition(self.config.region)
