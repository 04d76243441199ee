"""The function URL calls of Lambda's control plane
(/2021-10-31/functions/{name}/url and /urls), answered here: moto's own
answers differ from AWS's in too many places (a URL without its trailing
"/", InvokeMode "Buffered", Get answering 201, a second Create replacing
the first, Update and Delete of a missing URL answering 500 and 204, no
validation, no ListFunctionUrlConfigs).

The shapes follow reference I1 and LocalStack's AWS-validated snapshots
(tests/aws/services/lambda_/test_lambda_api.snapshot.json, TestLambdaUrl,
recorded 2025-11-25): Create answers 201 with InvokeMode only when it was
given and no LastModifiedTime; Get answers 200 with InvokeMode always;
Update answers 200 without InvokeMode unless given; a second Create is 409
"... FunctionUrlConfig exists for this Lambda function"; a missing URL is
404 "The resource you requested does not exist."; a missing function on
Create is 404 "Function does not exist". Timestamps are ISO-8601 with
fractional seconds (the API reference's YYYY-MM-DDThh:mm:ss.sTZD).

The configuration lives on moto's function object (`url_config`), so it is
saved with the control plane and goes when the function goes.
Only URLs without a qualifier are served: an alias's URL is refused (the
local runtime invokes $LATEST only).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote

from ..moto_bridge import ACCOUNT, Moto, WsgiReply, region_of

_PATH = re.compile(r"^/2021-10-31/functions/([^/]+)/(url|urls)/?$")
_QUALIFIER = re.compile(r"^(?!\d+$)[0-9a-zA-Z_-]{1,128}$")  # botocore: FunctionUrlQualifier
_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
AUTH_TYPES = ("NONE", "AWS_IAM")
INVOKE_MODES = ("BUFFERED", "RESPONSE_STREAM")
_NO_URL = "The resource you requested does not exist."
_CORS_KEYS = {"AllowCredentials", "AllowHeaders", "AllowMethods", "AllowOrigins", "ExposeHeaders", "MaxAge"}


@dataclass
class UrlConfig:
    url_id: str
    region: str
    function_name: str
    auth_type: str
    cors: dict[str, Any] | None
    invoke_mode: str
    created: str
    last_modified: str

    @property
    def function_arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{ACCOUNT}:function:{self.function_name}"

    @property
    def aws_url(self) -> str:
        """What AWS names it (reference I1: ends with "/")."""
        return f"https://{self.url_id}.lambda-url.{self.region}.on.aws/"

    def local_url(self, port: int) -> str:
        return f"http://{self.url_id}.lambda-url.{self.region}.localhost:{port}/"

    def fields(self, port: int) -> dict[str, Any]:
        """Get's answer; the Local* fields say where this cloud serves it
        (SDKs ignore fields their model lacks)."""
        answer: dict[str, Any] = {
            "FunctionUrl": self.aws_url,
            "FunctionArn": self.function_arn,
            "AuthType": self.auth_type,
            "CreationTime": self.created,
            "LastModifiedTime": self.last_modified,
            "InvokeMode": self.invoke_mode,
            "LocalFunctionUrl": self.local_url(port),
            "LocalFunctionUrlPath": f"http://127.0.0.1:{port}/_aws/lambda-url/{self.url_id}/",
        }
        if self.cors is not None:
            answer["Cors"] = self.cors
        return answer


def new_url_id() -> str:
    """32 lowercase letters and digits (reference I1)."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(32))


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def find(moto: Moto, url_id: str) -> tuple[Any, UrlConfig] | None:
    """(moto's function, its URL) for a URL id, whichever region holds it
    (call with moto's lock held)."""
    from moto.awslambda_simple.models import lambda_simple_backends

    for backend in lambda_simple_backends[ACCOUNT].values():
        for fn in _functions(backend):
            config = getattr(fn, "url_config", None)
            if isinstance(config, UrlConfig) and config.url_id == url_id:
                return fn, config
    return None


def _functions(backend: Any) -> list[Any]:
    """Every function's $LATEST in a Lambda backend (moto keeps them as
    {"latest": fn, "versions": [...]} per name)."""
    return [group["latest"] for group in backend._lambdas._functions.values() if group.get("latest") is not None]


