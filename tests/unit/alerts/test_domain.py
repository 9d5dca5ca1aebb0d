"""The pure rules of the alerts app: diffing live alerts against firings, rule settings from a pack."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from spaceforchange.alerts.domain import (
    Firing,
    LiveAlert,
    json_ready,
    plan_changes,
    qualified_ref,
    rule_settings,
    severity_rank,
)
from spaceforchange.alerts.registry import Registry
from spaceforchange.analytics.portfolio.warnings import Firing as PortfolioFiring
from spaceforchange.frameworks.schema import Pack

WARNINGS_PACK = Path(__file__).parents[3] / "src/spaceforchange/frameworks/packs/warnings.yaml"


def live(alert_id: int, rule: str = "r", kind: str = "initiative", subject: int | None = 1) -> LiveAlert:
    return LiveAlert(alert_id, rule, kind, subject)


def test_a_new_firing_creates_an_alert():
    firing = Firing("r", "initiative", 1, {"days": 3})
    changes = plan_changes([], [firing])
    assert (changes.create, changes.refresh, changes.resolve) == ((firing,), (), ())


def test_a_firing_matching_a_live_alert_refreshes_it():
    firing = Firing("r", "initiative", 1, {"days": 4})
    changes = plan_changes([live(7)], [firing])
    assert (changes.create, changes.refresh, changes.resolve) == ((), ((7, firing),), ())


def test_a_live_alert_that_no_longer_fires_is_resolved():
    changes = plan_changes([live(7), live(8, subject=2)], [Firing("r", "initiative", 2)])
    assert changes.resolve == (7,)
    assert [alert_id for alert_id, _ in changes.refresh] == [8]


def test_identity_is_rule_kind_and_subject_and_none_matches_none():
    firings = [Firing("r", "portfolio", None), Firing("r", "idea", 1), Firing("other", "initiative", 1)]
    changes = plan_changes([live(1, kind="portfolio", subject=None), live(2)], firings)
    assert [alert_id for alert_id, _ in changes.refresh] == [1]
    assert changes.resolve == (2,)
    assert [(f.rule_key, f.subject_kind) for f in changes.create] == [("r", "idea"), ("other", "initiative")]


def test_rules_whose_evaluator_failed_keep_their_alerts():
    changes = plan_changes([live(1, rule="broken"), live(2, rule="fine")], [], undecided_rules={"broken"})
    assert changes.resolve == (2,)


def test_duplicate_firings_count_once_the_first_wins():
    first, second = Firing("r", "initiative", 1, {"n": 1}), Firing("r", "initiative", 1, {"n": 2})
    assert plan_changes([], [first, second]).create == (first,)


def test_the_portfolio_analytics_firing_is_accepted_as_is():
    firing = PortfolioFiring("pilot_graveyard", "portfolio", None, {"started": 6})
    assert plan_changes([], [firing]).create == (firing,)


@given(
    st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 3)), max_size=8, unique=True),
    st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 3)), max_size=8),
)
def test_every_live_alert_is_refreshed_or_resolved_exactly_once(live_keys, firing_keys):
    alerts = [live(index, rule=rule, subject=subject) for index, (rule, subject) in enumerate(live_keys)]
    changes = plan_changes(alerts, [Firing(rule, "initiative", subject) for rule, subject in firing_keys])
    touched = [alert_id for alert_id, _ in changes.refresh] + list(changes.resolve)
    assert sorted(touched) == list(range(len(alerts)))
    assert {(f.rule_key, f.subject_id) for f in changes.create} == set(firing_keys) - set(live_keys)


def test_facts_become_plain_json():
    facts = {"since": datetime.date(2026, 1, 2), "count": 3, "ids": [1, 2], 4: None}
    assert json_ready(facts) == {"since": "2026-01-02", "count": 3, "ids": [1, 2], "4": None}


def test_references_without_a_pack_belong_to_the_rules_pack():
    assert qualified_ref("first_step:organize_backing", "warnings") == ("first_step", "organize_backing")
    assert qualified_ref("open_dialogue", "warnings") == ("warnings", "open_dialogue")


def test_severity_rank_puts_critical_first_and_unknown_last():
    assert sorted(["info", "bogus", "critical", "warning"], key=severity_rank) == [
        "critical",
        "warning",
        "info",
        "bogus",
    ]


def test_rule_settings_of_the_shipped_warnings_pack():
    pack = Pack.model_validate(yaml.safe_load(WARNINGS_PACK.read_text()))
    rules = rule_settings(pack)
    graveyard = rules["pilot_graveyard"]
    assert (graveyard.severity, graveyard.area, graveyard.subject) == ("warning", "portfolio", "portfolio")
    assert graveyard.thresholds == {"min_started": 5, "max_scaled_share": 0.2, "window_months": 24}
    assert graveyard.answered_by == ("first_step:organize_backing", "first_step:reduce_cognitive_constraints")
    assert rules["scaling_without_senior_backing"].severity == "critical"
    assert rules["idea_answer_overdue"].subject == "idea"


# --- The registry ---------------------------------------------------------------------------------


def evaluator(organization, thresholds, today):  # type: ignore[no-untyped-def]
    return []


def test_a_rule_has_one_evaluator():
    registry = Registry()
    registry.register("a", "b")(evaluator)
    with pytest.raises(ImproperlyConfigured, match="already have an evaluator: b"):
        registry.register("b", "c")(lambda organization, thresholds, today: [])
    assert registry.rule_keys() == {"a", "b"}


def test_an_evaluator_needs_a_rule_key():
    with pytest.raises(ImproperlyConfigured):
        Registry().register()


def test_isolated_hides_and_then_restores_the_registrations():
    registry = Registry()
    registry.register("a")(evaluator)
    with registry.isolated():
        assert registry.registrations() == []
        registry.register("a")(evaluator)
        assert registry.rule_keys() == {"a"}
    assert [entry.evaluator for entry in registry.registrations()] == [evaluator]
    registry.unregister(evaluator)
    assert registry.registrations() == []


def test_subject_kinds_register_once_and_unknown_kinds_have_no_helpers():
    registry = Registry()
    registry.register_subject("team", labels=lambda organization, ids: {})
    with pytest.raises(ImproperlyConfigured):
        registry.register_subject("team")
    assert registry.subject("team").labels is not None
    unknown = registry.subject("nothing")
    assert (unknown.labels, unknown.responsible, unknown.url) == (None, None, None)
