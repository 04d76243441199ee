"""Lambda versions and aliases: PublishVersion (AWS publishes nothing new
when the code and configuration are unchanged since the last version, and
answers with that version: PublishVersion's docs), and the alias that
points at one."""

from __future__ import annotations

from typing import Any

from .errors import NOT_FOUND, WizardError, call
from .session import Cloud


def publish(cloud: Cloud, function: str) -> dict[str, Any]:
    return call(
        f"publish a version of the function {function}",
        cloud.client("lambda").publish_version,
        FunctionName=function,
    )


def get_alias(cloud: Cloud, function: str, name: str) -> dict[str, Any] | None:
    try:
        return call(
            f"look up the alias {name} of {function}",
            cloud.client("lambda").get_alias,
            FunctionName=function,
            Name=name,
        )
    except WizardError as err:
        if err.code in NOT_FOUND:
            return None
        raise


def create_alias(cloud: Cloud, function: str, name: str, version: str) -> dict[str, Any]:
    return call(
        f"create the alias {name} of {function}",
        cloud.client("lambda").create_alias,
        FunctionName=function,
        Name=name,
        FunctionVersion=version,
    )


def update_alias(cloud: Cloud, function: str, name: str, version: str) -> dict[str, Any]:
    return call(
        f"point the alias {name} of {function} at version {version}",
        cloud.client("lambda").update_alias,
        FunctionName=function,
        Name=name,
        FunctionVersion=version,
    )


def delete_alias(cloud: Cloud, function: str, name: str) -> None:
    try:
        call(
            f"delete the alias {name} of {function}",
            cloud.client("lambda").delete_alias,
            FunctionName=function,
            Name=name,
        )
    except WizardError as err:
        if err.code not in NOT_FOUND:
            raise
