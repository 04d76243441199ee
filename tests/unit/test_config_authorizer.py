"""api.authorizer: parsed, and each bad value one line naming file:line,
the key, the value and what is allowed (limits: 50 audiences per
authorizer, 10 scopes per route, from the API Gateway quotas page)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui import config
from tui.authconfig import AuthorizerConfig


def load(tmp_path: Path, text: str) -> config.Config:
    path = tmp_path / "c.yaml"
    path.write_text(f"api:\n  authorizer: {text}\n")
    return config.load(path)


def test_the_forms_parse(tmp_path: Path) -> None:
    assert load(tmp_path, "{type: jwt, issuer: local-cognito}").api.authorizer == AuthorizerConfig()
    assert load(tmp_path, "{type: iam}").api.authorizer == AuthorizerConfig(type="iam")
    found = load(tmp_path, "{type: jwt, issuer: 'https://id.example.com/t/', audience: [a, b], scopes: [x/read]}")
    assert found.api.authorizer == AuthorizerConfig("jwt", "https://id.example.com/t", ("a", "b"), ("x/read",))
    assert config.Config().api.authorizer is None
    sample = load(tmp_path, "{type: lambda}").api.authorizer
    assert sample == AuthorizerConfig(type="lambda") and sample.code == "sample" and sample.ttl_s == 300
    (tmp_path / "auth.py").write_text("def check(event, context):\n    return {}\n")
    own = load(
        tmp_path,
        "{type: lambda, code: auth.py, handler: auth.check, payload_format: '1.0', simple_responses: false,"
        " identity_source: [$request.querystring.key, $context.routeKey], ttl_s: 0}",
    ).api.authorizer
    assert own is not None and own.code == str(tmp_path / "auth.py") and own.payload_format == "1.0"
    assert own.identity_source == ("$request.querystring.key", "$context.routeKey") and own.ttl_s == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{type: oauth}", "'oauth' is not an authorizer type; allowed: jwt, lambda, iam"),
        ("{type: lambda, code: hello}", "'hello' is the function's code, not an authorizer; allowed: sample"),
        ("{type: lambda, code: nowhere.py}", "no such file or folder"),
        ("{type: lambda, ttl_s: 3601}", "3601 is not a cache time; allowed: 0 (no caching) to 3600 seconds"),
        ("{type: lambda, identity_source: [Authorization]}", "is not a list of identity sources"),
        # EnableSimpleResponses is for payload 2.0 only (botocore's model of CreateAuthorizer).
        ("{type: lambda, payload_format: '1.0'}", 'simple_responses needs payload_format "2.0"'),
        ("{type: lambda, simple_responses: false}", "code: sample answers with simple responses"),
        ("{type: lambda, scopes: [a]}", "type lambda takes no issuer, audience or scopes"),
        ("{type: jwt, ttl_s: 5}", "type jwt takes none of code, handler"),
        (
            "{type: jwt, issuer: 'http://id.example.com'}",
            "is not an issuer; allowed: local-cognito, or the issuer's https URL",
        ),
        ("{type: jwt, issuer: 'https://id.example.com'}", "needs an audience"),
        ("{type: jwt, issuer: local-cognito, audience: [x]}", "leave audience out"),
        ("{type: iam, scopes: [a]}", "type iam takes no issuer, audience or scopes"),
        ("{type: jwt, scopes: ['has space']}", "is not a list of OAuth scopes"),
        ("{type: jwt, scopes: [a, b, c, d, e, f, g, h, i, j, k]}", "11 scopes; allowed: at most 10 per route"),
        (
            "{kind: jwt}",
            "api.authorizer.kind: unknown key; allowed keys here: type, issuer, audience, scopes, code, handler,",
        ),
    ],
)
def test_each_bad_value_is_one_clear_line(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(config.ConfigError) as raised:
        load(tmp_path, text)
    assert len(raised.value.problems) == 1
    assert expected in raised.value.problems[0], raised.value.problems
    assert raised.value.problems[0].startswith(f"{tmp_path / 'c.yaml'}:2: ")
