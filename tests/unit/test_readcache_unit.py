"""The read cache: which requests share an answer, and that any change
retires every answer (in-process, with moto's real backends)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from localcloud.readcache import MAX_ANSWER_BYTES, ReadCache, key_of

REGION = "eu-west-3"  # a region no other in-process test uses


def auth(
    service: str = "apigateway",
    key: str = "LKIAOWNER0000000",
    region: str = REGION,
    date: str = "20260101",
    signature: str = "a" * 64,
) -> str:
    return (
        f"AWS4-HMAC-SHA256 Credential={key}/{date}/{region}/{service}/aws4_request, "
        f"SignedHeaders=host;x-amz-date, Signature={signature}"
    )


def headers(**kw: Any) -> list[tuple[str, str]]:
    extra = kw.pop("extra", [])
    sent = [
        ("host", "127.0.0.1:4566"),
        ("authorization", auth(**kw)),
        ("x-amz-date", "20260101T000000Z"),
        ("user-agent", f"Boto3/1 {uuid.uuid4()}"),
        ("amz-sdk-invocation-id", str(uuid.uuid4())),
        ("amz-sdk-request", "attempt=1; max=3"),
    ]
    return sent + extra


# -- keys ----------------------------------------------------------------------
def test_two_sends_of_one_call_share_a_key() -> None:
    first = key_of("GET", "/v2/apis", "", headers(date="20260101", signature="a" * 64), b"")
    second = key_of("GET", "/v2/apis", "", headers(date="20260102", signature="b" * 64), b"")
    assert first is not None and first == second


@pytest.mark.parametrize(
    "change",
    [
        {"key": "LKIAOTHERKEY0000"},
        {"region": "us-east-1"},
        {"extra": [("x-amz-security-token", "t")]},
        {"extra": [("accept", "application/xml")]},
    ],
)
def test_who_signed_and_what_else_was_sent_are_in_the_key(change: dict[str, Any]) -> None:
    assert key_of("GET", "/v2/apis", "", headers(), b"") != key_of("GET", "/v2/apis", "", headers(**change), b"")


def test_path_and_query_are_in_the_key() -> None:
    base = key_of("GET", "/2015-03-31/functions/", "", headers(service="lambda"), b"")
    assert base != key_of("GET", "/2015-03-31/functions/", "MaxItems=1", headers(service="lambda"), b"")
    assert base != key_of("GET", "/2015-03-31/functions/f", "", headers(service="lambda"), b"")


@pytest.mark.parametrize(
    "method,path,service",
    [
        ("POST", "/v2/apis", "apigateway"),  # a write
        ("HEAD", "/v2/apis", "apigateway"),
        ("GET", "/", "sts"),  # STS's Get* calls hand out fresh credentials
        ("GET", "/v2/apis", "iam"),  # signed for a service whose reads are not kept
        ("GET", "/_apigw-wizard/health", "apigateway"),
    ],
)
def test_only_rest_gets_of_lambda_and_api_gateway_are_kept(method: str, path: str, service: str) -> None:
    assert key_of(method, path, "", headers(service=service), b"") is None


def test_an_unsigned_request_is_never_kept() -> None:
    assert key_of("GET", "/v2/apis", "", [("host", "127.0.0.1:4566")], b"") is None


# -- the cache -----------------------------------------------------------------
def test_an_answer_is_served_only_at_the_stamp_it_was_read_at() -> None:
    cache = ReadCache()
    key = key_of("GET", "/v2/apis", "", headers(), b"")
    assert key is not None
    cache.put(key, (1, 0), 200, [("x-amzn-requestid", "r1"), ("content-type", "application/json")], b"{}")
    assert cache.get(key, (2, 0)) is None  # a change since
    assert cache.get(key, (1, 1)) is None  # a write since
    status, sent, body = cache.get(key, (1, 0))  # type: ignore[misc]
    assert (status, body) == (200, b"{}")
    assert dict(sent)["content-type"] == "application/json" and dict(sent)["x-amzn-requestid"] != "r1"


def test_errors_and_huge_answers_are_not_kept() -> None:
    cache = ReadCache()
    cache.put(("404", "", "", b""), (0, 0), 404, [], b"{}")
    cache.put(("big", "", "", b""), (0, 0), 200, [], b"x" * (MAX_ANSWER_BYTES + 1))
    assert len(cache) == 0


def test_the_cache_is_bounded_in_entries_and_bytes() -> None:
    cache = ReadCache(max_entries=3, max_bytes=10_000)
    for n in range(10):
        cache.put((str(n), "", "", b""), (0, 0), 200, [], b"x" * 100)
    assert len(cache) == 3 and cache.get(("9", "", "", b""), (0, 0)) is not None
    cache.put(("large", "", "", b""), (0, 0), 200, [], b"x" * 9_200)
    assert cache.size <= 10_000 and len(cache) == 2  # the oldest went first
    assert cache.get(("8", "", "", b""), (0, 0)) is None and cache.get(("9", "", "", b""), (0, 0)) is not None


# -- with moto -----------------------------------------------------------------
@pytest.fixture(scope="module")
def moto() -> Any:
    from localcloud.moto_bridge import Moto

    return Moto()


def call(
    moto: Any,
    method: str,
    path: str,
    data: dict[str, Any] | None = None,
    service: str = "apigateway",
    mutating: bool | None = None,
) -> tuple[int, Any]:
    body = json.dumps(data).encode() if data is not None else b""
    reply = moto.call(
        method, path, "", headers(service=service) + [("content-type", "application/json")], body, 4566, mutating
    )
    return reply.status, json.loads(reply.body) if reply.body else None


def names(moto: Any) -> set[str]:
    status, listed = call(moto, "GET", "/v2/apis")
    assert status == 200
    return {api["name"] for api in listed["items"]}


def test_a_repeated_read_is_answered_from_the_cache(moto: Any) -> None:
    call(moto, "POST", "/v2/apis", {"name": "cached-a", "protocolType": "HTTP"})
    names(moto)
    hits = moto.reads.hits
    assert "cached-a" in names(moto)
    assert moto.reads.hits == hits + 1


def test_a_read_after_an_update_or_delete_sees_it(moto: Any) -> None:
    _, api = call(moto, "POST", "/v2/apis", {"name": "before", "protocolType": "HTTP"})
    assert "before" in names(moto) and "before" in names(moto)
    call(moto, "PATCH", f"/v2/apis/{api['apiId']}", {"name": "after"})
    assert "after" in names(moto) and "before" not in names(moto)
    call(moto, "DELETE", f"/v2/apis/{api['apiId']}")
    assert "after" not in names(moto)


def test_a_change_made_straight_in_the_backends_is_seen_once_bumped(moto: Any) -> None:
    _, api = call(moto, "POST", "/v2/apis", {"name": "direct-old", "protocolType": "HTTP"})
    assert "direct-old" in names(moto)
    with moto.lock:
        moto.apigw(REGION).apis[api["apiId"]].name = "direct-new"
        moto.bump()
    assert "direct-new" in names(moto)


def test_any_other_call_into_moto_retires_the_cache(moto: Any) -> None:
    """A POST that the edge counts as a read (mutating=False) may still
    change something moto keeps: it retires every answer all the same."""
    names(moto)
    stamp = (moto.generation, moto.writes)
    call(moto, "POST", "/v2/apis", {"name": "quiet", "protocolType": "HTTP"}, mutating=False)
    assert (moto.generation, moto.writes) != stamp
    assert "quiet" in names(moto)


def test_a_not_found_answer_is_not_kept(moto: Any) -> None:
    assert call(moto, "GET", "/v2/apis/nosuchapi")[0] == 404
    _, api = call(moto, "POST", "/v2/apis", {"name": "later", "protocolType": "HTTP"})
    assert call(moto, "GET", f"/v2/apis/{api['apiId']}")[0] == 200


def test_the_event_loop_gets_a_hit_without_waiting_and_never_while_a_call_runs(moto: Any) -> None:
    import threading

    _, api = call(moto, "POST", "/v2/apis", {"name": "loop-hit", "protocolType": "HTTP"})
    sent = headers() + [("content-type", "application/json")]
    assert moto.cached("GET", "/v2/apis", "", sent, b"") is None  # not read since the change
    call(moto, "GET", "/v2/apis")
    hit = moto.cached("GET", "/v2/apis", "", sent, b"")
    assert hit is not None and hit.status == 200 and b"loop-hit" in hit.body
    assert moto.cached("POST", "/v2/apis", "", sent, b"{}") is None  # writes are never answered from it
    holding, release = threading.Event(), threading.Event()

    def busy() -> None:
        with moto.lock:  # a change may be under way in another thread
            holding.set()
            release.wait(10)

    worker = threading.Thread(target=busy)
    worker.start()
    try:
        assert holding.wait(10)
        assert moto.cached("GET", "/v2/apis", "", sent, b"") is None  # does not wait: the thread path decides
    finally:
        release.set()
        worker.join(10)
    call(moto, "PATCH", f"/v2/apis/{api['apiId']}", {"name": "loop-renamed"})
    assert moto.cached("GET", "/v2/apis", "", sent, b"") is None
    assert "loop-renamed" in names(moto)
