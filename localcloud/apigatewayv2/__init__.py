"""API Gateway v2 (HTTP APIs): the data plane as a chain of handlers, and
the deployments moto lacks."""
