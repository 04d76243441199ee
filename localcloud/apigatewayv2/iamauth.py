"""AWS_IAM authorization on HTTP API routes (reference G3;
http-api-access-control-iam): the request signed with SigV4 for the
service execute-api, by a key this cloud knows, whose principal may
execute-api:Invoke. The owner's key is the account's own; a function's
execution-role session may if its role's policies allow the action.

403 answers carry the words and x-amzn-ErrorType the re:Post knowledge
center lists for API Gateway (troubleshoot 403 errors; SigV4 mismatch);
its captures are REST APIs, so for HTTP APIs they are the reference's
medium-confidence choice. The AccessDenied body keeps REST's capital
"Message" key (several captured responses)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .. import rolecreds
from ..moto_bridge import ACCOUNT
from ..sigv4 import SignatureError, verify
from .errors import GatewayError

if TYPE_CHECKING:
    from .context import RequestContext

ACTION = "execute-api:Invoke"
OWNER_ARN = f"arn:aws:iam::{ACCOUNT}:user/moto"  # who GetCallerIdentity says the owner's key is
_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
    "Access Key and signing method. Consult the service documentation for details."
)


class IamDenied(GatewayError):
    status = 403

    def __init__(self, note: str, error_type: str, message: str, key: str = "message"):
        super().__init__(note)
        self.headers = (("x-amzn-errortype", error_type),)
        self.body = json.dumps({key: message}, separators=(",", ":")).encode()


class IamAuth:
    def __init__(self, keys: dict[str, str], owner_key: str, sessions: Any, moto: Any):
        self.keys = keys  # the gate's access key -> secret map: the owner's and role sessions'
        self.owner_key = owner_key
        self.sessions = sessions
        self.moto = moto

    def check(self, ctx: RequestContext, route_arn: str) -> dict[str, Any]:
        request = ctx.request
        signed_header = any(k == "authorization" for k, _v in request.headers)
        if not signed_header and "X-Amz-Signature=" not in request.raw_query:
            raise IamDenied(
                "IAM route: the request is not signed",
                "MissingAuthenticationTokenException",
                "Missing Authentication Token",
            )
        try:
            signed = verify(
                request.method,
                request.signed_path or request.raw_path,
                request.raw_query,
                request.headers,
                request.body,
                self.keys,
            )
        except SignatureError as exc:
            raise _denied(exc) from None
        if signed.service != "execute-api":
            raise IamDenied(
                f"IAM route: signed for {signed.service}, not execute-api",
                "InvalidSignatureException",
                "Credential should be scoped to correct service: 'execute-api'. ",
            )
        if signed.access_key == self.owner_key:
            return iam_context(signed.access_key, OWNER_ARN, "moto")
        session = self.sessions.get(signed.access_key)
        token = next((v for k, v in request.headers if k == "x-amz-security-token"), None)
        if session is None or token != session.token:
            raise IamDenied(
                "IAM route: the session token does not belong to the key",
                "UnrecognizedClientException",
                "The security token included in the request is invalid.",
            )
        with self.moto.lock:
            documents = rolecreds.role_documents(session.role_arn)
        if not rolecreds.allowed(documents, ACTION):
            message = (
                f"User: {session.principal} is not authorized to perform: {ACTION} on resource: {route_arn} "
                f"because no identity-based policy allows the {ACTION} action"
            )
            raise IamDenied(f"IAM route: {message}", "AccessDeniedException", message, key="Message")
        role_id = session.role_arn.rsplit("/", 1)[-1]
        return iam_context(signed.access_key, session.principal, f"{role_id}:{session.function_name}")


def iam_context(access_key: str, arn: str, caller: str) -> dict[str, Any]:
    """requestContext.authorizer.iam (reference G3's captured 2.0 shape; a
    function URL's event has the same fields, reference I3)."""
    return {
        "iam": {
            "accessKey": access_key,
            "accountId": ACCOUNT,
            "callerId": caller,
            "cognitoIdentity": None,
            "principalOrgId": None,
            "userArn": arn,
            "userId": caller,
        }
    }


def _denied(exc: SignatureError) -> IamDenied:
    note = f"IAM route: {exc.detail}"
    if exc.code == "UNKNOWN_KEY":
        return IamDenied(note, "UnrecognizedClientException", "The security token included in the request is invalid.")
    if exc.code == "EXPIRED":
        return IamDenied(note, "InvalidSignatureException", f"Signature expired: {exc.detail}")
    if exc.code == "MISSING":
        return IamDenied(note, "MissingAuthenticationTokenException", "Missing Authentication Token")
    return IamDenied(note, "InvalidSignatureException", _MISMATCH)
