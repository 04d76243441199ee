"""Published versions and aliases: what a function name and qualifier run.

moto keeps a published version as a copy of $LATEST taken at
PublishVersion (its code, handler, environment as they were then) and an
alias as a name pointing at a version, with an optional RoutingConfig. This
module turns those into the FunctionInfo of the version that runs: each
published version has a qualified ARN, hence its own pool of workers
(runtime.py keys pools by FunctionInfo.arn), while $LATEST keeps the bare
ARN. A weighted alias picks its version per invocation.

Call resolve() with moto's lock held.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Any

from .functioninfo import FunctionInfo
from .moto_bridge import ACCOUNT, Moto

_rand = random.Random()  # a weighted alias's draw: not a secret


@dataclass(frozen=True)
class Routing:
    """What one name and qualifier invoke: the version it points at and,
    for a weighted alias, the other versions with their share of calls.
    Each info's `named_arn` is the ARN as the caller named it."""

    primary: FunctionInfo
    others: tuple[tuple[FunctionInfo, float], ...] = ()

    def pick(self) -> FunctionInfo:
        """The version this invocation runs: an additional version with its
        weight's probability, the alias's own version otherwise ("Lambda
        routes traffic between the two versions based on the assigned
        weights", the Lambda guide's configuring-alias-routing;
        AliasRoutingConfiguration in botocore's model: weights 0.0-1.0)."""
        if not self.others:
            return self.primary
        draw = _rand.random()
        for info, weight in self.others:
            if draw < weight:
                return info
            draw -= weight
        return self.primary


def metric_resource(info: FunctionInfo) -> tuple[str, str]:
    """(the qualifier the caller named or "", the version that ran), as
    metrics.py counts an invocation."""
    named = (info.named_arn or info.arn).split(":function:", 1)[-1]
    return named.partition(":")[2], info.version


def split_arn(name_or_arn: str) -> tuple[str, str | None]:
    """(function name, qualifier or None) from a name, `name:qualifier`,
    a function ARN (qualified or not), or API Gateway's
    arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<ARN>/invocations."""
    if "/functions/" in name_or_arn:
        name_or_arn = name_or_arn.split("/functions/", 1)[1].split("/", 1)[0]
    tail = name_or_arn.split(":function:", 1)[1] if ":function:" in name_or_arn else name_or_arn
    name, _, qualifier = tail.partition(":")
    return name, qualifier or None


def resolve(moto: Moto, region: str, name: str, qualifier: str | None) -> Routing | None:
    """The Routing for `name` (bare) and `qualifier` (None, "$LATEST", a
    version number or an alias name); None when the function, version or
    alias does not exist."""
    latest = moto.find_function(region, name)
    return routing_of(moto, region, latest, qualifier) if latest is not None else None


def routing_of(moto: Moto, region: str, latest: Any, qualifier: str | None) -> Routing | None:
    """resolve() for moto's $LATEST function object, already found."""
    base = function_info(moto, region, latest)
    named = f"{base.arn}:{qualifier}" if qualifier else base.arn
    if qualifier in (None, "$LATEST"):
        return Routing(replace(base, named_arn=named))
    version, weights = qualifier, {}
    if not qualifier.isdigit():  # an alias: its name may not be all digits (botocore's model, Alias pattern)
        alias = _alias(moto, region, latest.function_name, qualifier)
        if alias is None:
            return None
        version = str(alias.function_version)
        weights = dict((alias.routing_config or {}).get("AdditionalVersionWeights") or {})
    primary = version_info(moto, region, base, version)
    if primary is None:
        return None
    others = []
    for extra, weight in sorted(weights.items()):
        info = version_info(moto, region, base, str(extra))
        if info is not None:
            others.append((replace(info, named_arn=named), float(weight)))
    return Routing(replace(primary, named_arn=named), tuple(others))


def version_info(moto: Moto, region: str, base: FunctionInfo, version: str) -> FunctionInfo | None:
    """A published version's FunctionInfo (its own code and settings, the
    function's reserved concurrency), or $LATEST's."""
    if version == "$LATEST":
        return base
    fn = moto.find_function(region, f"{base.arn}:{version}")
    if fn is None or str(getattr(fn, "version", "")) != version:
        return None
    info = function_info(moto, region, fn)
    return replace(info, arn=f"{base.arn}:{version}", version=version, reserved=base.reserved)


def function_info(moto: Moto, region: str, fn: Any) -> FunctionInfo:
    """$LATEST's FunctionInfo (a published version's: version_info)."""
    return FunctionInfo(
        name=fn.function_name,
        arn=f"arn:aws:lambda:{region}:{ACCOUNT}:function:{fn.function_name}",
        region=region,
        account=ACCOUNT,
        runtime=fn.run_time or "python3.14",
        handler=fn.handler or "",
        memory_mb=int(fn.memory_size or 128),
        timeout_s=int(fn.timeout or 3),
        environment=tuple(sorted((fn.environment_vars or {}).items())),
        code_sha=fn.code_sha_256,
        role=fn.role or "",
        ephemeral_mb=int(getattr(fn, "ephemeral_storage", 512) or 512),
        reserved=_reserved(fn),
        log_format=(getattr(fn, "logging_config", None) or {}).get("LogFormat", "Text"),
        log_level=(getattr(fn, "logging_config", None) or {}).get("ApplicationLogLevel", "INFO"),
    )


def _reserved(fn: Any) -> int | None:
    """moto keeps PutFunctionConcurrency's value as given (an int, or text)."""
    value = getattr(fn, "reserved_concurrency", None)
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _alias(moto: Moto, region: str, name: str, alias: str) -> Any | None:
    from moto.core.exceptions import ServiceException
    from werkzeug.exceptions import HTTPException

    try:
        return moto.lambdas(region).get_alias(alias, name)
    except (ServiceException, HTTPException, KeyError, ValueError):
        return None
