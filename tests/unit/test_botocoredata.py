"""botocore's JSON is parsed once per process, however many sessions the
wizard makes (a reconnect makes a new one): each parse held the GIL."""

from __future__ import annotations

import json
from typing import Any

import pytest

from awsrules.botocoredata import service_model, shared_loader
from tui.services.session import Cloud, Target


@pytest.fixture
def counted_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every JSON document botocore's loaders parse, by size."""
    import botocore.loaders

    parsed: list[str] = []
    real = json.loads

    def loads(text: Any, *args: Any, **kwargs: Any) -> Any:
        if len(text) > 100_000:
            parsed.append(f"{len(text)} bytes")
        return real(text, *args, **kwargs)

    monkeypatch.setattr(botocore.loaders.json, "loads", loads)
    return parsed


def test_sessions_share_one_parse_of_each_model(counted_parses: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    target = Target("local", "us-east-1", access_key="AKIDEXAMPLE", secret_key="secret")
    # A fresh shared loader: other tests in this process may have parsed these models already.
    shared_loader.cache_clear()
    service_model.cache_clear()
    Cloud(target).client("lambda")
    Cloud(target).client("iam")
    first = list(counted_parses)
    assert first, "the first session parses the models it needs"
    for _ in range(3):  # three more connects, as after restarts of the cloud
        cloud = Cloud(target)
        cloud.client("lambda")
        cloud.client("iam")
    service_model("lambda")  # the runtime list reads the same parsed model
    assert counted_parses == first  # nothing parsed again
    paths = shared_loader().search_paths
    assert len(paths) == len(set(paths))  # boto3's data folder is not appended again each time
