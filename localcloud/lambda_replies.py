"""Lambda's control-plane answers made the ones AWS gives (issue 13): the
function's lifecycle and the configuration fields moto leaves out.

Lifecycle. CreateFunction answers State Pending ("The function is being
created.", Creating) and UpdateFunctionCode/Configuration LastUpdateStatus
InProgress; GetFunction and GetFunctionConfiguration then say Active and
Successful, which boto3's function_active_v2 and function_updated_v2 waiters
wait for (reference A5; LocalStack's AWS-recorded test_function_lifecycle,
2025-11-25, whose update answers carry the reason "The function is being
created." and code "Creating" too). The local cloud is Pending exactly as long
as it needs: the new code is extracted and compiled (codestore.py) before the
answer leaves, so a waiter's first poll finds it Active and the first
invoke is no slower; a read made while that runs sees Pending / InProgress.

Fields (the same recordings): LoggingConfig {"LogFormat": "Text", "LogGroup":
"/aws/lambda/<name>"}, RuntimeVersionConfig, EphemeralStorage; an empty
Layers list is left out, as AWS leaves it out; ListFunctions has its subset;
UpdateFunctionConfiguration's EphemeralStorage takes effect (the runtime's
/tmp is that size).

RemovePermission of a statement the policy lacks: "Statement <sid> is not
found in resource policy." (test_remove_multi_permissions, 2025-11-25); of a
function that does not exist: "No policy found for: <arn>"
(test_permission_exceptions, 2025-11-25); moto says neither.
"""

from __future__ import annotations

import json
import re
import threading
import time
from typing import Any, Callable
from urllib.parse import unquote

from .apigatewayv2.views import function_info
from .controlplane_replies import reshaped
from .functioninfo import FunctionInfo, runtime_version_arn
from .lambda_logging import logging_config_problem, merged_logging, reported, requested_logging
from .moto_bridge import ACCOUNT, Moto, WsgiReply, region_of

_FUNCTIONS = re.compile(r"^/2015-03-31/functions/?$")
_FUNCTION = re.compile(r"^/2015-03-31/functions/([^/]+)(/configuration|/code|/versions)?$")
_STATEMENT = re.compile(r"^/2015-03-31/functions/([^/]+)/policy/([^/]+)$")
CREATING = "The function is being created."  # AWS's words for updates too (module docstring)
STATE_FIELDS = ("StateReason", "StateReasonCode")
UPDATE_FIELDS = ("LastUpdateStatusReason", "LastUpdateStatusReasonCode")
BUSY_LAPSE_S = 600.0  # far beyond extracting Lambda's largest package (250 MB unzipped)


