"""The `lambda:InvokeFunction` permission that lets API Gateway call the
function, scoped to one API and route as the console scopes it (A8)."""

from __future__ import annotations

import json
import secrets
from typing import Any

from awsrules.arns import execute_api_arn
from awsrules.routekeys import source_arn_suffix

from .errors import NOT_FOUND, WizardError, call
from .session import Cloud


def source_arn(region: str, account: str, api_id: str, route_key: str) -> str:
    """`arn:PARTITION:execute-api:<r>:<acct>:<api>/*/*/my-function` for
    `ANY /my-function`: any stage, the route's method and path; `.../*/$connect`
    for a WebSocket route (reference K1)."""
    return execute_api_arn(region, account, api_id, source_arn_suffix(route_key))


def new_statement_id() -> str:
    return secrets.token_hex(16)  # the console's statement ids are 32 hex characters


def add_invoke_permission(cloud: Cloud, function: str, statement_id: str, arn: str) -> dict[str, Any]:
    return call(
        f"allow API Gateway to invoke the function {function}",
        cloud.client("lambda").add_permission,
        FunctionName=function,
        StatementId=statement_id,
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=arn,
    )


def statements(cloud: Cloud, function: str) -> list[dict[str, Any]]:
    """The function's resource-policy statements ([] when it has none)."""
    try:
        reply = call(
            f"read the resource policy of the function {function}",
            cloud.client("lambda").get_policy,
            FunctionName=function,
        )
    except WizardError as err:
        if err.code in NOT_FOUND:
            return []
        raise
    return json.loads(reply["Policy"]).get("Statement", [])


def find_statement(cloud: Cloud, function: str, statement_id: str) -> dict[str, Any] | None:
    return next((s for s in statements(cloud, function) if s.get("Sid") == statement_id), None)


def remove_permission(cloud: Cloud, function: str, statement_id: str) -> None:
    call(
        f"remove the invoke permission {statement_id}",
        cloud.client("lambda").remove_permission,
        FunctionName=function,
        StatementId=statement_id,
    )
