"""ARNs carry the region's partition. Source: AWS General Reference, "Amazon
Resource Names (ARNs)": partition is aws, aws-cn (China), aws-us-gov
(GovCloud); botocore's endpoints.json lists each partition's regions."""

from __future__ import annotations

import pytest

from awsrules import arns
from tui.config import Config
from tui.stack.cli_equivalent import commands


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("us-east-1", "aws"),
        ("eu-west-3", "aws"),
        ("cn-north-1", "aws-cn"),
        ("cn-northwest-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
        ("us-gov-east-1", "aws-us-gov"),
    ],
)
def test_partition_comes_from_botocore(region: str, partition: str) -> None:
    assert arns.partition(region) == partition
    assert arns.function_arn(region, "123456789012", "f") == f"arn:{partition}:lambda:{region}:123456789012:function:f"
    assert arns.role_arn(region, "123456789012", "r") == f"arn:{partition}:iam::123456789012:role/r"


def test_the_cli_view_writes_govcloud_arns() -> None:
    text = commands(Config(region="us-gov-west-1"))
    assert "arn:aws:" not in text and "arn:aws-us-gov:execute-api:us-gov-west-1:" in text
