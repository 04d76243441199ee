"""A service-side error answer in the protocol of the API that was called,
so the SDK reports the message instead of "invalid XML" or an unknown
error. The code is one the service's model lists for server faults where it
has one (Lambda: ServiceException, IAM: ServiceFailure), else AWS's common
ServiceUnavailable."""

from __future__ import annotations

import json
import uuid
from xml.sax.saxutils import escape

from .moto_bridge import WsgiReply
from .operations import Operation, _model

_PREFERRED = ("ServiceException", "ServiceFailureException", "ServiceUnavailableException",
              "InternalServerException", "InternalServerError")


def server_fault(service: str) -> tuple[str, int]:
    """(error code, HTTP status) for "the service failed" in this service."""
    model = _model(service) if service else None
    shapes = model["shapes"] if model else {}
    for name in _PREFERRED:
        shape = shapes.get(name)
        if shape and shape.get("exception"):
            error = shape.get("error", {})
            return error.get("code", name), int(error.get("httpStatusCode", 503))
    return "ServiceUnavailable", 503


def error_reply(op: Operation, message: str) -> WsgiReply:
    code, status = server_fault(op.service)
    request_id = str(uuid.uuid4())
    if op.protocol in ("query", "ec2"):
        body = (f"<ErrorResponse><Error><Type>Receiver</Type><Code>{escape(code)}</Code>"
                f"<Message>{escape(message)}</Message></Error><RequestId>{request_id}</RequestId>"
                "</ErrorResponse>").encode()
        return WsgiReply(status, [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)], body)
    body = json.dumps({"__type": code, "message": message, "Message": message}).encode()
    content_type = "application/x-amz-json-1.1" if op.protocol == "json" else "application/json"
    return WsgiReply(status, [("Content-Type", content_type), ("x-amzn-ErrorType", code),
                              ("x-amzn-RequestId", request_id)], body)
