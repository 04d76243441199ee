"""The stack as a SAM template, as `sam init` writes one: a
AWS::Serverless::Function with an HttpApi event per route. SAM makes the
role (with AWSLambdaBasicExecutionRole), the API, its integration, routes,
`$default` stage and the invoke permissions; an explicit
AWS::Serverless::HttpApi appears only for a named stage. SAM has no
WebSocket event: a WebSocket API is its raw AWS::ApiGatewayV2 resources
beside the function, as AWS's simple-websockets-chat-app template has it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...config import Config
from ..kinds.api import sam_explicit
from . import yamlout
from .context import RenderContext
from .template import FORMAT_VERSION, describe, file_word, origin, outputs, resources, stack_name

TRANSFORM = "AWS::Serverless-2016-10-31"


def template(config: Config, out: Path | None = None) -> dict[str, Any]:
    ctx = RenderContext(config, base_dir=out.parent if out else None)
    return {
        "AWSTemplateFormatVersion": FORMAT_VERSION,
        "Transform": TRANSFORM,
        "Description": describe(config),
        "Resources": resources(ctx, sam=True),
        "Outputs": outputs(ctx, sam=True),
    }


def header(config: Config, out: Path | None = None) -> list[str]:
    api, stack = config.api, stack_name(config)
    lines = [
        f"SAM template exported by apigw-wizard from {origin(config)}.",
        "",
        "Deploy it with the SAM CLI (it zips and uploads CodeUri itself):",
        f"  sam deploy --guided --template-file {file_word(out)} --stack-name {stack}",
    ]
    if api.type != "http":
        return lines  # the HttpApi notes below are the HTTP API's
    if not sam_explicit(RenderContext(config)):
        lines.append(f"SAM names its implicit HTTP API after the stack ({stack}).")
    if not api.auto_deploy and api.is_http:
        lines.append("SAM's HttpApi stages always auto-deploy: the config's auto_deploy: false has no SAM form.")
    return lines


def render(config: Config, out: Path | None = None) -> str:
    return yamlout.dump(template(config, out), header(config, out))
