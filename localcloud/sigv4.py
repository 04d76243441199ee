"""AWS Signature Version 4, both ways: verify what a client signed, and
sign the local cloud's own admin requests. Standard library only, so the
CLI can prove and use ownership of a cloud without importing botocore.

The canonical request follows the SigV4 spec as botocore builds it
(botocore/auth.py, SigV4Auth and S3SigV4Auth): the path normalised and
percent-encoded once more except for S3, the query re-encoded with
RFC 3986 unreserved characters, header values trimmed with inner runs of
spaces folded, the payload hash from x-amz-content-sha256 when sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, unquote

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_SKEW_S = 15 * 60  # AWS refuses a signature more than 15 minutes off
MAX_PRESIGNED_S = 7 * 24 * 3600  # AWS's cap on X-Amz-Expires
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_AUTH = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]{64})\s*$"
)
_SPACES = re.compile(r"\s+")
_AMZ_DATE = re.compile(r"[0-9]{8}T[0-9]{6}Z")


class SignatureError(Exception):
    """Why a request is not accepted; `code` is one of MISSING, UNKNOWN_KEY,
    MISMATCH, EXPIRED, MALFORMED (mapped to AWS's errors per protocol)."""

    def __init__(self, code: str, detail: str, access_key: str = ""):
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.access_key = access_key


@dataclass(frozen=True)
class Signed:
    """What a valid signature vouches for."""

    access_key: str
    region: str
    service: str
    presigned: bool = False


@dataclass(frozen=True)
class _Parsed:
    access_key: str
    date: str
    region: str
    service: str
    signed_headers: list[str]
    signature: str
    amz_date: str
    presigned: bool
    expires_s: int


def _parse(headers: dict[str, str], query: list[tuple[str, str]]) -> _Parsed:
    auth = headers.get("authorization", "")
    params = dict(query)
    if auth:
        match = _AUTH.match(auth.strip())
        if not match:
            if auth.startswith("AWS "):
                raise SignatureError("MALFORMED", "Signature Version 2 is not accepted; sign with SigV4")
            raise SignatureError("MALFORMED", "the Authorization header is not a SigV4 signature")
        credential, signed, signature = match.groups()
        amz_date = headers.get("x-amz-date", "")
        presigned, expires = False, MAX_SKEW_S
    elif params.get("X-Amz-Algorithm") == ALGORITHM:
        credential = params.get("X-Amz-Credential", "")
        signed = params.get("X-Amz-SignedHeaders", "")
        signature = params.get("X-Amz-Signature", "")
        amz_date = params.get("X-Amz-Date", "")
        presigned = True
        try:
            expires = int(params.get("X-Amz-Expires", "0"))
        except ValueError:
            raise SignatureError("MALFORMED", "X-Amz-Expires is not a number") from None
    else:
        raise SignatureError("MISSING", "the request is not signed")
    parts = credential.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        raise SignatureError("MALFORMED", f"bad credential scope {credential!r}")
    access_key, date, region, service, _ = parts
    names = signed.split(";")
    if "host" not in names:
        raise SignatureError("MALFORMED", "the host header is not signed", access_key)
    return _Parsed(access_key, date, region, service, names, signature, amz_date, presigned, expires)


@lru_cache(maxsize=64)  # one per (day, region, service): four HMACs saved on every request
def _amz_time(text: str) -> dt.datetime:
    """YYYYMMDDTHHMMSSZ as a UTC time; ValueError if not that. By hand:
    strptime was a fifth of a signature check (~40 us a request)."""
    if not _AMZ_DATE.fullmatch(text):
        raise ValueError(text)
    return dt.datetime(
        int(text[0:4]),
        int(text[4:6]),
        int(text[6:8]),
        int(text[9:11]),
        int(text[11:13]),
        int(text[13:15]),
        tzinfo=dt.timezone.utc,
    )


def _signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 5.2.4, plus AWS's folding of repeated slashes."""
    out: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if out:
                out.pop()
        elif segment and segment != ".":
            out.append(segment)
    lead = "/" if path.startswith("/") else ""
    trail = "/" if path.endswith("/") and out else ""
    return lead + "/".join(out) + trail


def canonical_uri(raw_path: str, service: str) -> str:
    if service == "s3":
        return raw_path or "/"
    return quote(_remove_dot_segments(raw_path) if raw_path else "/", safe="/~")


def canonical_query(query: list[tuple[str, str]], presigned: bool) -> str:
    pairs = sorted(
        (quote(k, safe="-_.~"), quote(v, safe="-_.~")) for k, v in query if not (presigned and k == "X-Amz-Signature")
    )
    return "&".join(f"{k}={v}" for k, v in pairs)


def parse_query(raw: str) -> list[tuple[str, str]]:
    """Decoded (name, value) pairs, blanks kept (`?versioning` signs as `versioning=`)."""
    pairs = []
    for item in raw.split("&"):
        if item:
            name, _, value = item.partition("=")
            pairs.append((unquote(name), unquote(value)))
    return pairs


def _canonical_request(
    method: str,
    raw_path: str,
    query: list[tuple[str, str]],
    headers: dict[str, list[str]],
    signed: list[str],
    payload_hash: str,
    service: str,
    presigned: bool,
) -> str:
    lines = [f"{name}:{','.join(_SPACES.sub(' ', v.strip()) for v in headers.get(name, []))}" for name in signed]
    return "\n".join(
        [
            method,
            canonical_uri(raw_path, service),
            canonical_query(query, presigned),
            "\n".join(lines) + "\n",
            ";".join(signed),
            payload_hash,
        ]
    )


def _signature(secret: str, parsed_date: str, region: str, service: str, amz_date: str, request: str) -> str:
    scope = f"{parsed_date}/{region}/{service}/aws4_request"
    to_sign = "\n".join([ALGORITHM, amz_date, scope, hashlib.sha256(request.encode()).hexdigest()])
    return hmac.new(_signing_key(secret, parsed_date, region, service), to_sign.encode(), hashlib.sha256).hexdigest()


def _payload_hash(header_value: str | None, body: bytes, service: str, presigned: bool, access_key: str) -> str:
    """The payload hash to sign. A hash the client declares must be the
    body's (else a captured signature would carry any body); the unsigned
    and streaming markers are S3's alone."""
    actual = hashlib.sha256(body).hexdigest()
    if header_value:
        if _HEX64.match(header_value):
            if header_value != actual:
                raise SignatureError("MISMATCH", "the body does not match x-amz-content-sha256", access_key)
            return actual
        if service != "s3":
            raise SignatureError("MALFORMED", f"x-amz-content-sha256 {header_value[:40]!r} is S3's only", access_key)
        return header_value  # UNSIGNED-PAYLOAD, STREAMING-*: S3 signs chunks on their own
    if presigned and service == "s3":
        return "UNSIGNED-PAYLOAD"
    return actual


def verify(
    method: str,
    raw_path: str,
    raw_query: str,
    header_list: list[tuple[str, str]],
    body: bytes,
    secret_for: dict[str, str],
    now: dt.datetime | None = None,
) -> Signed:
    """Check a request's SigV4 signature against the known keys
    (access key -> secret). Raises SignatureError; returns who signed."""
    headers: dict[str, list[str]] = {}
    for name, value in header_list:
        headers.setdefault(name.lower(), []).append(value)
    first = {k: v[0] for k, v in headers.items()}
    query = parse_query(raw_query)
    parsed = _parse(first, query)
    secret = secret_for.get(parsed.access_key)
    if secret is None:
        raise SignatureError("UNKNOWN_KEY", f"access key {parsed.access_key} is not this cloud's", parsed.access_key)
    amz_date = parsed.amz_date or first.get("date", "")
    try:
        when = _amz_time(amz_date)
    except ValueError:
        raise SignatureError(
            "MALFORMED", "X-Amz-Date is missing or not in ISO 8601 basic format", parsed.access_key
        ) from None
    if not amz_date.startswith(parsed.date):
        raise SignatureError("MALFORMED", "the credential scope's date is not X-Amz-Date's", parsed.access_key)
    now = now or dt.datetime.now(dt.timezone.utc)
    age = (now - when).total_seconds()
    if parsed.presigned:
        if parsed.expires_s > MAX_PRESIGNED_S:
            raise SignatureError("MALFORMED", "X-Amz-Expires must be at most 604800 seconds", parsed.access_key)
        if age > parsed.expires_s or age < -MAX_SKEW_S:
            raise SignatureError("EXPIRED", "the presigned URL has expired", parsed.access_key)
    elif abs(age) > MAX_SKEW_S:
        stamp = now.strftime("%Y%m%dT%H%M%SZ")
        raise SignatureError(
            "EXPIRED",
            f"Signature expired: {amz_date} is now earlier than {stamp} ({stamp} - 15 min.)",
            parsed.access_key,
        )
    request = _canonical_request(
        method,
        raw_path,
        query,
        headers,
        parsed.signed_headers,
        _payload_hash(first.get("x-amz-content-sha256"), body, parsed.service, parsed.presigned, parsed.access_key),
        parsed.service,
        parsed.presigned,
    )
    expected = _signature(secret, parsed.date, parsed.region, parsed.service, amz_date, request)
    if not hmac.compare_digest(expected, parsed.signature):
        raise SignatureError("MISMATCH", "the signature does not match", parsed.access_key)
    return Signed(parsed.access_key, parsed.region, parsed.service, parsed.presigned)


def sign(
    method: str,
    host: str,
    raw_path: str,
    raw_query: str,
    body: bytes,
    access_key: str,
    secret: str,
    region: str = "us-east-1",
    service: str = "apigw-wizard",
    now: dt.datetime | None = None,
) -> dict[str, str]:
    """Headers that sign a request (host, x-amz-date, authorization)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    headers = {"host": host, "x-amz-date": amz_date}
    signed = sorted(headers)
    request = _canonical_request(
        method,
        raw_path,
        parse_query(raw_query),
        {k: [v] for k, v in headers.items()},
        signed,
        hashlib.sha256(body).hexdigest(),
        service,
        False,
    )
    signature = _signature(secret, amz_date[:8], region, service, amz_date, request)
    scope = f"{access_key}/{amz_date[:8]}/{region}/{service}/aws4_request"
    headers["authorization"] = (
        f"{ALGORITHM} Credential={scope}, SignedHeaders={';'.join(signed)}, Signature={signature}"
    )
    return headers
