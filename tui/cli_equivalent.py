"""The AWS CLI commands equivalent to what the wizard is about to do, for
the review step and the command palette: what a person would type to do
the same by hand."""

from __future__ import annotations

import json
import shlex
from typing import Any

from .config import Config
from .services.roles import TRUST_POLICY, basic_policy_document


def commands(config: Config, account: str = "<account-id>", result: Any = None) -> str:
    fn, api = config.function, config.api
    region = config.region
    q = shlex.quote
    role = f"{fn.name}-role-<random>"
    api_id = (result.api_id if result and result.api_id else "<api-id>")
    integration = (result.integration_id if result and result.integration_id else "<integration-id>")
    lines = [f"# Target: {config.target}, region {region}" + (" (add --endpoint-url http://127.0.0.1:<port>)"
                                                             if config.target == "local" else ""), ""]
    if fn.role == "new":
        lines += [
            f"aws iam create-role --role-name {q(role)} --path /service-role/ \\",
            f"  --assume-role-policy-document {q(json.dumps(TRUST_POLICY, separators=(',', ':')))}",
            "aws iam create-policy --policy-name AWSLambdaBasicExecutionRole-<uuid> --path /service-role/ \\",
            f"  --policy-document {q(json.dumps(basic_policy_document(region, account, fn.name), separators=(',', ':')))}",
            f"aws iam attach-role-policy --role-name {q(role)} \\",
            f"  --policy-arn arn:aws:iam::{account}:policy/service-role/AWSLambdaBasicExecutionRole-<uuid>",
        ]
        role_arn = f"arn:aws:iam::{account}:role/service-role/{role}"
    else:
        role_arn = fn.role if fn.role.startswith("arn:") else f"arn:aws:iam::{account}:role/{fn.role}"
    lines += [
        f"aws lambda create-function --function-name {q(fn.name)} --runtime {fn.runtime} \\",
        f"  --architectures {fn.architecture} --handler {q(fn.handler)} --memory-size {fn.memory_mb} "
        f"--timeout {fn.timeout_s} \\",
        f"  --role {q(role_arn)} --zip-file fileb://function.zip",
        f"aws apigatewayv2 create-api --name {q(api.name)} --protocol-type HTTP",
        f"aws apigatewayv2 create-integration --api-id {api_id} --integration-type AWS_PROXY \\",
        f"  --integration-uri arn:aws:lambda:{region}:{account}:function:{fn.name} \\",
        f"  --payload-format-version {api.payload_format} --timeout-in-millis 30000",
    ]
    for key in api.routes:
        lines.append(f"aws apigatewayv2 create-route --api-id {api_id} --route-key {q(key)} "
                     f"--target integrations/{integration}")
    lines.append(f"aws apigatewayv2 create-stage --api-id {api_id} --stage-name {q(api.stage)} "
                 f"--{'auto-deploy' if api.auto_deploy else 'no-auto-deploy'}")
    if not api.auto_deploy:
        lines.append(f"aws apigatewayv2 create-deployment --api-id {api_id} --stage-name {q(api.stage)}")
    from awsrules.routekeys import parse

    for key in api.routes:
        arn = f"arn:aws:execute-api:{region}:{account}:{api_id}/{parse(key).source_arn_suffix()}"
        lines += [f"aws lambda add-permission --function-name {q(fn.name)} --statement-id <32-hex-id> \\",
                  f"  --action lambda:InvokeFunction --principal apigateway.amazonaws.com --source-arn {q(arn)}"]
    return "\n".join(lines)
