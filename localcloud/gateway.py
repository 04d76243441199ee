"""Moved to localcloud.apigatewayv2.gateway; kept for importers not yet updated."""

from .apigatewayv2.gateway import MAX_REQUEST_BYTES, Gateway, function_info  # noqa: F401
