"""Who may use the local cloud: the checks every request meets at the edge,
before any routing, and AWS's own error answers when one fails.

- Host: only the cloud's own names on its port (a DNS-rebinding page sends
  its own host name, and gets 403 on every path).
- Origin / Referer: a browser request from another site is refused on
  every path but the data plane (execute-api and Lambda function URLs),
  which is open on loopback as a public API is on AWS (LocalStack's CORS
  enforcer draws the same line).
- SigV4: every AWS API call and every admin path must be signed with the
  owner's key (owner.py); the data plane is open.

Error shapes per protocol. Sources: the STS/IAM query-protocol body and its
403 as AWS sends it (a recorded `InvalidClientTokenId` ErrorResponse used
in a public Go test); botocore's JSON/REST parsers for where the code goes
(`__type` in the body for JSON protocols, `x-amzn-ErrorType` for REST-JSON,
`<Error><Code>` for REST-XML); the messages are AWS's wording as SDKs
report it ("The security token included in the request is invalid.",
"The request signature we calculated does not match ..."). The HTTP status
of JSON-protocol auth errors (400) is from DynamoDB/CloudWatch Logs
captures; medium confidence.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from typing import Any

from .awserrors import render
from .sigv4 import SignatureError, Signed, verify

# The data plane's host names: execute-api and Lambda function URLs
# ({url-id}.lambda-url.{region}.localhost).
_API_HOST = re.compile(r"^(?:[a-z0-9]+\.execute-api|[a-z0-9]+\.lambda-url\.[a-z0-9-]+)\.localhost(?::(\d+))?$")
SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation "
    "for details."
)
INVALID_TOKEN = "The security token included in the request is invalid."

# code -> protocol -> (error code, HTTP status, message or None for the detail)
_ERRORS: dict[str, dict[str, tuple[str, int, str | None]]] = {
    "MISSING": {
        "json": ("MissingAuthenticationTokenException", 400, "Missing Authentication Token"),
        "query": ("MissingAuthenticationToken", 403, "Request is missing Authentication Token"),
        "rest-json": ("MissingAuthenticationTokenException", 403, "Missing Authentication Token"),
        "rest-xml": ("AccessDenied", 403, "Access Denied"),
    },
    "UNKNOWN_KEY": {
        "json": ("UnrecognizedClientException", 400, INVALID_TOKEN),
        "query": ("InvalidClientTokenId", 403, INVALID_TOKEN),
        "rest-json": ("UnrecognizedClientException", 403, INVALID_TOKEN),
        "rest-xml": ("InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records."),
    },
    "MISMATCH": {
        "json": ("InvalidSignatureException", 400, SIGNATURE_MISMATCH),
        "query": ("SignatureDoesNotMatch", 403, SIGNATURE_MISMATCH),
        "rest-json": ("InvalidSignatureException", 403, SIGNATURE_MISMATCH),
        "rest-xml": ("SignatureDoesNotMatch", 403, SIGNATURE_MISMATCH),
    },
    "EXPIRED": {
        "json": ("InvalidSignatureException", 400, None),
        "query": ("SignatureDoesNotMatch", 403, None),
        "rest-json": ("InvalidSignatureException", 403, None),
        "rest-xml": ("AccessDenied", 403, "Request has expired"),
    },
    "DENIED": {
        "json": ("AccessDeniedException", 400, None),
        "query": ("AccessDenied", 403, None),
        "rest-json": ("AccessDeniedException", 403, None),
        "rest-xml": ("AccessDenied", 403, None),
    },
    "MALFORMED": {
        "json": ("IncompleteSignatureException", 400, None),
        "query": ("IncompleteSignature", 400, None),
        "rest-json": ("IncompleteSignatureException", 403, None),
        "rest-xml": ("AuthorizationHeaderMalformed", 400, None),
    },
}


@dataclass(frozen=True)
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def protocol_of(headers: dict[str, str], query: str, body: bytes, service: str = "") -> str:
    """Which AWS protocol a request speaks, for the shape of an error."""
    if service == "s3":
        return "rest-xml"
    if "x-amz-target" in headers:
        return "json"
    form = headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
    if "Action=" in query or (form and b"Action=" in body[:4096]):
        return "query"
    return "rest-json"


def error_answer(code: str, protocol: str, detail: str, access_key: str = "") -> Answer:
    name, status, message = _ERRORS[code][protocol]
    reply = render(protocol, name, status, message or detail, access_key=access_key)
    return Answer(reply.status, reply.headers, reply.body)


def forbidden(message: str) -> Answer:
    return Answer(403, [("content-type", "application/json")], json.dumps({"message": message}).encode())


class Gate:
    def __init__(self, port: int, access_key: str, secret: str, accept_any_credentials: bool = False):
        self.port = port
        self.hosts = frozenset({f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"})
        # A raw client may leave the port out; a rebinding page cannot make a
        # browser send a loopback name, so these are as safe.
        self.portless = frozenset({"127.0.0.1", "localhost", "[::1]"})
        self.origins = frozenset(f"http://{host}" for host in self.hosts)
        self.owner_key = access_key
        self.keys = {access_key: secret}
        self.accept_any = accept_any_credentials
        self.creds: Any = None

    @classmethod
    def for_owner(cls, port: int, accept_any_credentials: bool = False) -> Gate:
        from . import owner

        # moto answers every origin with permissive CORS headers unless told
        # not to (read when moto is first imported).
        os.environ["MOTO_DISABLE_GLOBAL_CORS"] = "true"
        creds = owner.load()
        assert creds is not None
        made = cls(port, creds.access_key_id, creds.secret_access_key, accept_any_credentials)
        made.creds = creds
        return made

    def proof(self, nonce: str) -> str:
        from . import owner

        return owner.proof(self.creds, nonce, self.port)

    def host_allowed(self, host: str) -> bool:
        host = host.lower()
        if host in self.hosts or host in self.portless:
            return True
        match = _API_HOST.match(host)
        return match is not None and (match.group(1) is None or int(match.group(1)) == self.port)

    def foreign_origin(self, headers: list[tuple[str, str]]) -> str | None:
        """A foreign Origin or Referer a browser sent, if any (every copy of
        either header counts, not just the last)."""
        for name, value in headers:
            lowered = value.lower()
            if name == "origin" and lowered not in self.origins:
                return value
            if name == "referer" and not any(lowered == o or lowered.startswith(o + "/") for o in self.origins):
                return value
        return None

    def check(
        self,
        method: str,
        raw_path: str,
        query: str,
        headers: list[tuple[str, str]],
        body: bytes,
        owner_only: bool = False,
    ) -> Signed:
        """Who signed the request; raises SignatureError. With
        --accept-any-credentials, AWS API calls pass unsigned or with any
        key (admin paths still need the owner's signature)."""
        if self.accept_any and not owner_only:
            try:
                return verify(method, raw_path, query, headers, body, self.keys)
            except SignatureError:
                return Signed("", "", "")
        signed = verify(method, raw_path, query, headers, body, self.keys)
        if owner_only and signed.access_key != self.owner_key:
            raise SignatureError("UNKNOWN_KEY", "only the owner's key may use this path", signed.access_key)
        if owner_only and (signed.presigned or signed.service == "s3"):
            # A URL that works for days, or S3's unsigned-body markers, have
            # no place on admin paths.
            raise SignatureError("MALFORMED", "admin paths take a header signature over the body", signed.access_key)
        return signed


_SERVICE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/")


def signed_service(head: dict[str, str]) -> str:
    """The service a SigV4 Authorization header names ("" if unsigned)."""
    match = _SERVICE.search(head.get("authorization", ""))
    return match.group(1) if match else ""
