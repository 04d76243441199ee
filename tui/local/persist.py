"""The local cloud's state on disk: moto's backends (IAM, Lambda with the
code, API Gateway, STS) plus our deployments, pickled after every change
and before the change is acknowledged, so a SIGKILL loses nothing that was
created. Logs change on every request, so they are saved on their own,
every few seconds and at shutdown.

The files are 0600, written atomically, and only ever read back by the
same user's local cloud.
"""

from __future__ import annotations

import contextlib
import io
import pickle
import weakref
from collections import defaultdict
from pathlib import Path
from typing import Any

from ..services.ledger import write_private

FORMAT = 1


def _weak_dict(items: dict[Any, Any]) -> weakref.WeakValueDictionary[Any, Any]:
    return weakref.WeakValueDictionary(items)


def _default_dict(kind: type, items: dict[Any, Any]) -> defaultdict[Any, Any]:
    return defaultdict(kind, items)


class _Pickler(pickle.Pickler):
    """moto keeps a WeakValueDictionary of functions by ARN and a
    defaultdict(lambda: {}); neither pickles as is."""

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, weakref.WeakValueDictionary):
            return _weak_dict, (dict(obj.items()),)
        if isinstance(obj, defaultdict) and getattr(obj.default_factory, "__name__", "") == "<lambda>":
            return _default_dict, (type(obj.default_factory()), dict(obj))  # type: ignore[misc]
        return NotImplemented


def _dumps(value: Any) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


def _backends() -> dict[str, Any]:
    from moto.apigatewayv2.models import apigatewayv2_backends
    from moto.awslambda_simple.models import lambda_simple_backends
    from moto.iam.models import iam_backends

    return {"iam": iam_backends, "lambda": lambda_simple_backends, "apigatewayv2": apigatewayv2_backends}


def _logs() -> Any:
    from moto.logs.models import logs_backends

    return logs_backends


class Store:
    def __init__(self, state_dir: Path):
        self.control = state_dir / "control-plane.pickle"
        self.logs = state_dir / "logs.pickle"

    def save_control(self, extra: dict[str, Any]) -> None:
        import moto

        backends = {name: dict(backend) for name, backend in _backends().items()}
        state = {"format": FORMAT, "moto": moto.__version__, "backends": backends, "extra": extra}
        write_private(self.control, _dumps(state))

    def save_logs(self) -> None:
        write_private(self.logs, _dumps(dict(_logs())))

    def load(self) -> dict[str, Any] | None:
        """Restore what was saved; the `extra` part, or None if nothing."""
        if not self.control.exists():
            return None
        import moto

        state = pickle.loads(self.control.read_bytes())  # noqa: S301 - our own 0600 file
        if state.get("format") != FORMAT or state.get("moto") != moto.__version__:
            raise StateVersionError(
                f"{self.control} was written by another version (moto {state.get('moto')}); "
                "move the state folder aside to start afresh")
        for name, target in _backends().items():
            target.clear()
            target.update(state["backends"][name])
        if self.logs.exists():
            with contextlib.suppress(Exception):  # logs are a convenience; never block a start
                saved = pickle.loads(self.logs.read_bytes())  # noqa: S301
                _logs().clear()
                _logs().update(saved)
        return state["extra"]


class StateVersionError(RuntimeError):
    pass
