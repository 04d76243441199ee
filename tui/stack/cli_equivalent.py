"""The AWS CLI commands equivalent to what the wizard is about to do, for
the review step and the command palette: what a person would type to do
the same by hand, each kind writing its own lines."""

from __future__ import annotations

from typing import Any

from ..config import Config
from .plans import applicable
from .render.context import RenderContext


def commands(config: Config, account: str = "<account-id>", result: Any = None) -> str:
    ctx = RenderContext(
        config,
        account,
        api_id=(result.api_id if result and result.api_id else "<api-id>"),
        integration_id=(result.integration_id if result and result.integration_id else "<integration-id>"),
    )
    lines = [
        f"# Target: {config.target}, region {config.region}"
        + (" (add --endpoint-url http://127.0.0.1:<port>)" if config.target == "local" else ""),
        "",
    ]
    for kind in applicable(config):
        lines += kind.cli(ctx)
    return "\n".join(lines)
