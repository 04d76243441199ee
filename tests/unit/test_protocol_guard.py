"""The guard in front of the direct GET path (localcloud/protocol.py): it
relies on uvicorn internals, so when any of them is missing the cloud must
refuse the direct path and serve with uvicorn's stock httptools protocol,
saying why once."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import pytest
from uvicorn.protocols.http import httptools_impl
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from localcloud import protocol
from localcloud.cloud import LocalCloud


def _chosen(out: io.StringIO) -> Any:
    # LocalCloud._http_protocol is where the cloud decides; it only writes to self.out.
    return LocalCloud._http_protocol(SimpleNamespace(out=out))  # type: ignore[arg-type]


def test_this_uvicorn_passes_every_check_and_gets_the_direct_path() -> None:
    out = io.StringIO()
    assert protocol.unsupported_reason() is None
    assert _chosen(out) is protocol.EdgeProtocol
    assert out.getvalue() == ""


@pytest.mark.parametrize("method", protocol._RELIED_ON)
def test_a_missing_method_refuses_the_direct_path(monkeypatch: pytest.MonkeyPatch, method: str) -> None:
    monkeypatch.delattr(HttpToolsProtocol, method)
    assert protocol.unsupported_reason() == f"uvicorn's HttpToolsProtocol lacks {method}"


def test_a_missing_attribute_makes_the_cloud_choose_stock_httptools_and_say_so_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delattr(HttpToolsProtocol, "on_response_complete")
    out = io.StringIO()
    assert _chosen(out) == "httptools"
    log = out.getvalue()
    assert log.count("Serving with uvicorn's own HTTP protocol") == 1
    assert "lacks on_response_complete" in log


@pytest.mark.parametrize("state", ["pipeline", "tasks", "server_state", "parser", "cycle"])
def test_instance_state_renamed_by_init_refuses_the_direct_path(monkeypatch: pytest.MonkeyPatch, state: str) -> None:
    """A release that renames per-instance state keeps every method name:
    only a constructed instance shows it."""
    original = HttpToolsProtocol.__init__

    def renaming_init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        setattr(self, f"_{state}", self.__dict__.pop(state))

    monkeypatch.setattr(HttpToolsProtocol, "__init__", renaming_init)
    reason = protocol.unsupported_reason()
    assert reason is not None and state in reason
    assert _chosen(io.StringIO()) == "httptools"


@pytest.mark.parametrize("state", ["url", "headers", "scope", "expect_100_continue"])
def test_request_state_renamed_by_on_message_begin_refuses_the_direct_path(
    monkeypatch: pytest.MonkeyPatch, state: str
) -> None:
    original = HttpToolsProtocol.on_message_begin

    def renaming_begin(self: Any) -> None:
        original(self)
        setattr(self, f"_{state}", self.__dict__.pop(state))

    monkeypatch.setattr(HttpToolsProtocol, "on_message_begin", renaming_begin)
    assert protocol.unsupported_reason() == f"an HttpToolsProtocol instance lacks {state}"


def test_connection_state_renamed_by_connection_made_refuses_the_direct_path(monkeypatch: pytest.MonkeyPatch) -> None:
    original = HttpToolsProtocol.connection_made

    def renaming_made(self: Any, transport: Any) -> None:
        original(self, transport)
        self._client = self.__dict__.pop("client")

    monkeypatch.setattr(HttpToolsProtocol, "connection_made", renaming_made)
    assert protocol.unsupported_reason() == "an HttpToolsProtocol instance lacks client"


def test_a_parser_without_a_relied_on_method_refuses_the_direct_path(monkeypatch: pytest.MonkeyPatch) -> None:
    class Parser:
        def __init__(self, protocol: Any) -> None:
            pass

        def set_dangerous_leniencies(self, **kwargs: Any) -> None:
            pass

    monkeypatch.setattr(httptools_impl.httptools, "HttpRequestParser", Parser)
    reason = protocol.unsupported_reason()
    assert reason is not None and "parser.get_method" in reason


def test_a_constructor_that_changed_signature_refuses_the_direct_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def new_init(self: Any, config: Any, server_state: Any) -> None:  # app_state dropped
        pass

    monkeypatch.setattr(HttpToolsProtocol, "__init__", new_init)
    reason = protocol.unsupported_reason()
    assert reason is not None and reason.startswith("uvicorn's HttpToolsProtocol could not be probed (TypeError")


def test_a_cycle_attribute_the_direct_cycle_lacks_refuses_the_direct_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """uvicorn reading something new from self.cycle would raise on a
    _DirectCycle (it has __slots__): the guard reads the methods that can
    meet one."""

    def shutdown(self: Any) -> None:
        if self.cycle is None or self.cycle.response_complete:
            self.transport.close()
        else:
            self.cycle.keep_alive = self.cycle.shutting_down = False

    monkeypatch.setattr(HttpToolsProtocol, "shutdown", shutdown)
    assert protocol.unsupported_reason() == "uvicorn reads shutting_down from a request cycle"


def test_unreadable_source_refuses_the_direct_path(monkeypatch: pytest.MonkeyPatch) -> None:
    import inspect

    def no_source(obj: Any) -> str:
        raise OSError("could not get source code")

    monkeypatch.setattr(inspect, "getsource", no_source)
    reason = protocol.unsupported_reason()
    assert reason is not None and "source cannot be read" in reason


def test_a_short_status_line_table_refuses_the_direct_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(protocol, "STATUS_LINE", {200: b"HTTP/1.1 200 OK\r\n"})
    assert protocol.unsupported_reason() == "uvicorn's STATUS_LINE is not a table of status lines"


def test_another_version_is_refused_before_anything_else() -> None:
    assert protocol.unsupported_reason("0.55.0") == ("uvicorn 0.55.0 is not one this protocol was tested with (0.54.0)")
