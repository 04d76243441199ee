"""sample_config.yaml -> typed Config, with `file:line: key: problem` errors.

Every key is optional and defaults to the tutorial's choice, so a config may
hold only what it changes. Unknown keys are refused (a typo must not be
silently ignored).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any


from . import authconfig, corsconfig, fields, stagesettings, urlconfig
from .authconfig import AuthorizerConfig
from .corsconfig import CorsConfig
from .stagesettings import Throttling
from .urlconfig import UrlConfig

DEFAULT_TEST_PATH = "/my-function"


class ConfigError(ValueError):
    """One or more bad values; str() is one line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class FunctionConfig:
    name: str = "my-function"
    runtime: str = "python3.14"
    architecture: str = "x86_64"
    handler: str = "lambda_function.lambda_handler"
    code: str = "hello"
    memory_mb: int = 128
    timeout_s: int = 3
    role: str = "new"
    environment: dict[str, str] = field(default_factory=dict)
    ephemeral_storage_mb: int = 512  # /tmp, 512 to 10,240 MB
    log_format: str = "Text"  # LoggingConfig.LogFormat: Text or JSON
    publish: bool = False  # publish a version on each deploy that changes the function
    alias: str | None = None  # an alias at the published version (or $LATEST)
    url: UrlConfig | None = None  # a function URL; None: none, as the tutorial makes it


@dataclass(frozen=True)
class ApiConfig:
    type: str = "http"  # fields.API_TYPES: the console's "Choose an API type"
    name: str = "my-http-api"
    payload_format: str = "2.0"
    routes: tuple[str, ...] = ("ANY /my-function",)
    stage: str = "$default"
    auto_deploy: bool = True
    cors: CorsConfig | None = None  # None: no CORS (API Gateway passes the function's headers through)
    throttling: Throttling | None = None  # the stage's default route throttling; None: the account's
    stage_variables: tuple[tuple[str, str], ...] = ()  # (name, value), sorted
    access_log: str | None = None  # a stagesettings.ACCESS_LOG_FORMATS name; None: no access logs
    authorizer: AuthorizerConfig | None = None  # None: open routes, as the tutorial makes them
    api_key: bool = False  # REST only: methods need an x-api-key from a usage plan
    binary_media_types: tuple[str, ...] = ()  # REST only: RestApi.binaryMediaTypes; none by default

    @property
    def is_http(self) -> bool:
        return self.type == "http"


# What each API type starts from when the config names only the type: the
# console's own examples (REST: a stage to deploy to, since REST has no
# $default stage; WebSocket: the chat tutorial's routes and its
# "production" stage, with its chat function as the code).
TYPE_DEFAULTS: dict[str, dict[str, Any]] = {
    "http": {},
    "rest": {"name": "my-rest-api", "stage": "dev", "auto_deploy": False},
    "websocket": {
        "name": "my-websocket-api",
        "routes": ("$connect", "$disconnect", "$default", "sendmessage"),
        "stage": "production",
    },
}
# Keys only some types have; a config that sets one for another type is
# refused rather than silently ignored.
TYPE_ONLY_KEYS: dict[str, tuple[str, ...]] = {
    "payload_format": ("http",),  # REST's proxy event is fixed; WebSocket events have no version
    "auto_deploy": ("http", "websocket"),  # REST deploys by CreateDeployment only (reference J1.7)
    "cors": ("http",),  # REST sets CORS per method (OPTIONS); WebSocket has none
    "throttling": ("http",),
    "access_log": ("http",),
    "authorizer": ("http",),
    "api_key": ("rest",),  # usage plans and API keys are REST's
    "binary_media_types": ("rest",),  # HTTP APIs decide by the function's isBase64Encoded alone
}
TYPE_NAMES = {"http": "HTTP API", "rest": "REST API", "websocket": "WebSocket API"}
A_TYPE = {"http": "an HTTP API", "rest": "a REST API", "websocket": "a WebSocket API"}


def api_for_type(kind: str, **given: Any) -> ApiConfig:
    """An ApiConfig of `kind` with that type's defaults under what is given."""
    return ApiConfig(type=kind, **{**TYPE_DEFAULTS[kind], **given})


