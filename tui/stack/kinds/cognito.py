"""AWS::Cognito::UserPool, its app client and a test user: the JWT issuer
`api.authorizer: {type: jwt, issuer: local-cognito}` asks for, made in the
target (the local cloud or AWS). The pool's name carries a token, so a lost
create response is found again by name. The test user's password is random
and kept only in the ledger (a private file): `apigw-wizard test --token`
signs in with it; it is never printed. Removing the authorizer from the
config deletes the pool (and with it the client and the user)."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from ...services import cognito
from ..ledger import Resource
from .base import Kind, Run, Template

if TYPE_CHECKING:
    from ...services.session import Cloud
    from ..render.context import RenderContext

POOL_ID = "MyUserPool"
CLIENT_ID = "MyUserPoolClient"


def wanted(run: Any) -> bool:
    found = run.config.api.authorizer
    return found is not None and found.local_cognito


class UserPoolKind(Kind):
    type = "AWS::Cognito::UserPool"
    short = "cognito_user_pool"
    label = "user pool"
    step = "api"
    api_types = ("http",)

    def ensure(self, run: Run) -> str | None:
        run.settle(self)
        recorded = run.ledger.find(self.type)
        exists = recorded is not None and cognito.find_pool(run.cloud, recorded.extra.get("name", "")) == recorded.id
        if recorded is not None and not exists:
            run.forget(recorded)
            recorded = None
        if not wanted(run):
            if recorded is not None:  # the config no longer asks for it: ours, so it goes
                cognito.delete_pool(run.cloud, recorded.id)
                run.ledger.remove(recorded)
                run.emit_event("api", "deleted", f"Deleted user pool {recorded.id} (no longer in the config)")
            return None
        if recorded is None:
            name = f"{run.config.api.name}-users-{run.new_token()[:8]}"
            run.emit_event("api", "start", f"Creating user pool {name}")
            recorded = run.create(
                self,
                Resource(self.type, f"pending-{name}", extra={"name": name}),
                lambda: cognito.create_pool(run.cloud, name),
                lambda pool_id: Resource(self.type, pool_id, extra={"name": name}),
                lambda r: f"Created user pool {name} ({r.id})",
            )
        else:
            run.reuse(self, recorded, f"User pool {recorded.id} exists")
        run.result.jwt_issuer = cognito.issuer(run.cloud.region, recorded.id)
        return recorded.id

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        name = pending.extra.get("name", "")
        pool_id = cognito.find_pool(cloud, name)
        return Resource(self.type, pool_id, extra={"name": name}) if pool_id else None

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        cognito.delete_pool(cloud, resource.id)

    def cli(self, ctx: RenderContext) -> list[str]:
        if not _local(ctx):
            return []
        name = f"{ctx.config.api.name}-users"
        return ctx.capture("POOL_ID", "UserPool.Id", [f"aws cognito-idp create-user-pool --pool-name {ctx.sh(name)}"])

    def cloudformation(self, ctx: RenderContext) -> Template:
        if not _local(ctx):
            return {}
        return {POOL_ID: {"Type": self.type, "Properties": {"UserPoolName": f"{ctx.config.api.name}-users"}}}


class UserPoolClientKind(Kind):
    type = "AWS::Cognito::UserPoolClient"
    short = "cognito_client"
    label = "app client"
    step = "api"
    api_types = ("http",)
    deleted_with = "AWS::Cognito::UserPool"

    def ensure(self, run: Run) -> str | None:
        pool_id = run.need(UserPoolKind.type)
        if pool_id is None:
            return None
        run.settle(self)
        client_id = cognito.find_client(run.cloud, pool_id)
        if client_id is None:
            made = run.create(
                self,
                Resource(self.type, f"pending-{run.new_token()}", parent=pool_id, extra={"name": cognito.CLIENT_NAME}),
                lambda: cognito.create_client(run.cloud, pool_id),
                lambda found: Resource(self.type, found, parent=pool_id, extra={"name": cognito.CLIENT_NAME}),
                lambda r: f"Created app client {r.id}",
            )
            client_id = made.id
        else:
            recorded = run.ledger.find(self.type, id=client_id) or Resource(self.type, client_id, parent=pool_id)
            run.reuse(self, recorded, f"App client {client_id} exists")
        run.facts["jwt_audience"] = [client_id]
        return client_id

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        found = cognito.find_client(cloud, pending.parent or "")
        return Resource(self.type, found, parent=pending.parent, extra=pending.extra) if found else None

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        return None  # deleted with its pool

    def cli(self, ctx: RenderContext) -> list[str]:
        if not _local(ctx):
            return []
        flows = " ".join(cognito.AUTH_FLOWS)
        return ctx.capture(
            "CLIENT_ID",
            "UserPoolClient.ClientId",
            [
                'aws cognito-idp create-user-pool-client --user-pool-id "$POOL_ID" '
                f"--client-name {cognito.CLIENT_NAME} --no-generate-secret --explicit-auth-flows {flows}"
            ],
        )

    def cloudformation(self, ctx: RenderContext) -> Template:
        if not _local(ctx):
            return {}
        return {
            CLIENT_ID: {
                "Type": self.type,
                "Properties": {
                    "UserPoolId": {"Ref": POOL_ID},
                    "ClientName": cognito.CLIENT_NAME,
                    "GenerateSecret": False,
                    "ExplicitAuthFlows": cognito.AUTH_FLOWS,
                },
            }
        }


class TestUserKind(Kind):
    """Not in templates or scripts: CloudFormation cannot set a password, and
    a script would have to print one. Make users as your app does."""

    type = "AWS::Cognito::UserPoolUser"
    short = "cognito_test_user"
    label = "test user"
    step = "api"
    api_types = ("http",)
    deleted_with = "AWS::Cognito::UserPool"

    def ensure(self, run: Run) -> str | None:
        pool_id = run.need(UserPoolKind.type)
        if pool_id is None:
            return None
        run.need(UserPoolClientKind.type)
        recorded = run.ledger.find(self.type, parent=pool_id)
        if recorded is not None and cognito.has_user(run.cloud, pool_id, recorded.id):
            run.reuse(self, recorded, f"Test user {recorded.id} exists")
            return recorded.id
        if recorded is not None:
            run.forget(recorded)
        # Upper, lower, digit and symbol: Cognito's default password policy.
        password = secrets.token_urlsafe(18) + "aA1!"
        username = cognito.TEST_USER
        if cognito.has_user(run.cloud, pool_id, username):  # made before its ledger entry was written
            cognito.delete_user(run.cloud, pool_id, username)
        cognito.create_user(run.cloud, pool_id, username, password)
        run.ledger.add(Resource(self.type, username, parent=pool_id, extra={"password": password}))
        run.result.created.append(f"{self.short}:{username}")
        run.emit_event("api", "created", f"Created test user {username} (its password is kept in the ledger)")
        return username

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        return None  # never pending: made and recorded in one step

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        return None  # deleted with its pool

    def describe(self, resource: Resource) -> str:
        return f"{self.label} {resource.id}"  # never its password


def _local(ctx: RenderContext) -> bool:
    found = ctx.config.api.authorizer
    return found is not None and found.local_cognito


POOL = UserPoolKind()
CLIENT = UserPoolClientKind()
TEST_USER = TestUserKind()
