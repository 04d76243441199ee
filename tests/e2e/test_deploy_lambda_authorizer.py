"""api.authorizer: {type: lambda} from the config, through `deploy`, `test`
and `destroy`, on a real local cloud (reference G2; the data plane's rules
are tested in test_local_lambda_authorizer.py):
- `code: sample` makes `<function>-authorizer` (the AWS docs' example
  authorizer: Authorization must be "secretToken"), a REQUEST authorizer
  with simple responses and API Gateway's permission to invoke it scoped to
  .../authorizers/<id>; `test` is 401 (no identity source), `test --token`
  200 and the function sees the authorizer's context;
- the caching TTL and identity source follow the config on a redeploy;
- your own code decides; dropping the key opens the route and deletes the
  authorizer, its function and its permission; destroy leaves nothing."""

from __future__ import annotations

import json
from pathlib import Path

import boto3

from tests.cloudproc import owner_kw
from tests.conftest import deploy_json, run_cli

SHOW = """import json


def lambda_handler(event, context):
    return {"statusCode": 200, "body": json.dumps(event["requestContext"].get("authorizer"))}
"""
OWN = """
def lambda_handler(event, context):
    return {"isAuthorized": event["queryStringParameters"].get("pass") == "1", "context": {"who": "own"}}
"""


def test_a_sample_lambda_authorizer_end_to_end(tmp_path: Path) -> None:
    from tests.conftest import free_port

    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "lambda_function.py").write_text(SHOW)
    (tmp_path / "auth.py").write_text(OWN)
    config = tmp_path / "c.yaml"
    port = str(free_port())
    where = ["--config", str(config), "--port", port, "--state-dir", str(tmp_path / "state")]
    base = "function:\n  code: code/lambda_function.py\n"
    try:
        config.write_text(base + "api:\n  authorizer: {type: lambda}\n")
        out = deploy_json(*where)
        assert "authorizer_function:my-function-authorizer" in out["created"]
        assert any(c.startswith("authorizer_permission:") for c in out["created"])
        kw = owner_kw(int(port))
        gw, lam = boto3.client("apigatewayv2", **kw), boto3.client("lambda", **kw)
        route = gw.get_routes(ApiId=out["api_id"])["Items"][0]
        assert route["AuthorizationType"] == "CUSTOM"
        found = gw.get_authorizer(ApiId=out["api_id"], AuthorizerId=route["AuthorizerId"])
        assert found["AuthorizerType"] == "REQUEST" and found["EnableSimpleResponses"] is True
        assert found["IdentitySource"] == ["$request.header.Authorization"]
        assert found["AuthorizerResultTtlInSeconds"] == 300
        policy = json.loads(lam.get_policy(FunctionName="my-function-authorizer")["Policy"])
        assert [s["Condition"]["ArnLike"]["AWS:SourceArn"] for s in policy["Statement"]] == [
            f"arn:aws:execute-api:us-east-1:{out['account']}:{out['api_id']}/authorizers/{route['AuthorizerId']}"
        ]

        # No Authorization header: the identity source is missing, 401 before the authorizer runs (G2).
        refused = run_cli("test", *where)
        assert refused.returncode == 1 and "401 Unauthorized" in refused.stdout, refused.stdout
        allowed = run_cli("test", "--token", "--json", *where)
        assert allowed.returncode == 0, allowed.stdout + allowed.stderr
        context = json.loads(json.loads(allowed.stdout)["body"])["lambda"]
        assert context["stringKey"] == "value" and context["numberKey"] == 1
        wrong = run_cli("test", "--header", "Authorization: nope", *where)
        assert wrong.returncode == 1 and "403 Forbidden" in wrong.stdout

        config.write_text(
            base + "api:\n  authorizer: {type: lambda, code: auth.py, handler: auth.lambda_handler,"
            " identity_source: [$request.querystring.pass], ttl_s: 0}\n"
        )
        proc = run_cli("deploy", "--yes", *where)
        assert proc.returncode == 0, proc.stderr
        assert (
            "Updated the Lambda authorizer" in proc.stderr
            and "Updated the code of my-function-authorizer" in proc.stderr
        )
        assert run_cli("test", "--path", "/my-function?pass=1", *where).returncode == 0
        no_token = run_cli("test", "--token", *where)
        assert no_token.returncode != 0 and "NoTestToken" in no_token.stderr + no_token.stdout

        config.write_text(base)
        proc = run_cli("deploy", "--yes", *where)
        assert proc.returncode == 0, proc.stderr
        assert "Deleted authorizer" in proc.stderr and "Deleted the authorizer function" in proc.stderr
        assert run_cli("test", *where).returncode == 0  # open again
        names = [f["FunctionName"] for f in lam.list_functions()["Functions"]]
        assert names == ["my-function"]
    finally:
        destroyed = run_cli("destroy", "--yes", *where)
        run_cli("local", "--stop", "--port", port)
    assert destroyed.returncode == 0, destroyed.stderr
