"""A template's sections gathered from the resource kinds, in deploy order;
shared by the CloudFormation and SAM renderers. A kind may add properties
to another kind's resource (SAM's events on the function): fragments that
name the same logical id merge."""

from __future__ import annotations

from typing import Any

from ...config import Config
from ..kinds import ORDERED
from .context import RenderContext

FORMAT_VERSION = "2010-09-09"  # the only version CloudFormation has


def describe(config: Config) -> str:
    fn, api = config.function, config.api
    return (
        f"Lambda function {fn.name} behind the HTTP API {api.name}: routes {', '.join(api.routes)} on the "
        f"stage {api.stage}, through a Lambda proxy integration (payload {api.payload_format}). "
        "Exported by apigw-wizard."
    )


def resources(ctx: RenderContext, sam: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in ORDERED:
        merge(out, kind.sam(ctx) if sam else kind.cloudformation(ctx))
    return out


def parameters(ctx: RenderContext) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in ORDERED:
        merge(out, kind.parameters(ctx))
    return out


def outputs(ctx: RenderContext, sam: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in ORDERED:
        merge(out, kind.outputs(ctx, sam))
    return out


def merge(into: dict[str, Any], fragment: dict[str, Any], where: str = "") -> None:
    """Deep-merge; two kinds setting the same value differently is a bug."""
    for key, value in fragment.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merge(into[key], value, f"{where}{key}.")
        elif key in into and into[key] != value:
            raise ValueError(f"two kinds set {where}{key} differently")
        else:
            into[key] = value
