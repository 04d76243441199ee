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

_PREFERRED = (
    "ServiceException",
    "ServiceFailureException",
    "ServiceUnavailableException",
    "InternalServerException",
    "InternalServerError",
)


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


def render(
    protocol: str, code: str, status: int, message: str, fault: str = "Sender", access_key: str = ""
) -> WsgiReply:
    """An AWS error answer in a protocol's shape, where botocore's parsers
    look for it: `<ErrorResponse><Error><Code>` (query, EC2), `__type` in
    the body (JSON), `x-amzn-ErrorType` (REST-JSON), `<Error><Code>` (REST-XML)."""
    request_id = str(uuid.uuid4())
    if protocol in ("query", "ec2"):
        body = (
            f"<ErrorResponse><Error><Type>{fault}</Type><Code>{escape(code)}</Code>"
            f"<Message>{escape(message)}</Message></Error><RequestId>{request_id}</RequestId>"
            "</ErrorResponse>"
        ).encode()
        return WsgiReply(status, [("content-type", "text/xml"), ("x-amzn-requestid", request_id)], body)
    if protocol == "rest-xml":
        key = f"<AWSAccessKeyId>{escape(access_key)}</AWSAccessKeyId>" if access_key else ""
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{escape(code)}</Code><Message>'
            f"{escape(message)}</Message>{key}<RequestId>{request_id}</RequestId></Error>"
        ).encode()
        return WsgiReply(status, [("content-type", "application/xml"), ("x-amz-request-id", request_id)], body)
    if protocol == "json":
        body = json.dumps({"__type": code, "message": message}).encode()
        return WsgiReply(
            status, [("content-type", "application/x-amz-json-1.1"), ("x-amzn-requestid", request_id)], body
        )
    body = json.dumps({"message": message, "Message": message}).encode()
    return WsgiReply(
        status,
        [("content-type", "application/json"), ("x-amzn-errortype", code), ("x-amzn-requestid", request_id)],
        body,
    )


def error_reply(op: Operation, message: str) -> WsgiReply:
    """The service failed (e.g. its state could not be saved)."""
    code, status = server_fault(op.service)
    return render(op.protocol, code, status, message, fault="Receiver")
