"""How the handler's `logging` records are written, as Lambda's Python
runtime (awslambdaric) writes them, loaded beside the worker (standard
library only).

- Text (the default): `[LEVEL]\\t<time>\\t<request id>\\t<message>`
  (awslambdaric `_setup_logging`; reference L2).
- JSON (LoggingConfig.LogFormat JSON; AWS_LAMBDA_LOG_FORMAT): one object per
  record with timestamp (`%Y-%m-%dT%H:%M:%SZ`, UTC), level, message, logger
  and requestId, plus errorType, errorMessage, stackTrace and location when
  the record carries an exception, and any `extra=` attributes; None values
  are dropped (awslambdaric `JsonFormatter` in lambda_runtime_log_utils.py;
  reference L2). Records below AWS_LAMBDA_LOG_LEVEL (ApplicationLogLevel)
  are not written."""

from __future__ import annotations

import json
import logging
import time
import traceback

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "aws_request_id"}


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("[%(levelname)s]\t%(asctime)s\t%(aws_request_id)s\t%(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        t = time.gmtime(record.created)
        return time.strftime("%Y-%m-%dT%H:%M:%S", t) + f".{int(record.msecs):03d}Z"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, object] = {
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)),
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "requestId": getattr(record, "aws_request_id", None),
        }
        if record.exc_info and record.exc_info[0] is not None:
            kind, error, tb = record.exc_info
            frame = traceback.extract_tb(tb)[-1] if tb else None
            out["errorType"] = kind.__name__
            out["errorMessage"] = str(error)
            out["stackTrace"] = traceback.format_tb(tb)
            out["location"] = f"{frame.filename}:{frame.name}:{frame.lineno}" if frame else None
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in out:
                out[key] = value
        return json.dumps({k: v for k, v in out.items() if v is not None}, default=str)


def formatter(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "JSON" else TextFormatter()


def level(log_format: str, wanted: str | None) -> int:
    """The root logger's level with JSON: the ApplicationLogLevel (TRACE is
    below DEBUG; INFO by default)."""
    return {"TRACE": 5, "DEBUG": 10, "INFO": 20, "WARN": 30, "ERROR": 40, "FATAL": 50}.get(wanted or "INFO", 20)
