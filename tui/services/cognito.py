"""Cognito calls for a `local-cognito` JWT issuer: a user pool, its app
client and a test user, and signing in as that user for a token."""

from __future__ import annotations

from typing import Any

from .errors import NOT_FOUND, WizardError, call
from .paging import every
from .session import Cloud

CLIENT_NAME = "apigw-wizard"
TEST_USER = "test-user"
# Admin sign-in for `test --token`; user-password and refresh for an app.
AUTH_FLOWS = ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def issuer(region: str, pool_id: str) -> str:
    """A user pool's JWT issuer (http-api-jwt-authorizer's Cognito example)."""
    return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"


def find_pool(cloud: Cloud, name: str) -> str | None:
    pools = every("list the user pools", cloud.client("cognito-idp"), "list_user_pools", "UserPools", MaxResults=60)
    return next((p["Id"] for p in pools if p.get("Name") == name), None)


def create_pool(cloud: Cloud, name: str) -> str:
    reply = call(f"create the user pool {name}", cloud.client("cognito-idp").create_user_pool, PoolName=name)
    return str(reply["UserPool"]["Id"])


def delete_pool(cloud: Cloud, pool_id: str) -> None:
    try:
        call(f"delete the user pool {pool_id}", cloud.client("cognito-idp").delete_user_pool, UserPoolId=pool_id)
    except WizardError as err:
        if err.code not in NOT_FOUND:
            raise


def find_client(cloud: Cloud, pool_id: str) -> str | None:
    clients = every(
        "list the app clients",
        cloud.client("cognito-idp"),
        "list_user_pool_clients",
        "UserPoolClients",
        UserPoolId=pool_id,
        MaxResults=60,
    )
    return next((c["ClientId"] for c in clients if c.get("ClientName") == CLIENT_NAME), None)


def create_client(cloud: Cloud, pool_id: str) -> str:
    reply = call(
        "create the app client",
        cloud.client("cognito-idp").create_user_pool_client,
        UserPoolId=pool_id,
        ClientName=CLIENT_NAME,
        GenerateSecret=False,
        ExplicitAuthFlows=AUTH_FLOWS,
    )
    return str(reply["UserPoolClient"]["ClientId"])


def has_user(cloud: Cloud, pool_id: str, username: str) -> bool:
    try:
        call("look up the test user", cloud.client("cognito-idp").admin_get_user, UserPoolId=pool_id, Username=username)
    except WizardError as err:
        if err.code in NOT_FOUND or err.code == "UserNotFoundException":
            return False
        raise
    return True


def create_user(cloud: Cloud, pool_id: str, username: str, password: str) -> None:
    idp = cloud.client("cognito-idp")
    call("create the test user", idp.admin_create_user, UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")
    call(
        "set the test user's password",
        idp.admin_set_user_password,
        UserPoolId=pool_id,
        Username=username,
        Password=password,
        Permanent=True,
    )


def sign_in(cloud: Cloud, pool_id: str, client_id: str, username: str, password: str) -> dict[str, Any]:
    """The test user's tokens (AccessToken, IdToken)."""
    reply = call(
        "sign in as the test user",
        cloud.client("cognito-idp").admin_initiate_auth,
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    found: dict[str, Any] = reply["AuthenticationResult"]
    return found


def delete_user(cloud: Cloud, pool_id: str, username: str) -> None:
    call("delete the test user", cloud.client("cognito-idp").admin_delete_user, UserPoolId=pool_id, Username=username)
