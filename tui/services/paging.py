"""Listings read through botocore's paginators: AWS pages every one of
them, and a hand-written NextToken loop is one more place to get a token
name or an empty-but-not-last page wrong (filter_log_events returns those
while it searches)."""

from __future__ import annotations

from typing import Any

from .errors import call


def every(
    action: str, client: Any, operation: str, key: str, *, max_items: int | None = None, **kwargs: Any
) -> list[Any]:
    """Every item under `key`, from all pages (up to `max_items`); a failure
    on any page becomes one WizardError naming `action`."""
    paginator = client.get_paginator(operation)
    if max_items is not None:
        kwargs["PaginationConfig"] = {"MaxItems": max_items}

    def read() -> list[Any]:
        return [item for page in paginator.paginate(**kwargs) for item in page.get(key, [])]

    return call(action, read)
