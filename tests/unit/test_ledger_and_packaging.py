"""The ledger's file safety, and deterministic, safe packaging."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from tui.stack.ledger import Ledger, LedgerError, Resource, Scope, list_ledgers
from tui.services.packaging import HELLO_CODE, PackagingError, build, handler_module_problem

SCOPE = Scope("local", "123456789012", "us-east-1", "http://127.0.0.1:1", "my-function", "my-http-api")


def test_ledger_is_private_and_records_immediately(tmp_path: Path) -> None:
    ledger = Ledger.open(tmp_path, SCOPE)
    ledger.add(Resource("AWS::IAM::Role", "r1", "arn:aws:iam::123456789012:role/r1"))
    assert stat.S_IMODE(ledger.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(ledger.path.parent.stat().st_mode) == 0o700
    again = Ledger.open(tmp_path, SCOPE)  # what another process would read
    assert [(r.type, r.id, r.account, r.target) for r in again.resources] == [
        ("AWS::IAM::Role", "r1", "123456789012", "local")
    ]
    assert list_ledgers(tmp_path) == [(SCOPE, 1)]
    again.remove(again.resources[0])
    assert not ledger.path.exists()


def test_ledger_write_leaves_no_temp_files(tmp_path: Path) -> None:
    ledger = Ledger.open(tmp_path, SCOPE)
    for i in range(20):
        ledger.add(Resource("AWS::ApiGatewayV2::Route", f"r{i}", parent="api"))
    assert [p.name for p in ledger.path.parent.iterdir()] == [ledger.path.name]


def test_unreadable_ledger_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "ledgers" / SCOPE.filename()
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    with pytest.raises(LedgerError, match="is damaged.*it was moved to .*corrupt-"):
        Ledger.open(tmp_path, SCOPE)


def test_scopes_do_not_share_ledgers() -> None:
    other = Scope("aws", "123456789012", "us-east-1", None, "my-function", "my-http-api")
    assert SCOPE.filename() != other.filename()


def test_hello_package_is_deterministic() -> None:
    first, second = build("hello"), build("hello")
    assert first.zip_bytes == second.zip_bytes and first.sha256 == second.sha256
    with zipfile.ZipFile(io.BytesIO(first.zip_bytes)) as archive:
        assert archive.read("lambda_function.py").decode() == HELLO_CODE


def test_folder_package_skips_caches(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "app.py").write_text("x = 1\n")
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "app.cpython-311.pyc").write_bytes(b"\0")
    assert build(str(tmp_path)).files == ("app.py", "pkg/__init__.py")


def test_zip_that_escapes_its_folder_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("lambda_function.py", "x = 1")
        archive.writestr("../../etc/evil.py", "x = 1")
    with pytest.raises(PackagingError, match="outside"):
        build(str(bad))


def test_handler_module_check(tmp_path: Path) -> None:
    assert handler_module_problem("hello", "lambda_function.lambda_handler") is None
    (tmp_path / "app.py").write_text("")
    assert "app.lambda_handler" in (
        handler_module_problem(str(tmp_path / "app.py"), "lambda_function.lambda_handler") or ""
    )
    assert handler_module_problem(str(tmp_path / "app.py"), "app.handler") is None
