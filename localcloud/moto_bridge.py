"""moto, in this process: its WSGI app called from the ASGI edge, and its
backends read directly by the data plane (no HTTP round trip per request).

One lock serialises every touch of moto's state, because moto's models are
not thread-safe. `generation` grows on every change, so the data plane can
cache route tables and function settings and rebuild them only when the
control plane changed something; code that changes moto's models itself,
not through `call`, must `bump()`. Repeated reads are answered from a
cache (readcache.py) that every change retires.
"""

from __future__ import annotations

import io
import re
import sys
import threading
from dataclasses import dataclass
from typing import Any

from .readcache import ReadCache, key_of

ACCOUNT = "123456789012"  # moto's default account
_CREDENTIAL_REGION = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/")
_CREDENTIAL_SERVICE = re.compile(r"Credential=[^/]+/\d{8}/[a-z0-9-]+/([a-z0-9-]+)/")


def region_of(headers: list[tuple[str, str]]) -> str:
    """The region a SigV4-signed request is for (us-east-1 if unsigned)."""
    auth = next((v for k, v in headers if k.lower() == "authorization"), "")
    match = _CREDENTIAL_REGION.search(auth)
    return match.group(1) if match else "us-east-1"


_FORM = ("content-type", "application/x-www-form-urlencoded; charset=utf-8")
# (signing service, method, path, body, headers): reads that change nothing.
WARM_CALLS: tuple[tuple[str, str, str, bytes, tuple[tuple[str, str], ...]], ...] = (
    ("sts", "POST", "/", b"Action=GetCallerIdentity&Version=2011-06-15", (_FORM,)),
    ("iam", "POST", "/", b"Action=ListRoles&Version=2010-05-08", (_FORM,)),
    ("lambda", "GET", "/2015-03-31/functions/", b"", ()),
    ("apigateway", "GET", "/v2/apis", b"", ()),
    (
        "logs",
        "POST",
        "/",
        b"{}",
        (("content-type", "application/x-amz-json-1.1"), ("x-amz-target", "Logs_20140328.DescribeLogGroups")),
    ),
)


def signing_service(headers: list[tuple[str, str]]) -> str:
    """The service a SigV4-signed request is signed for ("" if unsigned)."""
    auth = next((v for k, v in headers if k.lower() == "authorization"), "")
    match = _CREDENTIAL_SERVICE.search(auth)
    return match.group(1) if match else ""


def _share_logs_backend() -> None:
    """moto deep-copies a function to publish a version or list all of them,
    and each function points at its region's Logs backend: without this,
    every such copy duplicated every log event of the region."""
    from moto.logs.models import LogsBackend

    LogsBackend.__deepcopy__ = lambda self, _memo: self  # type: ignore[attr-defined]


@dataclass
class WsgiReply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def _untracked_new(cls: type, *_args: Any, **_kwargs: Any) -> Any:
    return object.__new__(cls)


def _stop_tracking_instances() -> None:
    """moto keeps every model it ever made (each CloudWatch log event too)
    in a class-level list for its dashboard, so a cloud that serves traffic
    for hours grows without bound (measured: 236,028 live LogEvents held
    after 208,741 requests, with 10,013 in the streams). The dashboard is
    not served here; nothing else we use reads those lists."""
    from moto.core.common_models import BaseModel
    from moto.core.model_instances import reset_model_data

    BaseModel.__new__ = _untracked_new  # type: ignore[method-assign]
    reset_model_data()


