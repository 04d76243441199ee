"""The execution role, made the way the Lambda console makes it (reference
A3): `<fn>-role-<8 chars>` under /service-role/, trusted by Lambda, with a
customer-managed `AWSLambdaBasicExecutionRole-<uuid>` policy scoped to the
function's own log group.
"""

from __future__ import annotations

import json
import secrets
import string
import uuid
from typing import Any

from awsrules.arns import logs_arn

from .errors import NOT_FOUND, WizardError, call
from .paging import every
from .session import Cloud

SERVICE_ROLE_PATH = "/service-role/"
TRUST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def new_role_name(function: str) -> str:
    suffix = "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(8))
    return f"{function[:50]}-role-{suffix}"  # IAM role names stop at 64 characters


def new_policy_name() -> str:
    return f"AWSLambdaBasicExecutionRole-{uuid.uuid4()}"


def basic_policy_document(region: str, account: str, function: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "logs:CreateLogGroup", "Resource": logs_arn(region, account, "*")},
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": [logs_arn(region, account, f"log-group:/aws/lambda/{function}:*")],
            },
        ],
    }


def create_role(cloud: Cloud, name: str, function: str) -> dict[str, Any]:
    reply = call(
        f"create the execution role {name}",
        cloud.client("iam").create_role,
        RoleName=name,
        Path=SERVICE_ROLE_PATH,
        AssumeRolePolicyDocument=json.dumps(TRUST_POLICY),
        Description=f"Execution role for the Lambda function {function} (apigw-wizard)",
    )
    return reply["Role"]


def create_basic_policy(cloud: Cloud, name: str, function: str) -> str:
    ident = cloud.identity()
    reply = call(
        f"create the policy {name}",
        cloud.client("iam").create_policy,
        PolicyName=name,
        Path=SERVICE_ROLE_PATH,
        PolicyDocument=json.dumps(basic_policy_document(cloud.region, ident.account, function)),
    )
    return reply["Policy"]["Arn"]


def attach_policy(cloud: Cloud, role: str, policy_arn: str) -> None:
    call(
        f"attach the policy to the role {role}",
        cloud.client("iam").attach_role_policy,
        RoleName=role,
        PolicyArn=policy_arn,
    )


def policy_attached(cloud: Cloud, role: str, policy_arn: str) -> bool:
    attached = every(
        f"list the policies of the role {role}",
        cloud.client("iam"),
        "list_attached_role_policies",
        "AttachedPolicies",
        RoleName=role,
    )
    return any(p["PolicyArn"] == policy_arn for p in attached)


def get_role(cloud: Cloud, name_or_arn: str) -> dict[str, Any] | None:
    """The role, or None if it does not exist."""
    name = name_or_arn.rsplit("/", 1)[-1]
    try:
        return call(f"look up the role {name}", cloud.client("iam").get_role, RoleName=name)["Role"]
    except WizardError as err:
        if err.code in NOT_FOUND:
            return None
        raise


def policy_exists(cloud: Cloud, arn: str) -> bool:
    try:
        call("look up the policy", cloud.client("iam").get_policy, PolicyArn=arn)
        return True
    except WizardError as err:
        if err.code in NOT_FOUND:
            return False
        raise


def lambda_can_assume(role: dict[str, Any]) -> bool:
    doc = role.get("AssumeRolePolicyDocument") or {}
    if isinstance(doc, str):
        from urllib.parse import unquote

        doc = json.loads(unquote(doc))
    for statement in doc.get("Statement", []):
        if statement.get("Effect") != "Allow":
            continue
        services = (statement.get("Principal") or {}).get("Service", [])
        services = [services] if isinstance(services, str) else services
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        if "lambda.amazonaws.com" in services and ("sts:AssumeRole" in actions or "sts:*" in actions):
            return True
    return False


def list_lambda_roles(cloud: Cloud) -> list[dict[str, Any]]:
    """Roles whose trust policy lets Lambda assume them (the console's
    'Use an existing role' list)."""
    return [r for r in every("list the IAM roles", cloud.client("iam"), "list_roles", "Roles") if lambda_can_assume(r)]


def delete_role(cloud: Cloud, name: str) -> None:
    """Detach what is attached, drop inline policies, then delete."""
    iam = cloud.client("iam")
    action = f"list the policies of the role {name}"
    for policy in every(action, iam, "list_attached_role_policies", "AttachedPolicies", RoleName=name):
        call(
            f"detach a policy from the role {name}",
            iam.detach_role_policy,
            RoleName=name,
            PolicyArn=policy["PolicyArn"],
        )
    for policy_name in every(action, iam, "list_role_policies", "PolicyNames", RoleName=name):
        call(
            f"delete an inline policy of the role {name}", iam.delete_role_policy, RoleName=name, PolicyName=policy_name
        )
    call(f"delete the role {name}", iam.delete_role, RoleName=name)


def delete_policy(cloud: Cloud, arn: str) -> None:
    iam = cloud.client("iam")
    name = arn.rsplit("/", 1)[-1]
    for role in every(
        f"list where the policy {name} is attached", iam, "list_entities_for_policy", "PolicyRoles", PolicyArn=arn
    ):
        call(f"detach the policy {name}", iam.detach_role_policy, RoleName=role["RoleName"], PolicyArn=arn)
    for version in every(
        f"list the versions of the policy {name}", iam, "list_policy_versions", "Versions", PolicyArn=arn
    ):
        if not version["IsDefaultVersion"]:
            call(
                f"delete a version of the policy {name}",
                iam.delete_policy_version,
                PolicyArn=arn,
                VersionId=version["VersionId"],
            )
    call(f"delete the policy {name}", iam.delete_policy, PolicyArn=arn)


def get_role_policy(cloud: Cloud, role: str, name: str) -> dict[str, Any] | None:
    """An inline policy's document (boto3 decodes it), or None."""
    try:
        reply = call(
            f"read the policy {name} of the role {role}",
            cloud.client("iam").get_role_policy,
            RoleName=role,
            PolicyName=name,
        )
    except WizardError as err:
        if err.code in NOT_FOUND:
            return None
        raise
    document = reply["PolicyDocument"]
    return json.loads(document) if isinstance(document, str) else dict(document)


def put_role_policy(cloud: Cloud, role: str, name: str, document: dict[str, Any]) -> None:
    call(
        f"put the policy {name} on the role {role}",
        cloud.client("iam").put_role_policy,
        RoleName=role,
        PolicyName=name,
        PolicyDocument=json.dumps(document),
    )


def delete_role_policy(cloud: Cloud, role: str, name: str) -> None:
    call(
        f"delete the policy {name} of the role {role}",
        cloud.client("iam").delete_role_policy,
        RoleName=role,
        PolicyName=name,
    )
