"""REST APIs (API Gateway v1, boto3 `apigateway`) built as the console
builds them (reference J1): a Regional API, a resource per path segment,
methods with a Lambda proxy integration, a deployment to a stage; and, for
methods that need one, an API key in a usage plan bound to the API's stage."""

from __future__ import annotations

from typing import Any

from awsrules.arns import partition

from .errors import NOT_FOUND, WizardError, call
from .paging import every
from .session import Cloud

LAMBDA_INVOKE_PATH = "lambda:path/2015-03-31/functions/{arn}/invocations"


def _maybe(action: str, func: Any, **kwargs: Any) -> dict[str, Any] | None:
    try:
        return call(action, func, **kwargs)
    except WizardError as err:
        if err.code in NOT_FOUND:
            return None
        raise


def _client(cloud: Cloud) -> Any:
    return cloud.client("apigateway")


def _every(cloud: Cloud, action: str, operation: str, **kwargs: Any) -> list[dict[str, Any]]:
    return every(action, _client(cloud), operation, "items", **kwargs)


def integration_uri(region: str, function_arn: str) -> str:
    """A Lambda proxy integration's uri: the function inside an apigateway
    ARN of Lambda's invoke path (J1.5; a bare function ARN is refused)."""
    return f"arn:{partition(region)}:apigateway:{region}:" + LAMBDA_INVOKE_PATH.format(arn=function_arn)


def endpoint(region: str, api_id: str) -> str:
    """The API's default endpoint (J2); China's partition has its own suffix."""
    suffix = "amazonaws.com.cn" if partition(region) == "aws-cn" else "amazonaws.com"
    return f"https://{api_id}.execute-api.{region}.{suffix}"


