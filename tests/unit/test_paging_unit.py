"""Listings read every page. moto answers in one page, so a stubbed
client (botocore's Stubber, the real client and paginator) gives two:
AWS pages these listings (botocore's model: get_apis, get_routes,
get_integrations take NextToken and MaxResults)."""

from __future__ import annotations

from botocore.stub import Stubber

from tui.services import http_api
from tui.services.session import Cloud, Target


def test_routes_integrations_and_apis_come_from_every_page() -> None:
    cloud = Cloud(Target("aws", "us-east-1", endpoint_url="http://127.0.0.1:1", access_key="k", secret_key="s"))
    client = cloud.client("apigatewayv2")
    with Stubber(client) as stub:
        stub.add_response("get_integrations", {"Items": [{"IntegrationId": "a"}], "NextToken": "t1"}, {"ApiId": "x"})
        stub.add_response("get_integrations", {"Items": [{"IntegrationId": "b"}]}, {"ApiId": "x", "NextToken": "t1"})
        stub.add_response("get_routes", {"Items": [{"RouteId": "r1", "RouteKey": "GET /a"}], "NextToken": "t"}, {"ApiId": "x"})
        stub.add_response("get_routes", {"Items": [{"RouteId": "r2", "RouteKey": "GET /b"}]}, {"ApiId": "x", "NextToken": "t"})
        stub.add_response("get_apis", {"Items": [{"ApiId": "1", "Name": "a", "ProtocolType": "HTTP", "RouteSelectionExpression": "x"}], "NextToken": "n"}, {})
        stub.add_response("get_apis", {"Items": [{"ApiId": "2", "Name": "b", "ProtocolType": "HTTP", "RouteSelectionExpression": "x"}]}, {"NextToken": "n"})
        assert [i["IntegrationId"] for i in http_api.get_integrations(cloud, "x")] == ["a", "b"]
        assert [r["RouteId"] for r in http_api.get_routes(cloud, "x")] == ["r1", "r2"]
        assert [a["ApiId"] for a in http_api.list_apis(cloud)] == ["1", "2"]
        stub.assert_no_pending_responses()
