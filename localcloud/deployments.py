"""Moved to localcloud.apigatewayv2.deployments. Kept: the control plane
imports it from here, and state saved before the move names these classes
by this module path."""

from .apigatewayv2.deployments import Deployment, Deployments, Snapshot  # noqa: F401
