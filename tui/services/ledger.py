"""What this tool created, so that resume and destroy always work.

One JSON file per stack (a function + API pair on one target, account and
region) in the state dir. A resource is written the moment the call that
created it returns, before the next call. Writes are atomic (temp file,
fsync, rename) and the files are 0600: a kill at any moment leaves a
readable ledger, and nothing in it is world-readable.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

LEDGER_VERSION = 1


def default_state_dir() -> Path:
    env = os.environ.get("APIGW_WIZARD_STATE_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "apigw-wizard"


def ensure_private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Atomically replace `path` with `data`, mode 0600."""
    ensure_private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@dataclass
class Resource:
    type: str  # iam_role, iam_policy, lambda_function, log_group, apigw_api, ...
    id: str  # the name or id the delete call takes
    arn: str | None = None
    parent: str | None = None  # api id for api children, function name for permissions
    extra: dict[str, Any] = field(default_factory=dict)
    region: str = ""
    account: str = ""
    target: str = ""
    created_at: str = ""


@dataclass(frozen=True)
class Scope:
    target: str
    account: str
    region: str
    endpoint: str | None
    function: str
    api: str

    @property
    def stack(self) -> str:
        return f"{self.function} + {self.api}"

    def filename(self) -> str:
        key = json.dumps(asdict(self), sort_keys=True).encode()
        slug = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{self.target}-{self.region}-{self.function}")[:60]
        return f"{slug}-{hashlib.sha256(key).hexdigest()[:12]}.json"


class Ledger:
    def __init__(self, path: Path, scope: Scope):
        self.path = path
        self.scope = scope
        self.resources: list[Resource] = []
        if path.exists():
            self._load()

    @classmethod
    def open(cls, state_dir: Path, scope: Scope) -> Ledger:
        return cls(state_dir / "ledgers" / scope.filename(), scope)

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.resources = [Resource(**item) for item in data.get("resources", [])]
        except (ValueError, TypeError) as exc:
            raise LedgerError(f"the ledger {self.path} is unreadable ({exc}); move it aside to start afresh") from None

    def save(self) -> None:
        body = {
            "version": LEDGER_VERSION,
            "scope": asdict(self.scope),
            "resources": [asdict(r) for r in self.resources],
        }
        write_private(self.path, json.dumps(body, indent=2).encode())

    def add(self, resource: Resource) -> Resource:
        resource.region = resource.region or self.scope.region
        resource.account = resource.account or self.scope.account
        resource.target = resource.target or self.scope.target
        resource.created_at = resource.created_at or _now()
        self.resources = [r for r in self.resources if not (r.type == resource.type and r.id == resource.id)]
        self.resources.append(resource)
        self.save()
        return resource

    def replace(self, old: Resource, new: Resource) -> Resource:
        """Swap a pending entry for the real resource in one atomic write."""
        new.region = new.region or old.region or self.scope.region
        new.account = new.account or old.account or self.scope.account
        new.target = new.target or old.target or self.scope.target
        new.created_at = new.created_at or old.created_at or _now()
        new.extra = {k: v for k, v in new.extra.items() if k != "pending"}
        self.resources = [r for r in self.resources
                          if not (r.type == old.type and r.id == old.id) and not (r.type == new.type and r.id == new.id)]
        self.resources.append(new)
        self.save()
        return new

    def remove(self, resource: Resource) -> None:
        self.resources = [r for r in self.resources if not (r.type == resource.type and r.id == resource.id)]
        if self.resources:
            self.save()
        else:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()

    def find(self, type_: str, **match: Any) -> Resource | None:
        for resource in self.resources:
            if resource.type == type_ and all(
                getattr(resource, k, None) == v or resource.extra.get(k) == v for k, v in match.items()
            ):
                return resource
        return None

    def all(self, type_: str) -> list[Resource]:
        return [r for r in self.resources if r.type == type_]


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


class LedgerError(RuntimeError):
    pass


def list_ledgers(state_dir: Path) -> list[tuple[Scope, int]]:
    """Every stack with something recorded (for the wizard's resume offer)."""
    out = []
    for path in sorted((state_dir / "ledgers").glob("*.json")):
        with contextlib.suppress(ValueError, TypeError, KeyError, OSError):
            data = json.loads(path.read_text(encoding="utf-8"))
            out.append((Scope(**data["scope"]), len(data.get("resources", []))))
    return out
