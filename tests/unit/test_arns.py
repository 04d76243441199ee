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


def test_every_region_botocore_knows_gets_the_partition_its_endpoint_data_gives() -> None:
    """partitions.json (the rulesets' table) and endpoints.json (the session's
    get_partition_for_region) agree for every region botocore lists."""
    import botocore.session

    session = botocore.session.get_session()
    regions = {
        region
        for name in session.get_available_partitions()
        for region in session.get_available_regions("lambda", partition_name=name)
    }
    assert len(regions) > 20
    for region in sorted(regions):
        assert arns.partition(region) == session.get_partition_for_region(region), region


@pytest.mark.parametrize(
    ("region", "partition"),
    [("us-isob-west-9", "aws-iso-b"), ("cn-south-7", "aws-cn"), ("ap-newplace-1", "aws"), ("nowhere", "aws")],
)
def test_a_region_newer_than_botocore_follows_the_partition_patterns(region: str, partition: str) -> None:
    assert arns.partition(region) == partition
