"""AWS::ApiGateway::Resource: one per path segment of the configured routes
(`/items/{id}` is `/items`, then `{id}` under it; `{proxy+}` catches the
rest, J1.3), under the API's root resource, which comes with the API and is
reused. Resources we made whose paths left the config are deleted (their
methods and children go with them)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from awsrules.routekeys import parse

from ...services import rest_api
from ..ledger import Resource
from .base import Kind, Run, Template
from .rest_api import LOGICAL_ID as API_ID

if TYPE_CHECKING:
    from ...services.session import Cloud
    from ..render.context import RenderContext

ROOT = "/"
DIGITS = ("ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE")


def route_path(key: str) -> str:
    """`ANY /items/{id}` -> `/items/{id}` (`/` for the root)."""
    return parse(key).path or ROOT


def paths(routes: tuple[str, ...] | list[str]) -> list[str]:
    """Every resource path the routes need, parents first, root excluded."""
    out: list[str] = []
    for key in routes:
        parts = route_path(key).strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            path = "/" + "/".join(parts[:depth])
            if parts[0] and path not in out:
                out.append(path)
    return sorted(out, key=lambda p: (p.count("/"), out.index(p)))


def parent_of(path: str) -> str:
    return path.rsplit("/", 1)[0] or ROOT


def words(path: str) -> str:
    """`/items/{id}` -> `ItemsId`: a name for templates and shell variables."""
    return "".join(w[:1].upper() + w[1:] for w in re.findall(r"[A-Za-z0-9]+", path)) or "Root"


def logical_ids(routes: tuple[str, ...] | list[str]) -> dict[str, str]:
    """Resource path -> its template id, unique (`/a-b` and `/a/b` share words)."""
    out: dict[str, str] = {}
    for path in paths(routes):
        base = candidate = "Resource" + words(path)
        n = 1
        while candidate in out.values():
            n += 1
            candidate = f"{base}{n}"
        out[path] = candidate
    return out


def variables(routes: tuple[str, ...] | list[str]) -> dict[str, str]:
    """Resource path -> the export script's variable for its id (letters
    and underscores only: RenderContext's ${VAR} pattern)."""
    out: dict[str, str] = {ROOT: "ROOT_ID"}
    for path, logical in logical_ids(routes).items():
        name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", logical.removeprefix("Resource")).upper()
        name = re.sub(r"[0-9]", lambda m: f"_{DIGITS[int(m.group())]}_", name).strip("_") or "X"
        candidate = f"RESOURCE_{name}"
        while candidate in out.values():
            candidate += "_X"
        out[path] = candidate
    return out


def template_ref(ctx_routes: tuple[str, ...], path: str) -> Any:
    """The template's id of a path's resource (the root: the API's attribute)."""
    if path == ROOT:
        return {"Fn::GetAtt": [API_ID, "RootResourceId"]}
    return {"Ref": logical_ids(ctx_routes)[path]}


class RestResourceKind(Kind):
    type = "AWS::ApiGateway::Resource"
    short = "apigw_rest_resource"
    label = "resource"
    step = "routes"
    api_types = ("rest",)
    deleted_with = "AWS::ApiGateway::RestApi"

    def describe(self, resource: Resource) -> str:
        return f"{self.label} {resource.id} ({resource.extra.get('path', '?')})"

    def ensure(self, run: Run) -> dict[str, str]:
        """Path -> resource id, for every path the routes need and the root."""
        api_id = run.result.api_id or run.need("AWS::ApiGateway::RestApi")
        wanted = paths(run.config.api.routes)
        run.emit_event("routes", "start", f"Creating resources {', '.join(wanted) or '/'}")
        run.settle(self)
        existing = {r["path"]: r["id"] for r in rest_api.get_resources(run.cloud, api_id)}
        # Deepest first: AWS would take the children along with a parent, but
        # moto's DeleteResource leaves them behind, dangling.
        doomed = [r for r in run.ledger.all(self.type) if r.parent == api_id and r.extra.get("path") not in wanted]
        for recorded in sorted(doomed, key=lambda r: -str(r.extra.get("path", "")).count("/")):
            path = str(recorded.extra.get("path", ""))
            if existing.get(path) == recorded.id:
                rest_api.delete_resource(run.cloud, api_id, recorded.id)
                run.facts["rest_changed"] = True
            run.ledger.remove(recorded)
            run.emit_event("routes", "deleted", f"Deleted resource {path} (no longer in the config)")
        for path in wanted:
            if path in existing:
                recorded = run.ledger.find(self.type, id=existing[path]) or Resource(
                    self.type, existing[path], parent=api_id, extra={"path": path}
                )
                run.reuse(self, recorded, f"Resource {path} exists")
                continue
            existing[path] = self._create(run, api_id, existing[parent_of(path)], path)
            run.facts["rest_changed"] = True
        return {p: existing[p] for p in [ROOT, *wanted]}

    def _create(self, run: Run, api_id: str, parent_id: str, path: str) -> str:
        part = path.rsplit("/", 1)[1]
        real = run.create(
            self,
            Resource(self.type, f"pending-{path}", parent=api_id, extra={"path": path}),
            lambda: rest_api.create_resource(run.cloud, api_id, parent_id, part),
            lambda reply: Resource(self.type, reply["id"], parent=api_id, extra={"path": path}),
            lambda r: f"Created resource {path} ({r.id})",
        )
        return real.id

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        path = pending.extra.get("path")
        for found in rest_api.get_resources(cloud, pending.parent or ""):
            if found.get("path") == path:
                return Resource(self.type, found["id"], parent=pending.parent, extra={"path": path})
        return None

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        rest_api.delete_resource(cloud, resource.parent or "", resource.id)

    def cli(self, ctx: RenderContext) -> list[str]:
        routes = ctx.config.api.routes
        names = variables(routes)
        lines: list[str] = []
        for path in paths(routes):
            parent = ctx.var(names[parent_of(path)], f"<{placeholder(parent_of(path))}>")
            command = (
                f"aws apigateway create-resource --rest-api-id {ctx.sh(ctx.api_id)} --parent-id {ctx.sh(parent)} "
                f"--path-part {ctx.sh(path.rsplit('/', 1)[1])}"
            )
            lines += ctx.capture(names[path], "id", [command])
        return lines

    def cloudformation(self, ctx: RenderContext) -> Template:
        routes = ctx.config.api.routes
        return {
            logical: {
                "Type": self.type,
                "Properties": {
                    "RestApiId": {"Ref": API_ID},
                    "ParentId": template_ref(routes, parent_of(path)),
                    "PathPart": path.rsplit("/", 1)[1],
                },
            }
            for path, logical in logical_ids(routes).items()
        }

    def sam(self, ctx: RenderContext) -> Template:
        return {}  # the function's Api events make them


def placeholder(path: str) -> str:
    """How the AWS CLI view names a resource id not yet known."""
    if path == ROOT:
        return "root-resource-id"
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") + "-resource-id"


KIND = RestResourceKind()
