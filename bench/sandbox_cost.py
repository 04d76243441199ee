"""Cold-start cost of the handler sandbox (localcloud/sandbox.py), sandboxed
and unsandboxed side by side in one run, alternating. Prints figures.

    python bench/sandbox_cost.py [--rounds 15]

Init Duration is what the REPORT line says (spawn to handler imported);
first request is the whole first invoke of a new code version, as a client
waits for it (extraction and bytecode compile included).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from localcloud import runtime as rt  # noqa: E402

HELLO = "import json\ndef lambda_handler(event, context):\n    return {'statusCode': 200, 'body': json.dumps('hi')}\n"


class Sink:
    def __init__(self) -> None:
        self.reports: list = []

    def add(self, info, stream, lines) -> None:
        pass

    def add_report(self, info, stream, report) -> None:
        self.reports.append(report)


async def cold_start(sandboxed: bool, n: int) -> tuple[float, float]:
    rt.SANDBOX = sandboxed
    sink = Sink()
    runtime = rt.Runtime(Path(tempfile.mkdtemp()), "http://127.0.0.1:1", sink)  # type: ignore[arg-type]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("lambda_function.py", HELLO + f"# {n} {sandboxed}\n")
    runtime.code_loader = lambda _info: buf.getvalue()
    info = rt.FunctionInfo(
        f"f{n}",
        f"arn:aws:lambda:us-east-1:123456789012:function:f{n}",
        "us-east-1",
        "123456789012",
        f"python{sys.version_info[0]}.{sys.version_info[1]}",
        "lambda_function.lambda_handler",
        128,
        10,
        (),
        f"sha{n}{sandboxed}",
    )
    started = time.perf_counter()
    result = await runtime.invoke(info, b"{}")
    first_ms = (time.perf_counter() - started) * 1000
    assert result.error_type is None, result.payload
    runtime.shutdown()
    return sink.reports[0].init_ms or 0.0, first_ms


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    figures: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for n in range(rounds):
        for sandboxed in (False, True):
            figures[sandboxed].append(asyncio.run(cold_start(sandboxed, n)))
    print(f"cold start of the hello handler, median of {rounds} (p90 in brackets), ms")
    print(f"{'':14}{'Init Duration':>22}{'first request':>22}")
    for sandboxed in (False, True):
        init = sorted(f[0] for f in figures[sandboxed])
        first = sorted(f[1] for f in figures[sandboxed])
        p90 = lambda xs: xs[min(len(xs) - 1, int(len(xs) * 0.9))]  # noqa: E731
        print(
            f"{'sandboxed' if sandboxed else 'unsandboxed':14}{statistics.median(init):>14.1f} ({p90(init):5.1f})"
            f"{statistics.median(first):>14.1f} ({p90(first):5.1f})"
        )


if __name__ == "__main__":
    main()
