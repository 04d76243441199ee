"""AddPermission's function URL parameters written as Lambda writes them.

moto copies FunctionUrlAuthType and InvokedViaFunctionUrl into the
statement as they came; Lambda turns them into conditions:
- FunctionUrlAuthType -> {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}
  (reference I2, recorded: test_lambda_url_invocation_exception's
  add_permission answer, key order Sid, Effect, Principal, Action,
  Resource, Condition).
- InvokedViaFunctionUrl -> {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}.
  Unrecorded (reference I2 marks the key unverified). Second sources: the
  Service Authorization Reference lists lambda:InvokedViaFunctionUrl as a
  condition key of InvokeFunction (as mirrored in cdk-iam-floyd's generated
  Lambda action list), and hand-written policies in public repositories
  that AWS accepts use the Bool operator with "true".
"""

from __future__ import annotations

import json
from typing import Any

from ..moto_bridge import Moto, WsgiReply

_ORDER = ("Sid", "Effect", "Principal", "Action", "Resource", "Condition")


def rewrite(moto: Moto, region: str, name: str, request: dict[str, Any], reply: WsgiReply) -> WsgiReply:
    """After moto added the statement: its URL fields made conditions, in
    the policy and in the answer. Other answers pass unchanged."""
    if reply.status >= 300 or not ({"FunctionUrlAuthType", "InvokedViaFunctionUrl"} & set(request)):
        return reply
    with moto.lock:
        fn = moto.find_function(region, name)
        policy = getattr(fn, "policy", None)
        found = [s for s in getattr(policy, "statements", []) if s.get("Sid") == request.get("StatementId")]
        if not found:
            return reply
        statement = found[-1]
        condition = dict(statement.get("Condition") or {})
        auth_type = statement.pop("FunctionUrlAuthType", None)
        if auth_type is not None:
            condition.setdefault("StringEquals", {})["lambda:FunctionUrlAuthType"] = auth_type
        via_url = statement.pop("InvokedViaFunctionUrl", None)
        if via_url is True:
            condition.setdefault("Bool", {})["lambda:InvokedViaFunctionUrl"] = "true"
        if condition:
            statement["Condition"] = condition
        ordered = {key: statement[key] for key in _ORDER if key in statement}
        ordered.update({k: v for k, v in statement.items() if k not in ordered})
        statement.clear()
        statement.update(ordered)
        moto.bump()
        answer = json.dumps({"Statement": json.dumps(ordered)}).encode()
    headers = [(k, v) for k, v in reply.headers if k.lower() != "content-length"]
    return WsgiReply(reply.status, headers, answer)
