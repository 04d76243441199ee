"""The worker pool (pool.py) against the real local cloud under load: code
updates and failing handlers cost no other request its answer, and a call
that outgrows its memory is stopped while it runs. The pool's policy, driven
through the runtime alone: test_local_pool.py."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from tests.cloudproc import PLAIN


async def _load(url: str, clients: int, until: asyncio.Event, answers: list[tuple[int, str]]) -> None:
    import httpx

    async with httpx.AsyncClient(timeout=40, limits=httpx.Limits(max_connections=clients)) as client:

        async def one() -> None:
            while not until.is_set():
                response = await client.get(url)
                answers.append((response.status_code, response.text))

        await asyncio.gather(*(one() for _ in range(clients)))


def _wrk_errors(output: str) -> tuple[int, int, int]:
    """Requests, non-2xx answers and socket errors from wrk's summary."""
    import re

    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return requests, int(non_2xx.group(1)) if non_2xx else 0, sum(map(int, sockets.groups())) if sockets else 0


def test_code_updates_under_load_lose_no_request(cloud: Any) -> None:
    """Issue 9 (b): an update retired workers that were still running (or
    had queued) an invocation, which was then reported as
    Runtime.OutOfMemory. AWS never interrupts a running invocation. wrk
    (when installed) loads the function hard enough that every new version
    turns fast and queues calls on busy workers, which is where the race was;
    Python clients on 2 cores do not get there."""
    import shutil
    import subprocess

    from tests.cloudproc import deploy, zip_files

    api = deploy(cloud, PLAIN.replace("VERSION", "v0"), timeout=3)
    assert api.get("/echo").status_code == 200
    lam = cloud.client("lambda")
    answers: list[tuple[int, str]] = []

    def update_25_times() -> None:
        for n in range(1, 26):
            time.sleep(0.25)  # long enough for the new version to be warm and queueing
            lam.update_function_code(
                FunctionName=api.function, ZipFile=zip_files({"lambda_function.py": PLAIN.replace("VERSION", f"v{n}")})
            )

    if shutil.which("wrk"):
        wrk = subprocess.Popen(
            ["wrk", "-t2", "-c32", "-d12s", "--timeout", "10s", api.base + "/echo"], stdout=subprocess.PIPE, text=True
        )
        time.sleep(0.5)
        update_25_times()
        output = wrk.communicate(timeout=60)[0]
        requests, non_2xx, socket_errors = _wrk_errors(output)
        # A floor on the load, not a speed target: it fell to ~500 in 12 s with
        # other work on the 2 cores, and that still keeps 32 callers queueing.
        assert requests > 250 and non_2xx == 0 and socket_errors == 0, output
    else:

        async def scenario() -> None:
            done = asyncio.Event()
            load = asyncio.ensure_future(_load(api.base + "/echo", 32, done, answers))
            try:
                await asyncio.sleep(0.5)
                await asyncio.to_thread(update_25_times)
            finally:
                done.set()
                await load

        asyncio.run(scenario())
        bad = [a for a in answers if not 200 <= a[0] < 300]
        assert not bad, (len(answers), bad[:5])
    assert {api.get("/echo").text for _ in range(3)} == {"v25"}  # the last update is what runs now
    crashes = [line for line in api.logs() if "Status: error" in line]
    assert not crashes, crashes[:3]


def test_after_crash_timeout_and_out_of_memory_a_burst_answers_200(cloud: Any) -> None:
    """Each failure fails its own request only (500, as API Gateway answers
    a function error); the pool is left healthy: a concurrent burst on the
    same function answers 200 every time."""
    import httpx

    api = deploy_plain = __import__("tests.cloudproc", fromlist=["deploy"]).deploy(
        # 5 s: time enough for the 600 MB allocation on a loaded machine,
        # which a 1 s timeout turned into a timeout instead of the OOM.
        cloud,
        PLAIN.replace("VERSION", "ok"),
        timeout=5,
        memory=128,
    )
    del deploy_plain
    url = api.base + "/echo"

    async def burst(n: int) -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=40, limits=httpx.Limits(max_connections=n)) as client:
            return await asyncio.gather(*(client.get(url) for _ in range(n)))

    first = asyncio.run(burst(64))  # warm, fast, scaled out
    failures = {}
    for mode in ("crash", "timeout", "big", "crash", "big"):
        # A few calls first: the failing one lands on a worker that has
        # answered before (a worker's first call was always measured exactly).
        assert [api.get("/echo").status_code for _ in range(3)] == [200] * 3
        failures[mode] = api.get(f"/echo?{mode}")
        assert failures[mode].status_code == 500, (mode, failures[mode].text)
        assert failures[mode].json() == {"message": "Internal Server Error"}
    again = asyncio.run(burst(64))
    assert [r.status_code for r in first + again] == [200] * 128, [r.text for r in again if r.status_code != 200]
    reports = [line for line in api.logs() if line.startswith("REPORT")]
    assert sum("Error Type: Runtime.OutOfMemory" in line for line in reports) == 2  # the two "big" ones, nothing else
    assert sum("Status: timeout" in line for line in reports) == 1


def test_a_call_that_outgrows_its_memory_is_stopped_while_it_runs(cloud: Any) -> None:
    """Lambda stops an environment when it crosses its memory size, not
    when the handler returns: a handler that holds 300 MB (memory size 128)
    and then sleeps 20 s fails with Runtime.OutOfMemory long before."""
    import time

    from tests.cloudproc import create_function

    code = (
        "import time\nBLOB = []\ndef lambda_handler(e, c):\n    BLOB.append(bytearray(300 << 20))\n"
        "    time.sleep(20)\n    return 'survived'\n"
    )
    name, _ = create_function(cloud, code, timeout=30, memory=128)
    started = time.monotonic()
    reply = cloud.client("lambda").invoke(FunctionName=name, Payload=b"{}")
    took = time.monotonic() - started
    payload = json.loads(reply["Payload"].read())
    assert payload["errorType"] == "Runtime.OutOfMemory", payload
    assert took < 15, took  # the sleep alone is 20 s
    again = cloud.client("lambda").invoke(FunctionName=name, Payload=b"{}")
    assert json.loads(again["Payload"].read())["errorType"] == "Runtime.OutOfMemory"  # a new environment, same fate
