"""Execution-role credentials for handlers, and what they may do.

On AWS a function's code gets temporary credentials of its execution role
(AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN), and what
it may call is what the role's policies allow: the console's "basic
permissions" role may write its own logs and nothing else, so a handler
that tries lambda:DeleteFunction gets AccessDenied. Here each function gets
its own session key pair (in memory, new after a restart); a call signed
with it is checked against the role's inline and attached policies, as
IAM would by action. Not evaluated (documented): resource ARNs, conditions,
permission boundaries, SCPs; an action allowed for any resource passes.
"""

from __future__ import annotations

import fnmatch
import json
import secrets
from dataclasses import dataclass
from typing import Any

from .moto_bridge import ACCOUNT

_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
# Calls every principal may make, whatever its policies say.
ALWAYS_ALLOWED = frozenset({"sts:GetCallerIdentity"})
# IAM action prefixes that differ from botocore's service name.
_PREFIX = {"apigatewayv2": "apigateway", "monitoring": "cloudwatch", "email": "ses"}
# Operations whose IAM action has another name (Service Authorization Reference).
_RENAMED = {"lambda:Invoke": "lambda:InvokeFunction", "lambda:InvokeWithResponseStream": "lambda:InvokeFunction"}


@dataclass(frozen=True)
class Session:
    access_key: str
    secret: str
    token: str
    function_name: str
    role_arn: str

    @property
    def principal(self) -> str:
        role = self.role_arn.rsplit("/", 1)[-1]
        partition = self.role_arn.split(":")[1] if self.role_arn.count(":") >= 5 else "aws"
        return f"arn:{partition}:sts::{ACCOUNT}:assumed-role/{role}/{self.function_name}"  # the role's partition


class RoleSessions:
    """Session credentials per function, registered with the gate's keys."""

    def __init__(self, keys: dict[str, str]):
        self.keys = keys  # the gate's access key -> secret map (shared)
        self.by_key: dict[str, Session] = {}
        self.by_function: dict[tuple[str, str], Session] = {}

    def issue(self, function_arn: str, function_name: str, role_arn: str) -> Session:
        found = self.by_function.get((function_arn, role_arn))
        if found is not None:
            return found
        key = "ASIA" + "".join(secrets.choice(_B32) for _ in range(16))
        session = Session(key, secrets.token_urlsafe(30), secrets.token_urlsafe(48), function_name, role_arn)
        self.by_key[key] = session
        self.by_function[(function_arn, role_arn)] = session
        self.keys[key] = session.secret
        return session

    def get(self, access_key: str) -> Session | None:
        return self.by_key.get(access_key)


def iam_action(service: str, operation: str, method: str) -> str:
    if service in ("apigateway", "apigatewayv2"):
        return f"apigateway:{method}"  # API Gateway's management actions are HTTP verbs
    action = f"{_PREFIX.get(service, service)}:{operation}"
    return _RENAMED.get(action, action)


def _statements(document: str) -> list[dict[str, Any]]:
    try:
        parsed = json.loads(document) if isinstance(document, str) else document
    except ValueError:
        return []
    found = parsed.get("Statement", []) if isinstance(parsed, dict) else []
    return [found] if isinstance(found, dict) else [s for s in found if isinstance(s, dict)]


def _matches(patterns: Any, action: str) -> bool:
    items = [patterns] if isinstance(patterns, str) else patterns if isinstance(patterns, list) else []
    return any(fnmatch.fnmatchcase(action.lower(), str(p).lower()) for p in items)


def role_documents(role_arn: str) -> list[str]:
    """The role's inline and attached policy documents (call under moto's lock)."""
    from moto.iam.models import iam_backends

    for partition in iam_backends[ACCOUNT].values():
        for role in partition.roles.values():
            if role.arn == role_arn:
                docs = list(role.policies.values())
                for policy in role.managed_policies.values():
                    docs.extend(v.document for v in policy.versions if v.is_default)
                return docs
    return []


def allowed(documents: list[str], action: str) -> bool:
    """IAM's verdict by action: an explicit Deny wins, then any Allow."""
    if action in ALWAYS_ALLOWED:
        return True
    verdict = False
    for document in documents:
        for statement in _statements(document):
            if "Action" in statement:
                hit = _matches(statement["Action"], action)
            elif "NotAction" in statement:
                hit = not _matches(statement["NotAction"], action)
            else:
                hit = False
            if hit and statement.get("Effect") == "Deny":
                return False
            if hit and statement.get("Effect") == "Allow":
                verdict = True
    return verdict


def denial_message(session: Session, action: str) -> str:
    return (
        f"User: {session.principal} is not authorized to perform: {action} because no identity-based "
        f"policy allows the {action} action"
    )


def authorize(
    sessions: RoleSessions,
    moto: Any,
    signed: Any,
    method: str,
    path: str,
    query: str,
    headers: list[tuple[str, str]],
    body: bytes,
) -> None:
    """A handler's call, signed with its execution role's session key:
    allowed only as far as the role's policies allow, for the operation the
    request will really run (operations.for_role). Raises SignatureError."""
    from .operations import for_role
    from .sigv4 import SignatureError

    session = sessions.get(signed.access_key)
    token = next((v for k, v in headers if k == "x-amz-security-token"), None)
    if session is None or token != session.token:
        raise SignatureError("UNKNOWN_KEY", "the session token does not belong to this key", signed.access_key)
    op = for_role(method, path, query, headers, body, signed.service)
    if op is None:
        raise SignatureError(
            "DENIED",
            f"User: {session.principal} is not authorized to perform this request: "
            "its operation is unclear (service, path and protocol markers disagree)",
            signed.access_key,
        )
    action = iam_action(op.service, op.name, method)
    with moto.lock:
        documents = role_documents(session.role_arn)
    if not allowed(documents, action):
        raise SignatureError("DENIED", denial_message(session, action), signed.access_key)
