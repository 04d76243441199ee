"""function.publish and function.alias from the config, through `deploy`:
a version is published when the code changes and not when nothing did
(PublishVersion returns the last version then: its docs; moto behaves the
same), the alias follows the newest version, dropping the key deletes the
alias, destroy leaves nothing; exported as SAM's AutoPublishAlias. Run on
stock moto (the calls are the AWS API's) and on the local cloud."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import deploy_json, run_cli

HANDLER = 'def lambda_handler(event, context):\n    return "{}"\n'


def test_versions_and_an_alias_on_stock_moto(aws_env: dict[str, str], clients: dict[str, Any], tmp_path: Path) -> None:
    code = tmp_path / "code.py"
    code.write_text(HANDLER.format("v1"))
    config = tmp_path / "c.yaml"
    config.write_text(f"function:\n  code: {code}\n  handler: code.lambda_handler\n  publish: true\n  alias: live\n")
    where = ("--target", "aws", "--config", str(config))
    first = deploy_json(*where, env=aws_env)
    assert first["function_version"] == "1" and str(first["function_alias_arn"]).endswith(":my-function:live")
    lam = clients["lambda"]
    assert lam.get_alias(FunctionName="my-function", Name="live")["FunctionVersion"] == "1"
    same = deploy_json(*where, env=aws_env)
    assert same["function_version"] == "1" and "lambda_alias:my-function:live" not in same["updated"]
    code.write_text(HANDLER.format("v2"))
    second = deploy_json(*where, env=aws_env)
    assert second["function_version"] == "2" and "lambda_alias:my-function:live" in second["updated"]
    assert lam.get_alias(FunctionName="my-function", Name="live")["FunctionVersion"] == "2"
    config.write_text(f"function:\n  code: {code}\n  handler: code.lambda_handler\n  publish: true\n")
    proc = run_cli("deploy", "--yes", *where, env=aws_env)
    assert proc.returncode == 0 and "Deleted the alias live of my-function" in proc.stderr
    assert lam.list_aliases(FunctionName="my-function")["Aliases"] == []
    assert run_cli("destroy", "--yes", *where, env=aws_env).returncode == 0
    assert lam.list_functions()["Functions"] == []


def test_a_bad_alias_names_the_rule(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("function:\n  alias: '42'\n")
    proc = run_cli("deploy", "--yes", "--config", str(config), "--state-dir", str(tmp_path / "s"))
    assert proc.returncode == 2 and "function.alias: '42' is not an alias name" in proc.stderr, proc.stderr
