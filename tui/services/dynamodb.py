"""The chat example's connections table (DynamoDB): made as the WebSocket
tutorial makes it, one string key `connectionId`, on-demand capacity."""

from __future__ import annotations

import time
from typing import Any

from .errors import NOT_FOUND, WizardError, call
from .session import Cloud

KEY = "connectionId"
WAIT_S = 60.0  # a new table is CREATING for seconds on AWS


def describe_table(cloud: Cloud, name: str) -> dict[str, Any] | None:
    try:
        reply = call(f"look up the table {name}", cloud.client("dynamodb").describe_table, TableName=name)
    except WizardError as err:
        if err.code in NOT_FOUND:
            return None
        raise
    return dict(reply["Table"])


def create_table(cloud: Cloud, name: str, tags: dict[str, str]) -> dict[str, Any]:
    reply = call(
        f"create the table {name}",
        cloud.client("dynamodb").create_table,
        TableName=name,
        AttributeDefinitions=[{"AttributeName": KEY, "AttributeType": "S"}],
        KeySchema=[{"AttributeName": KEY, "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        Tags=[{"Key": k, "Value": v} for k, v in tags.items()],
    )
    return dict(reply["TableDescription"])


def wait_active(cloud: Cloud, name: str, deadline_s: float = WAIT_S) -> None:
    """Until the table is ACTIVE: writes to a CREATING table fail."""
    end = time.monotonic() + deadline_s
    while True:
        table = describe_table(cloud, name)
        if table is not None and table.get("TableStatus") == "ACTIVE":
            return
        if time.monotonic() > end:
            raise WizardError(
                f"wait for the table {name}",
                "Timeout",
                f"it is still {table.get('TableStatus') if table else 'missing'} after {deadline_s:.0f} s",
                "Deploy again in a minute.",
            )
        time.sleep(1.0)


def delete_table(cloud: Cloud, name: str) -> None:
    call(f"delete the table {name}", cloud.client("dynamodb").delete_table, TableName=name)