def _derived_qualifier(name: str) -> str | None:
    """The qualifier a FunctionName carries (name:alias, a partial or full
    ARN with one; botocore's FunctionUrlFunctionName pattern), or None."""
    parts = name.split(":")
    if name.startswith("arn:"):
        return parts[7] if len(parts) == 8 else None
    if len(parts) == 2 or (len(parts) == 4 and parts[1] == "function"):
        return parts[-1]
    return None


def handles(path: str) -> bool:
    return _PATH.match(path) is not None


def handle(
    moto: Moto, port: int, method: str, path: str, query: str, headers: list[tuple[str, str]], body: bytes
) -> WsgiReply:
    """The answer to a function URL call (the path is one `handles` took).
    Runs in a worker thread; takes moto's lock."""
    match = _PATH.match(path)
    assert match is not None
    name, listing = unquote(match.group(1)), match.group(2) == "urls"
    qualifiers = parse_qs(query).get("Qualifier")
    qualifier = qualifiers[0] if qualifiers else None
    derived = _derived_qualifier(name)
    if derived is not None and qualifier is not None and derived != qualifier:
        # Recorded words (test_url_config_exceptions, ..._alias_doesnotmatch_arn).
        message = "The derived qualifier from the function name does not match the specified qualifier."
        return _error(400, "InvalidParameterValueException", message, key="message")
    qualifier = qualifier if qualifier is not None else derived
    if qualifier is not None and not _QUALIFIER.match(qualifier):
        return _validation(
            f"1 validation error detected: Value '{qualifier}' at 'qualifier' failed to satisfy constraint: "
            r"Member must satisfy regular expression pattern: ((?!^\d+$)^[0-9a-zA-Z-_]+$)"
        )
    data: Any = {}
    if body.strip():
        try:
            data = json.loads(body)
        except ValueError:
            return _error(400, "InvalidParameterValueException", "The request body is not valid JSON.")
    if not isinstance(data, dict):
        return _error(400, "InvalidParameterValueException", "The request body is not a JSON object.")
    region = region_of(headers)
    with moto.lock:
        fn = moto.find_function(region, name)
        if listing and method == "GET":
            return _list(fn, port)
        if fn is None:
            if method == "POST":
                return _error(404, "ResourceNotFoundException", "Function does not exist")
            return _error(404, "ResourceNotFoundException", _NO_URL)
        if qualifier is not None:
            # An alias's URL: the local runtime invokes $LATEST only, so no
            # alias has one (the words AWS gives for a missing alias, above).
            return _error(404, "ResourceNotFoundException", "Function does not exist" if method == "POST" else _NO_URL)
        current = getattr(fn, "url_config", None)
        current = current if isinstance(current, UrlConfig) else None
        if method == "POST":
            return _create(fn, region, current, data, port)
        if current is None:
            return _error(404, "ResourceNotFoundException", _NO_URL)
        if method == "GET":
            return _ok(200, current.fields(port))
        if method == "PUT":
            return _update(current, data, port)
        if method == "DELETE":
            fn.url_config = None
            return WsgiReply(204, [], b"")
    return _error(405, "InvalidParameterValueException", f"{method} is not a function URL operation")


def _problem(data: dict[str, Any], creating: bool) -> str | None:
    """What the request gets wrong, worded as AWS's validation does."""
    auth = data.get("AuthType")
    if (creating or auth is not None) and auth not in AUTH_TYPES:
        return (
            f"1 validation error detected: Value '{auth}' at 'authType' failed to satisfy constraint: "
            "Member must satisfy enum value set: [AWS_IAM, NONE]"
        )
    mode = data.get("InvokeMode")
    if mode is not None and mode not in INVOKE_MODES:
        # Reference I1 [R]: the exact words AWS answers.
        return (
            f"1 validation error detected: Value '{mode}' at 'invokeMode' failed to satisfy constraint: "
            "Member must satisfy enum value set: [RESPONSE_STREAM, BUFFERED]"
        )
    return _cors_problem(data.get("Cors"))


