"""The local cloud's CloudWatch metrics end to end: a real `apigw-wizard
local` process, 100 requests sent by the Monitor step's load
(tui/services/load.py), then the figures read back through the wizard's
service layer (tui/services/metrics.py, one GetMetricData) as on AWS.

Expected figures, from AWS docs "Monitor HTTP API metrics" (Count: total
API requests; 4xx: client-side errors, a request to a route that does not
exist is a 404 from API Gateway) and "Types of metrics for Lambda
functions" (Invocations: every invoke, function errors included)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.cloudproc import ECHO, LocalCloudProcess, deploy
from tui.services import load, metrics


class Cloud:
    """The service layer's view of a cloud: clients by service name."""

    def __init__(self, cloud: LocalCloudProcess):
        self.cloud = cloud

    def client(self, service: str) -> Any:
        return self.cloud.client(service)


@pytest.fixture(scope="module")
def local_cloud(tmp_path_factory: pytest.TempPathFactory) -> Any:
    running = LocalCloudProcess(tmp_path_factory.mktemp("monitor-cloud")).start()
    yield running
    running.stop()


def test_hundred_requests_are_read_back_as_cloudwatch_metrics(local_cloud: LocalCloudProcess) -> None:
    app = deploy(local_cloud, ECHO)
    sent = load.send(app.base + "/echo", 100)
    assert sent.statuses == {200: 100}
    for _ in range(5):
        assert app.get("/no-such-route").status_code == 404  # API Gateway's own 404: no route matches

    deadline = time.monotonic() + 20
    while True:
        read = metrics.read(Cloud(local_cloud), app.api_id, app.stage, app.function, minutes=5)  # type: ignore[arg-type]
        if read["count"].total >= 105 and read["invocations"].total >= 100 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert read["count"].total == 105
    assert read["client_errors"].total == 5
    assert read["server_errors"].total == 0
    assert read["invocations"].total == 100  # the 404s never reached the function
    assert read["errors"].total == 0
    assert read["throttles"].total == 0
    p50, p99 = read["latency_p50"].latest, read["latency_p99"].latest
    assert p50 is not None and p99 is not None and 0 < p50 <= p99
    assert read["integration_p50"].latest is not None
    assert read["duration"].latest is not None and read["duration"].latest > 0

    # Another function's figures stay its own (FunctionName dimension).
    other = metrics.read(Cloud(local_cloud), "nope", "$default", "no-such-function", minutes=5)  # type: ignore[arg-type]
    assert not other.has_data
