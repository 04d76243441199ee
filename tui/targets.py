"""Connect a config to its target: real AWS (or AWS_ENDPOINT_URL), or the
local cloud, reusing one already running on the port or starting an
embedded one for the life of the process."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .stack.outcome import UrlFor, aws_invoke_url
from awsrules.localendpoint import DEFAULT_PORT, HOST

from .services.errors import WizardError
from .services.session import Cloud, Target


@dataclass
class Connection:
    cloud: Cloud
    url_for: UrlFor
    notes: list[str] = field(default_factory=list)
    state_dir: Path | None = None  # where ledgers go: the local cloud's own, for the local target


def local_invoke_url(port: int) -> UrlFor:
    """Path-form invoke URL: works from curl with no DNS set-up."""

    def url_for(_endpoint: str, api_id: str, stage: str) -> str:
        base = f"http://{HOST}:{port}/_aws/execute-api/{api_id}"
        return f"{base}/" if stage == "$default" else f"{base}/{stage}"

    return url_for


def connect(
    config: Config,
    state_dir: Path,
    port: int | None = None,
    endpoint_url: str | None = None,
    per_port: bool = True,
) -> Connection:
    """`per_port`: a cloud started here on a non-default port keeps its state
    in `<state_dir>/port-N` (False: the state dir was named by the person)."""
    if config.target == "aws":
        target = Target("aws", config.region, config.profile, endpoint_url or None)
        return Connection(Cloud(target), aws_invoke_url, state_dir=state_dir)
    # The emulator's door loads only here, so the CLI and the first frame need none of it.
    from localcloud.client import (
        Health,
        OwnerError,
        StartFailed,
        health,
        load_credentials,
        log_path,
        not_owned_message,
        start_background,
        state_dir_for,
    )

    port = DEFAULT_PORT if port is None else port
    try:
        creds = load_credentials()
    except OwnerError as exc:
        raise WizardError(
            "read the local cloud's credentials",
            "BadCredentialsFile",
            str(exc),
            "Fix or move the file as it says, then try again.",
        ) from None
    assert creds is not None
    found = health(port)
    if found is False:
        raise WizardError(
            f"use the local cloud on port {port}",
            "PortInUse",
            f"another program answers on {HOST}:{port}",
            f"Stop it, or pass --port with a free port, e.g. --port {free_port_near(port)} "
            "(the same one to every command).",
        )
    if isinstance(found, Health) and not found.owned:
        raise WizardError(
            f"use the local cloud on port {port}",
            "NotYourLocalCloud",
            not_owned_message(port),
            f"Pass --port with another port (e.g. --port {free_port_near(port)}) to start your own.",
        )
    notes = []
    if found is None:
        own_dir = state_dir_for(port, state_dir) if per_port else state_dir
        try:
            start_background(port, own_dir)
        except StartFailed as exc:
            raise WizardError(
                f"start the local cloud on port {port}",
                "LocalCloudStartFailed",
                str(exc),
                f"See {log_path(own_dir)}, or pass --port with a free port.",
            ) from None
        notes.append(started_note(port))
        found = health(port)
    endpoint = f"http://{HOST}:{port}"
    cloud = Cloud(
        Target(
            "local",
            config.region,
            endpoint_url=endpoint,
            access_key=creds.access_key_id,
            secret_key=creds.secret_access_key,
        )
    )
    cloud_dir = ledger_dir(found, state_dir)
    if cloud_dir.resolve() != state_dir.resolve():
        notes.append(f"The local cloud on port {port} keeps its state in {cloud_dir}; the ledger is kept there too.")
    if isinstance(found, Health) and found.details.get("protections_off"):
        notes.append(
            "Handler sandbox protections off on this machine: "
            + "; ".join(str(p) for p in found.details["protections_off"])
        )
    return Connection(cloud, local_invoke_url(port), notes, cloud_dir)


def started_note(port: int) -> str:
    return (
        f"Started the local cloud in the background on http://{HOST}:{port} "
        f"(stop it with 'apigw-wizard local --stop --port {port}')."
    )


def ledger_dir(found: object, state_dir: Path) -> Path:
    """Where a stack's ledgers live: beside a running cloud's own state when
    it is this user's (its health names the folder), else the state dir."""
    state = getattr(found, "state_dir", None) if getattr(found, "owned", False) else None
    return Path(state) if state else state_dir