@dataclass(frozen=True)
class TestConfig:
    method: str = "GET"
    path: str = DEFAULT_TEST_PATH


@dataclass(frozen=True)
class Config:
    target: str = "local"
    region: str = "us-east-1"
    profile: str | None = None
    function: FunctionConfig = field(default_factory=FunctionConfig)
    api: ApiConfig = field(default_factory=ApiConfig)
    test: TestConfig = field(default_factory=TestConfig)
    source: Path | None = None  # the file it came from, if any

    def with_overrides(self, **top: Any) -> Config:
        """Apply CLI flags (target, region, profile); None means not given."""
        given = {k: v for k, v in top.items() if v is not None}
        problems = []
        checkers = {"target": fields.target, "region": fields.region, "profile": fields.profile}
        for key, value in given.items():
            try:
                given[key] = checkers[key](value)
            except fields.FieldError as exc:
                problems.append(f"--{key}: {exc}")
        if problems:
            raise ConfigError(problems)
        return replace(self, **given)


# key -> validator; sections are nested dicts. The validators live in
# fields.py so the wizard's inputs share them.
_SCHEMA: dict[str, Any] = {
    "target": fields.target,
    "region": fields.region,
    "profile": fields.profile,
    "function": {
        "name": fields.function_name,
        "runtime": fields.runtime,
        "architecture": fields.architecture,
        "handler": fields.handler,
        "code": fields.code,
        "memory_mb": fields.memory_mb,
        "timeout_s": fields.timeout_s,
        "role": fields.role,
        "environment": fields.environment,
        "ephemeral_storage_mb": fields.ephemeral_storage_mb,
        "log_format": fields.log_format,
        "publish": fields.boolean,
        "alias": fields.alias,
        "url": urlconfig.SCHEMA,
    },
    "api": {
        "type": fields.api_type,
        "name": fields.api_name,
        "payload_format": fields.payload_format,
        "routes": fields.route_list,  # each key checked for the type (_api_section)
        "stage": fields.stage,
        "auto_deploy": fields.boolean,
        "cors": corsconfig.SCHEMA,
        "throttling": stagesettings.THROTTLING_SCHEMA,
        "stage_variables": stagesettings.stage_variables,
        "access_log": stagesettings.access_log,
        "authorizer": authconfig.SCHEMA,
        "api_key": fields.boolean,
        "binary_media_types": fields.binary_media_types,
    },
    "test": {"method": fields.test_method, "path": fields.test_path},
}


def _line_map(node: Any, prefix: str = "", out: dict[str, int] | None = None) -> dict[str, int]:
    """Dotted key -> 1-based line of its value, from the composed YAML tree."""
    import yaml

    out = {} if out is None else out
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = f"{prefix}{key_node.value}"
            out[key] = key_node.start_mark.line + 1
            _line_map(value_node, key + ".", out)
    return out


def load(path: str | Path | None) -> Config:
    """Load and validate a config file; None gives the tutorial's defaults."""
    if path is None:
        return Config()
    path = Path(path)
    name = str(path)
    import yaml  # 15 ms: only when a config file is given, not at the wizard's first frame

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"{name}: no such file; pass --config with an existing YAML file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{name}: cannot be read ({exc}); pass a readable UTF-8 YAML file"]) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark else name
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError([f"{where}: YAML syntax error: {problem}; fix the YAML at that line"]) from None
    lines = _line_map(node) if node is not None else {}
    return parse(data or {}, source=path, lines=lines)


