"""Every failure becomes: what failed, the AWS code and message, and the
next step. Codes moto cannot produce are made with botocore's Stubber."""

from __future__ import annotations

import boto3
import pytest
from botocore import exceptions as bx
from botocore.stub import Stubber

from tui.services.errors import WizardError, scrub, translate


def _stubbed_error(code: str, message: str, status: int = 400) -> WizardError:
    client = boto3.client("lambda", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
    with Stubber(client) as stub:
        stub.add_client_error("get_function", service_error_code=code, service_message=message, http_status_code=status)
        with pytest.raises(bx.ClientError) as info:
            client.get_function(FunctionName="f")
    return translate(info.value, "look up the function f")


@pytest.mark.parametrize(
    ("code", "hint", "transient"),
    [
        ("AccessDeniedException", "lack this permission", False),
        ("TooManyRequestsException", "throttling", True),
        ("ThrottlingException", "throttling", True),
        ("ExpiredTokenException", "aws sso login", False),
        ("UnrecognizedClientException", "not valid", False),
        ("ServiceException", "retry", True),
    ],
)
def test_client_errors_carry_code_message_and_next_step(code: str, hint: str, transient: bool) -> None:
    err = _stubbed_error(code, "details from AWS")
    assert err.code == code and err.message == "details from AWS"
    assert hint in err.hint and err.transient is transient
    assert err.sentence().startswith(f"Could not look up the function f: {code}: details from AWS.")


def test_role_propagation_error_is_transient_with_its_own_advice() -> None:
    err = _stubbed_error(
        "InvalidParameterValueException", "The role defined for the function cannot be assumed by Lambda."
    )
    assert err.transient and "lambda.amazonaws.com" in err.hint


@pytest.mark.parametrize(
    ("exc", "code", "hint"),
    [
        (bx.NoCredentialsError(), "NoCredentials", "--target local"),
        (bx.SSOTokenLoadError(error_msg="token expired"), "SSOTokenExpired", "aws sso login"),
        (bx.UnauthorizedSSOTokenError(), "SSOTokenExpired", "aws sso login"),
        (bx.ProfileNotFound(profile="nope"), "ProfileNotFound", "--profile"),
        (bx.NoRegionError(), "NoRegion", "--region"),
        (
            bx.EndpointConnectionError(endpoint_url="http://127.0.0.1:1"),
            "EndpointConnectionError",
            "apigw-wizard local",
        ),
        (bx.ReadTimeoutError(endpoint_url="http://x"), "EndpointConnectionError", "AWS_ENDPOINT_URL"),
    ],
)
def test_botocore_failures_are_translated(exc: Exception, code: str, hint: str) -> None:
    err = translate(exc, "do it")
    assert err.code == code and hint in err.hint


def test_secrets_never_appear_in_messages() -> None:
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    err = _stubbed_error("SignatureDoesNotMatch", f"key AKIAIOSFODNN7EXAMPLE secret {secret}")
    assert "AKIAIOSFODNN7EXAMPLE" not in err.sentence() and secret not in err.sentence()
    assert scrub("arn:aws:iam::123456789012:role/x") == "arn:aws:iam::123456789012:role/x"
