"""The client's one door to a local cloud on a port: is one running, is it
this user's (it must prove it holds the owner's key before anything is
sent to it), the admin calls (health details, invocation records,
shutdown) signed with the owner's key, starting one in the background or
the foreground, stopping it, and where its log lives. The wizard imports
nothing else of the emulator, and only when a command needs it; this module
is standard library only and loads the server lazily, in `serve`."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from awsrules.localendpoint import DEFAULT_PORT, HOST  # noqa: F401 - part of the door

from . import owner, sigv4
from .owner import Credentials, OwnerError  # noqa: F401 - part of the door

SERVICE_NAME = "apigw-wizard-local-cloud"
HEALTH_PATH = "/_apigw-wizard/health"
INVOCATIONS_PATH = "/_apigw-wizard/invocations/"  # + apigw-requestid: what the function saw
SHUTDOWN_PATH = "/_apigw-wizard/shutdown"


@dataclass(frozen=True)
class Health:
    """What a cloud on a port said about itself. `owned` is False for a
    cloud that could not prove it holds this user's key (another user's)."""

    port: int
    owned: bool
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def state_dir(self) -> str | None:
        value = self.details.get("state_dir")
        return str(value) if value else None


def _request(
    port: int, method: str, path: str, query: str = "", timeout: float = 2.0, creds: owner.Credentials | None = None
) -> tuple[int, bytes]:
    headers: dict[str, str] = {}
    if creds is not None:
        headers = sigv4.sign(method, f"{HOST}:{port}", path, query, b"", creds.access_key_id, creds.secret_access_key)
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(
            method, path + (f"?{query}" if query else ""), body=b"" if method == "POST" else None, headers=headers
        )
        reply = conn.getresponse()
        return reply.status, reply.read()
    finally:
        conn.close()


def health(port: int, timeout: float = 0.5) -> Health | None | bool:
    """Health of the cloud on `port`: None if nothing listens, False if
    something else answers, else a Health (owned or not). Nothing signed
    goes to a cloud before it has proved it holds this user's key."""
    creds = owner.load()
    assert creds is not None
    nonce = owner.new_nonce()
    found = _health_answer(port, f"nonce={nonce}", timeout, None)
    if not isinstance(found, dict):
        return found
    if found.get("proof") != owner.proof(creds, nonce, port):
        return Health(port, False)
    details = _health_answer(port, "", timeout, creds)
    return Health(port, True, details if isinstance(details, dict) else {})


def _health_answer(
    port: int, query: str, timeout: float, creds: owner.Credentials | None
) -> dict[str, Any] | None | bool:
    try:
        status, body = _request(port, "GET", HEALTH_PATH, query, timeout, creds)
    except (ConnectionRefusedError, OSError):
        return None
    except http.client.HTTPException:
        return False
    try:
        data = json.loads(body)
    except ValueError:
        return False
    if not isinstance(data, dict) or data.get("service") != SERVICE_NAME or status != 200:
        return False
    return data


def probe(port: int, timeout: float = 0.5) -> bool | None:
    """True: this user's cloud answers on the port. False: something else
    (another program, or another user's cloud). None: nothing listens."""
    found = health(port, timeout)
    if found is None:
        return None
    return isinstance(found, Health) and found.owned


def not_owned_message(port: int) -> str:
    return (
        f"the local cloud on {HOST}:{port} belongs to another user (it could not prove it holds your key); "
        "nothing was sent to it"
    )


def invocation(port: int, apigw_request_id: str, timeout: float = 3.0) -> dict[str, Any] | None:
    """The event a function got for one API request, and what it returned."""
    creds = owner.load()
    assert creds is not None
    try:
        status, body = _request(port, "GET", INVOCATIONS_PATH + quote(apigw_request_id, safe=""), "", timeout, creds)
        found = json.loads(body) if status == 200 else None
    except (OSError, ValueError, http.client.HTTPException):
        return None
    return found if isinstance(found, dict) else None


def request_shutdown(port: int) -> bool:
    """Ask this user's cloud on `port` to stop (signed); False if refused."""
    creds = owner.load()
    assert creds is not None
    try:
        status, _ = _request(port, "POST", SHUTDOWN_PATH, "", 2.0, creds)
    except (OSError, http.client.HTTPException):
        return False
    return status == 202


class StartFailed(RuntimeError):
    """The background cloud did not come up; str() says why."""


class CannotServe(RuntimeError):
    """The foreground cloud cannot start (port taken, state locked or
    damaged); str() says why and what to do."""


def load_credentials(create: bool = True) -> Credentials | None:
    """This user's local-cloud key pair (made on first use, 0600)."""
    return owner.load(create)


def log_path(state_dir: Path) -> Path:
    """The background cloud's log (stdout and stderr), rotated as it grows."""
    return state_dir / "local-cloud.log"


def state_dir_for(port: int, state_dir: Path) -> Path:
    """Where a background cloud on `port` keeps its state when no folder was
    named: the state dir itself on the default port, else `port-N` inside it,
    so two clouds never share one folder (one cloud per folder: statelock)."""
    return state_dir if port == DEFAULT_PORT else state_dir / f"port-{port}"


def cannot_start(port: int) -> str | None:
    """Why a new cloud of this user's cannot start on `port` (the owner key
    file is damaged, one already runs there, or another user's does), in one
    sentence with the next step; None when it can. `apigw-wizard local` and
    `python -m localcloud local` both ask it before they take the port."""
    try:
        load_credentials()
    except OwnerError as exc:
        return str(exc)
    found = health(port)
    if isinstance(found, Health) and found.owned:
        return (
            f"A local cloud is already running on port {port}; stop it with 'apigw-wizard local --stop --port {port}'."
        )
    if isinstance(found, Health):
        return f"{not_owned_message(port)}; pass --port with another port (e.g. --port {port + 1})."
    return None


def start_background(port: int, state_dir: Path) -> None:
    """Start `apigw-wizard local` detached and wait until it answers;
    StartFailed says why it did not."""
    from . import daemon

    daemon.start_background(port, state_dir)


def stop(port: int, timeout_s: float = 30.0) -> bool:
    """Ask this user's cloud on `port` to stop and wait until its state is
    saved; False if none was running."""
    from . import daemon

    return daemon.stop(port, timeout_s)


def serve(port: int, state_dir: Path, accept_any_credentials: bool = False) -> Any:
    """A foreground cloud, bound and ready for `serve_forever()` (the
    `apigw-wizard local` command). Loads the server only now."""
    from .cloud import LocalCloud, PortInUse
    from .persist import StateError

    try:
        cloud = LocalCloud(port, state_dir, quiet=False, accept_any_credentials=accept_any_credentials)
        cloud.bind()
    except PortInUse as exc:
        raise CannotServe(f"{exc}; pass --port with a free port.") from None
    except StateError as exc:  # damaged, locked by another cloud, or not writable
        raise CannotServe(str(exc)) from None
    return cloud
