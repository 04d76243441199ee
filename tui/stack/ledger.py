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
import fcntl
import hashlib
import json
import os
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from awsrules.privatefiles import default_state_dir, ensure_private_dir, write_private  # noqa: F401 - re-exported

# 2: resource types are CloudFormation type names (AWS::IAM::Role, ...).
# 1: they were the tool's own words (iam_role, ...); such ledgers still load.
LEDGER_VERSION = 2


@dataclass
class Resource:
    type: str  # the CloudFormation type name: AWS::IAM::Role, AWS::Lambda::Function, ...
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


LOCK_WAIT_S = 300.0  # a second deploy of one stack waits this long for the first


class Ledger:
    def __init__(self, path: Path, scope: Scope):
        self.path = path
        self.scope = scope
        self.resources: list[Resource] = []
        self._lock_fd: int | None = None
        if path.exists():
            self._load()

    @classmethod
    def open(
        cls,
        state_dir: Path,
        scope: Scope,
        *,
        lock: bool = False,
        legacy: Callable[[dict[str, Any]], bool] | None = None,
        on_wait: Callable[[str], None] = lambda _m: None,
        wait_s: float = LOCK_WAIT_S,
    ) -> Ledger:
        """The stack's ledger. lock=True holds it against other deploys and
        destroys of the stack until close() or exit; `legacy` matches older
        scopes of the same stack, whose ledgers are merged into this one."""
        ledger = cls.__new__(cls)
        ledger.path, ledger.scope, ledger.resources, ledger._lock_fd = (
            state_dir / "ledgers" / scope.filename(),
            scope,
            [],
            None,
        )
        if lock:
            ledger._take_lock(on_wait, wait_s)
        if legacy is not None:
            ledger._migrate(legacy)
        if ledger.path.exists():
            ledger._load()
        return ledger

    def _take_lock(self, on_wait: Callable[[str], None], wait_s: float) -> None:
        path = self.path.with_name(self.path.name + ".lock")
        try:
            ensure_private_dir(path.parent)
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise LedgerError(
                f"cannot create the ledger lock {path} ({exc.strerror}); make the folder writable or pass --state-dir"
            ) from None
        deadline = time.monotonic() + wait_s
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = os.pread(fd, 40, 0).decode("utf-8", "replace").strip() or "unknown"
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise LedgerError(
                        f"another deploy or destroy of {self.scope.stack} (pid {holder}) still holds "
                        f"{path} after {wait_s:.0f} s; wait for it to finish, or stop it"
                    ) from None
                if not told:
                    on_wait(f"Waiting for another deploy or destroy of this stack (pid {holder}) to finish...")
                    told = True
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._lock_fd = fd

    def close(self) -> None:
        """Let other runs of this stack go on (also happens at exit)."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def _migrate(self, legacy: Callable[[dict[str, Any]], bool]) -> None:
        """Fold ledgers of the same stack under an older key into this one."""
        merged: list[Path] = []
        for path in sorted(self.path.parent.glob("*.json")):
            if path == self.path:
                continue
            with contextlib.suppress(ValueError, TypeError, OSError, AttributeError):
                data = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(data.get("scope"), dict) and legacy(data["scope"]):
                    merged.append(path)
        if not merged:
            return
        if self.path.exists():
            self._load()
        for path in merged:
            old = Ledger(path, self.scope)
            known = {(r.type, r.id) for r in self.resources}
            self.resources.extend(r for r in old.resources if (r.type, r.id) not in known)
        self.save()
        for path in merged:
            path.unlink()

    def _load(self) -> None:
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            raise LedgerError(
                f"cannot read the ledger {self.path} ({exc.strerror}); check its permissions and run the command again"
            ) from None
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict):
                raise TypeError(f"its top level is a JSON {type(data).__name__}, not an object")
            version = data.get("version", 1)
            if not isinstance(version, int) or version < 1:
                raise TypeError(f"its version is {version!r}, not a whole number from 1 to {LEDGER_VERSION}")
            if version > LEDGER_VERSION:
                raise NewerLedger(
                    f"the ledger {self.path} was written by a newer apigw-wizard (ledger version "
                    f"{version}; this one reads 1 to {LEDGER_VERSION}): upgrade apigw-wizard "
                    "(pip install -U apigw-wizard) and run the command again"
                )
            items = data.get("resources", [])
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise TypeError("its resources are not a list of objects")
            self.resources = [Resource(**item) for item in items]
            if version < 2:
                from .plans import LEGACY_TYPES

                for resource in self.resources:
                    resource.type = LEGACY_TYPES.get(resource.type, resource.type)
        except (ValueError, TypeError) as exc:
            aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
            os.replace(self.path, aside)
            reason = "it is not UTF-8 JSON" if isinstance(exc, ValueError) else str(exc)
            raise LedgerError(
                f"the ledger {self.path} is damaged ({reason}); it was moved to {aside.name}: "
                "repair it and move it back, or delete the resources it lists by hand, "
                "then run the command again"
            ) from None

    def save(self) -> None:
        body = {
            "version": LEDGER_VERSION,
            "scope": asdict(self.scope),
            "resources": [asdict(r) for r in self.resources],
        }
        try:
            write_private(self.path, json.dumps(body, indent=2).encode())
        except OSError as exc:
            raise LedgerError(
                f"could not write the ledger {self.path} ({exc.strerror}); free some space or make "
                "the folder writable, then run the command again (it resumes)"
            ) from None

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
        self.resources = [
            r
            for r in self.resources
            if not (r.type == old.type and r.id == old.id) and not (r.type == new.type and r.id == new.id)
        ]
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


class NewerLedger(LedgerError):
    """Written by a newer version: left untouched, and the user told to upgrade."""


def list_ledgers(state_dir: Path) -> list[tuple[Scope, int]]:
    """Every stack with something recorded (for the wizard's resume offer)."""
    out = []
    for path in sorted((state_dir / "ledgers").glob("*.json")):
        with contextlib.suppress(ValueError, TypeError, KeyError, OSError):
            data = json.loads(path.read_text(encoding="utf-8"))
            out.append((Scope(**data["scope"]), len(data.get("resources", []))))
    return out
