"""The portfolio page's figures from one grouped query agree with those from the loaded initiatives."""

from __future__ import annotations

import pytest

from spaceforchange.analytics import portfolio as rules
from spaceforchange.portfolio import overview_selectors, services
from spaceforchange.portfolio.models import StageTransition
from spaceforchange.portfolio.terms import pack_terms
from tests.integration.portfolio.portfolio_data import Portfolio, portfolio

__all__ = ["portfolio"]


def _both(data: Portfolio, params: dict[str, str]) -> tuple[rules.PortfolioFigures, rules.PortfolioFigures]:
    filters = overview_selectors.parse_filters(data.organization, params)
    initiatives = overview_selectors.filtered_initiatives(data.organization, filters)
    profiles = overview_selectors.figure_profiles(data.organization, filters)
    assert profiles == rules.profile_counts(overview_selectors.figure_snapshots(initiatives))
    terms = pack_terms(data.organization, "en")
    target = overview_selectors.target_mix(data.organization, [term.key for term in terms.forms])
    return (
        overview_selectors.figures(profiles, terms, target),
        overview_selectors.figures(overview_selectors.figure_snapshots(initiatives), terms, target),
    )


@pytest.mark.parametrize("which", ["all", "unit", "goal", "roads"])
def test_profiles_give_the_figures_of_the_snapshots(portfolio, which):
    params = {
        "all": {},
        "unit": {"unit": str(portfolio.care.pk)},
        "goal": {"goal": str(portfolio.goal.pk)},
        "roads": {"unit": str(portfolio.roads.pk), "sort": "-stage"},
    }[which]
    from_profiles, from_snapshots = _both(portfolio, params)
    assert from_profiles == from_snapshots


def test_an_initiative_without_recorded_transitions_counts_from_its_stage(portfolio):
    # Initiatives registered before transitions were recorded have none; their stage is their history.
    StageTransition.objects.filter(initiative=portfolio.initiatives["Echo"]).delete()
    from_profiles, from_snapshots = _both(portfolio, {})
    assert from_profiles == from_snapshots
    assert [step.reached_to for step in from_profiles.funnel] == [4, 2, 1]


def test_profiles_are_read_in_one_query(portfolio, django_assert_num_queries):
    filters = overview_selectors.parse_filters(portfolio.organization, {"unit": str(portfolio.care.pk)})
    with django_assert_num_queries(1):
        profiles = overview_selectors.figure_profiles(portfolio.organization, filters)
    assert sum(profiles.values()) == 3


def test_kept_page_figures_follow_every_change(portfolio, django_assert_num_queries):
    organization = portfolio.organization
    everything = overview_selectors.parse_filters(organization, {})
    care = overview_selectors.parse_filters(organization, {"unit": str(portfolio.care.pk)})
    first = overview_selectors.page_profiles(organization, everything)
    assert first == overview_selectors.figure_profiles(organization, everything)
    with django_assert_num_queries(2):  # only the change marker; the figures are kept
        assert overview_selectors.page_profiles(organization, everything) == first
    services.move_initiative(
        initiative=portfolio.initiatives["Alpha"],
        target="stopped",
        decided_by=portfolio.lead,
        decided_on=services.today_in(organization),
        reason="No longer needed.",
        actor=portfolio.lead,
    )
    moved = overview_selectors.page_profiles(organization, everything)
    assert moved != first and moved == overview_selectors.figure_profiles(organization, everything)
    services.update_initiative(initiative=portfolio.initiatives["Bravo"], units=[portfolio.care])
    assert sum(overview_selectors.page_profiles(organization, care).values()) == 4
    services.update_initiative(initiative=portfolio.initiatives["Echo"], trigger="crisis")
    assert overview_selectors.page_profiles(organization, everything) == overview_selectors.figure_profiles(
        organization, everything
    )
