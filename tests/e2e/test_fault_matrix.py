"""Faults injected by a real proxy in front of the local cloud into every
call of the plan and of the clean up. Transient faults are ridden out with
no duplicate; permanent ones stop with a clear message, the ledger holds
all that was created, and destroy then leaves nothing."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.faultproxy import Proxy
from tui.config import Config
from tui.stack.engine import Deployer
from tui.stack.scope import open_ledger
from tui.stack.destroy import destroy
from tui.services import functions
from tui.services.errors import WizardError
from tui.services.session import Cloud, Target

CREATES = [
    "CreateRole",
    "CreatePolicy",
    "AttachRolePolicy",
    "CreateFunction",
    "CreateApi",
    "CreateIntegration",
    "CreateRoute",
    "CreateStage",
    "AddPermission",
]
DELETES = ["DeleteApi", "DeleteFunction", "DeleteLogGroup", "DetachRolePolicy", "DeletePolicy", "DeleteRole"]


@pytest.fixture
def proxy(cloud: Any) -> Iterator[Proxy]:
    running = Proxy(cloud.port).start()
    yield running
    running.stop()


def stack_config() -> Config:
    suffix = uuid.uuid4().hex[:6]
    config = Config()
    return Config(
        function=type(config.function)(name=f"fm-{suffix}"),
        api=type(config.api)(name=f"fm-api-{suffix}", routes=(f"ANY /fm-{suffix}",)),
    )


def inventory(cloud: Any, config: Config) -> dict[str, int]:
    """How many of each resource this stack has in the cloud."""
    name = config.function.name
    iam, lam, apigw = cloud.client("iam"), cloud.client("lambda"), cloud.client("apigatewayv2")
    apis = [a for a in apigw.get_apis()["Items"] if a["Name"] == config.api.name]
    counts = {
        "roles": sum(r["RoleName"].startswith(f"{name}-role-") for r in iam.list_roles()["Roles"]),
        "functions": sum(f["FunctionName"] == name for f in lam.list_functions()["Functions"]),
        "apis": len(apis),
        "integrations": sum(len(apigw.get_integrations(ApiId=a["ApiId"])["Items"]) for a in apis),
        "routes": sum(len(apigw.get_routes(ApiId=a["ApiId"])["Items"]) for a in apis),
        "stages": sum(len(apigw.get_stages(ApiId=a["ApiId"])["Items"]) for a in apis),
    }
    try:
        counts["permissions"] = len(json.loads(lam.get_policy(FunctionName=name)["Policy"])["Statement"])
    except lam.exceptions.ResourceNotFoundException:
        counts["permissions"] = 0
    return counts


def policies_for(cloud: Any, ledger: Any) -> list[str]:
    names = {r.id for r in ledger.all("AWS::IAM::ManagedPolicy")}
    return [
        p["PolicyName"]
        for p in cloud.client("iam").list_policies(Scope="Local")["Policies"]
        if p["PolicyName"] in names
    ]


ONE_EACH = {"roles": 1, "functions": 1, "apis": 1, "integrations": 1, "routes": 1, "stages": 1, "permissions": 1}
NONE = {k: 0 for k in ONE_EACH}


def run(proxy: Proxy, config: Config, tmp_path: Path, read_timeout: float = 65.0) -> tuple[Cloud, Any, Deployer]:
    from localcloud import owner

    creds = owner.load()
    assert creds is not None
    cloud = Cloud(
        Target(
            "local",
            "us-east-1",
            endpoint_url=proxy.endpoint,
            read_timeout_s=read_timeout,
            access_key=creds.access_key_id,
            secret_key=creds.secret_access_key,
        )
    )
    ledger = open_ledger(cloud, config, tmp_path)
    return cloud, ledger, Deployer(cloud, config, ledger)


@pytest.mark.parametrize("call", CREATES)
@pytest.mark.parametrize("fault", ["throttle", "drop", "lost", "conflict"])
def test_transient_faults_are_ridden_out_with_no_duplicate(
    cloud: Any, proxy: Proxy, tmp_path: Path, call: str, fault: str
) -> None:
    if fault == "conflict" and call == "AttachRolePolicy":
        pytest.skip("attaching is not a create: there is nothing to conflict with")
    config = stack_config()
    proxy.inject(call, fault)
    wiz_cloud, ledger, deployer = run(proxy, config, tmp_path)
    result = deployer.run()
    assert proxy.rules[0].seen == 1, f"{call} was never called"
    assert inventory(cloud, config) == ONE_EACH
    assert len(policies_for(cloud, ledger)) == 1
    assert result.invoke_url and not any(r.extra.get("pending") for r in ledger.resources)
    destroy(wiz_cloud, ledger)
    assert inventory(cloud, config) == NONE and ledger.resources == []


@pytest.mark.parametrize("call", ["CreateRole", "CreateFunction", "CreateApi", "CreateIntegration", "AddPermission"])
def test_read_timeouts_are_ridden_out_with_no_duplicate(cloud: Any, proxy: Proxy, tmp_path: Path, call: str) -> None:
    config = stack_config()
    proxy.inject(call, "timeout")
    wiz_cloud, ledger, deployer = run(proxy, config, tmp_path, read_timeout=0.8)
    deployer.run()
    assert inventory(cloud, config) == ONE_EACH
    destroy(wiz_cloud, ledger)
    assert inventory(cloud, config) == NONE


@pytest.mark.parametrize("call", CREATES)
def test_access_denied_stops_cleanly_and_destroy_removes_what_was_made(
    cloud: Any, proxy: Proxy, tmp_path: Path, call: str
) -> None:
    config = stack_config()
    proxy.inject(call, "denied", times=10)
    wiz_cloud, ledger, deployer = run(proxy, config, tmp_path)
    with pytest.raises(WizardError) as info:
        deployer.run()
    err = info.value
    assert err.code in ("AccessDenied", "AccessDeniedException") and "injected denied" in err.message
    assert err.sentence().startswith("Could not ") and "permission" in err.hint
    made = inventory(cloud, config)
    recorded = {r.type for r in ledger.resources}
    # Everything that exists is in the ledger, and nothing pending is left.
    assert not any(r.extra.get("pending") for r in ledger.resources)
    assert (made["functions"] == 1) == ("AWS::Lambda::Function" in recorded)
    assert (made["apis"] == 1) == ("AWS::ApiGatewayV2::Api" in recorded)
    assert (made["roles"] == 1) == ("AWS::IAM::Role" in recorded)
    proxy.rules.clear()
    destroy(wiz_cloud, ledger)
    assert inventory(cloud, config) == NONE and policies_for(cloud, ledger) == []


def test_iam_propagation_error_is_retried_through_the_proxy(
    cloud: Any, proxy: Proxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(functions, "RETRY_DELAYS", (0.05,))
    config = stack_config()
    proxy.inject("CreateFunction", "propagation", times=3)
    wiz_cloud, ledger, deployer = run(proxy, config, tmp_path)
    deployer.run()
    assert proxy.calls.count("CreateFunction") == 4
    assert inventory(cloud, config) == ONE_EACH
    destroy(wiz_cloud, ledger)


@pytest.mark.parametrize("call", DELETES)
@pytest.mark.parametrize("fault", ["throttle", "lost", "denied"])
def test_destroy_rides_out_transient_faults_and_resumes_after_permanent_ones(
    cloud: Any, proxy: Proxy, tmp_path: Path, call: str, fault: str
) -> None:
    config = stack_config()
    wiz_cloud, ledger, deployer = run(proxy, config, tmp_path)
    deployer.run()
    cloud.client("lambda").invoke(FunctionName=config.function.name)  # so there is a log group to delete
    proxy.inject(call, fault, times=10 if fault == "denied" else 1)
    if fault == "denied":
        with pytest.raises(WizardError):
            destroy(wiz_cloud, ledger)
        assert ledger.resources, "what could not be deleted stays recorded"
        proxy.rules.clear()
    destroy(wiz_cloud, ledger)
    assert inventory(cloud, config) == NONE and policies_for(cloud, ledger) == []
    assert ledger.resources == []
