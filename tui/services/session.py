"""Where AWS calls go: the embedded local cloud or real AWS (or any
emulator behind AWS_ENDPOINT_URL). The rest of the service layer only ever
sees a `Cloud`; it does not know which target it talks to.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Any

from .errors import translate


@dataclass(frozen=True)
class Target:
    kind: str  # "local" | "aws"
    region: str
    profile: str | None = None
    endpoint_url: str | None = None  # None: AWS itself, or AWS_ENDPOINT_URL
    read_timeout_s: float = 65.0  # above Lambda's 60 s create and API Gateway's 30 s limits
    # The local cloud's own key pair (it checks every signature); never shown.
    access_key: str | None = field(default=None, repr=False)
    secret_key: str | None = field(default=None, repr=False)

    @property
    def effective_endpoint(self) -> str | None:
        """The endpoint calls really go to (boto3 honours AWS_ENDPOINT_URL)."""
        return self.endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None

    def describe(self) -> str:
        where = self.effective_endpoint or "AWS"
        who = f", profile {self.profile}" if self.profile else ""
        return f"{self.kind} ({where}, {self.region}{who})"


@dataclass(frozen=True)
class Identity:
    account: str
    arn: str


class Cloud:
    """boto3 clients for one target, created once each, thread-safe to use
    from the wizard's thread workers (boto3 clients are; sessions are not,
    hence the lock around creation)."""

    def __init__(self, target: Target):
        self.target = target
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._session: Any = None
        self._identity: Identity | None = None

    def _boto_session(self) -> Any:
        import boto3

        from awsrules.botocoredata import botocore_session

        if self._session is None:
            if self.target.kind == "local":
                # Never touch the host's credential chain for the local cloud:
                # it accepts only its owner's key pair.
                self._session = boto3.Session(
                    aws_access_key_id=self.target.access_key,
                    aws_secret_access_key=self.target.secret_key,
                    region_name=self.target.region,
                    botocore_session=botocore_session(),  # models parsed once per process
                )
            else:
                self._session = boto3.Session(
                    profile_name=self.target.profile,
                    region_name=self.target.region,
                    botocore_session=botocore_session(),
                )
            # boto3 appends its data folder to the (shared) loader's search
            # path on every Session: keep one of each.
            paths = self._session._loader.search_paths
            paths[:] = list(dict.fromkeys(paths))
        return self._session

    def client(self, service: str) -> Any:
        with self._lock:
            if service not in self._clients:
                from botocore.config import Config

                config = Config(
                    retries={"mode": "standard", "max_attempts": 5},
                    connect_timeout=5,
                    read_timeout=self.target.read_timeout_s,
                    user_agent_extra="apigw-wizard",
                )
                try:
                    self._clients[service] = self._boto_session().client(
                        service, endpoint_url=self.target.endpoint_url, config=config
                    )
                except Exception as exc:  # profile/region problems surface here
                    raise translate(exc, f"set up the {service} client") from exc
            return self._clients[service]

    def identity(self) -> Identity:
        """The caller identity (sts:GetCallerIdentity), checked once."""
        if self._identity is None:
            try:
                reply = self.client("sts").get_caller_identity()
            except Exception as exc:
                raise translate(exc, "check who you are signed in as (sts:GetCallerIdentity)") from exc
            self._identity = Identity(reply["Account"], reply["Arn"])
        return self._identity

    @property
    def region(self) -> str:
        return self.target.region

    def credentials(self) -> Any:
        """botocore's credentials for this target (to sign a test request), or None."""
        with self._lock:
            return self._boto_session().get_credentials()


def list_profiles() -> list[str]:
    """Profiles the credential chain knows (for the wizard's picker)."""
    import botocore.session

    return sorted(botocore.session.Session().available_profiles)
