"""The REST API (API Gateway v1) data plane: Lambda proxy integrations
served from a stage's deployment (reference aws-behaviour-2.md J)."""
