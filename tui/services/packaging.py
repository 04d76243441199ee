"""Function code -> deployment zip.

Zips are built deterministically (sorted entries, fixed timestamps and
modes), so the same code always has the same CodeSha256 and a re-deploy can
tell "unchanged" from "changed" without uploading.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from awsrules import zipsafety

from .chat_code import CHAT_CODE

# The Lambda console's default Python code, byte for byte (reference A1).
HELLO_CODE = """import json

def lambda_handler(event, context):
    # TODO implement
    return {
        'statusCode': 200,
        'body': json.dumps('Hello from Lambda!')
    }
"""
HELLO_FILE = "lambda_function.py"
# The AWS docs' example Lambda authorizer for HTTP APIs with simple responses
# (http-api-lambda-authorizer, "Example Lambda authorizer functions"), in
# Python: allowed when the Authorization header is "secretToken".
AUTHORIZER_SAMPLE_CODE = """def lambda_handler(event, context):
    authorized = (event.get("headers") or {}).get("authorization") == "secretToken"
    return {
        "isAuthorized": authorized,
        "context": {
            "stringKey": "value",
            "numberKey": 1,
            "booleanKey": True,
            "arrayKey": ["value"],
            "mapKey": {"value": "value"},
        },
    }
"""
# The built-in codes `function.code` may name instead of a path: the
# console's hello world, and the WebSocket tutorial's chat (chat_code.py).
# Each is one file, HELLO_FILE, so the console's handler name fits both.
BUILTINS: dict[str, str] = {"hello": HELLO_CODE, "chat": CHAT_CODE}


def builtin(code: str) -> str | None:
    """The source of a built-in code, or None for a path."""
    return BUILTINS.get(code)


MAX_ZIP_BYTES = 50 * 1024 * 1024  # direct-upload limit of CreateFunction
MAX_UNZIPPED_BYTES = zipsafety.MAX_UNZIPPED_BYTES
_EPOCH = (1980, 1, 1, 0, 0, 0)
_SKIP_DIRS = {"__pycache__", ".git", ".venv", "venv", ".mypy_cache", ".pytest_cache"}


class PackagingError(ValueError):
    """The code cannot be packaged; str() says why and what to do."""


@dataclass(frozen=True)
class Package:
    zip_bytes: bytes
    files: tuple[str, ...]

    @property
    def sha256(self) -> str:
        """As Lambda reports CodeSha256: base64 of the raw digest."""
        return base64.b64encode(hashlib.sha256(self.zip_bytes).digest()).decode()


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _zip(entries: dict[str, bytes]) -> Package:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(entries):
            archive.writestr(_entry(name), entries[name])
    data = buffer.getvalue()
    if len(data) > MAX_ZIP_BYTES:
        raise PackagingError(
            f"the zipped code is {len(data) // 1048576} MB; Lambda takes at most 50 MB by direct upload"
        )
    return Package(data, tuple(sorted(entries)))


def safe_names(archive: zipfile.ZipFile) -> list[str]:
    try:
        return zipsafety.safe_names(archive)
    except zipsafety.UnsafeArchive as exc:
        raise PackagingError(str(exc)) from None


def build(code: str) -> Package:
    """A built-in (`hello`, `chat`), a .py file, a folder or a .zip -> the zip Lambda receives."""
    source = builtin(code)
    if source is not None:
        return _zip({HELLO_FILE: source.encode()})
    path = Path(code)
    if path.is_dir():
        entries = {}
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
            for fname in files:
                if fname.endswith(".pyc"):
                    continue
                full = Path(root) / fname
                entries[full.relative_to(path).as_posix()] = full.read_bytes()
        if not entries:
            raise PackagingError(f"the folder {path} is empty; put the handler's .py file in it")
        return _zip(entries)
    if path.suffix == ".zip":
        data = path.read_bytes()
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = safe_names(archive)
        except zipfile.BadZipFile:
            raise PackagingError(f"{path} is not a valid zip file") from None
        if len(data) > MAX_ZIP_BYTES:
            raise PackagingError(f"{path} is over 50 MB, the direct-upload limit")
        return Package(data, tuple(sorted(names)))
    return _zip({path.name: path.read_bytes()})


def build_authorizer(code: str) -> Package:
    """`sample` (AUTHORIZER_SAMPLE_CODE) or code as build() takes it."""
    return _zip({HELLO_FILE: AUTHORIZER_SAMPLE_CODE.encode()}) if code == "sample" else build(code)


def _module_files(code: str) -> set[str] | None:
    """The file names in the package, without reading file contents where
    avoidable; None if the code cannot be listed (reported elsewhere)."""
    if code in BUILTINS:
        return {HELLO_FILE}
    path = Path(code)
    try:
        if path.is_dir():
            return {p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()}
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                return set(safe_names(archive))
        return {path.name}
    except (OSError, zipfile.BadZipFile, PackagingError):
        return None


def handler_module_problem(code: str, handler: str) -> str | None:
    """Say so if the handler's module is not in the code."""
    files = _module_files(code)
    module = handler.rpartition(".")[0]
    if files is None or not module:
        return None
    rel = module.replace(".", "/")
    if (
        f"{rel}.py" in files
        or f"{rel}/__init__.py" in files
        or any(f.startswith(f"{rel}.") and f.endswith((".so", ".pyc")) for f in files)
    ):
        return None
    candidates = sorted(f[:-3].replace("/", ".") for f in files if f.endswith(".py") and "/" not in f)
    suggestion = f"; set handler to e.g. {candidates[0]}.{handler.rpartition('.')[2]}" if candidates else ""
    return f"module {module!r} of handler {handler!r} is not in the code ({rel}.py not found){suggestion}"
