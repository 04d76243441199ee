"""What Lambda's Invoke refuses before any function runs, worded as AWS
words it: a malformed name or qualifier (400 ValidationException), a missing
function or version (404, the ARN with its qualifier), a body that is not JSON
(400 InvalidRequestContentException) and one over the synchronous limit
(413 RequestEntityTooLargeException), and one made while the function is
still Pending (409 ResourceConflictException)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

# botocore's model (lambda 2015-03-31): Invoke's FunctionName is a
# NamespacedFunctionName, its Qualifier a NumericLatestPublishedOrAliasQualifier.
# AWS names these very patterns in its ValidationException (LocalStack's
# AWS-recorded snapshots test_invalid_invoke and
# test_function_name_and_qualifier_validation[*-invoke], 2025-11-25).
NAME_PATTERN = (
    r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?"
    r"(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?"
)
QUALIFIER_PATTERN = r"\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+"
_NAME = re.compile(NAME_PATTERN)
_QUALIFIER = re.compile(QUALIFIER_PATTERN)
NAME_MAX = 256  # botocore's model: NamespacedFunctionName max 256

# Lambda's synchronous invoke limit on the request (6 MB, reference A/limits).
# Over it AWS answers 413 RequestEntityTooLargeException, "Request must be
# smaller than 6291456 bytes for the InvokeFunction operation" (captures in
# awslabs/aws-athena-query-federation#793, "Status Code: 413; Error Code:
# RequestEntityTooLargeException", and pelmers/streetwarp-web#14, 2024).
# botocore's model calls it RequestTooLargeException: the wire says otherwise.
REQUEST_LIMIT = 6 * 1024 * 1024
# An Event (asynchronous) payload is limited to 1 MB (the Invoke API reference:
# "For asynchronous invocations, the maximum payload size is 1 MB"); over it the
# same 413 says "<n> byte payload is too large for the Event invocation type
# (limit <limit> bytes)" (captures with the earlier 256 KB limit:
# ASFHyP3/hyp3#2241 and aws/aws-pdk#771, 2024).
EVENT_LIMIT = 1024 * 1024


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    message: str
    # The body's keys follow botocore's shape of the error: "Type" and
    # "message", or "Message" (ResourceNotFoundException); ValidationException
    # has no Type (the recorded answers cited where each is made).
    key: str = "message"
    typed: bool = True

    def body(self) -> bytes:
        payload = {"Type": "User", self.key: self.message} if self.typed else {self.key: self.message}
        return json.dumps(payload).encode()


@dataclass(frozen=True)
class Target:
    """The function an Invoke names: its bare name and the qualifier
    (from the name's suffix or the Qualifier parameter), None if unqualified."""

    name: str
    qualifier: str | None


def parse_target(name: str, qualifier: str | None) -> Target | Refusal:
    problems = []
    if len(name) > NAME_MAX or not _NAME.fullmatch(name):
        problems.append(_constraint(name, "functionName", NAME_PATTERN))
    if qualifier is not None and not _QUALIFIER.fullmatch(qualifier):
        problems.append(_constraint(qualifier, "qualifier", QUALIFIER_PATTERN))
    if problems:
        count = f"{len(problems)} validation error{'s' if len(problems) > 1 else ''} detected: "
        return Refusal(400, "ValidationException", count + "; ".join(problems), typed=False)
    match = _NAME.fullmatch(name)
    assert match is not None
    bare, suffix = match.group(11), match.group(13)
    if suffix is not None and qualifier is not None and suffix != qualifier:
        # LocalStack's AWS-recorded test_ops_with_arn_qualifier_mismatch (GetFunction,
        # DeleteFunction..., 2025-11-25); Lambda resolves Invoke's name the same way.
        return Refusal(
            400,
            "InvalidParameterValueException",
            "The derived qualifier from the function name does not match the specified qualifier.",
        )
    return Target(bare, qualifier if qualifier is not None else suffix)


def not_found(region: str, account: str, target: Target) -> Refusal:
    """A missing function, or a missing version of one: AWS names the
    qualified ARN, $LATEST when none was given ("Function not found:
    arn:...:function:doesnotexist:$LATEST", LocalStack's AWS-recorded
    test_invoke_exceptions, 2025-11-24; ":1221" for a missing version in
    test_ops_on_nonexisting_version)."""
    arn = f"arn:aws:lambda:{region}:{account}:function:{target.name}:{target.qualifier or '$LATEST'}"
    return Refusal(404, "ResourceNotFoundException", f"Function not found: {arn}", key="Message")


def pending() -> Refusal:
    """Invoke while the function is still being created (reference A5:
    functions-states and troubleshooting-invocation in the Lambda guide)."""
    return Refusal(
        409,
        "ResourceConflictException",
        "The operation cannot be performed at this time. The function is currently in the following state: Pending",
    )


def too_large(size: int, invocation: str) -> Refusal | None:
    if size > REQUEST_LIMIT:
        message = f"Request must be smaller than {REQUEST_LIMIT} bytes for the InvokeFunction operation"
    elif invocation == "Event" and size > EVENT_LIMIT:
        message = f"{size} byte payload is too large for the Event invocation type (limit {EVENT_LIMIT} bytes)"
    else:
        return None
    return Refusal(413, "RequestEntityTooLargeException", message)


def payload_problem(body: bytes) -> Refusal | None:
    """A payload that is not JSON is refused before the function runs:
    400 InvalidRequestContentException, "Could not parse request body into
    json: Could not parse payload into json: <parser's words>" (LocalStack's
    AWS-recorded test_lambda_invoke_payload_encoding_error, 2025-11-24).
    The parser's words are Jackson's on AWS; ours say the same thing in
    Python's json module's terms, with Jackson's line and column suffix."""
    if not body:
        return None  # no payload: the function gets {}
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        detail = f"Invalid UTF-8 start byte 0x{body[exc.start]:02x}"
        return _unparsable(detail, 1, exc.start + 1)
    try:
        json.loads(text, parse_constant=_non_numeric)
    except json.JSONDecodeError as exc:
        return _unparsable(exc.msg, exc.lineno, exc.colno)
    except ValueError as exc:
        return _unparsable(str(exc), 1, 1)
    return None


def _non_numeric(token: str) -> None:
    """NaN and Infinity are Python's extension, not JSON: Jackson refuses
    them unless ALLOW_NON_NUMERIC_NUMBERS is on (its own error names it)."""
    raise ValueError(f"Non-standard token '{token}': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow")


def _unparsable(detail: str, line: int, column: int) -> Refusal:
    where = (
        f"[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: {line}, column: {column}]"
    )
    message = f"Could not parse request body into json: Could not parse payload into json: {detail}\n at {where}"
    return Refusal(400, "InvalidRequestContentException", message)


def _constraint(value: str, field: str, pattern: str) -> str:
    return (
        f"Value '{value}' at '{field}' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {pattern}"
    )
