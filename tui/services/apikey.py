"""The REST API's key, for `apigw-wizard test` and the wizard's Test step:
read from API Gateway when needed (GetApiKey includeValue), sent as
`x-api-key`, never printed or stored: the key's value is a secret, shown
only masked."""

from __future__ import annotations

from typing import Any

from . import rest_api
from .errors import WizardError
from .session import Cloud

HEADER = "x-api-key"  # the API's apiKeySource HEADER (reference J1.1's default)


def header(cloud: Cloud, ledger: Any) -> tuple[str, str]:
    recorded = ledger.find("AWS::ApiGateway::ApiKey")
    key = rest_api.get_api_key(cloud, recorded.id, include_value=True) if recorded else None
    if not key or not key.get("value"):
        raise WizardError(
            "read the API key",
            "NotDeployed",
            "the config asks for an API key (api.api_key: true) but none is deployed on this target",
            "Run 'apigw-wizard deploy' with the same --config and --target first.",
        )
    return HEADER, str(key["value"])


def value(cloud: Cloud, key_id: str) -> str:
    """GetApiKey with includeValue (without it AWS leaves the value out)."""
    key = rest_api.get_api_key(cloud, key_id, include_value=True)
    if not key or not key.get("value"):
        raise WizardError(
            f"read the API key {key_id}",
            "NotFoundException",
            "the API key the ledger recorded is gone",
            "Create (or update) the API again to make a new key.",
        )
    return str(key["value"])


def mask(secret: str) -> str:
    """Enough to tell two keys apart, not enough to use one."""
    return "••••" + secret[-4:] if len(secret) > 12 else "••••"
