"""The local cloud's owner: an access key pair generated per user on first
use, kept 0600 under the user's config folder. Every AWS API call to the
cloud must be SigV4-signed with it, the wizard and the CLI pick it up
themselves, and `apigw-wizard local --env` prints it for other tools.

A client trusts a cloud on a port only once the cloud proves it holds the
secret (an HMAC of a fresh nonce and the port), so a cloud another user
started on that port is refused before anything is sent to it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

FILE_NAME = "local-cloud-credentials.json"
KEY_PREFIX = "LKIA"  # AWS keys are 20 characters: a prefix and 16 of base32
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


class OwnerError(RuntimeError):
    """The credentials file is unusable; the message names it and the fix."""


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str

    def env(self, endpoint: str, region: str) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": self.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
        }


def config_dir() -> Path:
    env = os.environ.get("APIGW_WIZARD_CONFIG_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "apigw-wizard"


def credentials_path() -> Path:
    return config_dir() / FILE_NAME


def _new() -> Credentials:
    key = KEY_PREFIX + "".join(secrets.choice(_B32) for _ in range(16))
    return Credentials(key, secrets.token_urlsafe(30)[:40])


def _read(path: Path) -> Credentials:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        creds = Credentials(str(data["access_key_id"]), str(data["secret_access_key"]))
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise OwnerError(
            f"{path} is not a readable credentials file ({type(exc).__name__}); "
            "move it aside and run the command again to make a new key pair"
        ) from None
    if len(creds.access_key_id) < 16 or len(creds.secret_access_key) < 20:
        raise OwnerError(
            f"{path} holds a key that is too short; move it aside and run the command again to make a new key pair"
        )
    if path.stat().st_mode & 0o077:
        raise OwnerError(
            f"{path} is readable by other users; run 'chmod 600 {path}' (or move it aside to make a new key pair)"
        )
    return creds


def load(create: bool = True) -> Credentials | None:
    """This user's key pair; made (atomically, 0600) if missing and `create`."""
    path = credentials_path()
    if path.exists():
        return _read(path)
    if not create:
        return None
    creds = _new()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=f".{FILE_NAME}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), 0o600)
            json.dump({"access_key_id": creds.access_key_id, "secret_access_key": creds.secret_access_key}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)  # never replaces a pair another process made first
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    except OSError as exc:
        raise OwnerError(
            f"cannot write the local cloud's credentials to {path} ({exc.strerror}); "
            "make that folder writable or set APIGW_WIZARD_CONFIG_DIR"
        ) from None
    return _read(path)


def proof(creds: Credentials, nonce: str, port: int) -> str:
    """What a cloud answers to prove it is this user's. The port is in it,
    so an answer cannot be relayed from the owner's cloud on another port."""
    message = f"apigw-wizard-health\n{nonce}\n{port}".encode()
    return hmac.new(creds.secret_access_key.encode(), message, hashlib.sha256).hexdigest()


def new_nonce() -> str:
    return secrets.token_hex(16)
