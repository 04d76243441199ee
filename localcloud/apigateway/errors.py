"""API Gateway's own answers for REST APIs (reference J6). Not the HTTP API
ones (apigatewayv2/errors.py): REST says "Internal server error" where HTTP
APIs say "Internal Server Error" (reference B5's casing trap), answers an
unknown route with 403, not 404, and names the error in x-amzn-ErrorType."""

from __future__ import annotations

from ..apigatewayv2.events import HttpResponse


class RestError(Exception):
    status = 500
    # J6: {"message": "Internal server error"} with a space, 36 bytes on AWS.
    body = b'{"message": "Internal server error"}'
    error_type: str | None = None

    def __init__(self, note: str):
        super().__init__(note)
        self.note = note

    def response(self) -> HttpResponse:
        headers = [("content-type", "application/json")]
        if self.error_type:
            headers.append(("x-amzn-errortype", self.error_type))
        return HttpResponse(self.status, headers, self.body)


class MissingAuthenticationToken(RestError):
    """No resource or no method for the request: 403, never 404 or 405 (J3;
    LocalStack's AWS-validated TestApigatewayRouting::test_routing_not_found)."""

    status = 403
    body = b'{"message":"Missing Authentication Token"}'
    error_type = "MissingAuthenticationTokenException"


class StageForbidden(RestError):
    """A missing or wrong stage segment: 403 Forbidden (J2, user reports)."""

    status = 403
    body = b'{"message":"Forbidden"}'


class InvalidApiKey(RestError):
    """A method that requires an API key got none, an unknown or disabled
    one, or one no usage plan binds to this stage: 403 (J6, [D] KC 403 page)."""

    status = 403
    body = b'{"message":"Forbidden"}'
    error_type = "ForbiddenException"


class ConfigurationError(RestError):
    """The method cannot reach a function (no integration, a kind we do not
    run, no function, no invoke permission): 500 (J6, reference B5)."""


class BadIntegrationResponse(RestError):
    """The function failed or answered malformed output: 502 (J5, J6: the
    AWS-validated test_apigateway_integrations snapshot)."""

    status = 502
    error_type = "InternalServerErrorException"


class EndpointTimeout(RestError):
    """The integration's timeout (29 s by default) passed: 504 (J6)."""

    status = 504
    body = b'{"message": "Endpoint request timed out"}'