def _cors_problem(cors: Any) -> str | None:
    """botocore's Cors shape (reference I1): lists of strings with length
    limits, AllowMethods items at most 6 characters, MaxAge 0-86400."""
    if cors is None:
        return None
    if not isinstance(cors, dict) or set(cors) - _CORS_KEYS:
        return "Cors is not a valid CORS configuration."
    limits = {"AllowHeaders": (0, 1024), "AllowMethods": (0, 6), "AllowOrigins": (1, 253), "ExposeHeaders": (0, 1024)}
    for key, (low, high) in limits.items():
        values = cors.get(key, [])
        if not isinstance(values, list) or len(values) > 100 or not all(isinstance(v, str) for v in values):
            return (
                f"1 validation error detected: Value at 'cors.{key[0].lower() + key[1:]}' failed to satisfy constraint"
            )
        for value in values:
            if not low <= len(value) <= high:
                return (
                    f"1 validation error detected: Value '[{value}]' at 'cors.{key[0].lower() + key[1:]}' failed "
                    f"to satisfy constraint: Member must satisfy constraint: [Member must have length less than or "
                    f"equal to {high}, Member must have length greater than or equal to {low}]"
                )
    age = cors.get("MaxAge")
    if age is not None and (isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 86400):
        return (
            f"1 validation error detected: Value '{age}' at 'cors.maxAge' failed to satisfy constraint: "
            "Member must have value less than or equal to 86400"
        )
    if "AllowCredentials" in cors and not isinstance(cors["AllowCredentials"], bool):
        return "Cors.AllowCredentials must be a boolean."
    return None


def _create(fn: Any, region: str, current: UrlConfig | None, data: dict[str, Any], port: int) -> WsgiReply:
    problem = _problem(data, creating=True)
    if problem:
        return _validation(problem)
    if current is not None:
        arn = current.function_arn
        message = (
            f"Failed to create function url config for [functionArn = {arn}]. "
            "Error message:  FunctionUrlConfig exists for this Lambda function"
        )
        return _error(409, "ResourceConflictException", message, key="message")
    stamp = now()
    config = UrlConfig(
        new_url_id(),
        region,
        fn.function_name,
        data["AuthType"],
        data.get("Cors"),
        data.get("InvokeMode") or "BUFFERED",
        stamp,
        stamp,
    )
    fn.url_config = config
    answer = config.fields(port)
    del answer["LastModifiedTime"]
    if "InvokeMode" not in data:
        del answer["InvokeMode"]
    return _ok(201, answer)


def _update(current: UrlConfig, data: dict[str, Any], port: int) -> WsgiReply:
    problem = _problem(data, creating=False)
    if problem:
        return _validation(problem)
    if "AuthType" in data:
        current.auth_type = data["AuthType"]
    if "Cors" in data:
        current.cors = data["Cors"]
    if "InvokeMode" in data:
        current.invoke_mode = data["InvokeMode"]
    current.last_modified = now()
    answer = current.fields(port)
    if "InvokeMode" not in data:
        del answer["InvokeMode"]
    return _ok(200, answer)


def _list(fn: Any, port: int) -> WsgiReply:
    if fn is None:
        return _error(404, "ResourceNotFoundException", "Function does not exist")
    config = getattr(fn, "url_config", None)
    items = [config.fields(port)] if isinstance(config, UrlConfig) else []
    return _ok(200, {"FunctionUrlConfigs": items})


def _ok(status: int, payload: dict[str, Any]) -> WsgiReply:
    return WsgiReply(status, [("Content-Type", "application/json")], json.dumps(payload).encode())


def _error(status: int, code: str, message: str, key: str = "Message") -> WsgiReply:
    """Lambda's REST-JSON error: the code in x-amzn-ErrorType, Type "User"
    (the recorded answers above)."""
    body = json.dumps({"Type": "User", key: message}).encode()
    return WsgiReply(status, [("Content-Type", "application/json"), ("x-amzn-ErrorType", code)], body)


def _validation(message: str) -> WsgiReply:
    body = json.dumps({"message": message}).encode()
    return WsgiReply(400, [("Content-Type", "application/json"), ("x-amzn-ErrorType", "ValidationException")], body)