def parse(data: Any, source: Path | None = None, lines: dict[str, int] | None = None) -> Config:
    """Validate an already-loaded mapping against the schema."""
    lines = lines or {}
    name = str(source) if source else "<config>"
    base_dir = source.parent if source else Path.cwd()
    problems: list[str] = []

    def where(key: str) -> str:
        line = lines.get(key) or lines.get(key.split(".")[0])
        return f"{name}:{line}" if line else name

    if not isinstance(data, dict):
        raise ConfigError([f"{name}: the top level is not a mapping; start from sample_config.yaml"])

    def check(section: dict[str, Any], schema: dict[str, Any], prefix: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in section.items():
            dotted = f"{prefix}{key}"
            rule = schema.get(key) if isinstance(key, str) else None
            if rule is None:
                allowed = ", ".join(schema)
                problems.append(f"{where(dotted)}: {dotted}: unknown key; allowed keys here: {allowed}")
            elif isinstance(rule, dict):
                if value is None:
                    continue
                if not isinstance(value, dict):
                    problems.append(
                        f"{where(dotted)}: {dotted}: {value!r} is not a mapping; allowed keys: {', '.join(rule)}"
                    )
                    continue
                out[key] = check(value, rule, dotted + ".")
            else:
                try:
                    out[key] = rule(value, base_dir) if rule in (fields.code, authconfig.code) else rule(value)
                except fields.FieldError as exc:
                    problems.append(f"{where(dotted)}: {dotted}: {exc}")
        return out

    values = check(data, _SCHEMA, "")
    function_values = values.pop("function", {})
    if "url" in function_values:
        url = dict(function_values["url"])
        if "cors" in url:
            url["cors"] = corsconfig.CorsConfig(**url["cors"])
        function_values["url"] = urlconfig.UrlConfig(**url)
    api_values = values.pop("api", {})
    kind = api_values.get("type", "http")
    if "code" not in function_values and kind == "websocket":
        function_values["code"] = "chat"  # the WebSocket tutorial's function
    elif function_values.get("code") == "chat" and kind != "websocket":
        problems.append(
            f"{where('function.code')}: function.code: chat is the WebSocket chat example (DynamoDB + "
            f"@connections); it needs api.type websocket; set function.code to hello or a path, or api.type to websocket"
        )
    function = FunctionConfig(**function_values)
    problems.extend(_type_checks(api_values, kind, where))
    if "routes" in api_values:
        try:
            api_values["routes"] = tuple(fields.routes_for(api_values["routes"], kind))
        except fields.FieldError as exc:
            problems.append(f"{where('api.routes')}: api.routes: {exc}")
            api_values.pop("routes")
    if "authorizer" in api_values:
        api_values["authorizer"] = authconfig.AuthorizerConfig(**api_values["authorizer"])
        problem = authconfig.problem(api_values["authorizer"])
        if problem:
            problems.append(f"{where('api.authorizer')}: api.authorizer: {problem}")
    if "throttling" in api_values:
        api_values["throttling"] = stagesettings.Throttling(**api_values["throttling"])
    if "cors" in api_values:
        api_values["cors"] = corsconfig.CorsConfig(**api_values["cors"])
        problem = corsconfig.problem(api_values["cors"])
        if problem:
            problems.append(f"{where('api.cors')}: api.cors: {problem}; API Gateway refuses it")
    api = api_for_type(kind, **{k: v for k, v in api_values.items() if k != "type"})
    test = TestConfig(**values.pop("test", {}))
    problems.extend(_cross_checks(function, where))
    if problems:
        raise ConfigError(problems)
    return Config(function=function, api=api, test=test, source=source, **values)


def _type_checks(api: dict[str, Any], kind: str, where: Any) -> list[str]:
    """Keys the chosen API type does not have, and stage names it refuses."""
    problems = []
    for key, kinds in TYPE_ONLY_KEYS.items():
        if key in api and kind not in kinds:
            allowed = " and ".join(TYPE_NAMES[k] for k in kinds)
            problems.append(
                f"{where('api.' + key)}: api.{key}: {A_TYPE[kind]} has no {key}; it is for the {allowed} "
                f"type; remove the key or set api.type to {' or '.join(kinds)}"
            )
    if kind != "http" and api.get("stage") == "$default":
        # $default is an HTTP API stage (reference J2: REST invoke URLs name the stage).
        problems.append(
            f"{where('api.stage')}: api.stage: $default is an HTTP API stage; allowed for "
            f"{A_TYPE[kind]}: 1-128 letters, digits, hyphens or underscores, e.g. {TYPE_DEFAULTS[kind]['stage']}"
        )
    return problems


def _cross_checks(function: FunctionConfig, where: Any) -> list[str]:
    """Checks that need more than one key: the handler's module must exist
    in the code, or every invoke would fail with Runtime.ImportModuleError."""
    from .services.packaging import handler_module_problem

    problem = handler_module_problem(function.code, function.handler)
    return [f"{where('function.handler')}: function.handler: {problem}"] if problem else []
