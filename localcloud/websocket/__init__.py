"""WebSocket APIs' data plane (reference K): connections at
ws://{apiId}.execute-api.localhost:PORT/{stage} or
ws://127.0.0.1:PORT/_aws/execute-api/{apiId}/{stage}, their $connect /
message / $disconnect routes run as Lambda invocations (session.py), and
the @connections management API (management.py) on the same URLs.

Not emulated (documented): two-way routes (a route response sends the
function's return value back), authorizers on $connect, a separate 32 KB
frame limit (only the 128 KB message limit, close code 1009), the 2-hour
connection limit, WebSocket metrics and access logs, deployments (a
WebSocket API's stage serves its live routes)."""

from .session import WebSockets

__all__ = ["WebSockets"]
