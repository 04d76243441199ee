"""The config's `function.url`: a Lambda function URL, as the console's
Configuration > Function URL page makes it. `auth: NONE` (public: the
console adds the resource-policy statements every caller needs, both
lambda:InvokeFunctionUrl and, for new URLs, lambda:InvokeFunction, per
urls-auth) or `AWS_IAM` (SigV4 only, no statement). `cors` takes the same
keys as `api.cors` (corsconfig.py; Lambda's Cors has the same fields)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import corsconfig
from .fields import FieldError

AUTH_TYPES = ("NONE", "AWS_IAM")


@dataclass(frozen=True)
class UrlConfig:
    auth: str = "NONE"
    cors: corsconfig.CorsConfig | None = None


def auth(value: Any) -> str:
    text = str(value).upper() if isinstance(value, str) else value
    if text not in AUTH_TYPES:
        raise FieldError(f"{value!r} is not a function URL auth type; allowed: NONE (public), AWS_IAM (SigV4)")
    return str(text)


SCHEMA = {"auth": auth, "cors": corsconfig.SCHEMA}
