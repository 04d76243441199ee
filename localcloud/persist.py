"""The local cloud's state on disk.

The control plane (moto's IAM, Lambda with the code, API Gateway, plus our
deployments) is pickled into control-plane.pickle after every change and
before the change is acknowledged, so a SIGKILL loses nothing that was
created. Logs are not part of it: moto's Lambda model points at the Logs
backend, and pickling that reference copied every log event into each
control-plane save. Logs go to logs.jsonl instead, JSON (never pickle, since
handlers write their text), every few seconds and at shutdown.

The files are 0600, written atomically. A file that cannot be read back is
moved aside (.corrupt-<timestamp>), never silently replaced.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import time
import weakref
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterator

from awsrules.privatefiles import write_private

# Modules whose classes saved state names, where they live now: the emulator
# was tui.local until it became its own package, and the HTTP API's
# deployments moved into localcloud.apigatewayv2. State saved by either
# older layout must still load (nothing the user created is lost).
_MOVED = {
    "tui.local.deployments": "localcloud.apigatewayv2.deployments",
    "localcloud.deployments": "localcloud.apigatewayv2.deployments",
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        module = _MOVED.get(module, module)
        if module == "tui.local" or module.startswith("tui.local."):
            module = "localcloud" + module[len("tui.local") :]
        return super().find_class(module, name)


def loads(blob: bytes) -> Any:
    """Unpickle our own 0600 snapshot, mapping moved module paths."""
    return _Unpickler(io.BytesIO(blob)).load()


FORMAT = 1


class StateError(RuntimeError):
    """One sentence: which file, what is wrong, what to do."""


class StateVersionError(StateError):
    pass


class StateCorrupt(StateError):
    pass


class SaveFailed(Exception):
    def __init__(self, path: Path, cause: OSError):
        self.path = path
        self.cause = cause
        reason = cause.strerror or type(cause).__name__
        super().__init__(
            f"could not save the local cloud's state to {path} ({reason}); "
            "the change was undone: free space or make the folder writable, then retry"
        )


def _weak_dict(items: dict[Any, Any]) -> weakref.WeakValueDictionary[Any, Any]:
    return weakref.WeakValueDictionary(items)


def _default_dict(kind: type, items: dict[Any, Any]) -> defaultdict[Any, Any]:
    return defaultdict(kind, items)


def _logs_backend(account: str, region: str) -> Any:
    """The live Logs backend, looked up when a snapshot is loaded."""
    return _logs()[account][region]


def _jwk(data: dict[str, Any]) -> Any:
    """A JSON Web Key pickled as its JWK dict (a user pool's signing key)."""
    from joserfc.jwk import RSAKey

    return RSAKey.import_key(data)


class _Pickler(pickle.Pickler):
    """moto keeps a WeakValueDictionary of functions by ARN and a
    defaultdict(lambda: {}); neither pickles as is, nor a user pool's
    signing key. A Logs backend is pickled as a reference, so log events
    never enter the snapshot."""

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, weakref.WeakValueDictionary):
            return _weak_dict, (dict(obj.items()),)
        if isinstance(obj, defaultdict) and getattr(obj.default_factory, "__name__", "") == "<lambda>":
            return _default_dict, (type(obj.default_factory()), dict(obj))  # type: ignore[misc]
        if type(obj).__name__ == "LogsBackend" and type(obj).__module__ == "moto.logs.models":
            return _logs_backend, (obj.account_id, obj.region_name)
        if type(obj).__name__ == "RSAKey" and type(obj).__module__.startswith("joserfc"):
            # A user pool's key holds an OpenSSL object, which does not pickle.
            return _jwk, (obj.as_dict(private=True),)
        return NotImplemented


def _dumps(value: Any) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


# Saved by versions before REST APIs were served, or before user pools were
# kept (a local-cognito JWT authorizer's issuer), or tables (the WebSocket chat's
# connections): a save without them loads with none.
_OPTIONAL = frozenset({"apigateway", "cognitoidp", "dynamodb"})


def _backends() -> dict[str, Any]:
    from moto.apigateway.models import apigateway_backends
    from moto.apigatewayv2.models import apigatewayv2_backends
    from moto.cognitoidp.models import cognitoidp_backends
    from moto.dynamodb.models import dynamodb_backends
    from moto.awslambda_simple.models import lambda_simple_backends
    from moto.iam.models import iam_backends

    return {
        "iam": iam_backends,
        "lambda": lambda_simple_backends,
        "apigatewayv2": apigatewayv2_backends,
        "apigateway": apigateway_backends,  # REST APIs (localcloud/apigateway/)
        "cognitoidp": cognitoidp_backends,  # user pools: JWT issuers of this cloud
        "dynamodb": dynamodb_backends,  # tables handlers keep (the WebSocket chat's connections)
    }


def _logs() -> Any:
    from moto.logs.models import logs_backends

    return logs_backends


def set_aside(path: Path) -> Path:
    """Rename a damaged file out of the way, keeping it for inspection."""
    aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
    os.replace(path, aside)
    return aside


