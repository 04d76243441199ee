"""Which AWS operation a request is, from botocore's service models, and
whether it can change what the control-plane snapshot holds.

The HTTP method cannot tell: query (IAM, STS) and JSON (Logs) protocols
POST their reads too, so deciding by method rewrote the snapshot for every
GetCallerIdentity. Unknown operations count as changes (a spare save is
cheap; a lost change is not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs

READ_PREFIXES = (
    "Get",
    "List",
    "Describe",
    "Head",
    "Search",
    "Filter",
    "Lookup",
    "BatchGet",
    "Simulate",
    "Test",
    "Check",
    "Validate",
    "Preview",
)
# Reads whose names do not say so.
READ_ONLY = frozenset(
    {
        "Invoke",
        "InvokeAsync",
        "InvokeWithResponseStream",
        "ExportApi",
        "DecodeAuthorizationMessage",
        "AssumeRole",
        "AssumeRoleWithWebIdentity",
        "AssumeRoleWithSAML",
        "AssumeRoot",
        # DynamoDB's reads (the WebSocket chat scans its table on every message).
        "Scan",
        "Query",
        "TransactGetItems",
    }
)
# Services the snapshot does not hold: Logs are saved on their own, STS keeps nothing.
NOT_SNAPSHOTTED = frozenset({"logs", "sts"})
_CREDENTIAL = re.compile(r"Credential=[^/]+/\d{8}/[a-z0-9-]+/([a-z0-9-]+)/")
_TARGET_PREFIXES = {"Logs_20140328": "logs"}


@dataclass(frozen=True)
class Operation:
    service: str  # botocore's name: lambda, apigatewayv2, iam, sts, logs, ...
    name: str  # "" if no operation of the model matches
    protocol: str  # json, query, rest-json, rest-xml, ec2

    @property
    def changes_state(self) -> bool:
        """Whether the control-plane snapshot must be saved after it."""
        return self.service not in NOT_SNAPSHOTTED and not is_read(self.name)


def is_read(name: str) -> bool:
    """An operation that changes nothing, by AWS's naming ("" is unknown: not a read)."""
    return name in READ_ONLY or name.startswith(READ_PREFIXES)


def classify(method: str, path: str, query: str, headers: list[tuple[str, str]], body: bytes) -> Operation:
    head = {k.lower(): v for k, v in headers}
    target = head.get("x-amz-target", "")
    if target:
        prefix, _, name = target.partition(".")
        service = _TARGET_PREFIXES.get(prefix) or _signing_service(head) or prefix.lower()
        return Operation(service, name, _protocol(service, "json"))
    action = _action(query, body, head.get("content-type", ""))
    if action:
        service = _signing_service(head) or "iam"
        return Operation(service, action, _protocol(service, "query"))
    service = _rest_service(head, path)
    return Operation(service, _rest_operation(service, method, path, query), _protocol(service, "rest-json"))


def _signing_service(head: dict[str, str]) -> str:
    match = _CREDENTIAL.search(head.get("authorization", ""))
    return match.group(1) if match else ""


def _action(query: str, body: bytes, content_type: str) -> str:
    found = parse_qs(query).get("Action")
    if not found and body and "x-www-form-urlencoded" in content_type:
        found = parse_qs(body.decode("utf-8", "replace")).get("Action")
    return found[0] if found else ""


def _rest_service(head: dict[str, str], path: str) -> str:
    signed = _signing_service(head)
    if path.startswith("/v2/") and signed in ("apigateway", ""):
        return "apigatewayv2"
    if signed:
        return signed
    return "lambda" if re.match(r"^/20\d\d-\d\d-\d\d/", path) else ""


@lru_cache(maxsize=1)
def _loader() -> Any:
    """One Loader: each new one lists every service folder of botocore again (~800 stats)."""
    from botocore.loaders import Loader

    return Loader()


