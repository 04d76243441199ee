"""In-process checks of the operation classifier, the coalesced saver,
retention and ledger locking/migration."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from localcloud import retention
from localcloud.operations import classify, is_read
from localcloud.persist import SaveFailed
from localcloud.snapshots import ControlSaver
from tui.stack.ledger import Ledger, LedgerError, Resource, Scope

AUTH = "AWS4-HMAC-SHA256 Credential=AKIA/20260101/us-east-1/{}/aws4_request, SignedHeaders=host, Signature=0"
FORM = ("content-type", "application/x-www-form-urlencoded")


def signed(service: str, *extra: tuple[str, str]) -> list[tuple[str, str]]:
    return [("authorization", AUTH.format(service)), *extra]


@pytest.mark.parametrize(
    ("method", "path", "headers", "body", "name", "changes"),
    [
        ("POST", "/", signed("sts", FORM), b"Action=GetCallerIdentity&Version=2011-06-15", "GetCallerIdentity", False),
        ("POST", "/", signed("iam", FORM), b"Action=ListRoles", "ListRoles", False),
        ("POST", "/", signed("iam", FORM), b"Action=CreateRole&RoleName=r", "CreateRole", True),
        ("GET", "/2015-03-31/functions/", signed("lambda"), b"", "ListFunctions", False),
        ("POST", "/2015-03-31/functions", signed("lambda"), b"{}", "CreateFunction", True),
        ("PUT", "/2015-03-31/functions/f/code", signed("lambda"), b"{}", "UpdateFunctionCode", True),
        ("POST", "/2015-03-31/functions/f/invocations", signed("lambda"), b"{}", "Invoke", False),
        ("POST", "/2015-03-31/functions/f/policy", signed("lambda"), b"{}", "AddPermission", True),
        ("DELETE", "/2015-03-31/functions/f", [], b"", "DeleteFunction", True),  # unsigned: found by path
        ("GET", "/v2/apis/a1/routes", signed("apigateway"), b"", "GetRoutes", False),
        ("POST", "/v2/apis/a1/deployments", signed("apigateway"), b"{}", "CreateDeployment", True),
        ("POST", "/", signed("logs", ("x-amz-target", "Logs_20140328.PutLogEvents")), b"{}", "PutLogEvents", False),
    ],
)
def test_operations_are_named_from_the_service_model(
    method: str, path: str, headers: list[tuple[str, str]], body: bytes, name: str, changes: bool
) -> None:
    op = classify(method, path, "", headers, body)
    assert op.name == name and op.changes_state is changes


def test_unknown_operations_count_as_changes() -> None:
    assert not is_read("") and not is_read("FrobnicateWidget") and is_read("DescribeThing")
    assert classify("POST", "/nowhere", "", [], b"").changes_state


class FakeStore:
    def __init__(self) -> None:
        self.control = Path("/state/control-plane.pickle")
        self.state = 0
        self.disk: list[int] = []
        self.fail = False

    def snapshot(self, extra: dict[str, Any]) -> bytes:
        return str(self.state).encode()

    def write_control(self, blob: bytes) -> None:
        time.sleep(0.05)
        if self.fail:
            raise OSError(28, "No space left on device")
        self.disk.append(int(blob))

    def restore(self, blob: bytes) -> dict[str, Any]:
        self.state = int(blob or b"0")
        return {}


def saver_for(store: FakeStore) -> ControlSaver:
    return ControlSaver(store, threading.RLock(), dict, lambda _extra: None, lambda _line: None)  # type: ignore[arg-type]


def test_a_burst_of_changes_is_one_write_and_each_waits_for_its_own() -> None:
    store = FakeStore()
    saver = saver_for(store)
    saver.good = b"0"
    with saver.lock:
        first = saver.change()
    writer = threading.Thread(target=saver.commit, args=(first,))
    writer.start()
    time.sleep(0.01)  # that save is writing while eight more changes arrive
    tickets = []
    with saver.lock:
        for _ in range(8):
            store.state += 1
            tickets.append(saver.change())
    threads = [threading.Thread(target=saver.commit, args=(t,)) for t in tickets]
    for thread in threads:
        thread.start()
    for thread in [writer, *threads]:
        thread.join()
    assert store.disk[-1] == 8 and len(store.disk) <= 2  # the eight rode on one write


def test_a_failed_write_undoes_every_unsaved_change_and_tells_each_caller() -> None:
    store = FakeStore()
    saver = saver_for(store)
    saver.good = b"0"
    store.fail = True
    with saver.lock:
        store.state = 5
        ticket = saver.change()
    with pytest.raises(SaveFailed, match="No space left on device"):
        saver.commit(ticket)
    assert store.state == 0  # rolled back to what is on disk
    store.fail = False
    with saver.lock:
        store.state = 7
        later = saver.change()
    saver.commit(later)
    assert store.disk == [7]


def event(ts: int) -> Any:
    return SimpleNamespace(timestamp=ts, message=f"m{ts}")


def test_a_log_group_keeps_its_newest_events_and_drops_emptied_streams() -> None:
    streams = {
        "old": SimpleNamespace(events=[event(t) for t in range(0, 5000)]),
        "new": SimpleNamespace(events=[event(t) for t in range(5000, 17000)]),
    }
    group = SimpleNamespace(streams=streams, retention_in_days=None)
    dropped = retention.trim_group(group, now_ms=10**13)
    assert dropped == 7000 and list(streams) == ["new"]
    assert len(streams["new"].events) == retention.MAX_EVENTS_PER_GROUP
    assert retention.trim_group(group, now_ms=10**13) == 0  # within the bound: nothing to do


def test_a_retention_the_user_set_is_honoured() -> None:
    now = 100 * 86_400_000
    group = SimpleNamespace(
        streams={"s": SimpleNamespace(events=[event(now - 2 * 86_400_000), event(now)])}, retention_in_days=1
    )
    assert retention.trim_group(group, now) == 1


def test_code_folders_go_only_after_being_unreferenced_for_the_grace_period(tmp_path: Path) -> None:
    for name in ("kept", "old", ".extracting.tmp"):
        (tmp_path / name).mkdir()
    pruner = retention.CodePruner(tmp_path, grace_s=10)
    assert pruner.prune({"kept"}, now=0) == []
    assert pruner.prune({"kept"}, now=9) == []
    assert pruner.prune({"kept"}, now=10) == ["old"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".extracting.tmp", "kept"]


def scope(endpoint: str) -> Scope:
    return Scope("local", "123456789012", "us-east-1", endpoint, "fn", "api")


def test_a_ledger_keyed_by_port_is_found_under_the_cloud_id(tmp_path: Path) -> None:
    old = Ledger.open(tmp_path, scope("http://127.0.0.1:4580"))
    old.add(Resource("AWS::IAM::Role", "fn-role"))
    new = Ledger.open(
        tmp_path,
        scope("local-cloud:abc"),
        legacy=lambda s: str(s.get("endpoint", "")).startswith("http") and s.get("function") == "fn",
    )
    assert [r.id for r in new.resources] == ["fn-role"]
    assert not old.path.exists()
    assert json.loads(new.path.read_text())["scope"]["endpoint"] == "local-cloud:abc"


def test_a_second_run_waits_for_the_ledger_then_gives_up_clearly(tmp_path: Path) -> None:
    first = Ledger.open(tmp_path, scope("local-cloud:abc"), lock=True)
    said: list[str] = []
    with pytest.raises(LedgerError, match="still holds"):
        Ledger.open(tmp_path, scope("local-cloud:abc"), lock=True, on_wait=said.append, wait_s=0.3)
    assert len(said) == 1 and "Waiting for another deploy" in said[0]
    first.close()
    Ledger.open(tmp_path, scope("local-cloud:abc"), lock=True, wait_s=0.3).close()


def test_moto_models_are_not_kept_alive_after_they_are_dropped() -> None:
    """moto's BaseModel lists every instance it makes for its dashboard; a
    trimmed log event must be freed, or a cloud under traffic grows ~1 KB
    per request for hours (measured by bench/soak.py before this)."""
    import gc
    import weakref

    from moto.logs.models import LogEvent

    from localcloud.moto_bridge import Moto

    Moto()
    event = LogEvent(1_700_000_000_000, {"timestamp": 1_700_000_000_000, "message": "START RequestId: x"})
    ref = weakref.ref(event)
    del event
    gc.collect()
    assert ref() is None
    assert LogEvent.instances_tracked == []  # type: ignore[attr-defined]


def test_a_flush_stores_only_each_groups_newest_lines() -> None:
    """Older lines would be trimmed at the next save: they are dropped
    before they are formatted (under load that was ~40 us a request)."""
    from collections import deque

    from localcloud.invocation import Report
    from localcloud.logsink import newest

    def report(ms: int) -> Report:
        return Report(f"r{ms}", ms - 1, ms, [(ms, "printed")], 1.0, 128, 40, None, "ok", None)

    a = deque([report(10), report(30), report(50)])  # 4 lines each
    b = deque([(20, "stray"), (40, "stray"), (60, "stray")])
    chosen = newest({"a": a, "b": b}, budget=9)
    assert chosen == {"b": [(40, "stray"), (60, "stray")], "a": [a[1], a[2]]}  # newest first until 10 lines
    assert newest({"a": a, "b": b}, budget=1000) == {"a": list(a), "b": list(b)}
    assert newest({"a": deque()}, budget=5) == {}
