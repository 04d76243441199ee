"""Automatic deployments and AWS-shaped ids (issue 12), and state saved
before them still loading."""

from __future__ import annotations

import pickle
import re
from types import SimpleNamespace

from localcloud import persist
from localcloud.apigatewayv2.deployments import AUTO_DESCRIPTION, Deployment, Deployments, Snapshot
from localcloud.apigatewayv2.ids import aws_id


def _api(routes: int = 1, auto: bool = True) -> SimpleNamespace:
    route = SimpleNamespace(route_id="r", route_key="GET /a", target=None)
    return SimpleNamespace(
        api_id="abc",
        routes={f"r{i}": route for i in range(routes)},
        integrations={},
        stages={"$default": SimpleNamespace(auto_deploy=auto), "manual": SimpleNamespace(auto_deploy=False)},
    )


def test_auto_deploy_only_to_auto_stages_of_apis_with_routes() -> None:
    deployments = Deployments()
    [made] = deployments.auto_deploy(_api())
    assert made.auto_deployed and made.description == AUTO_DESCRIPTION
    assert made.to_json()["autoDeployed"] is True
    assert deployments.stage_deployment == {("abc", "$default"): made.deployment_id}
    assert deployments.auto_deploy(_api(routes=0)) == []
    assert deployments.auto_deploy(_api(), ["manual"]) == []
    deployments.forget_api("abc")
    assert deployments.by_api == {} and deployments.stage_deployment == {}


def test_ids_are_lowercase_alphanumerics_of_the_length_asked() -> None:
    assert all(re.fullmatch(r"[a-z0-9]{7}", aws_id(7)) for _ in range(50))


def test_deployment_saved_before_auto_deployed_existed_loads_as_manual() -> None:
    old = Deployment("abcdef", "2020-01-01T00:00:00Z", "", Snapshot((), ()))
    del old.__dict__["auto_deployed"]  # as pickled by the version before this field
    loaded = persist.loads(pickle.dumps(old))
    assert loaded.auto_deployed is False and loaded.to_json()["autoDeployed"] is False


def test_rest_methods_frozen_before_api_key_required_existed_load_needing_no_key() -> None:
    from localcloud.apigateway.deployments import RestMethod

    old = RestMethod("r1", "/a", "GET", "AWS_PROXY", "arn:x", 29000, True)
    del old.__dict__["api_key_required"]  # as pickled by the version before this field
    loaded = persist.loads(pickle.dumps(old))
    assert loaded.api_key_required is False and loaded.path == "/a"