class Moto:
    def __init__(self) -> None:
        from moto.moto_api._internal.models import moto_api_backend
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        # Lambda without Docker; must be set before any function exists (D2).
        moto_api_backend.set_config({"lambda": {"use_docker": False}})
        from . import motolean
        from .apigatewayv2 import ids

        _share_logs_backend()
        _stop_tracking_instances()
        motolean.apply()
        ids.apply()  # AWS's id shapes for APIs, routes and integrations
        self.app = DomainDispatcherApplication(create_backend_app)
        self._v2_app: Any = None  # API Gateway v2's own (motolean), made on first use
        self.lock = threading.RLock()
        self.generation = 0
        self.writes = 0  # every call into moto but a GET or HEAD, read or not (the cache's second guard)
        self.reads = ReadCache()

    def bump(self) -> None:
        self.generation += 1

    def call(
        self,
        method: str,
        path: str,
        query: str,
        headers: list[tuple[str, str]],
        body: bytes,
        server_port: int,
        mutating: bool | None = None,
    ) -> WsgiReply:
        """Run one request through moto's WSGI app (blocking: call it from
        a thread, not the event loop), or answer a repeated read from the cache."""
        cache_key = key_of(method, path, query, headers, body)
        if cache_key is not None:
            with self.lock:
                hit = self.reads.get(cache_key, (self.generation, self.writes))
            if hit is not None:
                return WsgiReply(*hit)
        with self.lock:
            if method not in ("GET", "HEAD"):
                self.writes += 1  # before the call: a write that fails half way retires the cache too
            stamp = (self.generation, self.writes)
            try:
                reply = self._wsgi(method, path, query, headers, body, server_port)
            finally:
                if mutating if mutating is not None else method not in ("GET", "HEAD"):
                    self.bump()
            if cache_key is not None and stamp == (self.generation, self.writes):
                self.reads.put(cache_key, stamp, reply.status, reply.headers, reply.body)
        return reply

    def cached(
        self, method: str, path: str, query: str, headers: list[tuple[str, str]], body: bytes
    ) -> WsgiReply | None:
        """The cached answer to a repeated read, or None; never waits (for
        the event loop: a hit needs no thread). None also when the lock is
        held, since a change may be under way: `call` then decides."""
        cache_key = key_of(method, path, query, headers, body)
        if cache_key is None or not self.lock.acquire(blocking=False):
            return None
        try:
            hit = self.reads.get(cache_key, (self.generation, self.writes))
        finally:
            self.lock.release()
        return WsgiReply(*hit) if hit is not None else None

    def _wsgi(
        self, method: str, path: str, query: str, headers: list[tuple[str, str]], body: bytes, server_port: int
    ) -> WsgiReply:
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "RAW_URI": path + (f"?{query}" if query else ""),
            "REQUEST_URI": path + (f"?{query}" if query else ""),
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": str(server_port),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "CONTENT_LENGTH": str(len(body)),
        }
        for name, value in headers:
            key = name.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                environ["CONTENT_TYPE"] = value
            elif key != "CONTENT_LENGTH":
                environ[f"HTTP_{key}"] = f"{environ[f'HTTP_{key}']},{value}" if f"HTTP_{key}" in environ else value
        captured: dict[str, Any] = {}

        def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"] = int(status.split(" ", 1)[0])
            captured["headers"] = response_headers
            return lambda _data: None

        chunks = self._app_for(path, headers)(environ, start_response)
        try:
            data = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
        return WsgiReply(captured["status"], captured["headers"], data)

    def warm(self) -> None:
        """Load what the first call of each service waits for (moto's
        service modules, apps and routers, botocore's models), in the
        order a deploy first calls them; run in a thread after start.
        Only reads are sent, each under the lock, so real calls interleave."""
        from .operations import classify

        for service, method, path, body, extra in WARM_CALLS:
            headers = [
                ("host", "127.0.0.1"),
                (
                    "authorization",
                    f"AWS4-HMAC-SHA256 Credential=WARMUP/20000101/"
                    f"us-east-1/{service}/aws4_request, "
                    "SignedHeaders=host, Signature=0",
                ),
                *extra,
            ]
            try:
                classify(method, path, "", headers, body)  # loads botocore's model of the service
                with self.lock:
                    self._wsgi(method, path, "", headers, body, 0)
            except Exception:  # noqa: BLE001, S112 - only a head start: the real call loads it, or says why not
                continue

    def _app_for(self, path: str, headers: list[tuple[str, str]]) -> Any:
        """API Gateway v2's own app for its paths (as moto's dispatcher
        would route them: signed for apigateway), else the dispatcher."""
        if path.startswith("/v2/") and signing_service(headers) == "apigateway":
            if self._v2_app is None:
                from .motolean import apigatewayv2_app

                self._v2_app = apigatewayv2_app()
            return self._v2_app
        return self.app

    # -- direct reads (call with the lock held) --------------------------
    @staticmethod
    def apigw(region: str) -> Any:
        from moto.apigatewayv2.models import apigatewayv2_backends

        return apigatewayv2_backends[ACCOUNT][region]

    @staticmethod
    def lambdas(region: str) -> Any:
        from moto.awslambda_simple.models import lambda_simple_backends

        return lambda_simple_backends[ACCOUNT][region]

    @staticmethod
    def logs(region: str) -> Any:
        from moto.logs.models import logs_backends

        return logs_backends[ACCOUNT][region]

    def find_api(self, api_id: str) -> tuple[str, Any] | None:
        """(region, api) for an API id, whatever region it was made in."""
        from moto.apigatewayv2.models import apigatewayv2_backends

        for region, backend in apigatewayv2_backends[ACCOUNT].items():
            api = backend.apis.get(api_id)
            if api is not None:
                return region, api
        return None

    def find_user_pool(self, region: str, pool_id: str) -> bool:
        """A Cognito user pool with this id in `region` (the data plane's JWT
        authorizers trust its tokens: moto signs them)."""
        from moto.cognitoidp.models import cognitoidp_backends

        with self.lock:
            try:
                return pool_id in cognitoidp_backends[ACCOUNT][region].user_pools
            except KeyError:  # not a region moto knows
                return False

    def find_function(self, region: str, name_or_arn: str) -> Any | None:
        from moto.core.exceptions import ServiceException
        from werkzeug.exceptions import HTTPException

        try:
            return self.lambdas(region).get_function(name_or_arn)
        except (ServiceException, HTTPException, KeyError, ValueError):
            return None
