"""The `context` a Python handler gets, as awslambdaric builds it
(reference C1; awslambdaric lambda_context.py). Standard library only: the
worker (worker.py) loads it beside itself, under the function's own Python."""

from __future__ import annotations

import os
import sys
import time
from typing import Any


class _Slots:
    """awslambdaric's make_obj_from_dict: each slot from the dict, None when
    missing; the repr is awslambdaric's too."""

    __slots__: tuple[str, ...] = ()

    def __init__(self, data: dict[str, Any]):
        for name in self.__slots__:
            setattr(self, name, data.get(name))

    def __repr__(self) -> str:
        return f"{type(self).__name__}([{','.join(f'{n}={getattr(self, n)}' for n in self.__slots__)}])"


class CognitoIdentity(_Slots):
    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")


class Client(_Slots):
    __slots__ = ("installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name")


class ClientContext(_Slots):
    """context.client_context is an object, not the dict the caller sent:
    handlers read .custom, .env and .client.app_title (reference C1). The
    caller's W3C trace context is awslambdaric's to take out (for
    context.w3c()), never one of these slots."""

    __slots__ = ("custom", "env", "client")
    client: Any

    @classmethod
    def of(cls, data: Any) -> ClientContext | None:
        if not isinstance(data, dict):
            return None
        context = cls(data)
        if isinstance(context.client, dict):
            context.client = Client(context.client)
        return context


class LambdaContext:
    def __init__(self, request_id: str, deadline_ms: float, invoked_arn: str, client_context: Any = None):
        self.aws_request_id = request_id
        self.invoked_function_arn = invoked_arn
        self.function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = os.environ["AWS_LAMBDA_FUNCTION_VERSION"]
        self.memory_limit_in_mb = os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"]  # a str, as on AWS
        self.log_group_name = os.environ["AWS_LAMBDA_LOG_GROUP_NAME"]
        self.log_stream_name = os.environ["AWS_LAMBDA_LOG_STREAM_NAME"]
        self.identity = CognitoIdentity({})
        self.client_context = ClientContext.of(client_context)
        self.tenant_id = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(int(self._deadline_ms - time.time() * 1000), 0)

    def log(self, message: Any) -> None:
        sys.stdout.write(str(message))

    def __repr__(self) -> str:
        return (
            f"LambdaContext([aws_request_id={self.aws_request_id},log_group_name={self.log_group_name},"
            f"log_stream_name={self.log_stream_name},function_name={self.function_name},"
            f"memory_limit_in_mb={self.memory_limit_in_mb},function_version={self.function_version},"
            f"invoked_function_arn={self.invoked_function_arn},client_context={self.client_context},"
            f"identity={self.identity},tenant_id={self.tenant_id}])"
        )
