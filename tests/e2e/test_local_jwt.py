"""JWT authorizers over real HTTP against the local cloud (reference G1;
sources in localcloud/apigatewayv2/jwtauth.py): a Cognito user pool in the
same cloud is the issuer, with no internet; its tokens (moto signs them)
are accepted, and everything else is refused as API Gateway refuses it."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from localcloud.client import invocation
from tests.cloudproc import Deployed, deploy

SHOW = """import json


def lambda_handler(event, context):
    return {"statusCode": 200, "body": json.dumps(event["requestContext"].get("authorizer"))}
"""


class Pool:
    def __init__(self, cloud: Any):
        self.idp = cloud.client("cognito-idp")
        self.id = self.idp.create_user_pool(PoolName=f"pool-{time.time_ns()}")["UserPool"]["Id"]
        self.client_id = self.idp.create_user_pool_client(
            UserPoolId=self.id, ClientName="web", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
        )["UserPoolClient"]["ClientId"]
        self.idp.admin_create_user(UserPoolId=self.id, Username="ada", MessageAction="SUPPRESS")
        self.idp.admin_set_user_password(UserPoolId=self.id, Username="ada", Password="Passw0rd!x", Permanent=True)
        self.issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{self.id}"

    def tokens(self) -> dict[str, str]:
        reply = self.idp.admin_initiate_auth(
            UserPoolId=self.id,
            ClientId=self.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "ada", "PASSWORD": "Passw0rd!x"},
        )
        return reply["AuthenticationResult"]


def pool_key() -> Any:
    """The private key moto signs the pool's tokens with (to make an expired one)."""
    from moto.utilities.utils import load_resource

    return RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json"))


def sign(claims: dict[str, Any], key: Any) -> str:
    return jwt.encode({"alg": "RS256", "kid": "dummy"}, claims, key)


@pytest.fixture(scope="module")
def setup(cloud: Any) -> tuple[Pool, Deployed, dict[str, str]]:
    pool = Pool(cloud)
    api = deploy(cloud, SHOW, routes=("GET /open", "GET /me", "GET /orders", "GET /admin"))
    gw = cloud.client("apigatewayv2")
    authorizer = gw.create_authorizer(
        ApiId=api.api_id,
        Name="cognito",
        AuthorizerType="JWT",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Issuer": pool.issuer, "Audience": [pool.client_id]},
    )["AuthorizerId"]
    routes = {r["RouteKey"]: r["RouteId"] for r in gw.get_routes(ApiId=api.api_id)["Items"]}
    scopes = {"GET /me": [], "GET /orders": ["orders/read"], "GET /admin": ["aws.cognito.signin.user.admin"]}
    for key, wanted in scopes.items():
        gw.update_route(
            ApiId=api.api_id,
            RouteId=routes[key],
            AuthorizationType="JWT",
            AuthorizerId=authorizer,
            AuthorizationScopes=wanted,
        )
    return pool, api, pool.tokens()


def test_no_token_is_401_with_a_bare_bearer_challenge(setup: Any) -> None:
    _pool, api, _tokens = setup
    reply = api.get("/me")
    # The JWT troubleshooting page's capture: Content-Length 26, {"message":"Unauthorized"}.
    assert reply.status_code == 401 and reply.text == '{"message":"Unauthorized"}'
    assert reply.headers["www-authenticate"] == "Bearer"
    assert api.get("/open").status_code == 200  # a route without authorization stays open


def test_a_pool_token_reaches_the_function_with_its_claims_as_strings(setup: Any) -> None:
    pool, api, tokens = setup
    for header in (f"Bearer {tokens['AccessToken']}", tokens["AccessToken"]):  # "Bearer " is optional
        reply = api.get("/me", headers={"Authorization": header})
        assert reply.status_code == 200, reply.text
        seen = json.loads(reply.text)["jwt"]
        claims = seen["claims"]
        assert claims["iss"] == pool.issuer and claims["client_id"] == pool.client_id and claims["username"] == "ada"
        assert isinstance(claims["exp"], str) and claims["exp"].isdigit()  # numbers stringified
        assert seen["scopes"] is None  # the route asks for no scopes


def test_scopes_a_route_asks_for(setup: Any) -> None:
    _pool, api, tokens = setup
    bearer = {"Authorization": f"Bearer {tokens['AccessToken']}"}
    denied = api.get("/orders", headers=bearer)
    assert denied.status_code == 403 and denied.text == '{"message":"Forbidden"}'
    allowed = api.get("/admin", headers=bearer)
    assert allowed.status_code == 200
    assert json.loads(allowed.text)["jwt"]["scopes"] == ["aws.cognito.signin.user.admin"]


def test_an_id_token_matches_by_aud(setup: Any) -> None:
    pool, api, tokens = setup
    reply = api.get("/me", headers={"Authorization": tokens["IdToken"]})
    assert reply.status_code == 200 and json.loads(reply.text)["jwt"]["claims"]["aud"] == pool.client_id


def test_expired_foreign_signed_and_malformed_tokens_are_401(setup: Any, cloud: Any) -> None:
    pool, api, _tokens = setup
    now = int(time.time())
    claims = {"iss": pool.issuer, "client_id": pool.client_id, "token_use": "access", "iat": now - 7200}
    expired = sign({**claims, "exp": now - 3600}, pool_key())
    foreign = sign({**claims, "iat": now, "exp": now + 3600}, RSAKey.generate_key(2048))
    wrong_audience = sign({**claims, "client_id": "someone-else", "iat": now, "exp": now + 3600}, pool_key())
    cases = {
        expired: ('Bearer scope="" error="invalid_token"', "expired"),
        foreign: ('Bearer scope="" error="invalid_token"', "signature"),
        wrong_audience: (
            'Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"',
            "audience",
        ),
        "not-a-jwt": (
            'Bearer scope="" error="invalid_token" error_description="token contains an invalid number of segments"',
            "not a JWT",
        ),
    }
    for token, (challenge, why) in cases.items():
        reply = api.get("/me", headers={"Authorization": f"Bearer {token}"})
        assert reply.status_code == 401 and reply.text == '{"message":"Unauthorized"}'
        assert reply.headers["www-authenticate"] == challenge
        logged = invocation(cloud.port, reply.headers["apigw-requestid"])
        assert logged is not None and logged["lambda_request_id"] is None and why in logged["note"], logged


def test_an_issuer_that_cannot_be_reached_refuses_and_says_why(cloud: Any) -> None:
    api = deploy(cloud, SHOW, routes=("GET /far",))
    gw = cloud.client("apigatewayv2")
    authorizer = gw.create_authorizer(
        ApiId=api.api_id,
        Name="far",
        AuthorizerType="JWT",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Issuer": "https://127.0.0.1:9/unreachable", "Audience": ["x"]},
    )["AuthorizerId"]
    route = gw.get_routes(ApiId=api.api_id)["Items"][0]["RouteId"]
    gw.update_route(ApiId=api.api_id, RouteId=route, AuthorizationType="JWT", AuthorizerId=authorizer)
    token = sign({"iss": "https://127.0.0.1:9/unreachable", "aud": "x", "exp": int(time.time()) + 60}, pool_key())
    reply = httpx.get(api.base + "/far", headers={"Authorization": token}, timeout=40)
    assert reply.status_code == 401
    logged = invocation(cloud.port, reply.headers["apigw-requestid"])
    assert logged is not None and "could not be fetched" in logged["note"], logged
