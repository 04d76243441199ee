"""The local cloud's HTTP layer (localcloud/protocol.py) over raw sockets:
bodyless GETs to the data plane take a direct path, everything else
uvicorn's ASGI cycle, and on one connection the answers keep their order."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from tests.cloudproc import Deployed, deploy

ECHO_METHOD = """
def lambda_handler(event, context):
    return {"statusCode": 200, "body": event["requestContext"]["http"]["method"] + " " + event["rawQueryString"]}
"""


@pytest.fixture(scope="module")
def api(cloud: Any) -> Deployed:
    return deploy(cloud, ECHO_METHOD)


def _connect(api: Deployed) -> socket.socket:
    return socket.create_connection(("127.0.0.1", api.cloud.port), timeout=10)


def _read(sock: socket.socket, count: int) -> list[tuple[int, dict[str, str], bytes]]:
    """`count` responses (status, headers, body), each framed by content-length."""
    data, out = b"", []
    while len(out) < count:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                raise AssertionError(f"connection closed after {len(out)} responses")
            data += chunk
        head, _, data = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = dict(line.split(": ", 1) for line in lines[1:])
        length = int(headers.get("content-length", "0"))
        while len(data) < length:
            data += sock.recv(65536)
        out.append((int(lines[0].split()[1]), headers, data[:length]))
        data = data[length:]
    return out


def _get(api: Deployed, query: str, extra: str = "", version: str = "1.1") -> bytes:
    return (
        f"GET /_aws/execute-api/{api.api_id}/echo?{query} HTTP/{version}\r\nHost: 127.0.0.1\r\n{extra}\r\n"
    ).encode()


def test_pipelined_requests_of_both_paths_are_answered_in_order(api: Deployed) -> None:
    post = (
        f"POST /_aws/execute-api/{api.api_id}/echo?n=2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\n\r\nx"
    ).encode()
    with _connect(api) as sock:
        sock.sendall(_get(api, "n=1") + post + _get(api, "n=3") + _get(api, "n=4"))
        answers = _read(sock, 4)
    assert [(status, body) for status, _, body in answers] == [
        (200, b"GET n=1"),
        (200, b"POST n=2"),
        (200, b"GET n=3"),
        (200, b"GET n=4"),
    ]
    assert len({headers["apigw-requestid"] for _, headers, _ in answers}) == 4


def test_a_keep_alive_connection_serves_many_direct_requests(api: Deployed) -> None:
    with _connect(api) as sock:
        for n in range(20):
            sock.sendall(_get(api, f"n={n}"))
            [(status, headers, body)] = _read(sock, 1)
            assert status == 200 and body == f"GET n={n}".encode()
            assert headers["content-type"] == "text/plain; charset=utf-8" and "date" in headers


def test_connection_close_is_honoured_on_the_direct_path(api: Deployed) -> None:
    with _connect(api) as sock:
        sock.sendall(_get(api, "n=1", "Connection: close\r\n"))
        [(status, headers, body)] = _read(sock, 1)
        assert status == 200 and body == b"GET n=1" and headers.get("connection") == "close"
        assert sock.recv(1) == b""  # and the server closed it


def test_http_1_0_and_the_host_form_are_served(api: Deployed) -> None:
    with _connect(api) as sock:
        sock.sendall(_get(api, "n=1", version="1.0"))
        [(status, _, body)] = _read(sock, 1)
        assert status == 200 and body == b"GET n=1"
    with _connect(api) as sock:
        host = f"{api.api_id}.execute-api.localhost:{api.cloud.port}"
        sock.sendall(f"GET /echo?n=2 HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        [(status, _, body)] = _read(sock, 1)
        assert status == 200 and body == b"GET n=2"


def test_a_malformed_request_gets_400_and_the_next_connection_is_served(api: Deployed) -> None:
    with _connect(api) as sock:
        sock.sendall(b"GET /_aws/execute-api/x/echo HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n")
        [(status, _, _)] = _read(sock, 1)
        assert status == 400
    with _connect(api) as sock:
        sock.sendall(_get(api, "n=1"))
        assert _read(sock, 1)[0][2] == b"GET n=1"


def test_another_uvicorn_falls_back_to_its_own_protocol_and_still_serves(tmp_path: Any) -> None:
    """The direct path relies on uvicorn internals (pinned 0.54.0). With any
    other uvicorn the cloud says so and serves with uvicorn's own httptools
    protocol: GET, POST and the AWS APIs still work."""
    import subprocess
    import sys
    import time

    import httpx

    from tests.conftest import free_port
    from tests.cloudproc import ECHO, LocalCloudProcess, deploy

    port = free_port()
    log = tmp_path / "cloud.log"
    code = (
        "import sys, uvicorn\nuvicorn.__version__ = '99.0.0'  # as if another release were installed\n"
        "from tui.cli import main\n"
        f"sys.exit(main(['local', '--port', '{port}', '--state-dir', {str(tmp_path / 'state')!r}]))\n"
    )
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=out, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            if "uvicorn's own HTTP protocol" in log.read_text():
                break
            time.sleep(0.05)
        assert "uvicorn 99.0.0 is not one this protocol was tested with" in log.read_text()
        shim = LocalCloudProcess(tmp_path / "state", port)
        api = deploy(shim, ECHO)
        assert api.get("/echo").json()["rawPath"] == "/echo"
        assert api.request("POST", "/echo", content=b"x", headers={"content-type": "text/plain"}).json()["body"] == "x"
        assert httpx.get(f"{shim.endpoint}/", headers={"host": "evil.example"}).status_code == 403
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()  # never leave a cloud behind on the machine
            raise


# Loaded by the cloud's Python at start: rewrites uvicorn's httptools protocol
# as a later release might, renaming one piece of state the direct path
# relies on (self.pipeline) while uvicorn's own code stays consistent.
RENAMING_SITECUSTOMIZE = """
import os
if os.environ.get("APIGW_TEST_RENAME_UVICORN_STATE"):
    import inspect
    import uvicorn.protocols.http.httptools_impl as impl
    source = inspect.getsource(impl).replace("self.pipeline", "self.queued_requests")
    exec(compile(source, impl.__file__, "exec"), impl.__dict__)
