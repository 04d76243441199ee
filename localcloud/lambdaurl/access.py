"""Who may call a function URL (reference I2; urls-auth):

- AuthType NONE: the function's resource policy must let anyone ("*")
  both lambda:InvokeFunctionUrl and, for URLs made since October 2025,
  lambda:InvokeFunction. Every URL here is new, so both are needed. The
  statement `add-permission --function-url-auth-type NONE` writes is
  conditioned on lambda:FunctionUrlAuthType = NONE (recorded, I2); the one
  `--invoked-via-function-url` writes on lambda:InvokedViaFunctionUrl.
  Second source for the two-permission rule: the urls-auth page's note
  and awsdocs/aws-lambda-developer-guide#494 (a 403 with only the first).
- AuthType AWS_IAM: a request SigV4-signed for the service `lambda` by a
  key this cloud knows. The owner's key is the account's own (its identity
  allows everything); a handler's role session may if its role's policies
  or the resource policy allow each of the two actions.

Not evaluated: condition keys other than the ones above and
aws:SourceAccount (a statement with another key does not match: fail
closed), NotPrincipal, cross-account callers (there is one account).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .. import rolecreds
from ..apigatewayv2.iamauth import iam_context
from ..apigatewayv2.iamauth import OWNER_ARN
from ..apigatewayv2.policy import like
from ..moto_bridge import ACCOUNT
from ..sigv4 import SignatureError, verify

ACTIONS = ("lambda:InvokeFunctionUrl", "lambda:InvokeFunction")
# I5 [R] (test_lambda_permission_url_invocation): the words of every
# authorization failure; for an unsigned AWS_IAM request the same answer
# is our choice (unrecorded).
FORBIDDEN = (
    "Forbidden. For troubleshooting Function URL authorization issues, see: "
    "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"
)
_SIGNATURE_WORDS = {
    "UNKNOWN_KEY": ("UnrecognizedClientException", "The security token included in the request is invalid."),
    "MISMATCH": (
        "InvalidSignatureException",
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
        "Access Key and signing method. Consult the service documentation for details.",
    ),
}


class Denied(Exception):
    """The 403 Lambda answers, with why (for the request log)."""

    def __init__(self, note: str, error_type: str = "AccessDeniedException", message: str = FORBIDDEN):
        super().__init__(note)
        self.note, self.error_type, self.message = note, error_type, message

    def body(self) -> bytes:
        return json.dumps({"Message": self.message}, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Caller:
    account: str  # requestContext.accountId
    authorizer: dict[str, Any] | None  # requestContext.authorizer


ANONYMOUS = Caller("anonymous", None)


def statements(policy: dict[str, Any] | None) -> list[dict[str, Any]]:
    found = (policy or {}).get("Statement", [])
    found = [found] if isinstance(found, dict) else found
    return [s for s in found if isinstance(s, dict)]


def _listed(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value] if isinstance(value, list) else []


def _principal_matches(principal: Any, who: set[str]) -> bool:
    """`who`: "*" for anyone, plus the caller's account and ARNs."""
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    for name in _listed(principal.get("AWS")):
        if name == "*" or name in who:
            return True
    return False


def _action_matches(statement: dict[str, Any], action: str) -> bool:
    return any(like(action.lower(), a.lower()) for a in _listed(statement.get("Action")))


def _conditions_hold(statement: dict[str, Any], context: dict[str, str]) -> bool:
    condition = statement.get("Condition") or {}
    if not isinstance(condition, dict):
        return False
    for operator, conditions in condition.items():
        if not isinstance(conditions, dict):
            return False
        for key, expected in conditions.items():
            actual = context.get(key.lower())
            if actual is None:
                return False
            values = _listed(expected) or ([str(expected).lower()] if isinstance(expected, bool) else [])
            if operator in ("StringEquals", "ArnEquals"):
                ok = actual in values
            elif operator in ("StringLike", "ArnLike"):
                ok = any(like(actual, v) for v in values)
            elif operator == "Bool":
                ok = actual.lower() in (v.lower() for v in values)
            else:
                return False  # an operator this cloud does not evaluate: no match
            if not ok:
                return False
    return True


