"""Textual validators that run the config loader's own field checks, so a
value is judged the same way in the wizard as in sample_config.yaml."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.validation import ValidationResult, Validator

from tui.fields import FieldError


class FieldValidator(Validator):
    def __init__(self, check: Callable[[Any], Any], convert: Callable[[str], Any] = str):
        super().__init__()
        self.check = check
        self.convert = convert

    def validate(self, value: str) -> ValidationResult:
        try:
            self.check(self.convert(value))
        except FieldError as exc:
            return self.failure(str(exc))
        except ValueError:
            return self.failure(f"{value!r} is not a number")
        return self.success()


def as_int(text: str) -> int:
    return int(text.strip())