def local_ledger_dir(port: int, state_dir: Path, timeout: float = 0.2) -> Path:
    """ledger_dir for the cloud on `port`, asking it (network: call it from a
    worker thread, never the event loop). Another user's cloud gives nothing:
    not its folder, only this user's own for that port."""
    from localcloud.client import health, state_dir_for

    return ledger_dir(health(port, timeout=timeout), state_dir_for(port, state_dir))


# -- the Target step's view of the local cloud on a port ----------------------
# The Port field's rule lives with the other fields (the first frame needs it, not this module).
from .fields import PORT_RANGE, check_port  # noqa: E402, F401 - re-exported


@dataclass(frozen=True)
class CloudStatus:
    """What is on a port: nothing, this user's cloud (with its state dir),
    another user's cloud or another program (with a free port to use)."""

    port: int
    running: bool = False
    owned: bool = False
    state_dir: Path | None = None  # owned: its own; not running: where Start would keep it
    other: str = ""  # "user" (another user's cloud) or "program"
    free_port: int | None = None  # suggested when the port is taken

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.port}"

    def summary(self) -> str:
        """One or two plain sentences for the Target step (never markup)."""
        if self.other == "user":
            return (
                f"A local cloud on port {self.port} belongs to another user; nothing is sent to it. "
                f"Use another port, e.g. {self.free_port}."
            )
        if self.other == "program":
            return f"Another program answers on port {self.port}. Use another port, e.g. {self.free_port}."
        if self.running:
            return f"Your local cloud is running. State: {self.state_dir}"
        return f"Not running; Start (or Continue) starts it. State: {self.state_dir}"


def free_port_near(port: int) -> int:
    """The first port after `port` that nothing holds on 127.0.0.1."""
    import socket

    for candidate in [*range(port + 1, min(port + 100, PORT_RANGE[1] + 1)), *range(PORT_RANGE[0], port)]:
        with socket.socket() as sock:
            try:
                sock.bind((HOST, candidate))
            except OSError:
                continue
        return candidate
    return port + 1


def cloud_status(port: int, state_dir: Path, per_port: bool = True, timeout: float = 1.0) -> CloudStatus:
    """Ask the port (network: from a worker thread). Another user's cloud
    shows nothing of itself: not its folder, not its resources."""
    from localcloud.client import Health, health, state_dir_for

    found = health(port, timeout=timeout)
    own_dir = state_dir_for(port, state_dir) if per_port else state_dir
    if found is None:
        return CloudStatus(port, state_dir=own_dir)
    if isinstance(found, Health) and found.owned:
        return CloudStatus(port, True, True, Path(found.state_dir) if found.state_dir else own_dir)
    return CloudStatus(
        port, True, other="user" if isinstance(found, Health) else "program", free_port=free_port_near(port)
    )


def start_cloud(port: int, state_dir: Path, per_port: bool = True) -> CloudStatus:
    """Start this user's cloud on `port` in the background (if not running)."""
    from localcloud.client import StartFailed, log_path, start_background

    status = cloud_status(port, state_dir, per_port)
    if status.other:
        raise WizardError(
            f"start the local cloud on port {port}",
            "PortInUse",
            status.summary().split(". ")[0],
            f"Type another port in the Port field, e.g. {status.free_port}, then press Start.",
        )
    if not status.running:
        assert status.state_dir is not None
        try:
            start_background(port, status.state_dir)
        except StartFailed as exc:
            raise WizardError(
                f"start the local cloud on port {port}",
                "LocalCloudStartFailed",
                str(exc),
                f"See {log_path(status.state_dir)}, or type another port in the Port field.",
            ) from None
    return cloud_status(port, state_dir, per_port)


def stop_cloud(port: int, state_dir: Path, per_port: bool = True) -> CloudStatus:
    """Stop this user's cloud on `port`; another user's is never asked."""
    from localcloud.client import stop

    status = cloud_status(port, state_dir, per_port)
    if status.other:
        raise WizardError(
            f"stop the local cloud on port {port}",
            "NotYourLocalCloud",
            status.summary().split(". ")[0],
            "Only its owner can stop it; type another port in the Port field.",
        )
    if status.running:
        stop(port)
    return cloud_status(port, state_dir, per_port)
