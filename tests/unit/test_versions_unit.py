"""versions.py and policy.scoped without a cloud: the names and URIs a
qualifier comes from, a weighted alias's draw, and which statements of
moto's one policy apply to which ARN."""

from __future__ import annotations

from localcloud import versions
from localcloud.apigatewayv2.policy import scoped
from localcloud.functioninfo import FunctionInfo

ARN = "arn:aws:lambda:us-east-1:123456789012:function:fn"


def _info(version: str) -> FunctionInfo:
    arn = ARN if version == "$LATEST" else f"{ARN}:{version}"
    return FunctionInfo("fn", arn, "us-east-1", "123456789012", "python3.12", "h", 128, 3, (), "sha", version=version)


def test_a_qualifier_comes_from_the_name_the_arn_or_api_gateways_uri() -> None:
    assert versions.split_arn("fn") == ("fn", None)
    assert versions.split_arn("fn:live") == ("fn", "live")
    assert versions.split_arn(ARN) == ("fn", None)
    assert versions.split_arn(f"{ARN}:7") == ("fn", "7")
    uri = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{ARN}:live/invocations"
    assert versions.split_arn(uri) == ("fn", "live")
    assert versions.split_arn(uri.replace(":live", "")) == ("fn", None)


def test_a_weighted_alias_draws_each_version_by_its_weight() -> None:
    versions._rand.seed(13)
    routing = versions.Routing(_info("1"), ((_info("2"), 0.25),))
    picks = [routing.pick().version for _ in range(20000)]
    assert abs(picks.count("2") / len(picks) - 0.25) < 0.02
    assert versions.Routing(_info("1")).pick().version == "1"  # no weights: always the alias's version
    assert versions.Routing(_info("1"), ((_info("2"), 1.0),)).pick().version == "2"


def test_the_metric_resource_is_the_qualifier_named_and_the_version_run() -> None:
    from dataclasses import replace

    assert versions.metric_resource(_info("$LATEST")) == ("", "$LATEST")
    assert versions.metric_resource(replace(_info("2"), named_arn=f"{ARN}:live")) == ("live", "2")
    assert versions.metric_resource(replace(_info("$LATEST"), named_arn=f"{ARN}:$LATEST")) == ("$LATEST", "$LATEST")


def test_a_statement_applies_to_the_arn_its_resource_names() -> None:
    """The Lambda guide, using-aliases: an alias's permission is for the
    alias ARN only, not the function nor the version it points at."""
    policy = {
        "Statement": [
            {"Sid": "fn", "Resource": ARN},
            {"Sid": "latest", "Resource": f"{ARN}:$LATEST"},
            {"Sid": "v1", "Resource": f"{ARN}:1"},
            {"Sid": "live", "Resource": f"{ARN}:live"},
        ]
    }

    def sids(named: str) -> list[str]:
        found = scoped(policy, named)
        return [s["Sid"] for s in (found or {}).get("Statement", [])]

    assert sids(ARN) == ["fn", "latest"]
    assert sids(f"{ARN}:$LATEST") == ["fn", "latest"]
    assert sids(f"{ARN}:1") == ["v1"]
    assert sids(f"{ARN}:live") == ["live"]
    assert scoped(None, ARN) is None


def test_every_version_shares_the_functions_arn_for_reserved_concurrency() -> None:
    # Reserved concurrency is the function's, shared by its versions (the Lambda
    # guide, configuration-concurrency): concurrency.py is keyed by this ARN.
    assert _info("2").arn == f"{ARN}:2"
    assert _info("2").function_arn == _info("$LATEST").function_arn == ARN
