"""What the local cloud leaves undone in moto's start-up must not change
what moto answers: URLs still build, models and folder listings are the
same, and warming up changes no state."""

from __future__ import annotations

from typing import Any

import pytest

from localcloud import motolean


@pytest.fixture(scope="module")
def moto() -> Any:
    from localcloud.moto_bridge import Moto

    return Moto()  # applies motolean


def test_url_builders_compile_when_first_used_and_build_the_same_urls(moto: Any) -> None:
    from werkzeug.routing import Map, Rule

    rule = Rule("/v2/apis/<api_id>/routes/<route_id>", endpoint="route")
    adapter = Map([rule, Rule("/plain", endpoint="plain")]).bind("127.0.0.1")
    assert adapter.match("/v2/apis/a1/routes/r2") == ("route", {"api_id": "a1", "route_id": "r2"})
    assert rule._build_unknown.__func__.__name__ == "build"  # not compiled yet: only matched
    assert adapter.build("route", {"api_id": "a1", "route_id": "r2"}) == "/v2/apis/a1/routes/r2"
    compiled = rule._build_unknown
    assert compiled.__func__.__name__ != "build"  # compiled on first use, and kept
    assert adapter.build("route", {"api_id": "x", "route_id": "y"}) == "/v2/apis/x/routes/y"
    assert rule._build_unknown is compiled
    assert rule.build({"api_id": "p", "route_id": "q"}, append_unknown=False) == ("", "/v2/apis/p/routes/q")
    assert adapter.build("route", {"api_id": "x", "route_id": "y", "q": "1"}) == "/v2/apis/x/routes/y?q=1"
    assert adapter.build("plain") == "/plain"


def test_botocore_models_are_read_once_and_equal_to_a_fresh_read(moto: Any) -> None:
    import json
    from pathlib import Path

    import botocore
    from botocore.loaders import Loader

    first, second = Loader(), Loader()
    model = first.load_service_model("apigatewayv2", "service-2")
    assert second.load_service_model("apigatewayv2", "service-2") is model
    latest = sorted((Path(botocore.__file__).parent / "data" / "apigatewayv2").iterdir())[-1]
    import gzip

    path = latest / "service-2.json"
    raw = json.loads(
        path.read_text() if path.exists() else gzip.decompress((latest / "service-2.json.gz").read_bytes())
    )
    assert model["operations"].keys() == raw["operations"].keys()
    listed = first.list_available_services("service-2")
    listed.append("not-a-service")  # a caller's change stays its own
    assert "not-a-service" not in second.list_available_services("service-2")
    assert "lambda" in listed and "apigatewayv2" in listed


def test_motos_own_folder_is_listed_once_with_the_same_names(moto: Any) -> None:
    import os

    import moto as moto_package
    from moto import backends

    folder = os.path.dirname(moto_package.__file__)
    fresh = sorted(n for n in os.listdir(folder) if os.path.isdir(os.path.join(folder, n)) and not n.startswith("__"))
    assert list(backends.list_of_moto_modules()) == fresh
    assert "apigatewayv2" in backends.list_of_moto_modules()  # a fresh iterator each time, as before


def test_warming_up_changes_no_state_and_no_counter(moto: Any) -> None:
    from localcloud.persist import _backends

    def contents() -> list[int]:
        sizes = []
        for name, backend in _backends().items():
            for regions in backend.values():
                for region in regions.values():
                    for attr in ("apis", "_functions", "roles"):
                        held = getattr(region, attr, None)
                        if held is not None:
                            sizes.append(len(held) if not hasattr(held, "_functions") else len(held._functions))
        return sizes

    before, stamp = contents(), (moto.generation, moto.writes)
    moto.warm()
    moto.warm()  # twice: a second warm-up is cheap and harmless
    assert (moto.generation, moto.writes) == stamp
    assert sum(contents()) == sum(before)
    assert moto._v2_app is not None


def test_apply_is_idempotent(moto: Any) -> None:
    from werkzeug.routing.rules import Rule

    patched = Rule._compile_builder
    motolean.apply()
    assert Rule._compile_builder is patched
