"""Open-file limits: the local cloud holds a socket per WebSocket connection,
so it raises its soft limit to the hard one (cloud.more_open_files); its
handlers get Lambda's quota back (sandbox.py). AWS Lambda quotas: "File
descriptors 1,024" per execution environment."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.cloudproc import create_function


def test_the_cloud_raises_its_soft_limit_to_the_hard_one() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    script = (
        "import resource\n"
        "hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))  # a desktop's low default\n"
        "from localcloud.cloud import more_open_files\n"
        "more_open_files()\n"
        "print(resource.getrlimit(resource.RLIMIT_NOFILE)[0])\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=root, check=True)
    expected = hard if hard != resource.RLIM_INFINITY else 1 << 20
    assert int(out.stdout) == expected


def test_a_handler_gets_lambdas_1024_descriptors(cloud: Any) -> None:
    code = "import resource\ndef lambda_handler(e, c):\n    return resource.getrlimit(resource.RLIMIT_NOFILE)\n"
    name, _ = create_function(cloud, code)
    soft, hard = json.loads(cloud.client("lambda").invoke(FunctionName=name)["Payload"].read())
    assert soft == hard == min(1024, resource.getrlimit(resource.RLIMIT_NOFILE)[1])
