"""Every failure a person can meet, as: what failed, the AWS error code and
message, and what to do next. The CLI prints it as one sentence; the wizard
shows it with Retry / Back / Clean up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Access key ids and 40-character secrets must never reach a screen or a log.
_SECRETS = re.compile(r"\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,}\b|(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")


def scrub(text: str) -> str:
    return _SECRETS.sub("[redacted]", text)


class WizardError(Exception):
    """A failure with what failed, the AWS code/message and the next step."""

    def __init__(self, action: str, code: str, message: str, hint: str, transient: bool = False):
        self.action = action
        self.code = code
        self.message = scrub(message)
        self.hint = hint
        self.transient = transient
        super().__init__(self.sentence())

    def sentence(self) -> str:
        detail = f"{self.code}: {self.message}" if self.code else self.message
        return f"Could not {self.action}: {detail.rstrip('.')}. {self.hint}"


@dataclass(frozen=True)
class _Rule:
    hint: str
    transient: bool = False


_THROTTLE = _Rule("AWS is throttling requests; wait a minute and retry.", transient=True)
_CODES: dict[str, _Rule] = {
    "AccessDenied": _Rule("Your credentials lack this permission: ask for it, or use another --profile."),
    "AccessDeniedException": _Rule("Your credentials lack this permission: ask for it, or use another --profile."),
    "UnauthorizedOperation": _Rule("Your credentials lack this permission: ask for it, or use another --profile."),
    "ExpiredToken": _Rule("Your session has expired: refresh it (for SSO: aws sso login) and retry."),
    "ExpiredTokenException": _Rule("Your session has expired: refresh it (for SSO: aws sso login) and retry."),
    "RequestExpired": _Rule("Your session has expired or the clock is off: refresh it and retry."),
    "InvalidClientTokenId": _Rule(
        "The access key is not valid: check the profile's credentials, or use --target local."
    ),
    "UnrecognizedClientException": _Rule(
        "The access key is not valid: check the profile's credentials, or use --target local."
    ),
    "SignatureDoesNotMatch": _Rule("The secret key does not match: check the profile's credentials."),
    "Throttling": _THROTTLE,
    "ThrottlingException": _THROTTLE,
    "TooManyRequestsException": _THROTTLE,
    "RequestLimitExceeded": _THROTTLE,
    "ServiceUnavailable": _Rule("The AWS service is unavailable for now; retry in a moment.", transient=True),
    "ServiceException": _Rule("The AWS service failed; retry in a moment.", transient=True),
    "InternalFailure": _Rule("The AWS service failed; retry in a moment.", transient=True),
    "LimitExceeded": _Rule("An account quota is reached: delete unused resources or ask AWS for a higher quota."),
    "LimitExceededException": _Rule(
        "An account quota is reached: delete unused resources or ask AWS for a higher quota."
    ),
    "ResourceConflictException": _Rule(
        "The resource already exists or is busy: pick another name, or retry in a moment."
    ),
    "ConflictException": _Rule("That already exists: pick another name or route."),
    "EntityAlreadyExists": _Rule("That already exists: pick another name."),
    "BadRequestException": _Rule("API Gateway refused the value: correct it and retry."),
    "ValidationException": _Rule("AWS refused a value: correct it and retry."),
    "InvalidParameterValueException": _Rule("Lambda refused a value: correct it and retry."),
    "NotFoundException": _Rule("It no longer exists: run deploy again to recreate it."),
    "ResourceNotFoundException": _Rule("It no longer exists: run deploy again to recreate it."),
    "NoSuchEntity": _Rule("It no longer exists: run deploy again to recreate it."),
}
ROLE_NOT_ASSUMABLE = "The role defined for the function cannot be assumed by Lambda."


def translate(exc: BaseException, action: str) -> WizardError:
    """Any exception from boto3/botocore/httpx -> WizardError."""
    if isinstance(exc, WizardError):
        return exc
    from botocore import exceptions as bx

    if isinstance(exc, bx.ClientError):
        err = exc.response.get("Error", {})
        code = str(err.get("Code") or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
        message = str(err.get("Message") or "")
        if code == "InvalidParameterValueException" and ROLE_NOT_ASSUMABLE in message:
            return WizardError(
                action,
                code,
                message,
                "The role's trust policy must allow lambda.amazonaws.com; new roles can take "
                "a minute to propagate, so retry, or pick another role.",
                transient=True,
            )
        if not message and code.isdigit():
            message = f"HTTP {code} from the endpoint (the operation may not be supported there)"
        rule = _CODES.get(code, _Rule("Check the message above, correct the cause and retry."))
        return WizardError(action, code, message, rule.hint, rule.transient)
    if isinstance(exc, bx.NoCredentialsError):
        return WizardError(
            action,
            "NoCredentials",
            "no AWS credentials were found",
            "Run 'aws configure' or 'aws sso login', set AWS_PROFILE or --profile, "
            "or use --target local, which needs no account.",
        )
    if isinstance(exc, (bx.SSOTokenLoadError, bx.UnauthorizedSSOTokenError, bx.TokenRetrievalError)):
        return WizardError(
            action,
            "SSOTokenExpired",
            str(exc),
            "Your SSO session has expired or was never started: run 'aws sso login' "
            "(with --profile if you use one) and retry.",
        )
    if isinstance(exc, bx.ProfileNotFound):
        return WizardError(
            action, "ProfileNotFound", str(exc), "Name a profile from ~/.aws/config with --profile, or leave it out."
        )
    if isinstance(exc, bx.NoRegionError):
        return WizardError(
            action, "NoRegion", "no region is set", "Pass --region (e.g. us-east-1) or set region in the config."
        )
    if isinstance(
        exc, (bx.EndpointConnectionError, bx.ConnectionClosedError, bx.ReadTimeoutError, bx.ConnectTimeoutError)
    ):
        return WizardError(
            action, "EndpointConnectionError", str(exc), _no_answer_hint(exc.kwargs.get("endpoint_url")), transient=True
        )
    if isinstance(exc, bx.ParamValidationError):
        return WizardError(action, "ParamValidationError", str(exc), "Correct the value and retry.")
    if isinstance(exc, bx.BotoCoreError):
        return WizardError(action, type(exc).__name__, str(exc), "Check the message, correct the cause and retry.")
    return WizardError(
        action,
        type(exc).__name__,
        str(exc) or repr(exc),
        "This is unexpected: retry, and report it if it happens again.",
    )


def _no_answer_hint(endpoint_url: object) -> str:
    """The next step when an endpoint did not answer: the local cloud (it
    listens on loopback only) is named with its port; anything else is not."""
    from urllib.parse import urlsplit

    parts = urlsplit(str(endpoint_url or ""))
    if parts.hostname in ("127.0.0.1", "localhost", "::1") and parts.port:
        return (
            f"Nothing answers on port {parts.port}: start the local cloud on the Target step, "
            f"or run 'apigw-wizard local --port {parts.port}' in another terminal, and retry."
        )
    return "The endpoint did not answer: check the network and AWS_ENDPOINT_URL, then retry."


def error_code(exc: BaseException) -> str:
    from botocore.exceptions import ClientError

    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


def call(action: str, func, /, **kwargs):  # type: ignore[no-untyped-def]
    """Run one AWS call; any failure becomes a WizardError naming `action`."""
    try:
        return func(**kwargs)
    except Exception as exc:
        raise translate(exc, action) from exc


NOT_FOUND = frozenset({"NotFoundException", "ResourceNotFoundException", "NoSuchEntity"})
