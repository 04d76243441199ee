"""What the client says about a local cloud and about unreachable endpoints,
per target: a hint that names `apigw-wizard local` names the port in use; on
the AWS target nothing blames the local cloud; an invoke URL that does not
resolve behind AWS_ENDPOINT_URL is said to lack an execute-api data plane."""

from __future__ import annotations

from pathlib import Path

import pytest
from botocore import exceptions as bx

from localcloud.client import state_dir_for
from tui.fields import FieldError
from tui.services.errors import WizardError, translate
from tui.services import tester
from tui.targets import CloudStatus, check_port, free_port_near, started_note


def test_endpoint_errors_name_the_local_clouds_port_and_only_on_loopback() -> None:
    local = translate(bx.EndpointConnectionError(endpoint_url="http://127.0.0.1:4687"), "list functions")
    assert "'apigw-wizard local --port 4687'" in local.hint and "Target step" in local.hint
    remote = translate(bx.EndpointConnectionError(endpoint_url="https://lambda.eu-west-1.amazonaws.com"), "x")
    assert "local" not in remote.hint and "AWS_ENDPOINT_URL" in remote.hint


def test_started_note_says_how_to_stop_that_port() -> None:
    assert "'apigw-wizard local --stop --port 4687'" in started_note(4687)


def _send_error(url: str, endpoint_url: str | None, monkeypatch: pytest.MonkeyPatch) -> WizardError:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with pytest.raises(WizardError) as caught:
        tester.send(tester.TestRequest("GET", url), timeout_s=10, endpoint_url=endpoint_url)
    return caught.value


def test_an_unresolvable_invoke_url_behind_an_endpoint_lacks_a_data_plane(monkeypatch: pytest.MonkeyPatch) -> None:
    # .invalid never resolves (RFC 6761), as moto's execute-api host names do not.
    url = "https://a1b2c3.execute-api.us-east-1.amazonaws.invalid/"
    err = _send_error(url, "http://127.0.0.1:5000", monkeypatch)
    assert "the endpoint http://127.0.0.1:5000 has no execute-api data plane" in err.hint
    assert "local cloud" not in err.sentence()
    plain = _send_error(url, None, monkeypatch)
    assert "does not resolve" in plain.hint and "local cloud" not in plain.sentence()
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5001")
    with pytest.raises(WizardError) as caught:
        tester.send(tester.TestRequest("GET", url), timeout_s=10)  # the environment's endpoint, when none is given
    assert "http://127.0.0.1:5001 has no execute-api data plane" in caught.value.hint


def test_a_local_invoke_url_nobody_answers_names_the_port(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import free_port

    port = free_port()
    err = _send_error(f"http://127.0.0.1:{port}/_aws/execute-api/abc/", None, monkeypatch)
    assert f"'apigw-wizard local --port {port}'" in err.hint


@pytest.mark.parametrize("text", ["", "80", "1023", "65536", "4580x", "-4580", " "])
def test_port_field_says_the_allowed_values(text: str) -> None:
    with pytest.raises(FieldError) as caught:
        check_port(text)
    assert str(caught.value) == "Port must be a whole number from 1024 to 65535: type one, e.g. 4580."


def test_port_field_accepts_the_range() -> None:
    assert [check_port(t) for t in ("1024", " 4687 ", "65535")] == [1024, 4687, 65535]


def test_one_state_dir_per_port(tmp_path: Path) -> None:
    assert state_dir_for(4580, tmp_path) == tmp_path
    assert state_dir_for(4687, tmp_path) == tmp_path / "port-4687"
    assert state_dir_for(4688, tmp_path) != state_dir_for(4687, tmp_path)


def test_another_users_cloud_is_said_plainly_and_shows_nothing_of_it(tmp_path: Path) -> None:
    status = CloudStatus(4580, running=True, other="user", free_port=4581)
    text = status.summary()
    assert (
        text
        == "A local cloud on port 4580 belongs to another user; nothing is sent to it. Use another port, e.g. 4581."
    )
    assert "State" not in text and status.state_dir is None
    mine = CloudStatus(4580, running=True, owned=True, state_dir=tmp_path)
    assert mine.summary() == f"Your local cloud is running. State: {tmp_path}"
    assert mine.endpoint == "http://127.0.0.1:4580"


def test_the_suggested_port_is_free() -> None:
    import socket

    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        taken = held.getsockname()[1]
        suggested = free_port_near(taken)
        assert suggested != taken
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", suggested))  # raises if it is not free
