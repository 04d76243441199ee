"""The stack as a CloudFormation template: every kind's resources, the
code inline for `hello` or from an S3 bucket given as a parameter, and the
invoke URL as an output. Partition, region and account come from pseudo
parameters, so one template serves every region."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from ...config import Config
from ...services.packaging import builtin
from ..kinds.function import package
from . import yamlout
from .context import RenderContext
from .template import FORMAT_VERSION, describe, file_word, origin, outputs, parameters, resources, stack_name


def template(config: Config, out: Path | None = None) -> dict[str, Any]:
    ctx = RenderContext(config, base_dir=out.parent if out else None)
    doc: dict[str, Any] = {"AWSTemplateFormatVersion": FORMAT_VERSION, "Description": describe(config)}
    params = parameters(ctx)
    if params:
        doc["Parameters"] = params
    doc["Resources"] = resources(ctx, sam=False)
    doc["Outputs"] = outputs(ctx, sam=False)
    return doc


def header(config: Config, out: Path | None = None) -> list[str]:
    """How to deploy it, as comments at the top."""
    fn, stack = config.function, stack_name(config)
    capabilities = " --capabilities CAPABILITY_IAM" if fn.role == "new" else ""
    lines = [f"CloudFormation template exported by apigw-wizard from {origin(config)}.", ""]
    overrides = ""
    if builtin(fn.code) is None:
        zip_file = shlex.quote(fn.code) if fn.code.endswith(".zip") else "function.zip"
        lines += [
            "The function's code comes from S3. Zip it (as apigw-wizard deploy does) and upload it:",
            *(f"  {line}" for line in ['WORK="$PWD"', *package(fn.code, "${WORK}")]),
            f"  aws s3 cp {zip_file} s3://<your-bucket>/{fn.name}.zip",
            "",
        ]
        overrides = " \\\n    --parameter-overrides CodeS3Bucket=<your-bucket>"
    lines += [
        "Deploy it with the AWS CLI, then read the invoke URL:",
        f"  aws cloudformation deploy --template-file {file_word(out)} --stack-name {stack}{capabilities}{overrides}",
        f"  aws cloudformation describe-stacks --stack-name {stack} --query 'Stacks[0].Outputs'",
    ]
    return lines


def render(config: Config, out: Path | None = None) -> str:
    return yamlout.dump(template(config, out), header(config, out))
