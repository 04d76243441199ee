"""One HTTP request to the invoke URL, with httpx: status, headers, body and
elapsed time. Sync for the CLI, async for the wizard's test screen."""

from __future__ import annotations

import os
import socket
import time
from urllib.parse import urlsplit
from dataclasses import dataclass

import httpx

from .errors import WizardError

DEFAULT_TIMEOUT_S = 35.0  # just over API Gateway's 30 s integration limit


@dataclass(frozen=True)
class TestRequest:
    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


@dataclass(frozen=True)
class TestResponse:
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    elapsed_ms: float
    http_version: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    def as_json(self) -> dict[str, object]:
        return {
            "status": self.status,
            "headers": {k: v for k, v in self.headers},
            "body": self.text,
            "elapsed_ms": round(self.elapsed_ms, 2),
        }


def _fail(request: TestRequest, exc: Exception, endpoint_url: str | None) -> WizardError:
    kind = type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        hint = "The API did not answer in time: check the function's timeout and logs, then retry."
    elif isinstance(exc, httpx.ConnectError):
        hint = _connect_hint(request.url, exc, endpoint_url)
    else:
        hint = "Check the URL and retry."
    return WizardError(f"send {request.method} {request.url}", kind, str(exc) or kind, hint, transient=True)


def _connect_hint(url: str, exc: Exception, endpoint_url: str | None) -> str:
    """Per target: the local cloud's invoke URLs are on loopback (its port is
    named); an AWS invoke URL's host that does not resolve behind an
    AWS_ENDPOINT_URL means that endpoint has no execute-api data plane."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host in ("127.0.0.1", "localhost", "::1") or host.endswith(".localhost"):
        port = parts.port or 80
        return (
            f"Nothing answers on port {port}: start the local cloud on the Target step "
            f"(or 'apigw-wizard local --port {port}' in another terminal) and check the API is deployed."
        )
    unresolved = isinstance(exc.__cause__ or exc.__context__, socket.gaierror) or any(
        text in str(exc) for text in ("Name or service not known", "nodename nor servname", "getaddrinfo failed")
    )
    if unresolved and endpoint_url:
        return (
            f"The host {host} does not resolve: the endpoint {endpoint_url} has no execute-api data plane, "
            "so test the API on real AWS or on an emulator that serves invoke URLs."
        )
    if unresolved:
        return f"The host {host} does not resolve: check the network and DNS, and that the API exists, then retry."
    return f"Nothing answers at {host}: check the network and that the API is deployed, then retry."


def _response(reply: httpx.Response, started: float) -> TestResponse:
    return TestResponse(
        status=reply.status_code,
        reason=reply.reason_phrase,
        headers=tuple((k, v) for k, v in reply.headers.multi_items()),
        body=reply.content,
        elapsed_ms=(time.perf_counter() - started) * 1000,
        http_version=reply.http_version,
    )


def _endpoint(endpoint_url: str | None) -> str | None:
    return endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None


def send(request: TestRequest, timeout_s: float = DEFAULT_TIMEOUT_S, endpoint_url: str | None = None) -> TestResponse:
    """`endpoint_url`: the AWS target's emulator (default: AWS_ENDPOINT_URL), for the error's wording."""
    started = time.perf_counter()
    try:
        with httpx.Client(timeout=timeout_s, trust_env=False) as client:
            reply = client.request(
                request.method, request.url, headers=list(request.headers), content=request.body or None
            )
    except httpx.HTTPError as exc:
        raise _fail(request, exc, _endpoint(endpoint_url)) from exc
    return _response(reply, started)


async def send_async(
    request: TestRequest, timeout_s: float = DEFAULT_TIMEOUT_S, endpoint_url: str | None = None
) -> TestResponse:
    started = time.perf_counter()
    try:
        async with httpx.AsyncClient(timeout=timeout_s, trust_env=False) as client:
            reply = await client.request(
                request.method, request.url, headers=list(request.headers), content=request.body or None
            )
    except httpx.HTTPError as exc:
        raise _fail(request, exc, _endpoint(endpoint_url)) from exc
    return _response(reply, started)
