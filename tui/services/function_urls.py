"""Function URLs (CreateFunctionUrlConfig and its siblings) and the
resource-policy statements a public (NONE) URL needs: lambda:InvokeFunctionUrl
with FunctionUrlAuthType NONE, and, for new URLs, lambda:InvokeFunction with
InvokedViaFunctionUrl (urls-auth; awsdocs/aws-lambda-developer-guide#494
shows the 403 with only the first; reference I2). The first statement id is
the one the console writes; the second is ours."""

from __future__ import annotations

from typing import Any

from .errors import NOT_FOUND, WizardError, call
from .session import Cloud

URL_STATEMENT = "FunctionURLAllowPublicAccess"
INVOKE_STATEMENT = "FunctionURLAllowInvokeAction"


def get_url(cloud: Cloud, function: str) -> dict[str, Any] | None:
    try:
        return call(
            f"look up the URL of the function {function}",
            cloud.client("lambda").get_function_url_config,
            FunctionName=function,
        )
    except WizardError as err:
        if err.code in NOT_FOUND:
            return None
        raise


def create_url(cloud: Cloud, function: str, auth: str, cors: dict[str, Any] | None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"Cors": cors} if cors else {}
    return call(
        f"create a URL for the function {function}",
        cloud.client("lambda").create_function_url_config,
        FunctionName=function,
        AuthType=auth,
        **kwargs,
    )


def update_url(cloud: Cloud, function: str, auth: str, cors: dict[str, Any] | None) -> dict[str, Any]:
    return call(
        f"update the URL of the function {function}",
        cloud.client("lambda").update_function_url_config,
        FunctionName=function,
        AuthType=auth,
        Cors=cors or {},
    )


def delete_url(cloud: Cloud, function: str) -> None:
    try:
        call(
            f"delete the URL of the function {function}",
            cloud.client("lambda").delete_function_url_config,
            FunctionName=function,
        )
    except WizardError as err:
        if err.code not in NOT_FOUND:
            raise


def allow_public(cloud: Cloud, function: str) -> list[str]:
    """The two statements a NONE URL needs; the ids added (an existing one is kept)."""
    lam = cloud.client("lambda")
    added = []
    for sid, extra in (
        (URL_STATEMENT, {"Action": "lambda:InvokeFunctionUrl", "FunctionUrlAuthType": "NONE"}),
        (INVOKE_STATEMENT, {"Action": "lambda:InvokeFunction", "InvokedViaFunctionUrl": True}),
    ):
        try:
            call(
                f"allow public calls of the URL of {function}",
                lam.add_permission,
                FunctionName=function,
                StatementId=sid,
                Principal="*",
                **extra,
            )
            added.append(sid)
        except WizardError as err:
            if err.code != "ResourceConflictException":  # already there
                raise
    return added


def revoke_public(cloud: Cloud, function: str) -> None:
    for sid in (URL_STATEMENT, INVOKE_STATEMENT):
        try:
            call(
                f"remove the public URL statement {sid}",
                cloud.client("lambda").remove_permission,
                FunctionName=function,
                StatementId=sid,
            )
        except WizardError as err:
            if err.code not in NOT_FOUND:
                raise
