"""Lambda functions: create (riding out IAM propagation), wait for Active,
update code and configuration in place, delete."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import NOT_FOUND, ROLE_NOT_ASSUMABLE, WizardError, call, translate
from .packaging import Package
from .paging import every
from .session import Cloud

# A new role takes a few seconds, rarely a minute, before Lambda can assume
# it (reference A4). Waits between CreateFunction attempts, then the last
# value repeats until the deadline.
RETRY_DELAYS: tuple[float, ...] = (1, 2, 3, 5)
RETRY_DEADLINE_S = 90.0

Notify = Callable[[str], None]


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    runtime: str
    architecture: str
    handler: str
    memory_mb: int
    timeout_s: int
    role_arn: str
    package: Package
    environment: dict[str, str] = field(default_factory=dict)
    ephemeral_mb: int = 512
    log_format: str = "Text"

    def configuration(self) -> dict[str, Any]:
        """The UpdateFunctionConfiguration arguments this spec implies."""
        return {
            "Runtime": self.runtime,
            "Handler": self.handler,
            "MemorySize": self.memory_mb,
            "Timeout": self.timeout_s,
            "Role": self.role_arn,
            "Environment": {"Variables": dict(self.environment)},
            "EphemeralStorage": {"Size": self.ephemeral_mb},
            "LoggingConfig": {"LogFormat": self.log_format},
        }


def get_function(cloud: Cloud, name: str) -> dict[str, Any] | None:
    """The function's configuration, or None if there is none."""
    try:
        reply = call(f"look up the function {name}", cloud.client("lambda").get_function, FunctionName=name)
    except WizardError as err:
        if err.code in NOT_FOUND:
            return None
        raise
    return reply["Configuration"]


def is_role_propagation(err: WizardError) -> bool:
    return err.code == "InvalidParameterValueException" and ROLE_NOT_ASSUMABLE in err.message


def create_function(
    cloud: Cloud, spec: FunctionSpec, notify: Notify = lambda _m: None, sleep: Callable[[float], None] = time.sleep
) -> dict[str, Any]:
    """CreateFunction, retried only on the IAM propagation error, with a
    deadline (the same message also means a really wrong role)."""
    started = time.monotonic()
    attempt = 0
    while True:
        attempt += 1
        try:
            return call(
                f"create the function {spec.name}",
                cloud.client("lambda").create_function,
                FunctionName=spec.name,
                Runtime=spec.runtime,
                Role=spec.role_arn,
                Handler=spec.handler,
                Code={"ZipFile": spec.package.zip_bytes},
                Description="Created with apigw-wizard",
                Timeout=spec.timeout_s,
                MemorySize=spec.memory_mb,
                Architectures=[spec.architecture],
                Environment={"Variables": dict(spec.environment)},
                EphemeralStorage={"Size": spec.ephemeral_mb},
                LoggingConfig={"LogFormat": spec.log_format},
                PackageType="Zip",
            )
        except WizardError as err:
            if not is_role_propagation(err):
                raise
            delay = RETRY_DELAYS[min(attempt - 1, len(RETRY_DELAYS) - 1)]
            elapsed = time.monotonic() - started
            if elapsed + delay > RETRY_DEADLINE_S:
                raise WizardError(
                    f"create the function {spec.name}",
                    err.code,
                    err.message,
                    f"Lambda still cannot assume the role after {elapsed:.0f} s: check that its trust "
                    "policy allows lambda.amazonaws.com, then retry.",
                ) from err
            notify(f"IAM role not yet assumable by Lambda (attempt {attempt}); retrying in {delay:g} s")
            sleep(delay)


def wait_active(cloud: Cloud, name: str) -> None:
    """Block until State is Active (function_active_v2: GetFunction each 1 s)."""
    _wait(cloud, "function_active_v2", name, f"wait for the function {name} to become Active")


def wait_updated(cloud: Cloud, name: str) -> None:
    _wait(cloud, "function_updated_v2", name, f"wait for the update of the function {name}")


def _wait(cloud: Cloud, waiter: str, name: str, action: str) -> None:
    from botocore.exceptions import WaiterError

    try:
        cloud.client("lambda").get_waiter(waiter).wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 300})
    except WaiterError as exc:
        last = exc.last_response or {}
        reason = (last.get("Configuration") or {}).get("StateReason") or str(exc)
        raise WizardError(
            action,
            "FunctionNotActive",
            reason,
            "Open the function's logs or state reason, fix the cause and deploy again.",
        ) from exc
    except Exception as exc:
        raise translate(exc, action) from exc


def configuration_changes(current: dict[str, Any], spec: FunctionSpec) -> list[str]:
    """Names of the settings that differ between AWS and the spec."""
    changes = []
    wanted = spec.configuration()
    for key in ("Runtime", "Handler", "MemorySize", "Timeout", "Role"):
        if current.get(key) != wanted[key]:
            changes.append(key)
    if (current.get("Environment") or {}).get("Variables", {}) != wanted["Environment"]["Variables"]:
        changes.append("Environment")
    if (current.get("EphemeralStorage") or {}).get("Size", 512) != spec.ephemeral_mb:
        changes.append("EphemeralStorage")
    if (current.get("LoggingConfig") or {}).get("LogFormat", "Text") != spec.log_format:
        changes.append("LoggingConfig")
    return changes


def update_code(cloud: Cloud, spec: FunctionSpec) -> dict[str, Any]:
    return call(
        f"update the code of the function {spec.name}",
        cloud.client("lambda").update_function_code,
        FunctionName=spec.name,
        ZipFile=spec.package.zip_bytes,
        Architectures=[spec.architecture],
    )


def update_configuration(cloud: Cloud, spec: FunctionSpec) -> dict[str, Any]:
    return call(
        f"update the configuration of the function {spec.name}",
        cloud.client("lambda").update_function_configuration,
        FunctionName=spec.name,
        **spec.configuration(),
    )


def delete_function(cloud: Cloud, name: str) -> None:
    call(f"delete the function {name}", cloud.client("lambda").delete_function, FunctionName=name)


def list_functions(cloud: Cloud) -> list[dict[str, Any]]:
    return every("list the Lambda functions", cloud.client("lambda"), "list_functions", "Functions")
