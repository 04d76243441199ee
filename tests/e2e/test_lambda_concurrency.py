"""Concurrency as Lambda scales it, against a real local cloud
(localcloud/concurrency.py; sources there): every concurrent invocation
gets its own environment (twelve 3-second invocations all overlap, where 8
workers per function made them queue); reserved concurrency caps them and
throttles the rest at once with Lambda's 429 and reason; 0 throttles every
invoke; through API Gateway a throttled invoke is a 500; throttles are
counted in CloudWatch's Throttles metric."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import httpx
from botocore.config import Config

from tests.cloudproc import create_function, deploy, owner_kw

SLEEPER = """import json, time


def lambda_handler(event, context):
    started = time.time()
    time.sleep(float(event.get("sleep", 3)) if isinstance(event, dict) else 3)
    return {"statusCode": 200, "body": json.dumps({"started": started, "ended": time.time()})}
"""


def no_retries(cloud: Any) -> Any:
    """A Lambda client that shows the first answer (boto3 retries throttles)."""
    return boto3.client(
        "lambda", config=Config(retries={"total_max_attempts": 1}, read_timeout=60), **owner_kw(cloud.port)
    )


def invoke_all(client: Any, name: str, count: int, sleep: float) -> list[dict[str, Any]]:
    def one(_i: int) -> dict[str, Any]:
        try:
            reply = client.invoke(FunctionName=name, Payload=json.dumps({"sleep": sleep}).encode())
            return {"ok": json.loads(json.loads(reply["Payload"].read())["body"])}
        except client.exceptions.TooManyRequestsException as exc:
            return {"throttled": exc.response}

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def test_each_concurrent_invocation_gets_its_own_environment(cloud: Any) -> None:
    name, _ = create_function(cloud, SLEEPER, timeout=30)
    results = invoke_all(no_retries(cloud), name, 12, 3.0)
    spans = [r["ok"] for r in results if "ok" in r]
    assert len(spans) == 12, results
    # All twelve ran at the same moment: the latest start is before the earliest end.
    assert max(s["started"] for s in spans) < min(s["ended"] for s in spans), spans


def test_reserved_concurrency_throttles_beyond_it_at_once(cloud: Any) -> None:
    name, _ = create_function(cloud, SLEEPER, timeout=30)
    client = no_retries(cloud)
    client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=2)
    started = time.monotonic()
    results = invoke_all(client, name, 6, 2.0)
    ran = [r for r in results if "ok" in r]
    throttled = [r["throttled"] for r in results if "throttled" in r]
    assert len(ran) == 2 and len(throttled) == 4, results
    # Lambda's answer (Invoke API reference; the body as erlcloud records AWS's).
    for answer in throttled:
        assert answer["ResponseMetadata"]["HTTPStatusCode"] == 429
        assert answer["Error"]["Code"] == "TooManyRequestsException"
        assert answer["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
        assert answer["Error"]["Message"] == "Rate Exceeded."
    assert time.monotonic() - started < 30
    client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    assert "throttled" in invoke_all(client, name, 1, 0.0)[0]  # 0: every invoke throttled
    client.delete_function_concurrency(FunctionName=name)
    assert "ok" in invoke_all(client, name, 1, 0.0)[0]

    cw = cloud.client("cloudwatch")
    deadline = time.monotonic() + 30
    total = 0.0
    while time.monotonic() < deadline:
        stats = cw.get_metric_statistics(
            Namespace="AWS/Lambda",
            MetricName="Throttles",
            Dimensions=[{"Name": "FunctionName", "Value": name}],
            StartTime=time.time() - 600,
            EndTime=time.time() + 60,
            Period=60,
            Statistics=["Sum"],
        )
        total = sum(p["Sum"] for p in stats["Datapoints"])
        if total >= 5:
            break
        time.sleep(0.5)
    assert total == 5  # Throttles counts each refused invoke (monitoring-metrics)


def test_a_throttled_integration_is_api_gatewayss_500(cloud: Any) -> None:
    api = deploy(cloud, SLEEPER, routes=("GET /slow",), timeout=30)
    cloud.client("lambda").put_function_concurrency(FunctionName=api.function, ReservedConcurrentExecutions=1)
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(httpx.get, f"{api.base}/slow", timeout=60)
        time.sleep(1.0)  # the first holds the only slot for 3 s
        second = pool.submit(httpx.get, f"{api.base}/slow", timeout=60)
        replies = [first.result(), second.result()]
    assert replies[0].status_code == 200
    assert replies[1].status_code == 500 and replies[1].text == '{"message":"Internal Server Error"}'
    from localcloud.client import invocation

    note = invocation(cloud.port, replies[1].headers["apigw-requestid"])
    assert note is not None and "throttled" in note["note"], note


def test_a_function_url_past_reserved_concurrency_is_429(cloud: Any) -> None:
    """urls-configuration: requests beyond reserved concurrency (0: every
    one) get 429 (reference I5; the body is not recorded)."""
    from tests.functionurls import add_url

    name, _ = create_function(cloud, SLEEPER, timeout=30)
    lam = cloud.client("lambda")
    url_id = add_url(cloud, name)
    local = f"http://127.0.0.1:{cloud.port}/_aws/lambda-url/{url_id}/"
    assert httpx.post(local, json={"sleep": 0}, timeout=60).status_code == 200
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    refused = httpx.post(local, json={"sleep": 0}, timeout=60)
    assert refused.status_code == 429 and refused.headers["x-amzn-errortype"] == "TooManyRequestsException"
