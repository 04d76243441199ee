"""Handlers and clients that misbehave: each gets AWS's answer, the worker
is replaced where it has to be, and everyone else keeps being served."""

from __future__ import annotations

import concurrent.futures
import json
import socket
import time
from typing import Any

import httpx

from tests.cloudproc import create_function, deploy

FAST = "def lambda_handler(event, context):\n    return 'fast'\n"


def test_megabytes_of_output_are_bounded_and_the_request_still_answers(cloud: Any) -> None:
    api = deploy(
        cloud,
        "import sys\ndef lambda_handler(e, c):\n    print('x' * 10_000_000)\n"
        "    for i in range(200_000):\n        print(i)\n    return 'done'\n",
        timeout=20,
    )
    response = api.get("/echo")
    assert response.status_code == 200 and response.text == "done"
    lines = api.logs()
    assert any("log output over 4 MB was dropped" in line for line in lines)
    assert max(len(line) for line in lines) <= 256 * 1024  # one CloudWatch event's limit
    assert api.get("/echo").text == "done"  # the worker is still healthy


def test_allocating_past_the_memory_size_is_out_of_memory_and_the_worker_is_replaced(cloud: Any) -> None:
    code = (
        "import os\nBLOB = []\ndef lambda_handler(e, c):\n    if e.get('rawQueryString') == 'big':\n"
        "        BLOB.append(bytearray(300 * 1024 * 1024))\n    return os.getpid()\n"
    )
    api = deploy(cloud, code, memory=128, timeout=10)
    first = api.get("/echo").text
    response = api.get("/echo?big")
    assert response.status_code == 500 and response.text == '{"message":"Internal Server Error"}'
    assert api.get("/echo").text != first  # a fresh worker, without the 300 MB
    report = next(line for line in api.logs() if "Error Type: Runtime.OutOfMemory" in line)
    assert report.startswith("REPORT RequestId: ") and "Status: error" in report


def test_a_stuck_function_does_not_hold_up_another(cloud: Any) -> None:
    # The slow one sleeps 8 s so that "not held up" (20 answers in under 5 s)
    # keeps its meaning with wide headroom on a loaded 2-core machine.
    slow = deploy(cloud, "import time\ndef lambda_handler(e, c):\n    time.sleep(8)\n    return 'slow'\n", timeout=12)
    fast = deploy(cloud, FAST)
    fast.get("/echo")  # warm
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        stuck = [pool.submit(slow.get, "/echo") for _ in range(3)]
        time.sleep(0.2)
        started = time.perf_counter()
        answers = [fast.get("/echo") for _ in range(20)]
        elapsed = time.perf_counter() - started
        assert all(s.result().text == "slow" for s in stuck)
    assert all(a.text == "fast" for a in answers) and elapsed < 5.0


def test_malformed_http_gets_400(cloud: Any) -> None:
    with socket.create_connection(("127.0.0.1", cloud.port), timeout=5) as sock:
        sock.sendall(b"THIS IS NOT HTTP\r\n\x00\x01\x02\r\n\r\n")
        reply = sock.recv(1024)
    assert reply.startswith(b"HTTP/1.1 400")
    assert httpx.get(f"{cloud.endpoint}/_apigw-wizard/health").status_code == 200


def test_a_slow_client_does_not_block_others(cloud: Any) -> None:
    api = deploy(cloud, FAST)
    api.get("/echo")
    slow = socket.create_connection(("127.0.0.1", cloud.port), timeout=5)
    try:
        slow.sendall(
            b"POST /_aws/execute-api/" + api.api_id.encode() + b"/echo HTTP/1.1\r\nHost: x\r\n"
            b"Content-Length: 1000000\r\n\r\n" + b"a" * 10
        )  # and then nothing more
        started = time.perf_counter()
        for _ in range(10):
            assert api.get("/echo").text == "fast"
        assert time.perf_counter() - started < 1.0
    finally:
        slow.close()


def test_oversized_invoke_payload_is_refused_as_lambda_does(cloud: Any) -> None:
    import pytest

    name, _ = create_function(cloud, FAST)
    lam = cloud.client("lambda")
    # AWS answers 413 RequestEntityTooLargeException, a code botocore's model
    # lacks (awslabs/aws-athena-query-federation#793), so a plain ClientError.
    with pytest.raises(lam.exceptions.ClientError) as caught:
        lam.invoke(FunctionName=name, Payload=json.dumps({"x": "y" * 7_000_000}).encode())
    assert caught.value.response["Error"]["Code"] == "RequestEntityTooLargeException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
