"""HTTP API throttling over real HTTP (reference H2; http-api-throttling):
a token bucket per stage (DefaultRouteSettings) and per route
(RouteSettings, keyed by route key), a route's own value winning; over the
limit API Gateway answers 429 itself and the function is not invoked. The
body {"message":"Too Many Requests"} is API Gateway's answer for 429 (the
reference's medium-confidence item, the REST THROTTLED response's text)."""

from __future__ import annotations

import time
from typing import Any

import httpx

from localcloud.client import invocation
from tests.cloudproc import Deployed, deploy

HANDLER = """
def lambda_handler(event, context):
    return {"statusCode": 200, "body": event["routeKey"]}
"""


def burst(api: Deployed, path: str, count: int) -> list[httpx.Response]:
    with httpx.Client(timeout=40) as client:
        return [client.get(api.base + path) for _ in range(count)]


def warmed(api: Deployed) -> Deployed:
    """A request through an unthrottled route first: the cold start (seconds
    on a busy machine) must not fall between a bucket's requests, where it
    would refill the bucket."""
    assert api.get("/warm").status_code == 200
    return api


def test_a_route_limit_lets_its_burst_through_then_answers_429(cloud: Any) -> None:
    # Rate 0.5/s: after the burst of 3, the next token is 2 s away, far more
    # than five warm requests take even on a loaded machine.
    api = deploy(
        cloud,
        HANDLER,
        routes=("GET /limited", "GET /free", "GET /warm"),
        stage_settings={"RouteSettings": {"GET /limited": {"ThrottlingBurstLimit": 3, "ThrottlingRateLimit": 0.5}}},
    )
    warmed(api)
    replies = burst(api, "/limited", 5)
    assert [r.status_code for r in replies] == [200, 200, 200, 429, 429]
    throttled = replies[3]
    assert throttled.text == '{"message":"Too Many Requests"}'
    assert throttled.headers["content-type"] == "application/json" and throttled.headers["apigw-requestid"]
    found = invocation(cloud.port, throttled.headers["apigw-requestid"])
    assert found is not None and found["lambda_request_id"] is None  # the function never ran
    assert "throttled: the route GET /limited allows 0.5 requests/s, burst 3" in found["note"]
    # Another route has no limit of its own and no stage default: not throttled.
    assert [r.status_code for r in burst(api, "/free", 5)] == [200] * 5


def test_the_bucket_refills_at_the_rate(cloud: Any) -> None:
    api = deploy(
        cloud,
        HANDLER,
        routes=("GET /slow", "GET /warm"),
        stage_settings={
            "DefaultRouteSettings": {"ThrottlingBurstLimit": 1, "ThrottlingRateLimit": 0.5},
            "RouteSettings": {"GET /warm": {"ThrottlingBurstLimit": 100}},
        },
    )
    warmed(api)
    assert [r.status_code for r in burst(api, "/slow", 2)] == [200, 429]
    time.sleep(2.5)  # a token comes every 2 s; the bucket holds 1
    assert [r.status_code for r in burst(api, "/slow", 1)] == [200]


def test_a_stage_default_applies_to_routes_without_their_own(cloud: Any) -> None:
    api = deploy(
        cloud,
        HANDLER,
        routes=("GET /a", "GET /b", "GET /warm"),
        stage_settings={
            "DefaultRouteSettings": {"ThrottlingBurstLimit": 2, "ThrottlingRateLimit": 0.2},
            "RouteSettings": {
                "GET /b": {"ThrottlingBurstLimit": 4},  # its own burst, the default's rate
                "GET /warm": {"ThrottlingBurstLimit": 100},
            },
        },
    )
    warmed(api)
    assert [r.status_code for r in burst(api, "/a", 3)] == [200, 200, 429]
    assert [r.status_code for r in burst(api, "/b", 5)] == [200, 200, 200, 200, 429]


def test_a_burst_of_zero_lets_nothing_through(cloud: Any) -> None:
    api = deploy(
        cloud,
        HANDLER,
        routes=("GET /closed",),
        stage_settings={"RouteSettings": {"GET /closed": {"ThrottlingBurstLimit": 0, "ThrottlingRateLimit": 0}}},
    )
    assert [r.status_code for r in burst(api, "/closed", 2)] == [429, 429]


def test_burst_5_rate_1_lets_the_function_run_at_most_burst_plus_rate_times_seconds(cloud: Any) -> None:
    """The issue's case: {burst: 5, rate: 1} and a burst of 50 requests."""
    api = deploy(
        cloud,
        """
def lambda_handler(event, context):
    print("RAN")
    return {"statusCode": 200, "body": "ok"}
""",
        routes=("GET /hot", "GET /warm"),
        stage_settings={
            "DefaultRouteSettings": {"ThrottlingBurstLimit": 5, "ThrottlingRateLimit": 1},
            "RouteSettings": {"GET /warm": {"ThrottlingBurstLimit": 100, "ThrottlingRateLimit": 100}},
        },
    )
    warmed(api)
    started = time.monotonic()
    replies = burst(api, "/hot", 50)
    elapsed = time.monotonic() - started
    ok = [r for r in replies if r.status_code == 200]
    throttled = [r for r in replies if r.status_code == 429]
    assert len(ok) + len(throttled) == 50
    assert 5 <= len(ok) <= 5 + int(elapsed * 1) + 1, (len(ok), elapsed)
    assert all(r.text == '{"message":"Too Many Requests"}' for r in throttled)
    # The function ran once per 200 (and once for the warm-up), never for a 429.
    deadline = time.monotonic() + 20
    runs: list[str] = []
    while time.monotonic() < deadline:
        runs = [line for line in api.logs() if line.strip() == "RAN"]
        if len(runs) >= len(ok) + 1:
            break
        time.sleep(0.2)
    time.sleep(0.5)
    runs = [line for line in api.logs() if line.strip() == "RAN"]
    assert len(runs) == len(ok) + 1, (len(runs), len(ok))
