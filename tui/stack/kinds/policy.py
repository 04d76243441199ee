"""AWS::IAM::ManagedPolicy: the console's AWSLambdaBasicExecutionRole-<uuid>
policy, scoped to the function's own log group, attached to its new role."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from awsrules.arns import policy_arn

from ...services import roles
from ..ledger import Resource
from .base import Kind, Run, Template
from .role import LOGICAL_ID as ROLE_ID

if TYPE_CHECKING:
    from ...services.session import Cloud
    from ..render.context import RenderContext


class PolicyKind(Kind):
    type = "AWS::IAM::ManagedPolicy"
    short = "iam_policy"
    label = "policy"
    step = "policy"

    def ensure(self, run: Run) -> None:
        if run.config.function.role != "new":
            return
        role_name = run.facts.get("role_name") or ""
        run.settle(self)
        recorded = run.ledger.find(self.type)
        if recorded and not roles.policy_exists(run.cloud, recorded.arn or ""):
            run.forget(recorded)
            recorded = None
        made_now = recorded is None  # a policy made just now is attached to nothing yet
        if recorded is None:
            name = roles.new_policy_name()
            fn_name = run.config.function.name
            recorded = run.create(
                self,
                Resource(self.type, name),
                lambda: roles.create_basic_policy(run.cloud, name, fn_name),
                lambda arn: Resource(self.type, name, arn),
                lambda r: f"Created policy {r.id} (logs for /aws/lambda/{fn_name})",
            )
        if role_name and (made_now or not roles.policy_attached(run.cloud, role_name, recorded.arn or "")):
            roles.attach_policy(run.cloud, role_name, recorded.arn or "")
            run.emit_event("policy", "info", f"Attached {recorded.id} to {role_name}")

    def find(self, cloud: Cloud, pending: Resource, account: str) -> Resource | None:
        arn = policy_arn(cloud.region, account, f"service-role/{pending.id}")
        return Resource(self.type, pending.id, arn) if roles.policy_exists(cloud, arn) else None

    def delete(self, cloud: Cloud, resource: Resource) -> None:
        roles.delete_policy(cloud, resource.arn or "")

    def cli(self, ctx: RenderContext) -> list[str]:
        from .role import RoleKind

        fn = ctx.config.function
        if fn.role != "new":
            return []
        document = json.dumps(roles.basic_policy_document(ctx.region, ctx.account, fn.name), separators=(",", ":"))
        name = ctx.var("POLICY_NAME", "AWSLambdaBasicExecutionRole-<uuid>")
        arn = ctx.var("POLICY_ARN", policy_arn(ctx.region, ctx.account, f"service-role/{name}"))
        # The console's name, AWSLambdaBasicExecutionRole-<uuid4> (roles.new_policy_name).
        named = (
            [
                'POLICY_UUID="$(random_hex 16)"',
                'POLICY_NAME="AWSLambdaBasicExecutionRole-${POLICY_UUID:0:8}-${POLICY_UUID:8:4}-'
                '${POLICY_UUID:12:4}-${POLICY_UUID:16:4}-${POLICY_UUID:20:12}"',
            ]
            if ctx.script
            else []
        )
        return [
            *named,
            *ctx.capture(
                "POLICY_ARN",
                "Policy.Arn",
                [
                    f"aws iam create-policy --policy-name {ctx.sh(name)} --path {roles.SERVICE_ROLE_PATH} \\",
                    f"  --policy-document {ctx.sh(document)}",
                ],
            ),
            f"aws iam attach-role-policy --role-name {ctx.sh(RoleKind.name(ctx))} \\",
            f"  --policy-arn {ctx.sh(arn)}",
        ]

    def cloudformation(self, ctx: RenderContext) -> Template:
        fn = ctx.config.function
        if fn.role != "new":
            return {}
        logs = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}"
        document = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "logs:CreateLogGroup", "Resource": {"Fn::Sub": f"{logs}:*"}},
                {
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": [{"Fn::Sub": f"{logs}:log-group:/aws/lambda/{fn.name}:*"}],
                },
            ],
        }  # roles.basic_policy_document, with the template's pseudo parameters
        return {
            "MyFunctionBasicExecutionPolicy": {
                "Type": self.type,
                "Properties": {
                    "Path": roles.SERVICE_ROLE_PATH,
                    "Description": f"Basic execution (CloudWatch Logs) for {fn.name}",
                    "PolicyDocument": document,
                    "Roles": [{"Ref": ROLE_ID}],
                },
            }
        }

    def sam(self, ctx: RenderContext) -> Template:
        return {}  # SAM's AWSLambdaBasicExecutionRole covers it


KIND = PolicyKind()
