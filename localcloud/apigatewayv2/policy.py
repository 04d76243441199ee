"""Does a function's resource policy let API Gateway invoke it (reference
A8)? The statement `lambda add-permission` writes, evaluated as Lambda
evaluates it."""

from __future__ import annotations

import json
import re
from typing import Any


def allows(policy: dict[str, Any] | None, source_arn: str, account: str) -> bool:
    """Does the function's resource policy let API Gateway invoke it from
    `source_arn`? ArnLike is matched StringLike-style: `*` crosses `/`."""
    for statement in (policy or {}).get("Statement", []):
        if statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action")
        actions = [actions] if isinstance(actions, str) else actions or []
        if not any(a in ("lambda:InvokeFunction", "lambda:*", "*") for a in actions):
            continue
        principal = statement.get("Principal")
        services = principal.get("Service") if isinstance(principal, dict) else principal
        services = [services] if isinstance(services, str) else services or []
        if not any(s in ("apigateway.amazonaws.com", "*") for s in services):
            continue
        ok = True
        for operator, conditions in (statement.get("Condition") or {}).items():
            for key, expected in conditions.items():
                values = [expected] if isinstance(expected, str) else expected
                if key.lower() == "aws:sourcearn":
                    wildcard = operator in ("ArnLike", "StringLike")
                    ok &= any(like(source_arn, v) if wildcard else source_arn == v for v in values)
                elif key.lower() == "aws:sourceaccount":
                    ok &= account in values
                elif key.lower() == "lambda:invokedviafunctionurl":
                    # A statement for function URLs (lambdaurl/permission.py):
                    # API Gateway's invocation does not come through a URL.
                    ok &= str(expected).lower() == "false"
                elif key.lower() == "lambda:functionurlauthtype":
                    ok = False  # a key only a function URL request has
        if ok:
            return True
    return False


def like(value: str, pattern: str) -> bool:
    """IAM StringLike: `*` is any run of characters, `?` any one."""
    regex = re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".")
    return re.fullmatch(regex, value, re.DOTALL) is not None


def policy_of(fn: Any) -> dict[str, Any] | None:
    """The function's resource policy as a dict, or None (moto raises when
    a policy has no statements left). Call with moto's lock held."""
    if fn is None or not fn.policy:
        return None
    try:
        policy = fn.policy.get_policy()["Policy"]
    except Exception:  # noqa: BLE001 - moto's "no policy" is a plain 404 error
        return None
    return json.loads(policy) if isinstance(policy, str) else policy


def scoped(policy: dict[str, Any] | None, named_arn: str) -> dict[str, Any] | None:
    """The statements that apply to an invocation of `named_arn`. A
    permission added with a Qualifier is that version's or alias's alone:
    "if you use an alias name (such as helloworld:PROD), the permission
    allows you to invoke the helloworld function using the alias ARN ...
    If you attempt to invoke the function without an alias or a specific
    version, then you get a permission error. This permission error still
    occurs even if you attempt to directly invoke the function version
    associated with the alias" (the Lambda guide, using-aliases, Resource
    policies). One without applies to the unqualified ARN and $LATEST
    (AddPermission's Qualifier: "to add permissions to a published version
    of the function"). moto keeps every qualifier's statements in one policy,
    each with its qualified Resource, so they are told apart by Resource."""
    if policy is None:
        return None
    bare, _, qualifier = named_arn.partition(":function:")
    name, _, qualifier = qualifier.partition(":")
    function_arn = f"{bare}:function:{name}"
    wanted = {function_arn, f"{function_arn}:$LATEST"} if qualifier in ("", "$LATEST") else {named_arn}
    # A statement naming no Resource (none of Lambda's do) is not scoped.
    statements = [s for s in policy.get("Statement", []) if "Resource" not in s or _resources(s) & wanted]
    return {**policy, "Statement": statements}


def _resources(statement: dict[str, Any]) -> set[str]:
    resource = statement.get("Resource") or []
    return {resource} if isinstance(resource, str) else set(resource)
