"""AWS::DynamoDB::Table: the WebSocket chat example's connections table
(`function.code: chat`): $connect stores an id, $disconnect deletes it,
sendmessage scans them. Named after the API, `<api name>-connections`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ...services import dynamodb
from ...services.errors import WizardError
from ..ledger import Resource
from .base import Kind, Run, Template

if TYPE_CHECKING:
    from ...config import Config
    from ...services.session import Cloud
    from ..render.context import RenderContext

LOGICAL_ID = "ConnectionsTable"


def wanted(config: Config) -> bool:
    """Only the chat code uses a table, and only on a WebSocket API."""
    return config.api.type == "websocket" and config.function.code == "chat"


def table_name(config: Config) -> str:
    """`<api name>-connections` in DynamoDB's alphabet (letters, digits, _ . -; 3-255)."""
    base = re.sub(r"[^A-Za-z0-9_.-]+", "-", config.api.name).strip("-") or "chat"
    return f"{base[:240]}-connections"


class TableKind(Kind):
    type = "AWS::DynamoDB::Table"
    short = "dynamodb_table"
    label = "connections table"
    step = "table"
    api_types = ("websocket",)

    def applies(self, config: Config) -> bool:
        return wanted(config)

    def ensure(self, run: Run) -> str:
        name = table_name(run.config)
        run.emit_event("table", "start", f"Creating the connections table {name}")
        run.settle(self)
        recorded = run.ledger.find(self.type, id=name)
        current = dynamodb.describe_table(run.cloud, name)
        if current is not None and recorded is None:
            raise WizardError(
                f"create the table {name}",
                "ResourceInUseException",
                f"a table named {name} already exists in {run.cloud.region} and was not created by apigw-wizard",
                "Choose another api.name, or delete that table.",
            )
        if current is None:
            if recorded:
                run.forget(recorded)
            real = run.create(
                self,
                Resource(self.type, name),
                lambda: dynamodb.create_table(run.cloud, name, {"apigw-wizard:api": run.config.api.name}),
                lambda reply: Resource(self.type, name, reply.get("TableArn")),
                lambda r: f"Created table {r.id} (key connectionId, on-demand)",
            )
            dynamodb.wait_active(run.cloud, name)
            arn = real.arn or ""
        else:
            assert recorded is not None
            run.reuse(self, recorded, f"Table {name} exists")
            arn = str(current.get("TableArn", ""))
        run.facts["table_arn"] = arn
        if run.config.function.role != "new":  # chat_policy.py grants it only on a role it made
            run.emit_event(
                "table",
                "info",
                f"The role {run.config.function.role} must allow dynamodb:PutItem, DeleteItem and Scan on {name} "
                "and execute-api:ManageConnections on the stage, or the chat's calls are denied",
            )
        return arn

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        table = dynamodb.describe_table(cloud, pending.id)
        return Resource(self.type, pending.id, table.get("TableArn")) if table else None

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        dynamodb.delete_table(cloud, resource.id)

    def cli(self, ctx: RenderContext) -> list[str]:
        if not wanted(ctx.config):
            return []
        name = ctx.sh(table_name(ctx.config))
        return [
            *ctx.quiet(
                [
                    f"aws dynamodb create-table --table-name {name} \\",
                    f"  --attribute-definitions AttributeName={dynamodb.KEY},AttributeType=S \\",
                    f"  --key-schema AttributeName={dynamodb.KEY},KeyType=HASH --billing-mode PAY_PER_REQUEST",
                ]
            ),
            f"aws dynamodb wait table-exists --table-name {name}",
        ]

    def cloudformation(self, ctx: RenderContext) -> Template:
        if not wanted(ctx.config):
            return {}
        properties: dict[str, Any] = {
            "TableName": table_name(ctx.config),
            "AttributeDefinitions": [{"AttributeName": dynamodb.KEY, "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": dynamodb.KEY, "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
        }
        # cfn-lint wants a table's fate stated; a chat's connection ids are not worth keeping.
        return {
            LOGICAL_ID: {
                "Type": self.type,
                "DeletionPolicy": "Delete",
                "UpdateReplacePolicy": "Delete",
                "Properties": properties,
            }
        }


KIND = TableKind()
