"""Hot reload: from a file's save to the first answer with the new code.
Prints figures; asserts nothing.

    python bench/hot_reload.py [--saves 20]

A folder function deployed to a fresh local cloud; `apigw-wizard local
--watch` on its folder; each save writes a new body and a client polls the
invoke URL until it answers with it. The reference, in the same run: the
same change made without the watcher, by running `apigw-wizard deploy`
and then requesting (what a user does otherwise). The target is 300 ms.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.local_cloud import free_port, wizard  # noqa: E402

HANDLER = 'def lambda_handler(event, context):\n    return {{"statusCode": 200, "body": "v{n}"}}\n'


def until_body(url: str, body: str, started: float) -> float:
    with httpx.Client(timeout=30) as client:
        while client.get(url).text != body:
            if time.monotonic() - started > 30:
                raise SystemExit(f"{body} not served within 30 s")
    return (time.monotonic() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--saves", type=int, default=20)
    args = parser.parse_args()
    port = str(free_port())
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        code, config = work / "code", work / "c.yaml"
        code.mkdir()
        (code / "lambda_function.py").write_text(HANDLER.format(n=0))
        config.write_text("function:\n  name: bench-hot\n  code: code\napi:\n  name: bench-hot-api\n")
        where = ["--port", port, "--state-dir", str(work / "state")]
        deploy = [*wizard(), "deploy", "--yes", "--json", "--config", str(config), *where]
        out = subprocess.run(deploy, capture_output=True, text=True, check=True)
        import json

        url = json.loads(out.stdout)["test_url"]
        watched, redeployed = [], []
        try:
            for n in range(1, args.saves + 1):  # the reference: save, deploy, request
                (code / "lambda_function.py").write_text(HANDLER.format(n=f"d{n}"))
                started = time.monotonic()
                subprocess.run(deploy, capture_output=True, check=True)
                redeployed.append(until_body(url, f"vd{n}", started))
                if n >= 3:
                    break  # a deploy takes ~a second: three are enough for its median
            watcher = subprocess.Popen(
                [*wizard(), "local", "--watch", str(code), *where], stdout=subprocess.PIPE, text=True
            )
            assert watcher.stdout is not None
            for line in watcher.stdout:
                if line.startswith("Save a file"):
                    break
            try:
                for n in range(1, args.saves + 1):
                    (code / "lambda_function.py").write_text(HANDLER.format(n=n))
                    watched.append(until_body(url, f"v{n}", time.monotonic()))
                    time.sleep(0.3)
            finally:
                watcher.send_signal(signal.SIGINT)
                watcher.wait(timeout=30)
        finally:
            subprocess.run([*wizard(), "local", "--stop", "--port", port], capture_output=True)
    watched.sort()
    print(f"save -> first answer with the new code, {len(watched)} saves:")
    print(
        f"  --watch:            median {median(watched):6.0f} ms, p90 {watched[int(len(watched) * 0.9) - 1]:6.0f} ms,"
        f" max {watched[-1]:6.0f} ms (target 300 ms)"
    )
    print(f"  deploy, then GET:   median {median(redeployed):6.0f} ms ({len(redeployed)} runs)")
    print(f"  ratio:              {median(watched) / median(redeployed):.2f} of a redeploy's time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
