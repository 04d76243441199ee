"""What Invoke refuses before a function runs (localcloud/invoke_errors.py),
in process. The AWS sources are cited in the module and in
tests/e2e/test_lambda_invoke_exact.py, which checks the same over the wire."""

from __future__ import annotations

import pytest

from localcloud.invoke_errors import Refusal, Target, not_found, parse_target, payload_problem, too_large


@pytest.mark.parametrize(
    ("name", "qualifier", "expected"),
    [
        ("fn", None, Target("fn", None)),
        ("fn:7", None, Target("fn", "7")),
        ("fn", "$LATEST", Target("fn", "$LATEST")),
        ("arn:aws:lambda:us-east-1:123456789012:function:fn:$LATEST", None, Target("fn", "$LATEST")),
        ("123456789012:function:fn", None, Target("fn", None)),
        ("fn:7", "7", Target("fn", "7")),
    ],
)
def test_names_and_qualifiers_parse(name: str, qualifier: str | None, expected: Target) -> None:
    assert parse_target(name, qualifier) == expected


def test_a_qualifier_in_the_name_must_agree_with_the_parameter() -> None:
    refused = parse_target("arn:aws:lambda:us-east-1:123456789012:function:fn:1", "$LATEST")
    assert isinstance(refused, Refusal) and (refused.status, refused.code) == (400, "InvalidParameterValueException")
    assert refused.message == "The derived qualifier from the function name does not match the specified qualifier."


def test_both_problems_are_counted_in_one_message() -> None:
    refused = parse_target("bad name", "bad!")
    assert isinstance(refused, Refusal) and refused.status == 400 and refused.code == "ValidationException"
    assert refused.message.startswith("2 validation errors detected: Value 'bad name' at 'functionName'")
    assert "; Value 'bad!' at 'qualifier'" in refused.message
    assert b'"Type"' not in refused.body()  # ValidationException carries no Type


def test_not_found_names_latest_when_unqualified() -> None:
    refused = not_found("eu-west-1", "123456789012", Target("fn", None))
    assert refused.message == "Function not found: arn:aws:lambda:eu-west-1:123456789012:function:fn:$LATEST"
    assert refused.body() == (
        b'{"Type": "User", "Message": "Function not found: arn:aws:lambda:eu-west-1:123456789012:function:fn:$LATEST"}'
    )


@pytest.mark.parametrize("payload", [b"", b"{}", b'"text"', b"[1, 2]", b"null", '{"é": 1}'.encode()])
def test_json_payloads_pass(payload: bytes) -> None:
    assert payload_problem(payload) is None


@pytest.mark.parametrize(
    ("payload", "detail"),
    [
        (b"\x87", "Invalid UTF-8 start byte 0x87"),
        (b"{", "Expecting property name"),
        (b'{"a": Infinity}', "Non-standard token 'Infinity'"),
    ],
)
def test_other_payloads_are_invalid_request_content(payload: bytes, detail: str) -> None:
    refused = payload_problem(payload)
    assert refused is not None and (refused.status, refused.code) == (400, "InvalidRequestContentException")
    assert refused.message.startswith(
        f"Could not parse request body into json: Could not parse payload into json: {detail}"
    )


def test_size_limits_by_invocation_type() -> None:
    assert too_large(6 * 1024 * 1024, "RequestResponse") is None
    assert too_large(1024 * 1024, "Event") is None
    sync = too_large(6 * 1024 * 1024 + 1, "RequestResponse")
    assert sync is not None and (sync.status, sync.code) == (413, "RequestEntityTooLargeException")
    event = too_large(1024 * 1024 + 1, "Event")
    assert event is not None and event.message.startswith("1048577 byte payload is too large for the Event")
