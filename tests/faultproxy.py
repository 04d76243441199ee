"""A real HTTP proxy on loopback that injects faults into AWS API calls on
their way to the local cloud, each in the service's own wire protocol.

Faults (per matching call, a set number of times):
  throttle   the service's throttling error (retryable)
  denied     AccessDenied (permanent)
  drop       the connection closes before the call is forwarded
  lost       the call is forwarded and done, then the connection closes
             (the response is lost: a retry meets what the first made)
  timeout    the call is done, the response comes after the client's timeout
  conflict   the call is done, then "already exists" comes back
  propagation  CreateFunction's IAM-propagation error
  hold       the call is done, then the connection hangs (kill tests)
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

# name -> (method, path regex, IAM Action or Logs target) for the calls of the plan
CALLS: dict[str, tuple[str, str, str | None]] = {
    "CreateRole": ("POST", r"^/$", "CreateRole"),
    "CreatePolicy": ("POST", r"^/$", "CreatePolicy"),
    "AttachRolePolicy": ("POST", r"^/$", "AttachRolePolicy"),
    "CreateFunction": ("POST", r"^/2015-03-31/functions/?$", None),
    "CreateApi": ("POST", r"^/v2/apis$", None),
    "CreateIntegration": ("POST", r"^/v2/apis/[^/]+/integrations$", None),
    "CreateRoute": ("POST", r"^/v2/apis/[^/]+/routes$", None),
    "CreateStage": ("POST", r"^/v2/apis/[^/]+/stages$", None),
    "AddPermission": ("POST", r"^/2015-03-31/functions/[^/]+/policy$", None),
    "DeleteApi": ("DELETE", r"^/v2/apis/[^/]+$", None),
    "DeleteFunction": ("DELETE", r"^/2015-03-31/functions/[^/]+$", None),
    "DeleteLogGroup": ("POST", r"^/$", "Logs_20140328.DeleteLogGroup"),
    "DetachRolePolicy": ("POST", r"^/$", "DetachRolePolicy"),
    "DeletePolicy": ("POST", r"^/$", "DeletePolicy"),
    "DeleteRole": ("POST", r"^/$", "DeleteRole"),
}
_CONFLICT = {
    "iam": ("EntityAlreadyExists", 409),
    "lambda": ("ResourceConflictException", 409),
    "apigw": ("ConflictException", 409),
    "logs": ("ResourceAlreadyExistsException", 400),
}
_THROTTLE = {
    "iam": ("Throttling", 400),
    "lambda": ("TooManyRequestsException", 429),
    "apigw": ("TooManyRequestsException", 429),
    "logs": ("ThrottlingException", 400),
}
_DENIED = {
    "iam": ("AccessDenied", 403),
    "lambda": ("AccessDeniedException", 403),
    "apigw": ("AccessDeniedException", 403),
    "logs": ("AccessDeniedException", 400),
}


@dataclass
class Rule:
    call: str
    fault: str
    times: int = 1
    seen: int = 0


@dataclass
class Proxy:
    upstream_port: int
    rules: list[Rule] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)  # every call that passed, by name
    release: threading.Event = field(default_factory=threading.Event)
    timeout_s: float = 1.5

    def start(self) -> Proxy:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                name = proxy.name_of(self.command, self.path, self.headers, body)
                if name:
                    proxy.calls.append(name)
                rule = proxy.rule_for(name)
                fault = rule.fault if rule else None
                if fault == "drop":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if fault in ("throttle", "denied", "propagation"):
                    self._error(name or "", fault)
                    return
                status, headers, data = proxy.forward(self.command, self.path, self.headers, body)
                if fault in ("lost", "hold"):
                    if fault == "hold":
                        proxy.release.wait(60)
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if fault == "timeout":
                    time.sleep(proxy.timeout_s)
                if fault == "conflict" and status < 300:
                    self._error(name or "", "conflict")
                    return
                self.send_response(status)
                for key, value in headers:
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _error(self, name: str, fault: str) -> None:
                service = proxy.service_of(name)
                if fault == "propagation":
                    code, status, message = (
                        "InvalidParameterValueException",
                        400,
                        "The role defined for the function cannot be assumed by Lambda.",
                    )
                else:
                    table = {"throttle": _THROTTLE, "denied": _DENIED, "conflict": _CONFLICT}[fault]
                    code, status = table[service]
                    message = f"injected {fault} for {name}"
                if service == "iam":
                    data = (
                        f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}"
                        f"</Message></Error><RequestId>x</RequestId></ErrorResponse>"
                    ).encode()
                    ctype = "text/xml"
                elif service == "logs":
                    data = json.dumps({"__type": code, "message": message}).encode()
                    ctype = "application/x-amz-json-1.1"
                else:
                    data = json.dumps({"message": message, "Message": message}).encode()
                    ctype = "application/json"
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("x-amzn-ErrorType", code)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def inject(self, call: str, fault: str, times: int = 1) -> Rule:
        rule = Rule(call, fault, times)
        self.rules.append(rule)
        return rule

    def rule_for(self, name: str | None) -> Rule | None:
        for rule in self.rules:
            if rule.call == name and rule.seen < rule.times:
                rule.seen += 1
                return rule
        return None

    @staticmethod
    def name_of(method: str, path: str, headers: object, body: bytes) -> str | None:
        path_only = path.split("?", 1)[0]
        target = headers.get("X-Amz-Target", "")  # type: ignore[attr-defined]
        action = None
        if body and b"Action=" in body:
            action = (parse_qs(body.decode("utf-8", "replace")).get("Action") or [None])[0]
        for name, (verb, pattern, marker) in CALLS.items():
            if verb != method or not re.match(pattern, path_only):
                continue
            if marker is None or marker in (action, target):
                return name
        return None

    @staticmethod
    def service_of(name: str) -> str:
        if name in ("CreateRole", "CreatePolicy", "AttachRolePolicy", "DetachRolePolicy", "DeletePolicy", "DeleteRole"):
            return "iam"
        if name == "DeleteLogGroup":
            return "logs"
        return "lambda" if "Function" in name or name == "AddPermission" else "apigw"

    def resign(self, method: str, path: str, headers: object, body: bytes) -> dict[str, str]:
        """The call as the owner's SDK would send it to the cloud itself: the
        local cloud checks the Host and the SigV4 signature, so a proxy in
        between signs again for the upstream, in the region and service the
        client signed for."""
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        from localcloud import owner

        kept = {
            k: v
            for k, v in headers.items()  # type: ignore[attr-defined]
            if k.lower() not in ("authorization", "x-amz-date", "x-amz-security-token", "host")
        }
        scope = re.search(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/", headers.get("Authorization", ""))  # type: ignore[attr-defined]
        region, service = scope.groups() if scope else ("us-east-1", "sts")
        request = AWSRequest(method=method, url=f"http://127.0.0.1:{self.upstream_port}{path}", data=body, headers=kept)
        creds = owner.load()
        assert creds is not None
        SigV4Auth(Credentials(creds.access_key_id, creds.secret_access_key), service, region).add_auth(request)
        return dict(request.headers.items())

    def forward(self, method: str, path: str, headers: object, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=30)
        try:
            conn.request(method, path, body=body or None, headers=self.resign(method, path, headers, body))
            reply = conn.getresponse()
            return reply.status, reply.getheaders(), reply.read()
        finally:
            conn.close()
