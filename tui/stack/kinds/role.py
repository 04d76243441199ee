"""AWS::IAM::Role: the function's execution role, made as the console makes
it ("Create a new role with basic Lambda permissions"), or an existing one."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from awsrules.arns import role_arn

from ...services import roles
from ...services.errors import WizardError
from ..ledger import Resource
from .base import Kind, Run, Template

if TYPE_CHECKING:
    from ...services.session import Cloud
    from ..render.context import RenderContext

LOGICAL_ID = "MyFunctionRole"


class RoleKind(Kind):
    type = "AWS::IAM::Role"
    short = "iam_role"
    label = "role"
    step = "role"

    def ensure(self, run: Run) -> str:
        fn = run.config.function
        if fn.role != "new":
            return self._existing(run, fn.role)
        run.emit_event("role", "start", "Creating a new role with basic Lambda permissions")
        run.settle(self)
        recorded = run.ledger.find(self.type)
        role = roles.get_role(run.cloud, recorded.id) if recorded else None
        if recorded and role is None:
            run.forget(recorded)
        if role is None:
            name = roles.new_role_name(fn.name)
            real = run.create(
                self,
                Resource(self.type, name),
                lambda: roles.create_role(run.cloud, name, fn.name),
                lambda reply: Resource(self.type, name, reply["Arn"]),
                lambda r: f"Created role {r.id}",
            )
            role = {"RoleName": name, "Arn": real.arn}
        else:
            assert recorded is not None
            run.reuse(self, recorded, f"Role {role['RoleName']} exists")
        run.facts["role_name"] = role["RoleName"]
        run.result.role_arn = role["Arn"]
        run.need("AWS::IAM::ManagedPolicy")  # the console attaches it as part of this step
        return str(role["Arn"])

    def _existing(self, run: Run, name: str) -> str:
        run.emit_event("role", "start", f"Using the existing role {name}")
        role = roles.get_role(run.cloud, name)
        if role is None:
            raise WizardError(
                f"use the role {name}",
                "NoSuchEntity",
                "the role does not exist",
                "Set function.role to an existing role name or ARN, or to new.",
            )
        if not roles.lambda_can_assume(role):
            run.emit_event(
                "role",
                "info",
                f"Warning: the trust policy of {role['RoleName']} does not name "
                "lambda.amazonaws.com; Lambda will refuse it",
            )
        run.result.role_arn = role["Arn"]
        return str(role["Arn"])

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        role = roles.get_role(cloud, pending.id)
        return Resource(self.type, pending.id, role["Arn"]) if role else None

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        roles.delete_role(cloud, resource.id)

    @staticmethod
    def arn(ctx: RenderContext) -> str:
        """The execution role's ARN as the CLI lines use it."""
        fn = ctx.config.function
        if fn.role == "new":
            return ctx.var("ROLE_ARN", role_arn(ctx.region, ctx.account, f"service-role/{fn.name}-role-<random>"))
        return fn.role if fn.role.startswith("arn:") else role_arn(ctx.region, ctx.account, fn.role)

    @staticmethod
    def name(ctx: RenderContext) -> str:
        """The new role's name: `<function>-role-<8 random>` as the console names it."""
        return ctx.var("ROLE_NAME", f"{ctx.config.function.name[:50]}-role-<random>")

    def cli(self, ctx: RenderContext) -> list[str]:
        fn = ctx.config.function
        if fn.role != "new":
            return []
        trust = json.dumps(roles.TRUST_POLICY, separators=(",", ":"))
        # The same name as roles.new_role_name: IAM role names stop at 64 characters.
        named = [f'ROLE_NAME="{fn.name[:50]}-role-$(random_hex 4)"'] if ctx.script else []
        return named + ctx.capture(
            "ROLE_ARN",
            "Role.Arn",
            [
                f"aws iam create-role --role-name {ctx.sh(self.name(ctx))} --path {roles.SERVICE_ROLE_PATH} \\",
                f"  --description {ctx.sh(description(fn.name))} \\",
                f"  --assume-role-policy-document {ctx.sh(trust)}",
            ],
        )

    def cloudformation(self, ctx: RenderContext) -> Template:
        if ctx.config.function.role != "new":
            return {}
        return {
            LOGICAL_ID: {
                "Type": self.type,
                "Properties": {
                    "Path": roles.SERVICE_ROLE_PATH,
                    "AssumeRolePolicyDocument": roles.TRUST_POLICY,
                    "Description": description(ctx.config.function.name),
                },
            }
        }

    def sam(self, ctx: RenderContext) -> Template:
        return {}  # SAM makes the execution role for a function that names none


def description(function: str) -> str:
    return f"Execution role for the Lambda function {function} (apigw-wizard)"


KIND = RoleKind()


def role_ref(ctx: RenderContext) -> Any:
    """What a template's function names as its Role."""
    role = ctx.config.function.role
    if role == "new":
        return {"Fn::GetAtt": [LOGICAL_ID, "Arn"]}
    if role.startswith("arn:"):
        return role
    return {"Fn::Sub": f"arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/{role}"}
