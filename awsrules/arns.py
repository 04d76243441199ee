"""ARNs with the region's partition (aws, aws-cn, aws-us-gov, ...), taken
from botocore's endpoint data rather than assumed: `us-gov-*` and `cn-*`
regions are accepted, and their ARNs do not start with `arn:aws:`."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=64)
def partition(region: str) -> str:
    """The partition botocore's endpoint data puts `region` in."""
    import botocore.session

    try:
        return str(botocore.session.get_session().get_partition_for_region(region))
    except Exception:  # botocore raises for a region it has never heard of
        # Its partitions' region patterns, for regions newer than this botocore.
        for prefix, name in (
            ("cn-", "aws-cn"),
            ("us-gov-", "aws-us-gov"),
            ("us-isob-", "aws-iso-b"),
            ("us-iso-", "aws-iso"),
            ("eu-isoe-", "aws-iso-e"),
            ("us-isof-", "aws-iso-f"),
        ):
            if region.startswith(prefix):
                return name
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
