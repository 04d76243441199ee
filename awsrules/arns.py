"""ARNs with the region's partition (aws, aws-cn, aws-us-gov, ...), taken
from botocore's endpoint data rather than assumed: `us-gov-*` and `cn-*`
regions are accepted, and their ARNs do not start with `arn:aws:`."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _partitions() -> list[dict[str, Any]]:
    """botocore's partitions.json (7 KB), the table its endpoint rulesets'
    aws.partition function reads; not endpoints.json (1.2 MB), whose parse
    held the GIL for 100-200 ms and froze the wizard's keys while it ran."""
    import json
    from pathlib import Path

    import botocore

    found: list[dict[str, Any]] = json.loads((Path(botocore.__file__).parent / "data" / "partitions.json").read_text())[
        "partitions"
    ]
    return found


@lru_cache(maxsize=64)
def partition(region: str) -> str:
    """The partition `region` is in, resolved as botocore's endpoint
    rulesets do (aws.partition): a region listed by a partition, else the
    first whose regionRegex matches, else "aws"."""
    import re

    partitions = _partitions()
    for entry in partitions:
        if region in entry.get("regions", {}):
            return str(entry["id"])
    for entry in partitions:
        if re.match(entry["regionRegex"], region):
            return str(entry["id"])
    return "aws"


def arn(service: str, region: str, account: str, resource: str, *, partition_region: str | None = None) -> str:
    """arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE. Global services (IAM)
    pass region="" and the stack's region as partition_region."""
    return f"arn:{partition(partition_region or region)}:{service}:{region}:{account}:{resource}"


def function_arn(region: str, account: str, name: str) -> str:
    return arn("lambda", region, account, f"function:{name}")


def role_arn(region: str, account: str, path_and_name: str) -> str:
    """path_and_name: `service-role/NAME` or `NAME`."""
    return arn("iam", "", account, f"role/{path_and_name}", partition_region=region)


def policy_arn(region: str, account: str, path_and_name: str) -> str:
    return arn("iam", "", account, f"policy/{path_and_name}", partition_region=region)


def execute_api_arn(region: str, account: str, api_id: str, rest: str) -> str:
    """The source ARN API Gateway invokes with: API id / stage / method / path."""
    return arn("execute-api", region, account, f"{api_id}/{rest}")


def logs_arn(region: str, account: str, resource: str) -> str:
    return arn("logs", region, account, resource)
