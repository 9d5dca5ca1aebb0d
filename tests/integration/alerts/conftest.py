from __future__ import annotations

import pytest

from tests.integration.alerts.helpers import fake_rules_registered


@pytest.fixture
def fake_rules():
    """Only the fake evaluator runs; it produces the pilot, scaling and idea-overdue rules."""
    with fake_rules_registered() as fake:
        yield fake
