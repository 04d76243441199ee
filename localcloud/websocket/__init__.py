"""WebSocket APIs' data plane (reference K): connections at
ws://{apiId}.execute-api.localhost:PORT/{stage} or
ws://127.0.0.1:PORT/_aws/execute-api/{apiId}/{stage}, their $connect /
message / $disconnect routes run as Lambda invocations (session.py), and
the @connections management API (management.py) on the same URLs.

Limits (cloud.py's uvicorn config, connections.py): 32 KB frames, 128 KB
messages (close code 1009), 10 minutes idle.

Two-way routes (a $default route response) send the function's answer
back (replies.py). Not emulated (documented): authorizers on $connect, the 2-hour
connection limit, splitting a posted message over 32 KB into frames,
WebSocket metrics and access logs, deployments (a WebSocket API's stage
serves its live routes)."""

from .session import WebSockets

__all__ = ["WebSockets"]
