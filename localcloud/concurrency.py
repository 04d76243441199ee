"""How many invocations may run at once, counted as Lambda counts them: a
function with reserved concurrency (PutFunctionConcurrency) has exactly
that many; the others share the account's unreserved pool. One more is not
queued but throttled at once, as on AWS: Invoke answers 429
TooManyRequestsException with the reason (the Invoke API reference:
ReservedFunctionConcurrentInvocationLimitExceeded for a function's own
limit, ConcurrentInvocationLimitExceeded for the account's; the body as
AWS sends it, recorded in erlcloud's tests: {"Reason": ...,
"Type": "User", "message": "Rate Exceeded."}); reserved concurrency 0
throttles every invoke (the console's "deactivate").

The account's limit is 1,000 on AWS. Here each running invocation is a
worker process (about 25-35 MB), so the local account is sized to the
machine: ACCOUNT_LIMIT = min(1000, available memory / 64 MB), at least 32.
Within it every concurrent request gets its own execution environment,
up to the function's limit (pool.py starts them)."""

from __future__ import annotations

import json
import os

AWS_ACCOUNT_LIMIT = 1000  # concurrent executions per Region (Lambda quotas page)
MB_PER_ENVIRONMENT = 64
MIN_ACCOUNT_LIMIT = 32


def _available_mb() -> int:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // (1024 * 1024) // 2
    except (OSError, ValueError):
        return MIN_ACCOUNT_LIMIT * MB_PER_ENVIRONMENT


ACCOUNT_LIMIT = max(MIN_ACCOUNT_LIMIT, min(AWS_ACCOUNT_LIMIT, _available_mb() // MB_PER_ENVIRONMENT))


class Throttled(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    def body(self) -> bytes:
        return json.dumps({"Reason": self.reason, "Type": "User", "message": "Rate Exceeded."}).encode()


class Concurrency:
    """In-flight invocations per function and in the unreserved pool."""

    def __init__(self, account_limit: int = ACCOUNT_LIMIT):
        self.account_limit = account_limit
        self.unreserved = 0
        self.in_flight: dict[str, int] = {}  # function ARN -> invocations running or waiting for a worker

    def enter(self, arn: str, reserved: int | None) -> bool:
        """Count one invocation in; raises Throttled. True: it took a slot
        of the unreserved pool (leave() must know)."""
        running = self.in_flight.get(arn, 0)
        if reserved is not None:
            if running >= reserved:
                raise Throttled("ReservedFunctionConcurrentInvocationLimitExceeded")
        elif self.unreserved >= self.account_limit:
            raise Throttled("ConcurrentInvocationLimitExceeded")
        self.in_flight[arn] = running + 1
        if reserved is None:
            self.unreserved += 1
            return True
        return False

    def leave(self, arn: str, unreserved: bool) -> None:
        left = self.in_flight.get(arn, 1) - 1
        if left:
            self.in_flight[arn] = left
        else:
            self.in_flight.pop(arn, None)
        if unreserved:
            self.unreserved -= 1