@lru_cache(maxsize=32)
def _model(service: str) -> dict[str, Any] | None:
    from botocore.exceptions import DataNotFoundError, UnknownServiceError

    try:
        model = _loader().load_service_model(service, "service-2")
    except (DataNotFoundError, UnknownServiceError, ValueError):
        return None
    # A service model is ~100k long-lived objects: out of every later full
    # garbage collection, as moto's own are (measured: full collections of
    # 25-80 ms, seven in ten seconds of load, once the IAM and Lambda models
    # had loaded). Only cyclic garbage alive right now is kept by this.
    import gc

    gc.freeze()
    return model


def _protocol(service: str, guess: str) -> str:
    model = _model(service) if service else None
    return model["metadata"]["protocol"] if model else guess


@lru_cache(maxsize=32)
def _routes(service: str) -> tuple[tuple[str, re.Pattern[str], tuple[str, ...], int, str], ...]:
    """(method, path pattern, required query keys, specificity, operation)."""
    model = _model(service)
    if model is None:
        return ()
    out = []
    for name, op in model["operations"].items():
        http = op.get("http", {})
        uri = http.get("requestUri", "")
        if not uri:
            continue
        template, _, q = uri.partition("?")
        keys = tuple(part.split("=")[0] for part in q.split("&") if part)
        pattern = ""
        for piece in re.split(r"(\{[^}]+\})", template):
            if piece.startswith("{"):
                pattern += ".+" if piece.endswith("+}") else "[^/]+"
            else:
                pattern += re.escape(piece)
        literal = len(re.sub(r"\{[^}]+\}", "", template)) + 100 * len(keys)
        out.append((http.get("method", "POST"), re.compile(f"^{pattern}/?$"), keys, literal, name))
    return tuple(out)


def _rest_operation(service: str, method: str, path: str, query: str) -> str:
    if not service:
        return ""
    return _rest_match(service, method, path, frozenset(parse_qs(query, keep_blank_values=True)))


@lru_cache(maxsize=2048)  # a client repeating a call pays the ~100 route patterns once
def _rest_match(service: str, method: str, path: str, present: frozenset[str]) -> str:
    best, best_score = "", -1
    for verb, pattern, keys, score, name in _routes(service):
        if verb == method and score > best_score and pattern.match(path) and all(k in present for k in keys):
            best, best_score = name, score
    return best


# Paths the edge routes by path, whatever the request is signed for.
_ROUTED_BY_PATH = (
    (re.compile(r"^/v2/"), "apigatewayv2", "apigateway"),
    (re.compile(r"^/20\d\d-\d\d-\d\d/"), "lambda", "lambda"),
)


def for_role(
    method: str, path: str, query: str, headers: list[tuple[str, str]], body: bytes, signed_service: str
) -> Operation | None:
    """The operation a request will really run, for judging a handler's
    role key, or None where that is not certain: the service comes from the
    path where the edge routes by path, else from the signature (as moto
    routes), and the operation only from what that service's protocol reads
    (X-Amz-Target for JSON, Action= for query, method and path for REST).
    A request that also carries the other protocols' markers is refused, so
    a header cannot make an Invoke or a PutRolePolicy look like a Logs call."""
    head = {k.lower(): v for k, v in headers}
    target = head.get("x-amz-target", "")
    action = _action(query, body, head.get("content-type", ""))
    for pattern, service, signing in _ROUTED_BY_PATH:
        if pattern.match(path):
            if signed_service != signing or target or action:
                return None
            name = _rest_operation(service, method, path, query)
            return Operation(service, name, "rest-json") if name else None
    model = _model(signed_service) if re.fullmatch(r"[a-z0-9-]+", signed_service or "") else None
    if model is None:
        return None
    protocol = model["metadata"].get("protocol", "")
    operations = model["operations"]
    if protocol == "json":
        prefix, _, name = target.partition(".")
        ok = not action and prefix == model["metadata"].get("targetPrefix") and name in operations
        return Operation(signed_service, name, protocol) if ok else None
    if protocol in ("query", "ec2"):
        ok = not target and action in operations
        return Operation(signed_service, action, protocol) if ok else None
    if protocol in ("rest-json", "rest-xml") and not target and not action:
        name = _rest_operation(signed_service, method, path, query)
        return Operation(signed_service, name, protocol) if name else None
    return None
