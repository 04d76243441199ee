"""Connection, message and request ids as API Gateway writes them: 16
characters of base64 ending in "=" (11 random bytes), e.g. "Kf2bqd9WywMCEng="
(reference K4, real captures)."""

from __future__ import annotations

import base64
import secrets


def new_id() -> str:
    return base64.b64encode(secrets.token_bytes(11)).decode("ascii")