# -- the API --------------------------------------------------------------
def create_rest_api(
    cloud: Cloud, name: str, tags: dict[str, str], binary_media_types: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Regional, as the console's default (J1.1: omitted, it would be EDGE)."""
    extra: dict[str, Any] = {"binaryMediaTypes": list(binary_media_types)} if binary_media_types else {}
    return call(
        f"create the REST API {name}",
        _client(cloud).create_rest_api,
        name=name,
        description="Created with apigw-wizard",
        endpointConfiguration={"types": ["REGIONAL"]},
        tags=tags,
        **extra,
    )


def binary_media_operations(current: list[str], wanted: tuple[str, ...]) -> list[dict[str, str]]:
    """UpdateRestApi's patch operations from the API's binaryMediaTypes to
    the config's: one add or remove per type, its `/` escaped as `~1` (and
    `~` as `~0`, JSON Pointer's order: AWS docs, "Enable binary support using
    the API Gateway REST API": "path": "/binaryMediaTypes/image~1gif")."""

    def path(media: str) -> str:
        return "/binaryMediaTypes/" + media.replace("~", "~0").replace("/", "~1")

    ops = [{"op": "remove", "path": path(m)} for m in current if m not in wanted]
    return ops + [{"op": "add", "path": path(m)} for m in wanted if m not in current]


def update_rest_api(cloud: Cloud, api_id: str, operations: list[dict[str, str]]) -> None:
    if operations:
        call(
            f"update the REST API {api_id}",
            _client(cloud).update_rest_api,
            restApiId=api_id,
            patchOperations=operations,
        )


def get_rest_api(cloud: Cloud, api_id: str) -> dict[str, Any] | None:
    return _maybe(f"look up the REST API {api_id}", _client(cloud).get_rest_api, restApiId=api_id)


def list_rest_apis(cloud: Cloud) -> list[dict[str, Any]]:
    return _every(cloud, "list the REST APIs", "get_rest_apis")


def delete_rest_api(cloud: Cloud, api_id: str) -> None:
    """Its resources, methods, deployments and stages go with it; a usage
    plan naming its stage is let go of first."""
    for plan in usage_plans(cloud):
        for stage in plan.get("apiStages") or []:
            if stage.get("apiId") == api_id:
                detach_stage(cloud, plan["id"], api_id, stage.get("stage", ""))
    call(f"delete the REST API {api_id}", _client(cloud).delete_rest_api, restApiId=api_id)


# -- resources (paths) ------------------------------------------------------
def get_resources(cloud: Cloud, api_id: str) -> list[dict[str, Any]]:
    return _every(cloud, f"list the resources of the REST API {api_id}", "get_resources", restApiId=api_id)


def create_resource(cloud: Cloud, api_id: str, parent_id: str, path_part: str) -> dict[str, Any]:
    return call(
        f"create the resource {path_part}",
        _client(cloud).create_resource,
        restApiId=api_id,
        parentId=parent_id,
        pathPart=path_part,
    )


def delete_resource(cloud: Cloud, api_id: str, resource_id: str) -> None:
    """Its child resources and methods go with it."""
    call(
        f"delete the resource {resource_id}",
        _client(cloud).delete_resource,
        restApiId=api_id,
        resourceId=resource_id,
    )


# -- methods ------------------------------------------------------------------
def get_method(cloud: Cloud, api_id: str, resource_id: str, method: str) -> dict[str, Any] | None:
    return _maybe(
        f"look up the method {method} of {resource_id}",
        _client(cloud).get_method,
        restApiId=api_id,
        resourceId=resource_id,
        httpMethod=method,
    )


def put_method(cloud: Cloud, api_id: str, resource_id: str, method: str, api_key_required: bool) -> dict[str, Any]:
    return call(
        f"create the method {method}",
        _client(cloud).put_method,
        restApiId=api_id,
        resourceId=resource_id,
        httpMethod=method,
        authorizationType="NONE",
        apiKeyRequired=api_key_required,
    )


def put_integration(cloud: Cloud, api_id: str, resource_id: str, method: str, uri: str) -> dict[str, Any]:
    """AWS_PROXY, called with POST ("For Lambda integrations, you must use
    the HTTP method of POST", J1.5); a second put replaces the first."""
    return call(
        f"create the Lambda proxy integration of {method}",
        _client(cloud).put_integration,
        restApiId=api_id,
        resourceId=resource_id,
        httpMethod=method,
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=uri,
    )


def delete_method(cloud: Cloud, api_id: str, resource_id: str, method: str) -> None:
    call(
        f"delete the method {method} of {resource_id}",
        _client(cloud).delete_method,
        restApiId=api_id,
        resourceId=resource_id,
        httpMethod=method,
    )


# -- deployments and stages ---------------------------------------------------
def create_deployment(
    cloud: Cloud, api_id: str, stage: str | None = None, variables: dict[str, str] | None = None
) -> dict[str, Any]:
    """With `stage`: the deployment and a new stage (J1.7); without: a
    deployment that an existing stage is then pointed at (point_stage)."""
    extra: dict[str, Any] = {"stageName": stage, "variables": variables or {}} if stage else {}
    return call(
        f"deploy the REST API {api_id}",
        _client(cloud).create_deployment,
        restApiId=api_id,
        description="Deployed by apigw-wizard",
        **extra,
    )


def get_stage(cloud: Cloud, api_id: str, stage: str) -> dict[str, Any] | None:
    return _maybe(f"look up the stage {stage}", _client(cloud).get_stage, restApiId=api_id, stageName=stage)


def update_stage(cloud: Cloud, api_id: str, stage: str, operations: list[dict[str, str]]) -> None:
    if operations:
        call(
            f"update the stage {stage}",
            _client(cloud).update_stage,
            restApiId=api_id,
            stageName=stage,
            patchOperations=operations,
        )


def stage_operations(
    current: dict[str, str], wanted: dict[str, str], deployment_id: str | None = None
) -> list[dict[str, str]]:
    """UpdateStage's patch operations from the stage's variables to the
    config's, and onto a new deployment."""
    ops = [{"op": "remove", "path": f"/variables/{k}"} for k in sorted(current) if k not in wanted]
    ops += [
        {"op": "replace", "path": f"/variables/{k}", "value": v}
        for k, v in sorted(wanted.items())
        if current.get(k) != v
    ]
    if deployment_id:
        ops.append({"op": "replace", "path": "/deploymentId", "value": deployment_id})
    return ops


def delete_stage(cloud: Cloud, api_id: str, stage: str) -> None:
    call(f"delete the stage {stage}", _client(cloud).delete_stage, restApiId=api_id, stageName=stage)


# -- API keys and usage plans -------------------------------------------------
def create_api_key(cloud: Cloud, name: str, tags: dict[str, str]) -> dict[str, Any]:
    """Enabled (CreateApiKey's default is disabled; the console's is enabled)."""
    return call(
        f"create the API key {name}",
        _client(cloud).create_api_key,
        name=name,
        description="Created with apigw-wizard",
        enabled=True,
        tags=tags,
    )


def get_api_key(cloud: Cloud, key_id: str, include_value: bool = False) -> dict[str, Any] | None:
    return _maybe(
        f"look up the API key {key_id}", _client(cloud).get_api_key, apiKey=key_id, includeValue=include_value
    )


def list_api_keys(cloud: Cloud, name: str) -> list[dict[str, Any]]:
    return _every(cloud, "list the API keys", "get_api_keys", nameQuery=name)


def set_api_key_enabled(cloud: Cloud, key_id: str) -> None:
    call(
        f"enable the API key {key_id}",
        _client(cloud).update_api_key,
        apiKey=key_id,
        patchOperations=[{"op": "replace", "path": "/enabled", "value": "true"}],
    )


def delete_api_key(cloud: Cloud, key_id: str) -> None:
    call(f"delete the API key {key_id}", _client(cloud).delete_api_key, apiKey=key_id)


def create_usage_plan(cloud: Cloud, name: str, api_id: str, stage: str, tags: dict[str, str]) -> dict[str, Any]:
    """Bound to the API's stage, which must exist already ("Invalid API Stage")."""
    return call(
        f"create the usage plan {name}",
        _client(cloud).create_usage_plan,
        name=name,
        description="Created with apigw-wizard",
        apiStages=[{"apiId": api_id, "stage": stage}],
        tags=tags,
    )


def get_usage_plan(cloud: Cloud, plan_id: str) -> dict[str, Any] | None:
    return _maybe(f"look up the usage plan {plan_id}", _client(cloud).get_usage_plan, usagePlanId=plan_id)


def usage_plans(cloud: Cloud) -> list[dict[str, Any]]:
    return _every(cloud, "list the usage plans", "get_usage_plans")


def attach_stage(cloud: Cloud, plan_id: str, api_id: str, stage: str) -> None:
    call(
        f"add the stage {stage} to the usage plan {plan_id}",
        _client(cloud).update_usage_plan,
        usagePlanId=plan_id,
        patchOperations=[{"op": "add", "path": "/apiStages", "value": f"{api_id}:{stage}"}],
    )


def detach_stage(cloud: Cloud, plan_id: str, api_id: str, stage: str) -> None:
    call(
        f"remove the stage {stage} from the usage plan {plan_id}",
        _client(cloud).update_usage_plan,
        usagePlanId=plan_id,
        patchOperations=[{"op": "remove", "path": "/apiStages", "value": f"{api_id}:{stage}"}],
    )


def delete_usage_plan(cloud: Cloud, plan_id: str) -> None:
    """AWS refuses to delete a plan that still names a stage ("Cannot delete
    Usage Plan ... because there are API Stages associated with it",
    aws/aws-sdk-js#3841): its stages are removed first."""
    plan = get_usage_plan(cloud, plan_id)
    if plan is None:  # gone already (stock moto would answer the delete with a 500)
        raise WizardError(f"delete the usage plan {plan_id}", "NotFoundException", "no such usage plan", "")
    for stage in plan.get("apiStages") or []:
        try:
            detach_stage(cloud, plan_id, stage.get("apiId", ""), stage.get("stage", ""))
        except WizardError as err:
            if err.code not in (*NOT_FOUND, "BadRequestException"):  # the API is gone already
                raise
    call(f"delete the usage plan {plan_id}", _client(cloud).delete_usage_plan, usagePlanId=plan_id)


def create_usage_plan_key(cloud: Cloud, plan_id: str, key_id: str) -> dict[str, Any]:
    return call(
        f"add the API key {key_id} to the usage plan {plan_id}",
        _client(cloud).create_usage_plan_key,
        usagePlanId=plan_id,
        keyId=key_id,
        keyType="API_KEY",
    )


def get_usage_plan_key(cloud: Cloud, plan_id: str, key_id: str) -> dict[str, Any] | None:
    return _maybe(
        f"look up the API key {key_id} in the usage plan {plan_id}",
        _client(cloud).get_usage_plan_key,
        usagePlanId=plan_id,
        keyId=key_id,
    )


def delete_usage_plan_key(cloud: Cloud, plan_id: str, key_id: str) -> None:
    call(
        f"remove the API key {key_id} from the usage plan {plan_id}",
        _client(cloud).delete_usage_plan_key,
        usagePlanId=plan_id,
        keyId=key_id,
    )