def resource_policy_verdict(
    policy: dict[str, Any] | None, action: str, who: set[str], context: dict[str, str]
) -> bool | None:
    """The function's resource policy on `action` by a caller matching
    `who`: False for an explicit Deny (it wins over any Allow, the
    caller's own policies' too), True for an Allow, None when it is silent."""
    verdict = None
    for statement in statements(policy):
        if not _action_matches(statement, action) or not _principal_matches(statement.get("Principal"), who):
            continue
        if not _conditions_hold(statement, context):
            continue
        if statement.get("Effect") == "Deny":
            return False
        if statement.get("Effect") == "Allow":
            verdict = True
    return verdict


def resource_policy_allows(policy: dict[str, Any] | None, action: str, who: set[str], context: dict[str, str]) -> bool:
    return resource_policy_verdict(policy, action, who, context) is True


def _context(auth_type: str) -> dict[str, str]:
    """The request's condition keys (lowercased: IAM compares key names
    case-insensitively)."""
    return {
        "lambda:functionurlauthtype": auth_type,
        "lambda:invokedviafunctionurl": "true",
        "aws:sourceaccount": ACCOUNT,
    }


def check_public(policy: dict[str, Any] | None) -> Caller:
    """AuthType NONE: anyone, if the resource policy says so."""
    for action in ACTIONS:
        if not resource_policy_allows(policy, action, {"*"}, _context("NONE")):
            raise Denied(f"AuthType NONE: the resource policy does not allow {action} to everyone (add-permission)")
    return ANONYMOUS


class IamCheck:
    """AuthType AWS_IAM: the signature, then the caller's permissions."""

    def __init__(self, keys: dict[str, str], owner_key: str, sessions: Any, moto: Any):
        self.keys = keys  # the gate's access key -> secret map (owner and role sessions)
        self.owner_key = owner_key
        self.sessions = sessions
        self.moto = moto

    def check(
        self,
        method: str,
        signed_path: str,
        query: str,
        headers: list[tuple[str, str]],
        body: bytes,
        policy: dict[str, Any] | None,
    ) -> Caller:
        if not any(k == "authorization" for k, _v in headers) and "X-Amz-Signature=" not in query:
            raise Denied("AuthType AWS_IAM: the request is not signed")
        try:
            signed = verify(method, signed_path, query, headers, body, self.keys)
        except SignatureError as exc:
            error_type, message = _SIGNATURE_WORDS.get(exc.code, ("InvalidSignatureException", exc.detail))
            raise Denied(f"AuthType AWS_IAM: {exc.detail}", error_type, message) from None
        if signed.service != "lambda":
            raise Denied(
                f"AuthType AWS_IAM: signed for {signed.service}, not lambda",
                "InvalidSignatureException",
                "Credential should be scoped to correct service: 'lambda'. ",
            )
        if signed.access_key == self.owner_key:
            return Caller(ACCOUNT, iam_context(signed.access_key, OWNER_ARN, "moto"))
        session = self.sessions.get(signed.access_key)
        token = next((v for k, v in headers if k == "x-amz-security-token"), None)
        if session is None or token != session.token:
            raise Denied(
                "AuthType AWS_IAM: the session token does not belong to the key",
                *_SIGNATURE_WORDS["UNKNOWN_KEY"],
            )
        with self.moto.lock:
            documents = rolecreds.role_documents(session.role_arn)
        who = {ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root", session.role_arn, session.principal}
        for action in ACTIONS:
            verdict = resource_policy_verdict(policy, action, who, _context("AWS_IAM"))
            if verdict is False or not (verdict or rolecreds.allowed(documents, action)):
                raise Denied(f"AuthType AWS_IAM: {session.principal} may not {action}")
        role_id = session.role_arn.rsplit("/", 1)[-1]
        return Caller(ACCOUNT, iam_context(signed.access_key, session.principal, f"{role_id}:{session.function_name}"))
