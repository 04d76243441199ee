"""The endpoint while the cloud starts (in-process): health at once, with
the owner's details only for the owner's signature; every other request
waits for the edge, or gets the reason it could not be built."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from localcloud import owner
from localcloud.gate import Gate
from localcloud.sigv4 import sign
from localcloud.starting import Starting

PORT = 4599


def scope(path: str, query: str = "", headers: dict[str, str] | None = None, method: str = "GET") -> dict[str, Any]:
    sent = {"host": f"127.0.0.1:{PORT}", **(headers or {})}
    return {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": [(k.encode(), v.encode()) for k, v in sent.items()],
    }


async def run(app: Any, request: dict[str, Any], body: bytes = b"") -> tuple[int, dict[str, Any] | str]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(request, receive, send)
    status = sent[0]["status"]
    raw = b"".join(m.get("body", b"") for m in sent[1:])
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode()


@pytest.fixture
def starting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Starting:
    monkeypatch.setenv("APIGW_WIZARD_CONFIG_DIR", str(tmp_path / "config"))
    made = Starting(Gate.for_owner(PORT), tmp_path / "state" / "local-cloud", "cid", PORT)
    return made


async def test_health_answers_before_the_edge_exists_with_its_proof(starting: Starting) -> None:
    creds = owner.load()
    assert creds is not None
    status, body = await run(starting, scope("/_apigw-wizard/health", "nonce=abc"))
    assert status == 200 and isinstance(body, dict)
    assert body["proof"] == owner.proof(creds, "abc", PORT) and "state_dir" not in body


async def test_the_owner_gets_the_details_once_protections_are_known(starting: Starting, tmp_path: Path) -> None:
    creds = owner.load()
    assert creds is not None
    loop = asyncio.get_running_loop()
    starting.protections = loop.create_future()
    loop.call_later(0.05, starting.protections.set_result, ["no seccomp"])
    signed = sign(
        "GET", f"127.0.0.1:{PORT}", "/_apigw-wizard/health", "", b"", creds.access_key_id, creds.secret_access_key
    )
    status, body = await run(starting, scope("/_apigw-wizard/health", headers=signed))
    assert status == 200 and isinstance(body, dict)
    assert body["protections_off"] == ["no seccomp"] and body["cloud_id"] == "cid"
    assert body["state_dir"] == str(tmp_path / "state")


async def test_health_from_a_foreign_host_is_refused(starting: Starting) -> None:
    status, _ = await run(starting, scope("/_apigw-wizard/health", headers={"host": "evil.example:4599"}))
    assert status == 403


async def test_other_requests_wait_for_the_edge_then_go_to_it(starting: Starting) -> None:
    seen: list[str] = []

    async def edge(request: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(request["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"from the edge"})

    waiting = asyncio.ensure_future(run(starting, scope("/v2/apis")))
    await asyncio.sleep(0.05)
    assert not waiting.done() and seen == []
    starting.done(edge)
    assert await asyncio.wait_for(waiting, 5) == (200, "from the edge")
    assert await run(starting, scope("/_apigw-wizard/health")) == (200, "from the edge")  # the edge answers all now
    assert seen == ["/v2/apis", "/_apigw-wizard/health"]


@pytest.mark.parametrize(
    "request_scope,body,where",
    [
        (scope("/v2/apis"), b"", "message"),  # REST-JSON: the message in the body
        (
            scope("/", method="POST", headers={"content-type": "application/x-www-form-urlencoded"}),
            b"Action=GetRole&RoleName=r",
            "xml",
        ),  # query protocol: an XML ErrorResponse
    ],
)
async def test_a_failed_start_answers_why_in_the_apis_protocol(
    starting: Starting, request_scope: dict[str, Any], body: bytes, where: str
) -> None:
    waiting = asyncio.ensure_future(run(starting, request_scope, body))
    await asyncio.sleep(0.01)
    starting.done(failed="the state file control-plane.pickle is damaged")
    status, answer = await asyncio.wait_for(waiting, 5)
    assert status == 400  # not retried by SDKs: the reason is said at once
    text = answer["message"] if where == "message" else answer  # type: ignore[index]
    assert "could not start" in str(text) and "control-plane.pickle is damaged" in str(text)
    if where == "xml":
        assert "<Code>LocalCloudStartFailed</Code>" in str(answer)


def test_garbage_collection_is_back_on_after_the_warm_up_even_a_failed_one(tmp_path: Path) -> None:
    """An early start turns automatic collections off while moto loads;
    left off, a cloud that runs for days would never free a cycle."""
    import gc
    from types import SimpleNamespace

    from localcloud.cloud import LocalCloud

    def warm() -> None:
        raise RuntimeError("a warm-up that fails")

    cloud = LocalCloud(PORT, tmp_path / "state")
    gc.disable()
    try:
        cloud._after_ready(SimpleNamespace(moto=SimpleNamespace(warm=warm))).join(10)
        assert gc.isenabled()
    finally:
        gc.enable()


async def test_a_websocket_upgrade_waits_for_the_edge_too(starting: Starting) -> None:
    """A WebSocket API's client connecting while the cloud starts reaches
    the edge (localcloud/websocket/) once it is built."""
    seen: list[str] = []

    async def edge(request: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(request["type"])

    upgrade = {**scope("/_aws/execute-api/abc/prod"), "type": "websocket"}
    waiting = asyncio.ensure_future(starting(upgrade, None, None))
    await asyncio.sleep(0.05)
    assert not waiting.done() and seen == []
    starting.done(edge)
    await asyncio.wait_for(waiting, 5)
    assert seen == ["websocket"]
