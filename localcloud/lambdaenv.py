"""The environment a Lambda execution environment starts with: what
Lambda sets (reference C2), plus the function's own variables; nothing of
the host's, and the execution role's credentials for the local cloud."""

from __future__ import annotations

import os
from pathlib import Path

from .functioninfo import FunctionInfo


def lambda_environment(
    info: FunctionInfo, stream: str, task_root: Path, endpoint: str, home: str, role: tuple[str, str, str]
) -> dict[str, str]:
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "HOME": home,
        "_HANDLER": info.handler,
        "AWS_REGION": info.region,
        "AWS_DEFAULT_REGION": info.region,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{info.runtime}",
        "AWS_LAMBDA_FUNCTION_NAME": info.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(info.memory_mb),
        "AWS_LAMBDA_FUNCTION_VERSION": info.version,  # "1" for a published version (reference C2)
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_LAMBDA_LOG_GROUP_NAME": info.log_group,
        "AWS_LAMBDA_LOG_STREAM_NAME": stream,
        # A custom runtime's worker points it at the environment's own Runtime
        # API (custombootstrap.py); a Python handler's calls come down a pipe,
        # and it names the cloud's endpoint, which serves no Runtime API.
        "AWS_LAMBDA_RUNTIME_API": endpoint.removeprefix("http://"),
        "LAMBDA_TASK_ROOT": str(task_root),
        "LAMBDA_RUNTIME_DIR": str(Path(__file__).parent),  # where worker.py lives
        # X-Ray, as Lambda's Python runtime sets it (LocalStack's AWS-recorded
        # test_introspection_invoke[python3.12], 2026-01-12): the daemon on
        # the Runtime API's host, port 2000; _X_AMZN_TRACE_ID is per call (worker.py).
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
        "_AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1",
        "_AWS_XRAY_DAEMON_PORT": "2000",
        # The execution role's session credentials (rolecreds.py): the
        # local cloud lets them do what the role's policies allow.
        "AWS_ACCESS_KEY_ID": role[0],
        "AWS_ACCESS_KEY": role[0],
        "AWS_SECRET_ACCESS_KEY": role[1],
        "AWS_SESSION_TOKEN": role[2],
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    if info.log_format == "JSON":  # what awslambdaric reads for its JSON logs (reference L2)
        env["AWS_LAMBDA_LOG_FORMAT"] = "JSON"
        env["AWS_LAMBDA_LOG_LEVEL"] = info.log_level
    env.update(dict(info.environment))
    return env