class LambdaReplies:
    def __init__(self, moto: Moto, prepare: Callable[[FunctionInfo], Any]):
        self.moto = moto
        self.prepare = prepare  # extracts a version's code (Runtime.task_root)
        # (region, name) -> ("create" | "update", since): marked before moto
        # changes the function, cleared once its answer is made.
        self.busy: dict[tuple[str, str], tuple[str, float]] = {}
        self._busy_lock = threading.Lock()

    # -- before moto (the lock held) ---------------------------------------
    def before(self, method: str, path: str, headers: list[tuple[str, str]], body: bytes) -> WsgiReply | None:
        """Before moto: RemovePermission's own not-found answers (else None), and a
        function about to be created or given new code marked busy, so no read
        can see it Active before it was Pending; EphemeralStorage set for moto."""
        changing = self._changing(method, path, body)
        if changing is not None:
            if changing[1] == "create":
                refused = logging_config_problem(body)
                if refused is not None:
                    return refused
            with self._busy_lock:
                self.busy[(region_of(headers), changing[0])] = (changing[1], time.monotonic())
            return None
        configuring = _FUNCTION.match(path)
        if method == "PUT" and configuring and configuring.group(2) == "/configuration":
            name = _bare(unquote(configuring.group(1)))
            refused = self._logging_config(region_of(headers), name, body)
            if refused is not None:
                return refused
            self._ephemeral_storage(region_of(headers), name, body)
            return None
        statement = _STATEMENT.match(path)
        if not statement or method != "DELETE":
            return None
        region, name, sid = region_of(headers), unquote(statement.group(1)), unquote(statement.group(2))
        fn = self.moto.find_function(region, name)
        if fn is None:
            arn = f"arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"
            return _not_found(f"No policy found for: {arn}")
        statements = _statements(fn)
        if statements and all(s.get("Sid") != sid for s in statements):
            return _not_found(f"Statement {sid} is not found in resource policy.")
        return None  # no policy at all: moto's words are AWS's

    def _ephemeral_storage(self, region: str, name: str, body: bytes) -> None:
        """UpdateFunctionConfiguration's EphemeralStorage, which moto ignores
        (botocore's model has it; AWS allows 512-10240 MB). Set before moto
        answers, so its answer and the saved state carry it."""
        try:
            size = json.loads(body)["EphemeralStorage"]["Size"]
        except (ValueError, KeyError, TypeError):
            return
        fn = self.moto.find_function(region, _bare(name))
        if fn is not None and isinstance(size, int) and 512 <= size <= 10240:
            fn.ephemeral_storage = size

    def _logging_config(self, region: str, name: str, body: bytes) -> WsgiReply | None:
        """LoggingConfig, which moto drops: kept on the function (and saved
        with it), so reads report it and the runtime writes that format."""
        refused = logging_config_problem(body)
        if refused is not None:
            return refused
        wanted = requested_logging(body)
        fn = self.moto.find_function(region, name)
        if fn is not None and wanted is not None:
            fn.logging_config = merged_logging(getattr(fn, "logging_config", None), wanted, name)
        return None

    @staticmethod
    def _changing(method: str, path: str, body: bytes) -> tuple[str, str] | None:
        """(function name, "create" | "update") for CreateFunction and UpdateFunctionCode."""
        if method == "POST" and _FUNCTIONS.match(path):
            try:
                named = json.loads(body).get("FunctionName")
            except (ValueError, AttributeError):
                return None
            return (_bare(named), "create") if isinstance(named, str) else None
        code = _FUNCTION.match(path)
        if method == "PUT" and code and code.group(2) == "/code":
            return _bare(unquote(code.group(1))), "update"
        return None

    # -- after moto (the lock released) ------------------------------------
    def after(self, method: str, path: str, headers: list[tuple[str, str]], body: bytes, reply: WsgiReply) -> WsgiReply:
        if not path.startswith("/2015-03-31/functions"):
            return reply
        region = region_of(headers)
        changing = self._changing(method, path, body)
        if changing is not None:
            try:
                if 200 <= reply.status < 300:
                    if changing[1] == "create":
                        self._logging_config(region, changing[0], body)
                    self._prepare(region, changing[0])
            finally:
                with self._busy_lock:
                    self.busy.pop((region, changing[0]), None)
        if not 200 <= reply.status < 300:
            return reply
        if _FUNCTIONS.match(path):
            if method == "POST":  # CreateFunction
                return reshaped(reply, lambda c: self._logged(_lifecycle(c, "create", region), region))
            if method == "GET":  # ListFunctions
                return _each_function(reply, lambda c: self._logged(_listed(c, region), region))
            return reply
        match = _FUNCTION.match(path)
        if match is None:
            return reply
        part = match.group(2) or ""
        if method == "POST" and part == "/versions":
            # PublishVersion: Active and Successful at once, with the fields a
            # configuration always has (LocalStack's AWS-recorded
            # test_lambda_permission_fn_versioning publish_version_result, 2025-11-25).
            return reshaped(reply, lambda c: self._logged(_lifecycle(c, "done", region), region))
        if method == "PUT" and part in ("/configuration", "/code"):  # UpdateFunctionCode / UpdateFunctionConfiguration
            return reshaped(reply, lambda c: self._logged(_lifecycle(c, "update", region), region))
        if method == "GET" and part == "":  # GetFunction
            return reshaped(reply, lambda body: self._current(body.get("Configuration"), region))
        if method == "GET" and part == "/configuration":
            return reshaped(reply, lambda c: self._current(c, region))
        return reply

    def phase(self, region: str, name: str) -> str:
        """ "create" while the function is Pending, "update" while an update
        is InProgress, "done" otherwise."""
        phase, since = self.busy.get((region, name), ("done", 0.0))
        # A call that died inside moto never clears its mark: it lapses.
        return phase if time.monotonic() - since < BUSY_LAPSE_S else "done"

    def _current(self, config: Any, region: str) -> None:
        if not isinstance(config, dict):
            return
        self._logged(_lifecycle(config, self.phase(region, config.get("FunctionName", "")), region), region)

    def _logged(self, config: dict[str, Any], region: str) -> dict[str, Any]:
        """The function's own LoggingConfig (lambda_logging.py) in the answer."""
        name = config.get("FunctionName", "")
        with self.moto.lock:
            fn = self.moto.find_function(region, name)
        if fn is not None:
            config["LoggingConfig"] = reported(fn, name)
        return config

    def _prepare(self, region: str, name: str) -> None:
        """The version's code extracted before the answer leaves (reads
        meanwhile see the function Pending or its update InProgress). A zip
        that does not extract is left for the first invoke to report."""
        with self.moto.lock:
            fn = self.moto.find_function(region, name)
            info = function_info(self.moto, region, fn) if fn is not None else None
        if info is None:
            return
        try:
            self.prepare(info)
        except Exception:  # noqa: BLE001 - reported by the invoke that needs the code
            pass


