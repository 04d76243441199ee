"""AWS::IAM::RolePolicy: what the chat example's function may do beyond
its logs, scoped as the WebSocket tutorial scopes it: PutItem, DeleteItem
and Scan on its connections table, and execute-api:ManageConnections on its
own API's stage (POST to send; GET for $default's GetConnection)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from awsrules.arns import arn, execute_api_arn

from ...services import roles
from ...services.errors import NOT_FOUND, WizardError
from ..ledger import Resource
from .api import LOGICAL_ID as API_ID
from .base import Kind, Run, Template
from .function import LOGICAL_ID as FUNCTION_ID
from .role import LOGICAL_ID as ROLE_ID
from .table import LOGICAL_ID as TABLE_ID
from .table import table_name, wanted

if TYPE_CHECKING:
    from ...config import Config
    from ...services.session import Cloud
    from ..render.context import RenderContext

POLICY_NAME = "chat-connections"
TABLE_ACTIONS = ["dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Scan"]
MANAGE = "execute-api:ManageConnections"


def document(table_arn: Any, connections: list[Any]) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": TABLE_ACTIONS, "Resource": table_arn},
            {"Effect": "Allow", "Action": MANAGE, "Resource": connections},
        ],
    }


def connection_arns(region: str, account: str, api_id: str, stage: str) -> list[str]:
    return [execute_api_arn(region, account, api_id, f"{stage}/{verb}/@connections/*") for verb in ("POST", "GET")]


class ChatPolicyKind(Kind):
    type = "AWS::IAM::RolePolicy"
    short = "iam_role_policy"
    label = "chat policy"
    step = "policy"
    api_types = ("websocket",)
    deleted_with = "AWS::IAM::Role"

    def applies(self, config: Config) -> bool:
        return wanted(config) and config.function.role == "new"  # an existing role is the user's to grant

    def ensure(self, run: Run) -> None:
        api_id = run.result.api_id or run.need("AWS::ApiGatewayV2::Api")
        table_arn = run.need("AWS::DynamoDB::Table")
        run.need("AWS::IAM::Role")
        recorded_role = run.ledger.find("AWS::IAM::Role")
        role = run.facts.get("role_name") or (recorded_role.id if recorded_role else "")
        account, region = run.result.account, run.cloud.region
        wanted_doc = document(table_arn, connection_arns(region, account, api_id, run.config.api.stage))
        run.emit_event("policy", "start", f"Letting the function use {table_name(run.config)} and @connections")
        run.settle(self)
        current = roles.get_role_policy(run.cloud, role, POLICY_NAME)
        recorded = run.ledger.find(self.type, id=POLICY_NAME, parent=role)
        if current == wanted_doc and recorded is not None:
            run.reuse(self, recorded, f"Policy {POLICY_NAME} on {role} is up to date")
            return
        if recorded is None:
            run.create(
                self,
                Resource(self.type, POLICY_NAME, parent=role),
                lambda: roles.put_role_policy(run.cloud, role, POLICY_NAME, wanted_doc),
                lambda _reply: Resource(self.type, POLICY_NAME, parent=role),
                lambda r: f"Put policy {r.id} on {role} (table + @connections of {api_id})",
            )
            return
        roles.put_role_policy(run.cloud, role, POLICY_NAME, wanted_doc)
        run.result.updated.append(f"{self.short}:{POLICY_NAME}")
        run.emit_event("policy", "updated", f"Updated policy {POLICY_NAME} on {role} (API {api_id})")

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        found = roles.get_role_policy(cloud, pending.parent or "", pending.id)
        return Resource(self.type, pending.id, parent=pending.parent) if found else None

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        try:
            roles.delete_role_policy(cloud, resource.parent or "", resource.id)
        except WizardError as err:
            if err.code not in NOT_FOUND:
                raise

    def cli(self, ctx: RenderContext) -> list[str]:
        from .role import RoleKind

        if not self.applies(ctx.config):
            return []
        table = arn("dynamodb", ctx.region, ctx.account, f"table/{table_name(ctx.config)}")
        doc = document(table, connection_arns(ctx.region, ctx.account, ctx.api_id, ctx.config.api.stage))
        return ctx.quiet(
            [
                f"aws iam put-role-policy --role-name {ctx.sh(RoleKind.name(ctx))} --policy-name {POLICY_NAME} \\",
                f"  --policy-document {ctx.sh(json.dumps(doc, separators=(',', ':')))}",
            ]
        )

    def _template_document(self, ctx: RenderContext) -> dict[str, Any]:
        stage = ctx.config.api.stage
        prefix = "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:"
        connections = [{"Fn::Sub": f"{prefix}${{{API_ID}}}/{stage}/{verb}/@connections/*"} for verb in ("POST", "GET")]
        return document({"Fn::GetAtt": [TABLE_ID, "Arn"]}, connections)

    def cloudformation(self, ctx: RenderContext) -> Template:
        if not self.applies(ctx.config):
            return {}
        properties = {
            "PolicyName": POLICY_NAME,
            "RoleName": {"Ref": ROLE_ID},
            "PolicyDocument": self._template_document(ctx),
        }
        return {"ChatConnectionsPolicy": {"Type": self.type, "Properties": properties}}

    def sam(self, ctx: RenderContext) -> Template:
        """SAM makes the role: the statements go in the function's Policies."""
        if not self.applies(ctx.config):
            return {}
        return {FUNCTION_ID: {"Properties": {"Policies": [self._template_document(ctx)]}}}


KIND = ChatPolicyKind()
