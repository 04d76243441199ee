"""The console's flow as ordered, idempotent steps.

Each step first looks in the ledger for what an earlier run created, checks
that it still exists, and reuses it (updating it where the config changed);
only then does it create, and it records what it created before the next
call. So a second deploy creates nothing, and a deploy that was interrupted
anywhere resumes where it stopped. The wizard runs the same steps screen by
screen; `deploy` runs them all.
"""

from __future__ import annotations

from collections.abc import Callable
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from .config import Config
from . import reconcile
from awsrules.routekeys import parse as parse_route
from .services import functions, http_api, permissions, roles
from .services.errors import WizardError
from .services.ledger import Ledger, Resource
from .services.packaging import PackagingError, build
from .services.session import Cloud


@dataclass(frozen=True)
class Event:
    """One line of progress. status: start | info | created | reused |
    updated | deleted | done | failed."""

    step: str
    status: str
    message: str
    resource: str | None = None


OnEvent = Callable[[Event], None]
UrlFor = Callable[[str, str, str], str]  # (api_endpoint, api_id, stage) -> invoke URL


def aws_invoke_url(api_endpoint: str, api_id: str, stage: str) -> str:
    return http_api.invoke_url(api_endpoint, stage)


@dataclass
class DeployResult:
    target: str
    region: str
    account: str
    function_name: str
    function_arn: str = ""
    role_arn: str = ""
    api_id: str = ""
    api_endpoint: str = ""
    integration_id: str = ""
    stage: str = ""
    routes: list[str] = field(default_factory=list)
    invoke_url: str = ""
    test_url: str = ""
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class Deployer:
    def __init__(self, cloud: Cloud, config: Config, ledger: Ledger, on_event: OnEvent = lambda _e: None,
                 url_for: UrlFor = aws_invoke_url):
        self.cloud = cloud
        self.config = config
        self.ledger = ledger
        self.emit = on_event
        self.url_for = url_for
        ident = cloud.identity()
        self.result = DeployResult(cloud.target.kind, cloud.region, ident.account, config.function.name)
        # The wizard's integration step may point the API at another of the
        # account's functions; by default it is the one this plan creates.
        self.integration_function: str | None = None

    # -- helpers -------------------------------------------------------
    def _reuse(self, step: str, resource: Resource, message: str) -> None:
        self.result.reused.append(f"{resource.type}:{resource.id}")
        self.emit(Event(step, "reused", message, resource.arn or resource.id))

    def _forget(self, resource: Resource) -> None:
        """It was in the ledger but is gone from AWS (deleted by hand)."""
        self.ledger.remove(resource)

    def _create(self, step: str, pending: Resource, make: Callable[[], Any], build: Callable[[Any], Resource],
                message: Callable[[Resource], str]) -> Resource:
        """Create through the ledger's intent-first path (reconcile.py)."""
        real = reconcile.create(self.ledger, self.cloud, pending, make, build)
        self.result.created.append(f"{real.type}:{real.id}")
        self.emit(Event(step, "created", message(real), real.arn or real.id))
        return real

    def _settle(self, kind: str) -> None:
        reconcile.settle(self.ledger, self.cloud, kind)

    # -- steps -----------------------------------------------------------
    def run(self) -> DeployResult:
        self.ensure_role()
        self.ensure_function()
        self.ensure_api()
        self.ensure_integration()
        self.ensure_routes()
        self.ensure_stage()
        self.ensure_permissions()
        self.emit(Event("done", "done", f"Invoke URL: {self.result.invoke_url}", self.result.invoke_url))
        return self.result

    def ensure_role(self) -> str:
        fn = self.config.function
        if fn.role != "new":
            self.emit(Event("role", "start", f"Using the existing role {fn.role}"))
            role = roles.get_role(self.cloud, fn.role)
            if role is None:
                raise WizardError(f"use the role {fn.role}", "NoSuchEntity", "the role does not exist",
                                  "Set function.role to an existing role name or ARN, or to new.")
            if not roles.lambda_can_assume(role):
                self.emit(Event("role", "info", f"Warning: the trust policy of {role['RoleName']} does not name "
                                                "lambda.amazonaws.com; Lambda will refuse it"))
            self.result.role_arn = role["Arn"]
            return role["Arn"]
        self.emit(Event("role", "start", "Creating a new role with basic Lambda permissions"))
        self._settle("iam_role")
        recorded = self.ledger.find("iam_role")
        role = roles.get_role(self.cloud, recorded.id) if recorded else None
        if recorded and role is None:
            self._forget(recorded)
        if role is None:
            name = roles.new_role_name(fn.name)
            real = self._create("role", Resource("iam_role", name), lambda: roles.create_role(self.cloud, name, fn.name),
                                lambda reply: Resource("iam_role", name, reply["Arn"]), lambda r: f"Created role {r.id}")
            role = {"RoleName": name, "Arn": real.arn}
        else:
            self._reuse("role", recorded, f"Role {role['RoleName']} exists")  # type: ignore[arg-type]
        self._ensure_policy(role["RoleName"])
        self.result.role_arn = role["Arn"]
        return role["Arn"]

    def _ensure_policy(self, role_name: str) -> None:
        self._settle("iam_policy")
        recorded = self.ledger.find("iam_policy")
        if recorded and not roles.policy_exists(self.cloud, recorded.arn or ""):
            self._forget(recorded)
            recorded = None
        if recorded is None:
            name = roles.new_policy_name()
            fn_name = self.config.function.name
            recorded = self._create("policy", Resource("iam_policy", name),
                                    lambda: roles.create_basic_policy(self.cloud, name, fn_name),
                                    lambda arn: Resource("iam_policy", name, arn),
                                    lambda r: f"Created policy {r.id} (logs for /aws/lambda/{fn_name})")
        if not roles.policy_attached(self.cloud, role_name, recorded.arn or ""):
            roles.attach_policy(self.cloud, role_name, recorded.arn or "")
            self.emit(Event("policy", "info", f"Attached {recorded.id} to {role_name}"))

    def function_spec(self, role_arn: str) -> functions.FunctionSpec:
        fn = self.config.function
        try:
            package = build(fn.code)
        except (PackagingError, OSError) as exc:
            raise WizardError(f"package the code {fn.code}", "PackagingError", str(exc),
                              "Fix function.code and retry.") from exc
        return functions.FunctionSpec(fn.name, fn.runtime, fn.architecture, fn.handler, fn.memory_mb,
                                      fn.timeout_s, role_arn, package, dict(fn.environment))

    def ensure_function(self) -> str:
        fn = self.config.function
        spec = self.function_spec(self.result.role_arn or self.ensure_role())
        self.emit(Event("function", "start", f"Creating function {fn.name} ({fn.runtime}, {fn.architecture})"))
        self._settle("lambda_function")
        current = functions.get_function(self.cloud, fn.name)
        recorded = self.ledger.find("lambda_function", id=fn.name)
        if current is not None and recorded is None:
            raise WizardError(f"create the function {fn.name}", "ResourceConflictException",
                              f"a function named {fn.name} already exists in {self.cloud.region} and was not "
                              "created by apigw-wizard", "Choose another function.name, or delete that function.")
        if current is None:
            if recorded:
                self._forget(recorded)
            real = self._create(
                "function", Resource("lambda_function", fn.name),
                lambda: functions.create_function(self.cloud, spec,
                                                  notify=lambda m: self.emit(Event("function", "info", m))),
                lambda reply: Resource("lambda_function", fn.name, reply["FunctionArn"]),
                lambda r: f"Created function {r.id}")
            self.emit(Event("function", "info", "Waiting for the function to become Active"))
            functions.wait_active(self.cloud, fn.name)
            arn = real.arn or ""
        else:
            arn = self._update_function(current, spec)
        self.result.function_arn = arn
        return arn

    def _update_function(self, current: dict[str, Any], spec: functions.FunctionSpec) -> str:
        name = spec.name
        changed = False
        if current.get("Architectures", ["x86_64"]) != [spec.architecture] or current.get("CodeSha256") != spec.package.sha256:
            functions.wait_updated(self.cloud, name)
            functions.update_code(self.cloud, spec)
            self.emit(Event("function", "updated", f"Updated the code of {name}", current["FunctionArn"]))
            changed = True
        changes = functions.configuration_changes(current, spec)
        if changes:
            functions.wait_updated(self.cloud, name)
            functions.update_configuration(self.cloud, spec)
            self.emit(Event("function", "updated", f"Updated {', '.join(changes)} of {name}", current["FunctionArn"]))
            changed = True
        if changed:
            self.result.updated.append(f"lambda_function:{name}")
            functions.wait_updated(self.cloud, name)
        else:
            self.result.reused.append(f"lambda_function:{name}")
            self.emit(Event("function", "reused", f"Function {name} is up to date", current["FunctionArn"]))
        return current["FunctionArn"]

    def ensure_api(self) -> str:
        name = self.config.api.name
        self.emit(Event("api", "start", f"Creating HTTP API {name}"))
        self._settle("apigw_api")
        recorded = self.ledger.find("apigw_api")
        api = http_api.get_api(self.cloud, recorded.id) if recorded else None
        if recorded and api is None:
            self._forget(recorded)
        if api is None:
            token = uuid.uuid4().hex  # tags the API so a lost response cannot orphan it
            real = self._create("api", Resource("apigw_api", f"pending-{token}", extra={"token": token, "name": name}),
                                lambda: http_api.create_api(self.cloud, name, {reconcile.TOKEN_TAG: token}),
                                lambda reply: Resource("apigw_api", reply["ApiId"], extra={"name": name}),
                                lambda r: f"Created HTTP API {name} ({r.id})")
            api = http_api.get_api(self.cloud, real.id) or {"ApiId": real.id}
        else:
            self._reuse("api", recorded, f"HTTP API {api['ApiId']} exists")  # type: ignore[arg-type]
        self.result.api_id = api["ApiId"]
        self.result.api_endpoint = api.get("ApiEndpoint", "")
        return api["ApiId"]

    def _integration_target(self) -> tuple[str, str]:
        """(name, ARN) of the function the API invokes."""
        if self.integration_function and self.integration_function != self.config.function.name:
            name = self.integration_function
            return name, f"arn:aws:lambda:{self.cloud.region}:{self.result.account}:function:{name}"
        return self.config.function.name, self.result.function_arn or self.ensure_function()

    def ensure_integration(self) -> str:
        api_id = self.result.api_id or self.ensure_api()
        fn_name, fn_arn = self._integration_target()
        fmt = self.config.api.payload_format
        self.emit(Event("integration", "start", f"Creating Lambda integration (payload {fmt})"))
        self._settle("apigw_integration")
        recorded = self.ledger.find("apigw_integration", parent=api_id)
        current = http_api.get_integration(self.cloud, api_id, recorded.id) if recorded else None
        if recorded and current is None:
            self._forget(recorded)
        if current is None:
            real = self._create(
                "integration",
                Resource("apigw_integration", f"pending-{uuid.uuid4().hex}", parent=api_id, extra={"uri": fn_arn}),
                lambda: http_api.create_integration(self.cloud, api_id, fn_arn, fmt),
                lambda reply: Resource("apigw_integration", reply["IntegrationId"], parent=api_id),
                lambda r: f"Created integration {r.id} -> {fn_name}")
            current = {"IntegrationId": real.id}
        elif current.get("IntegrationUri") != fn_arn or current.get("PayloadFormatVersion") != fmt:
            http_api.update_integration(self.cloud, api_id, current["IntegrationId"], fn_arn, fmt)
            self.result.updated.append(f"apigw_integration:{current['IntegrationId']}")
            self.emit(Event("integration", "updated", f"Updated integration {current['IntegrationId']}"))
        else:
            self._reuse("integration", recorded, f"Integration {current['IntegrationId']} exists")  # type: ignore[arg-type]
        self.result.integration_id = current["IntegrationId"]
        return current["IntegrationId"]

    def ensure_routes(self) -> list[str]:
        api_id = self.result.api_id or self.ensure_api()
        integration = self.result.integration_id or self.ensure_integration()
        wanted = list(self.config.api.routes)
        self.emit(Event("routes", "start", f"Creating routes {', '.join(wanted)}"))
        self._settle("apigw_route")
        existing = {parse_route(r["RouteKey"]).shape: r for r in http_api.get_routes(self.cloud, api_id)}
        wanted_shapes = {parse_route(k).shape for k in wanted}
        for recorded in self.ledger.all("apigw_route"):
            if recorded.parent == api_id and parse_route(recorded.extra["route_key"]).shape not in wanted_shapes:
                if parse_route(recorded.extra["route_key"]).shape in existing:
                    http_api.delete_route(self.cloud, api_id, recorded.id)
                self.ledger.remove(recorded)
                self.emit(Event("routes", "deleted", f"Deleted route {recorded.extra['route_key']} (no longer in the config)"))
        for key in wanted:
            route = existing.get(parse_route(key).shape)
            if route is not None and route.get("Target") != f"integrations/{integration}":
                raise WizardError(f"create the route {key}", "ConflictException",
                                  f"the API already has the route {route['RouteKey']} with another target",
                                  "Remove that route in the API, or choose another route key.")
            if route is None:
                self._create("routes", Resource("apigw_route", f"pending-{key}", parent=api_id, extra={"route_key": key}),
                             lambda key=key: http_api.create_route(self.cloud, api_id, key, integration),
                             lambda reply, key=key: Resource("apigw_route", reply["RouteId"], parent=api_id,
                                                             extra={"route_key": key}),
                             lambda r: f"Created route {r.extra['route_key']}")
            else:
                recorded = self.ledger.find("apigw_route", id=route["RouteId"]) or Resource(
                    "apigw_route", route["RouteId"], parent=api_id, extra={"route_key": key})
                self._reuse("routes", recorded, f"Route {key} exists")
        self.result.routes = wanted
        return wanted

    def ensure_stage(self) -> str:
        api_id = self.result.api_id or self.ensure_api()
        api = self.config.api
        self.emit(Event("stage", "start", f"Creating stage {api.stage} (auto-deploy {'on' if api.auto_deploy else 'off'})"))
        self._settle("apigw_stage")
        recorded = self.ledger.find("apigw_stage", parent=api_id, id=api.stage)
        current = http_api.get_stage(self.cloud, api_id, api.stage)
        if current is None:
            if recorded:
                self._forget(recorded)
            self._create("stage", Resource("apigw_stage", api.stage, parent=api_id),
                         lambda: http_api.create_stage(self.cloud, api_id, api.stage, api.auto_deploy),
                         lambda _reply: Resource("apigw_stage", api.stage, parent=api_id),
                         lambda r: f"Created stage {r.id}")
        elif bool(current.get("AutoDeploy")) != api.auto_deploy:
            http_api.update_stage(self.cloud, api_id, api.stage, api.auto_deploy)
            self.emit(Event("stage", "updated", f"Set auto-deploy {'on' if api.auto_deploy else 'off'} on {api.stage}"))
        else:
            self._reuse("stage", recorded or Resource("apigw_stage", api.stage, parent=api_id), f"Stage {api.stage} exists")
        if not api.auto_deploy:
            deployment = http_api.create_deployment(self.cloud, api_id, api.stage)
            self.emit(Event("stage", "info", f"Deployed to {api.stage} (deployment {deployment.get('DeploymentId', '?')})"))
        self.result.stage = api.stage
        self.result.invoke_url = self.url_for(self.result.api_endpoint, api_id, api.stage)
        self.result.test_url = self.result.invoke_url.rstrip("/") + self.config.test.path
        return api.stage

    def ensure_permissions(self) -> None:
        api_id = self.result.api_id or self.ensure_api()
        fn = self._integration_target()[0]
        account = self.result.account
        self.emit(Event("permission", "start", "Allowing API Gateway to invoke the function"))
        self._settle("lambda_permission")
        current = {s.get("Sid"): s for s in permissions.statements(self.cloud, fn)}
        wanted = {key: permissions.source_arn(self.cloud.region, account, api_id, key) for key in self.config.api.routes}
        for recorded in self.ledger.all("lambda_permission"):
            if recorded.extra.get("source_arn") not in wanted.values():
                if recorded.id in current:
                    permissions.remove_permission(self.cloud, fn, recorded.id)
                self.ledger.remove(recorded)
        for key, arn in wanted.items():
            recorded = self.ledger.find("lambda_permission", source_arn=arn)
            if recorded and recorded.id in current:
                self._reuse("permission", recorded, f"Invoke permission for {key} exists")
                continue
            if recorded:
                self._forget(recorded)
            sid = permissions.new_statement_id()
            extra = {"source_arn": arn, "route_key": key}
            self._create("permission", Resource("lambda_permission", sid, parent=fn, extra=dict(extra)),
                         lambda sid=sid, arn=arn: permissions.add_invoke_permission(self.cloud, fn, sid, arn),
                         lambda _reply, sid=sid, extra=extra: Resource("lambda_permission", sid, parent=fn,
                                                                       extra=dict(extra)),
                         lambda r: f"Allowed apigateway.amazonaws.com to invoke {fn} from {r.extra['source_arn']}")
