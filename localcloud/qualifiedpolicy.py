"""Lambda's resource policies per version and alias. On AWS the function
($LATEST and the unqualified ARN), each published version and each alias
has its own policy: "permissions apply per function unless providing a
specific version or alias" (LocalStack's AWS-recorded
test_lambda_permission_fn_versioning, 2025-11-25: GetPolicy with
Qualifier=1 is 404 "The resource you requested does not exist." while the
function has a statement, and the same StatementId is then added to the
version). moto keeps one policy for them all, each statement's Resource
naming its qualifier ("...:function:NAME:1"), so the scope is told by
Resource (apigatewayv2/policy.py `scoped`, which the data plane uses too).

Here: AddPermission's StatementId conflict, GetPolicy and RemovePermission,
each within the scope the request names (Qualifier, or the name's suffix).
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import parse_qs, quote, unquote

from .apigatewayv2.policy import policy_of, scoped
from .moto_bridge import ACCOUNT, Moto, WsgiReply
from .versions import split_arn

_JSON = "application/json"


def named_arn(region: str, name: str, query: str) -> str:
    """The ARN whose policy a request means: the function's, or its
    version's or alias's when the Qualifier or the name's suffix names one."""
    bare, suffix = split_arn(unquote(name))
    qualifier = _param(query, "Qualifier") or suffix
    arn = f"arn:aws:lambda:{region}:{ACCOUNT}:function:{bare}"
    return f"{arn}:{qualifier}" if qualifier else arn


def with_qualifier(name: str, query: str) -> str:
    """AddPermission's query with the name's suffix as its Qualifier
    ("name:live" means the alias, as Qualifier=live does): moto scopes the
    statement by the Qualifier parameter alone."""
    suffix = split_arn(unquote(name))[1]
    if suffix is None or _param(query, "Qualifier") is not None:
        return query
    return f"{query}&Qualifier={quote(suffix)}" if query else f"Qualifier={quote(suffix)}"


def statements(moto: Moto, region: str, name: str, query: str) -> list[dict[str, Any]]:
    """The statements of the policy the request names (none if the function
    is missing). Call with moto's lock held."""
    policy = scoped(policy_of(moto.find_function(region, unquote(name))), named_arn(region, name, query))
    return list((policy or {}).get("Statement", []))


def get_policy(reply: WsgiReply, region: str, name: str, query: str) -> WsgiReply:
    """moto's GetPolicy answer cut to the named scope; a scope with no
    statement has no policy: 404 as recorded (module docstring)."""
    if reply.status != 200:
        return reply
    answer = json.loads(reply.body)
    policy = answer["Policy"]
    policy = scoped(json.loads(policy) if isinstance(policy, str) else policy, named_arn(region, name, query))
    if not policy or not policy["Statement"]:
        return _not_found("The resource you requested does not exist.")
    answer["Policy"] = json.dumps(policy)
    return WsgiReply(200, reply.headers, json.dumps(answer).encode())


def remove(moto: Moto, region: str, name: str, sid: str, query: str) -> WsgiReply | None:
    """RemovePermission of the named scope's statement (moto removes the
    first statement with that Sid in any scope). None: the function is
    missing or has no policy, for lambda_replies.py and moto to answer."""
    fn = moto.find_function(region, unquote(name))
    revision = _param(query, "RevisionId")
    stale = revision is not None and revision != getattr(fn.policy, "revision", None) if fn is not None else False
    if fn is None or not fn.policy or not fn.policy.statements or stale:
        return None  # moto refuses a stale RevisionId before it removes anything
    named = named_arn(region, name, query)
    kept = (scoped({"Statement": fn.policy.statements}, named) or {}).get("Statement", [])
    found = [s for s in kept if s.get("Sid") == sid]
    if not kept:
        # This scope has no policy: moto's words for a function without one
        # (lambda_replies.py holds them to be AWS's; not recorded for a version).
        return _not_found("No policy is associated with the given resource.")
    if not found:
        # The scope's own policy lacks it (test_remove_multi_permissions, 2025-11-25,
        # as lambda_replies.py answers for the function's policy).
        return _not_found(f"Statement {sid} is not found in resource policy.")
    fn.policy.statements.remove(found[0])
    fn.policy.revision = str(uuid.uuid4())
    return WsgiReply(204, [], b"")


def _param(query: str, key: str) -> str | None:
    values = parse_qs(query).get(key)
    return values[0] if values else None


def _not_found(message: str) -> WsgiReply:
    body = json.dumps({"Type": "User", "Message": message}).encode()
    return WsgiReply(404, [("Content-Type", _JSON), ("x-amzn-ErrorType", "ResourceNotFoundException")], body)