"""


def test_a_uvicorn_missing_relied_on_state_falls_back_to_stock_httptools(tmp_path: Any) -> None:
    """The version matches, every method is there, but an instance lacks
    `pipeline`: the cloud says so once and serves with uvicorn's own
    protocol, which still answers GET and POST, pipelined and in order."""
    import os

    from tests.cloudproc import LocalCloudProcess

    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(RENAMING_SITECUSTOMIZE)
    path = os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH", "")) if p)
    cloud = LocalCloudProcess(tmp_path / "state", env={"PYTHONPATH": path, "APIGW_TEST_RENAME_UVICORN_STATE": "1"})
    try:
        cloud.start()
        log = cloud.log_text("uvicorn's own HTTP protocol")
        assert "Serving with uvicorn's own HTTP protocol: an HttpToolsProtocol instance lacks pipeline." in log
        api = deploy(cloud, ECHO_METHOD)
        assert api.get("/echo", params={"n": "1"}).text == "GET n=1"
        assert api.request("POST", "/echo?n=2", content=b"x").text == "POST n=2"
        post = (
            f"POST /_aws/execute-api/{api.api_id}/echo?n=2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\n\r\nx"
        ).encode()
        with _connect(api) as sock:
            sock.sendall(_get(api, "n=1") + post + _get(api, "n=3"))
            answers = _read(sock, 3)
        assert [(status, body) for status, _, body in answers] == [
            (200, b"GET n=1"),
            (200, b"POST n=2"),
            (200, b"GET n=3"),
        ]
        assert cloud.log.read_text().count("uvicorn's own HTTP protocol") == 1
    finally:
        if cloud.proc is not None and cloud.proc.poll() is None:
            cloud.stop()  # never leave a cloud behind on the machine
