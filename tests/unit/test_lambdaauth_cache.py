"""The Lambda authorizer's answer cache stays bounded however many
identities call a cloud left running (expired answers go first, then the
oldest)."""

from __future__ import annotations

import pytest

from localcloud.apigatewayv2 import lambdaauth
from localcloud.apigatewayv2.lambdaauth import LambdaAuthorizers


def test_the_cache_keeps_at_most_max_cached_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [0.0]
    cache = LambdaAuthorizers(lambda *_: (None, None), lambda *_: True, None, 1, clock=lambda: now[0])
    monkeypatch.setattr(lambdaauth, "MAX_CACHED", 5)
    for n in range(5):
        cache._keep(("api", n), (10.0, True))
    now[0] = 20.0  # all five expired
    cache._keep(("api", 5), (30.0, True))
    assert list(cache.cache) == [("api", 5)]
    for n in range(6, 12):
        cache._keep(("api", n), (30.0, True))
    assert len(cache.cache) == 5 and ("api", 11) in cache.cache and ("api", 5) not in cache.cache
