"""Warm invoke latency of a custom runtime behind the Runtime API
(localcloud/runtimeapi.py) against a Python function on the pipe path,
through the runtime alone (no HTTP in front). Prints figures.

    python bench/custom_runtime.py [--invokes 200]

bash: the bash + curl bootstrap of AWS's custom runtime tutorial (two curl
processes per invocation); ric: awslambdaric (keep-alive HTTP, if installed).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from localcloud import runtime as rt  # noqa: E402
from tests.customruntimes import BOOTSTRAP, FUNCTION  # noqa: E402

HELLO = "def lambda_handler(event, context):\n    return {'statusCode': 200, 'body': 'hi'}\n"
# A minimal runtime over one keep-alive connection: the Runtime API's own cost.
LOOP = """#!/usr/bin/env -S python3 -S
import http.client, os
conn = http.client.HTTPConnection(os.environ["AWS_LAMBDA_RUNTIME_API"])
while True:
    conn.request("GET", "/2018-06-01/runtime/invocation/next")
    reply = reply_body = conn.getresponse()
    event = reply.read()
    request_id = reply.getheader("Lambda-Runtime-Aws-Request-Id")
    conn.request("POST", f"/2018-06-01/runtime/invocation/{request_id}/response", body=event)
    conn.getresponse().read()
"""
RIC_HANDLER = "def handler(event, context):\n    return {'statusCode': 200, 'body': 'hi'}\n"


class Sink:
    def add(self, info, stream, lines) -> None:
        pass

    def add_report(self, info, stream, report) -> None:
        pass


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            entry = zipfile.ZipInfo(name)
            entry.external_attr = (0o100755 if name == "bootstrap" else 0o100644) << 16
            archive.writestr(entry, text)
    return buffer.getvalue()


def cases() -> dict[str, tuple[str, str, bytes]]:
    python = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    found = {
        "python": (python, "lambda_function.lambda_handler", zipped({"lambda_function.py": HELLO})),
        "bash": ("provided.al2023", "function.handler", zipped({"bootstrap": BOOTSTRAP, "function.sh": FUNCTION})),
    }
    found["loop"] = ("provided.al2023", "function.handler", zipped({"bootstrap": LOOP}))
    try:
        import awslambdaric
    except ImportError:
        return found
    site = os.path.dirname(os.path.dirname(awslambdaric.__file__))
    boot = f"#!/bin/sh\nPYTHONPATH={site} exec {os.path.realpath(sys.executable)} -m awslambdaric function.handler\n"
    found["ric"] = ("provided.al2023", "function.handler", zipped({"bootstrap": boot, "function.py": RIC_HANDLER}))
    return found


async def main(invokes: int) -> None:
    runtime = rt.Runtime(Path(tempfile.mkdtemp()), "http://127.0.0.1:1", Sink())  # type: ignore[arg-type]
    codes: dict[str, bytes] = {}
    runtime.code_loader = lambda info: codes[info.name]
    for n, (name, (runtime_name, handler, code)) in enumerate(cases().items()):
        codes[name] = code
        info = rt.FunctionInfo(
            name,
            f"arn:aws:lambda:us-east-1:123456789012:function:{name}",
            "us-east-1",
            "123456789012",
            runtime_name,
            handler,
            128,
            10,
            (),
            f"sha{n}",
        )
        started = time.perf_counter()
        first = await runtime.invoke(info, b'{"k": 1}')
        cold = (time.perf_counter() - started) * 1000
        assert first.error_type is None, first.payload
        times = []
        for _ in range(invokes):
            started = time.perf_counter()
            result = await runtime.invoke(info, b'{"k": 1}')
            times.append((time.perf_counter() - started) * 1000)
            assert result.error_type is None, result.payload
        times.sort()
        print(
            f"{name:7} cold {cold:7.1f} ms   warm median {statistics.median(times):6.2f} ms"
            f"   p90 {times[int(len(times) * 0.9)]:6.2f} ms"
        )
    runtime.shutdown()
    await asyncio.sleep(1)  # the workers are reaped


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--invokes", type=int, default=200)
    asyncio.run(main(parser.parse_args().invokes))
