"""API keys on the REST data plane: a method with apiKeyRequired serves
only a request whose `x-api-key` is an enabled key in a usage plan bound
to this API and stage; anything else is 403 {"message":"Forbidden"}
(reference J6, [D] the knowledge-center 403 page). Read from moto's API
keys, usage plans and usage plan keys, cached per control-plane change
(Moto.generation) as the views are."""

from __future__ import annotations

from ..moto_bridge import ACCOUNT, Moto

HEADER = "x-api-key"  # the API's apiKeySource HEADER, the default (J1.1)


class ApiKeys:
    def __init__(self, moto: Moto):
        self.moto = moto
        self._cached: tuple[int, dict[str, frozenset[tuple[str, str, str]]]] | None = None

    def allows(self, region: str, api_id: str, stage: str, value: str | None) -> bool:
        if not value:
            return False
        return (region, api_id, stage) in self._stages_by_value().get(value, frozenset())

    def _stages_by_value(self) -> dict[str, frozenset[tuple[str, str, str]]]:
        cached = self._cached
        if cached is not None and cached[0] == self.moto.generation:
            return cached[1]
        with self.moto.lock:
            generation = self.moto.generation
            table = _read()
        self._cached = (generation, table)
        return table


def _read() -> dict[str, frozenset[tuple[str, str, str]]]:
    """Enabled key value -> the (region, api, stage) its usage plans cover."""
    from moto.apigateway.models import apigateway_backends

    out: dict[str, set[tuple[str, str, str]]] = {}
    for region, backend in apigateway_backends[ACCOUNT].items():
        for plan_id, plan_keys in backend.usage_plan_keys.items():
            plan = backend.usage_plans.get(plan_id)
            if plan is None:
                continue
            stages = {(region, str(s.get("apiId")), str(s.get("stage"))) for s in plan.api_stages or []}
            for key_id in plan_keys:
                key = backend.keys.get(key_id)
                if key is not None and key.enabled and key.value:
                    out.setdefault(str(key.value), set()).update(stages)
    return {value: frozenset(stages) for value, stages in out.items()}
