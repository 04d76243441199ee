"""The stack as a bash script of AWS CLI calls that does what deploy does,
with real values: each kind writes the same lines as the wizard's AWS CLI
view, with the ids earlier calls returned kept in shell variables. Progress
goes to stderr; stdout carries only the URLs at the end."""

from __future__ import annotations

from ...config import TYPE_NAMES, Config
from ..plans import applicable
from .context import RenderContext
from .template import one_line, origin


def preamble(config: Config) -> list[str]:
    region = config.region
    needs_zip = not config.function.code.endswith(".zip") or config.function.code == "hello"
    return [
        "#!/usr/bin/env bash",
        f"# {config.function.name} behind the {TYPE_NAMES[config.api.type]} {one_line(config.api.name)}, "
        "made with the AWS CLI as",
        f"# `apigw-wizard deploy` makes it. Exported by apigw-wizard from {origin(config)}.",
        "# Run it once per account and region, with credentials for the account (aws configure, AWS_PROFILE, ...);",
        '# for apigw-wizard\'s local cloud, eval "$(apigw-wizard local --env)" first. What it makes is in',
        "# no apigw-wizard ledger: `apigw-wizard destroy` does not remove it.",
        "set -euo pipefail",
        "",
        "# Every ARN below names this region (AWS CLI v2 reads AWS_REGION, v1 AWS_DEFAULT_REGION).",
        f"export AWS_REGION={region} AWS_DEFAULT_REGION={region}",
        'export AWS_PAGER=""  # AWS CLI v2 would page long answers',
        "# AWS CLIs before 1.29 (v1) and 2.13 (v2) ignore AWS_ENDPOINT_URL; --endpoint-url works in all.",
        'aws() { command aws ${AWS_ENDPOINT_URL:+--endpoint-url "$AWS_ENDPOINT_URL"} "$@"; }',
        *(
            ["command -v zip >/dev/null || { echo 'This script needs zip (e.g. apt-get install zip).' >&2; exit 1; }"]
            if needs_zip
            else []
        ),
        "random_hex() { od -An -N\"$1\" -tx1 /dev/urandom | tr -d ' \\n'; }",
        'WORK="$(mktemp -d)"',
        "trap 'rm -rf \"$WORK\"' EXIT",
        "",
        'ACCOUNT_ID="$(aws sts get-caller-identity --query Account --output text)"',
    ]


def render(config: Config) -> str:
    ctx = RenderContext.for_script(config)
    lines = preamble(config)
    for kind in applicable(ctx.config):
        body = kind.script(ctx)
        if body:
            lines += ["", f'echo "Creating the {kind.label}" >&2', *body]
    lines.append("")
    for kind in applicable(ctx.config):
        lines += kind.script_outputs(ctx)
    return "\n".join(lines) + "\n"
