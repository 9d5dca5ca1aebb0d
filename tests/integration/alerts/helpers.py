"""Test support for alerts: a controllable evaluator, and a way to make one alert.

Alerts are only ever written by ``evaluate_alerts``, so tests make them the same way: register an
evaluator that fires what the test wants, inside ``registry.isolated()`` so no app's real rules run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from spaceforchange.alerts import services
from spaceforchange.alerts.domain import Firing
from spaceforchange.alerts.models import Alert, AlertStatus
from spaceforchange.alerts.registry import registry

PILOT = "pilot_graveyard"  # severity warning, subject portfolio
SCALING = "scaling_without_senior_backing"  # severity critical, subject initiative
IDEA_OVERDUE = "idea_answer_overdue"  # severity warning, subject idea


class FakeRules:
    """An evaluator that fires whatever is in ``firings`` (per organisation slug, or for all)."""

    def __init__(self) -> None:
        self.firings: list[Firing] = []
        self.by_org: dict[str, list[Firing]] = {}
        self.calls: list[tuple[str, dict[str, dict[str, float]], Any]] = []

    def __call__(self, organization: Any, thresholds: Any, today: Any) -> list[Firing]:
        self.calls.append((organization.slug, {key: dict(value) for key, value in thresholds.items()}, today))
        return list(self.by_org.get(organization.slug, self.firings))


@contextmanager
def fake_rules_registered(*rule_keys: str) -> Iterator[FakeRules]:
    fake = FakeRules()
    with registry.isolated():
        registry.register(*(rule_keys or (PILOT, SCALING, IDEA_OVERDUE)))(fake)
        yield fake


def make_alert(organization: Any, firing: Firing | None = None) -> Alert:
    firing = firing or Firing(PILOT, "portfolio", None, {"started": 6, "scaled_share": 0.1})
    with fake_rules_registered(firing.rule_key) as fake:
        fake.firings = [firing]
        services.evaluate_alerts(organization=organization)
    live = Alert.objects.filter(organization=organization).exclude(status=AlertStatus.RESOLVED)
    return live.get(rule_key=firing.rule_key, subject_kind=firing.subject_kind, subject_id=firing.subject_id)
