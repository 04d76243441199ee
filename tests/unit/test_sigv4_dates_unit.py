"""X-Amz-Date is read by hand (strptime cost a fifth of each signature
check): it must accept exactly what AWS's basic format allows."""

from __future__ import annotations

import datetime as dt

import pytest

from localcloud.sigv4 import SignatureError, _amz_time, sign, verify


def test_a_basic_format_time_is_read_as_utc() -> None:
    assert _amz_time("20260102T030405Z") == dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize(
    "text",
    [
        "20261302T030405Z",
        "20260230T000000Z",
        "20260102T240000Z",
        "20260102T030405",
        "2026-01-02T03:04:05Z",
        "20260102T030405Z\n",
        " 20260102T030405Z",
        "\u0662\u0660\u0662\u0666" + "0102T030405Z",
        "",
    ],
)
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        _amz_time(text)


def test_a_malformed_date_in_a_signed_request_is_malformed_not_a_crash() -> None:
    headers = sign("GET", "127.0.0.1:1", "/v2/apis", "", b"", "LKIAOWNER0000000", "s" * 40, service="apigateway")
    headers["x-amz-date"] = "20261340T000000Z"
    with pytest.raises(SignatureError) as raised:
        verify("GET", "/v2/apis", "", list(headers.items()), b"", {"LKIAOWNER0000000": "s" * 40})
    assert raised.value.code == "MALFORMED"


def test_a_signature_made_now_still_verifies() -> None:
    headers = sign("GET", "127.0.0.1:1", "/v2/apis", "", b"", "LKIAOWNER0000000", "s" * 40, service="apigateway")
    signed = verify("GET", "/v2/apis", "", list(headers.items()), b"", {"LKIAOWNER0000000": "s" * 40})
    assert (signed.access_key, signed.service) == ("LKIAOWNER0000000", "apigateway")