def _bare(name: str) -> str:
    """A function's name from its name, ARN or partial ARN, less any qualifier."""
    return name.split(":function:")[-1].split(":")[0]


def _lifecycle(config: dict[str, Any], phase: str, region: str) -> dict[str, Any]:
    """State and LastUpdateStatus for the phase the function is in, and the
    fields AWS always reports."""
    for key in (*STATE_FIELDS, *UPDATE_FIELDS):
        config.pop(key, None)
    if phase == "create":
        config.update(State="Pending", StateReason=CREATING, StateReasonCode="Creating")
        config.pop("LastUpdateStatus", None)  # not in AWS's CreateFunction answer
    else:
        config["State"] = "Active"
        config["LastUpdateStatus"] = "InProgress" if phase == "update" else "Successful"
        if phase == "update":
            config.update(LastUpdateStatusReason=CREATING, LastUpdateStatusReasonCode="Creating")
    _fields(config, region)
    return config


def _fields(config: dict[str, Any], region: str) -> None:
    name = config.get("FunctionName", "")
    config.setdefault("LoggingConfig", {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"})
    config.setdefault("EphemeralStorage", {"Size": 512})
    runtime = config.get("Runtime")
    if runtime and config.get("PackageType", "Zip") == "Zip":
        config.setdefault("RuntimeVersionConfig", {"RuntimeVersionArn": runtime_version_arn(region, runtime)})
    if config.get("Layers") == []:
        del config["Layers"]


def _listed(config: dict[str, Any], region: str) -> dict[str, Any]:
    """ListFunctions gives "a subset of the FunctionConfiguration fields":
    no State, StateReason(Code), LastUpdateStatus(Reason/Code) or
    RuntimeVersionConfig (botocore's model, ListFunctions; LocalStack's
    AWS-recorded test_list_functions, 2025-11-25, which has LoggingConfig)."""
    _fields(config, region)
    for key in ("State", "LastUpdateStatus", "RuntimeVersionConfig", *STATE_FIELDS, *UPDATE_FIELDS):
        config.pop(key, None)
    return config


def _each_function(reply: WsgiReply, amend: Callable[[dict[str, Any]], object]) -> WsgiReply:
    def each(listing: dict[str, Any]) -> None:
        for config in listing.get("Functions") or []:
            amend(config)

    return reshaped(reply, each)


def _statements(fn: Any) -> list[dict[str, Any]]:
    try:
        policy = fn.policy.get_policy()["Policy"] if fn.policy else None
        return list((json.loads(policy) if isinstance(policy, str) else policy or {}).get("Statement", []))
    except Exception:  # noqa: BLE001 - moto raises when there is no policy yet
        return []


def _not_found(message: str) -> WsgiReply:
    body = json.dumps({"Type": "User", "Message": message}).encode()
    return WsgiReply(
        404, [("Content-Type", "application/json"), ("x-amzn-ErrorType", "ResourceNotFoundException")], body
    )
