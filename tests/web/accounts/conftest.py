from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():  # type: ignore[no-untyped-def]
    """allauth keeps rate-limit counters in the cache, which outlives a test; start each one clean."""
    cache.clear()
    yield
    cache.clear()
