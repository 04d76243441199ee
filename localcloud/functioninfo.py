"""What the runtime knows of one function version: the key of its pool of
workers (pool.py) and what its workers are started with (runtime.py). Its
own module so the pool needs nothing from the runtime."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

__all__ = ["FunctionInfo", "runtime_version_arn"]


def runtime_version_arn(region: str, runtime: str) -> str:
    """arn:aws:lambda:<region>::runtime:<64 hex>, one per runtime release on
    AWS (RuntimeVersionConfig in LocalStack's AWS-recorded snapshots; the
    INIT_START line names it too); a stable stand-in per runtime name here."""
    return f"arn:aws:lambda:{region}::runtime:{hashlib.sha256(runtime.encode()).hexdigest()}"


@dataclass(frozen=True)
class FunctionInfo:
    name: str
    arn: str
    region: str
    account: str
    runtime: str
    handler: str
    memory_mb: int
    timeout_s: int
    environment: tuple[tuple[str, str], ...]
    code_sha: str
    role: str = ""  # the execution role's ARN: its policies bound the handler's credentials
    ephemeral_mb: int = 512  # EphemeralStorage.Size: the /tmp the sandbox mounts
    log_format: str = "Text"  # LoggingConfig.LogFormat (lambda_logging.py)
    log_level: str = "INFO"  # LoggingConfig.ApplicationLogLevel, with JSON
    # Reserved concurrency (None: the account's unreserved pool). Not part of
    # the version's identity: changing it keeps the warm workers, as on AWS.
    reserved: int | None = field(default=None, compare=False)
    # The version that runs: "$LATEST" or a published version's number. A
    # published version's `arn` is qualified ("...:function:NAME:1"), so it
    # has its own pool of workers (runtime.py keys them by ARN).
    version: str = "$LATEST"
    # The ARN the caller named (an alias's, a version's, "...:$LATEST" or
    # the bare one; "" for `arn`): context.invoked_function_arn, and the
    # scope of the resource policy that applies (versions.py). Not part of
    # the version's identity: an alias and its version share one pool.
    named_arn: str = field(default="", compare=False)

    @property
    def function_arn(self) -> str:
        """The unqualified ARN: what all versions share (reserved concurrency
        is the function's, not a version's: the Lambda guide's
        configuration-concurrency)."""
        return self.arn if self.version == "$LATEST" else self.arn.rpartition(":")[0]

    @property
    def log_group(self) -> str:
        return f"/aws/lambda/{self.name}"
