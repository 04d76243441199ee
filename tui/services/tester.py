"""One HTTP request to the invoke URL, with httpx: status, headers, body and
elapsed time. Sync for the CLI, async for the wizard's test screen."""

from __future__ import annotations

import time
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


def _fail(request: TestRequest, exc: Exception) -> WizardError:
    kind = type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        hint = "The API did not answer in time: check the function's timeout and logs, then retry."
    elif isinstance(exc, httpx.ConnectError):
        hint = "Nothing answers at that address: is the API deployed and the local cloud running?"
    else:
        hint = "Check the URL and retry."
    return WizardError(f"send {request.method} {request.url}", kind, str(exc) or kind, hint, transient=True)


def _response(reply: httpx.Response, started: float) -> TestResponse:
    return TestResponse(
        status=reply.status_code,
        reason=reply.reason_phrase,
        headers=tuple((k, v) for k, v in reply.headers.multi_items()),
        body=reply.content,
        elapsed_ms=(time.perf_counter() - started) * 1000,
        http_version=reply.http_version,
    )


def send(request: TestRequest, timeout_s: float = DEFAULT_TIMEOUT_S) -> TestResponse:
    started = time.perf_counter()
    try:
        with httpx.Client(timeout=timeout_s, trust_env=False) as client:
            reply = client.request(
                request.method, request.url, headers=list(request.headers), content=request.body or None
            )
    except httpx.HTTPError as exc:
        raise _fail(request, exc) from exc
    return _response(reply, started)


async def send_async(request: TestRequest, timeout_s: float = DEFAULT_TIMEOUT_S) -> TestResponse:
    started = time.perf_counter()
    try:
        async with httpx.AsyncClient(timeout=timeout_s, trust_env=False) as client:
            reply = await client.request(
                request.method, request.url, headers=list(request.headers), content=request.body or None
            )
    except httpx.HTTPError as exc:
        raise _fail(request, exc) from exc
    return _response(reply, started)
