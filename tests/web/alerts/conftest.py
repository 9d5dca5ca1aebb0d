"""An organisation with one member per role, a client for any of them, and alerts made by a fake evaluator."""

from __future__ import annotations

import pytest

from tests.integration.alerts.helpers import fake_rules_registered
from tests.web.core.conftest import client_as, org, other_org  # noqa: F401 -- fixtures shared with core's pages


@pytest.fixture
def fake_rules():
    with fake_rules_registered() as fake:
        yield fake
