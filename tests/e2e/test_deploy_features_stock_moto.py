"""The same config with CORS, stage settings, access logs and a local-cognito JWT
authorizer deploys to stock moto (`--target aws` + AWS_ENDPOINT_URL), with
the resources AWS would have, and destroy leaves nothing: the calls are the
AWS API's, not the local cloud's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3

from tests.conftest import deploy_json, run_cli

CONFIG = """api:
  cors: {allow_origins: [https://app.example.com], allow_methods: [GET]}
  throttling: {burst: 5, rate: 1}
  stage_variables: {table: orders}
  access_log: json
  authorizer: {type: jwt, issuer: local-cognito, scopes: [orders/read]}
"""


def test_a_config_with_every_http_api_feature_deploys_to_stock_moto_and_destroys_clean(
    aws_env: dict[str, str], clients: dict[str, Any], tmp_path: Path
) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(CONFIG)
    where = ("--target", "aws", "--config", str(config))
    out = deploy_json(*where, env=aws_env)
    gw = clients["apigatewayv2"]
    api = gw.get_api(ApiId=out["api_id"])
    assert api["CorsConfiguration"]["AllowOrigins"] == ["https://app.example.com"]
    stage = gw.get_stage(ApiId=out["api_id"], StageName="$default")
    assert stage["DefaultRouteSettings"]["ThrottlingBurstLimit"] == 5
    assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] == 1
    assert stage["StageVariables"] == {"table": "orders"}
    group = "/aws/apigateway/my-http-api/access-logs"
    assert stage["AccessLogSettings"]["DestinationArn"].endswith(f":log-group:{group}")
    logs = boto3.client("logs", endpoint_url=aws_env["AWS_ENDPOINT_URL"], region_name="us-east-1")
    assert [g["logGroupName"] for g in logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]] == [group]
    route = gw.get_routes(ApiId=out["api_id"])["Items"][0]
    assert route["AuthorizationType"] == "JWT" and route["AuthorizationScopes"] == ["orders/read"]
    authorizer = gw.get_authorizer(ApiId=out["api_id"], AuthorizerId=route["AuthorizerId"])
    assert authorizer["JwtConfiguration"]["Issuer"] == out["jwt_issuer"]
    idp = boto3.client("cognito-idp", endpoint_url=aws_env["AWS_ENDPOINT_URL"], region_name="us-east-1")
    pools = idp.list_user_pools(MaxResults=60)["UserPools"]
    assert len(pools) == 1 and out["jwt_issuer"].endswith(pools[0]["Id"])
    policy = clients["lambda"].get_policy(FunctionName="my-function")["Policy"]
    assert out["api_id"] in policy  # the invoke permission, scoped to this API

    proc = run_cli("destroy", "--yes", *where, env=aws_env)
    assert proc.returncode == 0, proc.stderr
    assert gw.get_apis()["Items"] == []
    assert idp.list_user_pools(MaxResults=60)["UserPools"] == []
    assert clients["lambda"].list_functions()["Functions"] == []
    assert clients["iam"].list_roles()["Roles"] == []
    assert logs.describe_log_groups()["logGroups"] == []


def test_a_lambda_authorizer_deploys_to_stock_moto_and_destroys_clean(
    aws_env: dict[str, str], clients: dict[str, Any], tmp_path: Path
) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("api:\n  authorizer: {type: lambda, ttl_s: 0}\n")
    where = ("--target", "aws", "--config", str(config))
    out = deploy_json(*where, env=aws_env)
    gw, lam = clients["apigatewayv2"], clients["lambda"]
    route = gw.get_routes(ApiId=out["api_id"])["Items"][0]
    assert route["AuthorizationType"] == "CUSTOM"
    authorizer = gw.get_authorizer(ApiId=out["api_id"], AuthorizerId=route["AuthorizerId"])
    assert authorizer["AuthorizerType"] == "REQUEST" and authorizer["AuthorizerResultTtlInSeconds"] == 0
    assert "my-function-authorizer" in authorizer["AuthorizerUri"]
    policy = lam.get_policy(FunctionName="my-function-authorizer")["Policy"]
    assert f"{out['api_id']}/authorizers/{route['AuthorizerId']}" in policy

    proc = run_cli("destroy", "--yes", *where, env=aws_env)
    assert proc.returncode == 0, proc.stderr
    assert gw.get_apis()["Items"] == [] and lam.list_functions()["Functions"] == []
