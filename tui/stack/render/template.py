"""A template's sections gathered from the resource kinds, in deploy order;
shared by the CloudFormation and SAM renderers. A kind may add properties
to another kind's resource (SAM's events on the function): fragments that
name the same logical id merge."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

from ...config import TYPE_NAMES, Config
from ..plans import applicable
from .context import RenderContext

FORMAT_VERSION = "2010-09-09"  # the only version CloudFormation has
DESCRIPTION_MAX = 1024  # bytes (CloudFormation template anatomy, Description)


def describe(config: Config) -> str:
    fn, api = config.function, config.api

    kind = TYPE_NAMES[api.type]
    # REST's proxy event has no version to choose (reference J4).
    payload = f" (payload {api.payload_format})" if api.type == "http" else ""

    def text(routes: str) -> str:
        return (
            f"Lambda function {fn.name} behind the {kind} {one_line(api.name)}: {routes} on the stage "
            f"{api.stage}, through a Lambda proxy integration{payload}. Exported by apigw-wizard."
        )

    listed = text(f"routes {', '.join(api.routes)}")
    return listed if len(listed.encode()) <= DESCRIPTION_MAX else text(f"{len(api.routes)} routes")


def one_line(text: str) -> str:
    """Text from the config as it may appear in a comment: a newline there
    would end the comment and run the rest."""
    return re.sub(r"[\x00-\x1f\x7f]", "?", text)


def origin(config: Config) -> str:
    return one_line(str(config.source)) if config.source else "the default config"


def file_word(out: Path | None) -> str:
    """How the deploy hints in a header name the exported file."""
    return shlex.quote(one_line(out.name)) if out else "template.yaml"


def stack_name(config: Config) -> str:
    """The API's name as a stack name (a letter, then letters, digits and
    hyphens, at most 128): SAM names its implicit API after the stack."""
    name = re.sub(r"[^A-Za-z0-9]+", "-", config.api.name).strip("-")
    name = name if name[:1].isalpha() else f"apigw-wizard-{name}".rstrip("-")
    return name[:128]


def resources(ctx: RenderContext, sam: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in applicable(ctx.config):
        merge(out, kind.sam(ctx) if sam else kind.cloudformation(ctx))
    return out


def parameters(ctx: RenderContext) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in applicable(ctx.config):
        merge(out, kind.parameters(ctx))
    return out


def outputs(ctx: RenderContext, sam: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in applicable(ctx.config):
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
