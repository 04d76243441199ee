"""api.authorizer from the config, through `deploy` and `test`, on a real
local cloud (reference G1, G3; the data plane's rules are tested in
test_local_jwt.py and test_local_iam_auth.py):
- `issuer: local-cognito` makes a user pool, app client and test user, and a
  JWT authorizer on the routes; `test` without a token is 401, `test --token`
  signs in as the test user and the function sees its claims; a scope the
  token lacks is 403; dropping the key opens the routes and deletes them.
- `type: iam`: `test` is 403, `test --sign` (SigV4 with the target's keys) 200."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import deploy_json, free_port, run_cli

SHOW = """import json


def lambda_handler(event, context):
    return {"statusCode": 200, "body": json.dumps(event["requestContext"].get("authorizer"))}
"""


def setup(tmp_path: Path) -> tuple[Path, list[str], str]:
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "lambda_function.py").write_text(SHOW)
    config = tmp_path / "c.yaml"
    port = str(free_port())
    return config, ["--config", str(config), "--port", port, "--state-dir", str(tmp_path / "state")], port


def test_a_local_cognito_jwt_authorizer_end_to_end(tmp_path: Path) -> None:
    config, where, port = setup(tmp_path)
    base = "function:\n  code: code/lambda_function.py\n"
    try:
        config.write_text(base + "api:\n  authorizer: {type: jwt, issuer: local-cognito}\n")
        out = deploy_json(*where)
        assert str(out["jwt_issuer"]).startswith("https://cognito-idp.us-east-1.amazonaws.com/")
        assert any(c.startswith("cognito_user_pool:") for c in out["created"])
        assert any(c.startswith("apigw_authorizer:") for c in out["created"])

        refused = run_cli("test", *where)
        assert refused.returncode == 1 and "401 Unauthorized" in refused.stdout
        assert '{"message":"Unauthorized"}' in refused.stdout

        allowed = run_cli("test", "--token", "--json", *where)
        assert allowed.returncode == 0, allowed.stderr
        reply = json.loads(allowed.stdout)
        claims = json.loads(reply["body"])["jwt"]["claims"]
        assert claims["iss"] == out["jwt_issuer"] and claims["username"] == "test-user"
        assert "password" not in allowed.stdout + allowed.stderr  # the secret stays in the ledger

        config.write_text(base + "api:\n  authorizer: {type: jwt, issuer: local-cognito, scopes: [orders/read]}\n")
        assert run_cli("deploy", "--yes", *where).returncode == 0
        scoped = run_cli("test", "--token", *where)
        assert scoped.returncode == 1 and "403 Forbidden" in scoped.stdout

        config.write_text(base)
        dropped = run_cli("deploy", "--yes", *where)
        assert dropped.returncode == 0, dropped.stderr
        assert "Deleted authorizer" in dropped.stderr and "Deleted user pool" in dropped.stderr
        assert run_cli("test", *where).returncode == 0  # open again
    finally:
        destroyed = run_cli("destroy", "--yes", *where)
        run_cli("local", "--stop", "--port", port)
    assert destroyed.returncode == 0, destroyed.stderr


def test_an_iam_authorizer_needs_a_signed_request(tmp_path: Path) -> None:
    config, where, port = setup(tmp_path)
    try:
        config.write_text("function:\n  code: code/lambda_function.py\napi:\n  authorizer: {type: iam}\n")
        deploy_json(*where)
        unsigned = run_cli("test", *where)
        assert unsigned.returncode == 1 and "403 Forbidden" in unsigned.stdout
        assert "Missing Authentication Token" in unsigned.stdout
        signed = run_cli("test", "--sign", "--json", *where)
        assert signed.returncode == 0, signed.stdout + signed.stderr
        assert json.loads(json.loads(signed.stdout)["body"])["iam"]["accountId"] == "123456789012"
    finally:
        run_cli("destroy", "--yes", *where)
        run_cli("local", "--stop", "--port", port)
