"""Authenticated test requests: `test --token` signs in as the
local-cognito pool's test user (its password is in the ledger, never
shown) and sends its access token, or, for the sample Lambda authorizer,
sends the token it allows; `test --sign` signs the request with
SigV4 for execute-api with the target's credentials (IAM routes)."""

from __future__ import annotations

from typing import Any

from . import cognito
from .errors import WizardError


def bearer(cloud: Any, ledger: Any, authorizer: Any = None) -> tuple[str, str]:
    """The Authorization header with the test user's access token (or the
    sample Lambda authorizer's token, when that is the config's authorizer)."""
    from ..authconfig import SAMPLE, SAMPLE_TOKEN

    if authorizer is not None and authorizer.type == "lambda":
        if authorizer.code != SAMPLE:
            raise WizardError(
                "get a token",
                "NoTestToken",
                "your own Lambda authorizer decides which tokens pass; apigw-wizard does not know one",
                "Send what it allows with --header 'Authorization: ...'.",
            )
        return "Authorization", SAMPLE_TOKEN
    pool = ledger.find("AWS::Cognito::UserPool")
    client = ledger.find("AWS::Cognito::UserPoolClient")
    user = ledger.find("AWS::Cognito::UserPoolUser")
    if pool is None or client is None or user is None or "password" not in user.extra:
        raise WizardError(
            "get a token",
            "NoUserPool",
            "this config's deployment has no local-cognito user pool",
            "Set api.authorizer: {type: jwt, issuer: local-cognito} in the config and run 'apigw-wizard deploy'.",
        )
    tokens = cognito.sign_in(cloud, pool.id, client.id, user.id, user.extra["password"])
    return "Authorization", f"Bearer {tokens['AccessToken']}"


def sign(
    cloud: Any, method: str, url: str, headers: tuple[tuple[str, str], ...], body: bytes
) -> tuple[tuple[str, str], ...]:
    """The headers with a SigV4 signature for execute-api added."""
    from urllib.parse import urlsplit

    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    credentials = cloud.credentials()
    if credentials is None:
        raise WizardError(
            "sign the request", "NoCredentials", "no credentials to sign with", "Set up a profile or keys."
        )
    request = AWSRequest(method=method, url=url, data=body, headers={**dict(headers), "host": urlsplit(url).netloc})
    SigV4Auth(credentials, "execute-api", cloud.region).add_auth(request)
    return tuple((k, v) for k, v in request.headers.items() if k.lower() != "host")
