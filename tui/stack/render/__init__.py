"""Export: the configured stack as AWS CLI commands, a CloudFormation
template or a SAM template, each written by the resource kinds.

`render(config, fmt)` is the one entry point: the `export` command and the
wizard's export action call it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI reads FORMATS before it needs any config
    from ...config import Config

FORMATS = ("cloudformation", "sam", "cli")


def render(config: Config, fmt: str, out: Path | None = None) -> str:
    """The stack in `fmt` (one of FORMATS). `out` is where the text will be
    written, if known: templates name local code relative to its folder."""
    if fmt == "cloudformation":
        from . import cloudformation

        return cloudformation.render(config, out)
    if fmt == "sam":
        from . import sam

        return sam.render(config, out)
    if fmt == "cli":
        from . import script

        return script.render(config)
    raise ValueError(f"unknown export format {fmt!r}; allowed: {', '.join(FORMATS)}")


__all__ = ["FORMATS", "render"]
