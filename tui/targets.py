"""Connect a config to its target: real AWS (or AWS_ENDPOINT_URL), or the
local cloud, reusing one already running on the port or starting an
embedded one for the life of the process."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .stack.engine import UrlFor, aws_invoke_url
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


def connect(config: Config, state_dir: Path, port: int | None = None, endpoint_url: str | None = None) -> Connection:
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
            "Stop it, or pass --port with a free port (the same one to every command).",
        )
    if isinstance(found, Health) and not found.owned:
        raise WizardError(
            f"use the local cloud on port {port}",
            "NotYourLocalCloud",
            not_owned_message(port),
            f"Pass --port with another port (e.g. --port {port + 1}) to start your own.",
        )
    notes = []
    if found is None:
        try:
            start_background(port, state_dir)
        except StartFailed as exc:
            raise WizardError(
                "start the local cloud",
                "LocalCloudStartFailed",
                str(exc),
                f"See {log_path(state_dir)}, or pass --port with a free port.",
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
    worker thread, never the event loop). Another user's cloud gives nothing."""
    from localcloud.client import health

    return ledger_dir(health(port, timeout=timeout), state_dir)
