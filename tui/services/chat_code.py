"""The WebSocket chat example's function (`function.code: chat`): the API
Gateway tutorial "Create a WebSocket chat app with a WebSocket API, Lambda
and DynamoDB", in Python, one handler for its four routes. It runs as is on
AWS and on the local cloud: only where @connections is differs (reference
K2 on AWS; the local cloud's path form under AWS_ENDPOINT_URL). It stays
under CloudFormation's 4,096-character inline ZipFile limit."""

CHAT_CODE = '''import json
import os

import boto3

TABLE = os.environ["TABLE_NAME"]
dynamodb = boto3.client("dynamodb")


def management_endpoint(ctx):
    """@connections of this API's stage: https://{domainName}/{stage} on AWS;
    apigw-wizard's local cloud serves it under AWS_ENDPOINT_URL."""
    local = os.environ.get("AWS_ENDPOINT_URL")
    if local:
        return f"{local.rstrip('/')}/_aws/execute-api/{ctx['apiId']}/{ctx['stage']}"
    return f"https://{ctx['domainName']}/{ctx['stage']}"


def lambda_handler(event, context):
    ctx = event["requestContext"]
    route, me = ctx["routeKey"], ctx["connectionId"]
    if route == "$connect":
        dynamodb.put_item(TableName=TABLE, Item={"connectionId": {"S": me}})
        return {"statusCode": 200}
    if route == "$disconnect":
        dynamodb.delete_item(TableName=TABLE, Key={"connectionId": {"S": me}})
        return {"statusCode": 200}
    api = boto3.client("apigatewaymanagementapi", endpoint_url=management_endpoint(ctx))
    if route == "sendmessage":
        return send_to_everyone(api, event)
    # $default: tell the sender how to chat (its return value is not sent: no route response)
    info = api.get_connection(ConnectionId=me)
    info.pop("ResponseMetadata", None)
    info["connectionID"] = me
    text = "Use the sendmessage route to send a message. Your info: " + json.dumps(info, default=str)
    api.post_to_connection(ConnectionId=me, Data=text.encode())
    return {"statusCode": 200}


def send_to_everyone(api, event):
    try:
        data = json.loads(event.get("body") or "{}").get("data", "")
    except ValueError:
        return {"statusCode": 400, "body": "The message is not JSON."}
    if not isinstance(data, str):
        data = json.dumps(data)
    pages = dynamodb.get_paginator("scan").paginate(TableName=TABLE, ProjectionExpression="connectionId")
    for page in pages:
        for item in page["Items"]:
            other = item["connectionId"]["S"]
            try:
                api.post_to_connection(ConnectionId=other, Data=data.encode())
            except api.exceptions.GoneException:
                # It left without a $disconnect (delivery is best effort): forget it.
                dynamodb.delete_item(TableName=TABLE, Key={"connectionId": {"S": other}})
    return {"statusCode": 200}
'''