class Store:
    def __init__(self, state_dir: Path):
        self.control = state_dir / "control-plane.pickle"
        self.logs = state_dir / "logs.jsonl"

    # -- control plane ---------------------------------------------------
    def snapshot(self, extra: dict[str, Any]) -> bytes:
        """The control plane as bytes (call with moto's lock held)."""
        import moto

        backends = {name: dict(backend) for name, backend in _backends().items()}
        return _dumps({"format": FORMAT, "moto": moto.__version__, "backends": backends, "extra": extra})

    def write_control(self, blob: bytes) -> None:
        """Write a snapshot (no lock needed: the bytes are already taken)."""
        write_private(self.control, blob)

    def restore(self, blob: bytes) -> dict[str, Any]:
        """Put the backends back as a snapshot had them (call with moto's
        lock held); returns its `extra` part. Empty bytes: nothing saved yet."""
        if not blob:
            for target in _backends().values():
                target.clear()
            return {}
        state = loads(blob)
        for name, target in _backends().items():
            target.clear()
            target.update(state["backends"].get(name, {}) if name in _OPTIONAL else state["backends"][name])
        return state["extra"]

    def load(self) -> tuple[dict[str, Any], bytes] | None:
        """Restore what was saved: its `extra` part and the bytes (kept as
        the last good snapshot to roll back to), or None if nothing."""
        if not self.control.exists():
            return None
        import moto

        blob = _read(self.control)
        try:
            state = loads(blob)
            problem = _shape_problem(state)
        except Exception as exc:  # noqa: BLE001 - any failure to unpickle means a damaged file
            problem = f"it cannot be read back ({type(exc).__name__}: {exc})" if blob else "it is empty"
        if problem:
            aside = set_aside(self.control)
            raise StateCorrupt(
                f"the local cloud's state file {self.control} is damaged: {problem}; it was moved "
                f"to {aside.name} and the next start begins empty (restore a copy to keep it)"
            )
        if state["format"] != FORMAT or state["moto"] != moto.__version__:
            raise StateVersionError(
                f"{self.control} was written by another version (moto {state.get('moto')}); "
                "move the state folder aside to start afresh"
            )
        extra = self.restore(blob)
        return extra, blob

    # -- logs ------------------------------------------------------------
    def logs_records(self) -> list[dict[str, Any]]:
        """Every log group as plain data (call with moto's lock held)."""
        records = []
        for account, regions in _logs().items():
            for region, backend in regions.items():
                for name, group in backend.groups.items():
                    streams = {
                        s: [[e.timestamp, e.message] for e in stream.events] for s, stream in group.streams.items()
                    }
                    records.append(
                        {
                            "account": account,
                            "region": region,
                            "group": name,
                            "retention": group.retention_in_days,
                            "streams": streams,
                        }
                    )
        return records

    def write_logs(self, records: list[dict[str, Any]]) -> None:
        lines = b"".join(json.dumps(r, separators=(",", ":")).encode() + b"\n" for r in records)
        write_private(self.logs, lines)

    def load_logs(self) -> str | None:
        """Load saved logs into moto; a note if the file was damaged (logs
        never stop a start: the file is set aside and the cloud goes on)."""
        if not self.logs.exists():
            return None
        try:
            for record in _parse_lines(_read(self.logs)):
                _load_group(record)
        except Exception as exc:  # noqa: BLE001 - whatever is wrong, the file is damaged
            aside = set_aside(self.logs)
            return f"the saved logs {self.logs} are damaged ({exc}); they were moved to {aside.name}"
        return None


def _load_group(record: dict[str, Any]) -> None:
    backend = _logs()[record["account"]][record["region"]]
    if record["group"] not in backend.groups:
        backend.create_log_group(record["group"], {})
    group = backend.groups[record["group"]]
    group.retention_in_days = record.get("retention")
    for stream_name, events in record["streams"].items():
        if stream_name not in group.streams:
            backend.create_log_stream(record["group"], stream_name)
        if events:
            group.streams[stream_name].put_log_events(
                [{"timestamp": int(ts), "message": str(text)} for ts, text in events]
            )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise StateError(
            f"cannot read the local cloud's state file {path} ({exc.strerror}); check its permissions and the disk"
        ) from None


def _shape_problem(state: Any) -> str:
    if not isinstance(state, dict):
        return f"it holds a {type(state).__name__}, not the cloud's state"
    backends = state.get("backends")
    if not isinstance(backends, dict) or not all(
        isinstance(backends.get(n), dict) for n in _backends() if n not in _OPTIONAL
    ):
        return "its backends are missing"
    if not isinstance(state.get("extra"), dict):
        return "its deployments are missing"
    return ""


def _parse_lines(data: bytes) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(data.splitlines(), 1):
        if not line.strip():
            continue
        record = json.loads(line)
        if not isinstance(record, dict) or not isinstance(record.get("streams"), dict):
            raise ValueError(f"line {number} is not a log group")
        for key in ("account", "region", "group"):
            if not isinstance(record.get(key), str):
                raise ValueError(f"line {number} has no {key}")
        yield record
