"""Moved to localcloud.apigatewayv2.events (and its gateway_error to
.errors); kept for importers not yet updated."""

from .apigatewayv2.errors import gateway_error  # noqa: F401
from .apigatewayv2.events import *  # noqa: F403
from .apigatewayv2.events import HttpRequest, HttpResponse  # noqa: F401
