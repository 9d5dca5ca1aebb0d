"""A campaign's results, checked against figures worked out by hand with the standard library."""

from __future__ import annotations

import statistics

import pytest
from scipy import stats

from spaceforchange.assessments.models import Response
from spaceforchange.assessments.results import ITEM_FIGURES, campaign_results
from tests.factories import make_campaign, make_organization, make_response, make_unit

pytestmark = pytest.mark.django_db

# The test pack's "scan": r1 and r2 (reverse-worded) score "room", o1 and o2 score "openness".
ANSWERS = [
    {"r1": 5, "r2": 1, "o1": 4, "o2": 2},
    {"r1": 4, "r2": 2, "o1": None, "o2": 3},
    {"r1": 2, "r2": 5, "o1": 3, "o2": 3},
    {"r1": 3, "r2": None, "o1": 5, "o2": 1},
]


def _interval(values: list[float]) -> tuple[float, float]:
    mean = statistics.fmean(values)
    half = stats.t.ppf(0.975, len(values) - 1) * statistics.stdev(values) / len(values) ** 0.5
    return mean - half, mean + half


def _expected(values: list[float]) -> dict[str, object]:
    low, high = _interval(values)
    count = len(values)
    return {
        "mean": pytest.approx(statistics.fmean(values)),
        "ci_low": pytest.approx(low),
        "ci_high": pytest.approx(high),
        "share_favourable": pytest.approx(sum(value >= 4 for value in values) / count),
        "share_neutral": pytest.approx(sum(2 < value < 4 for value in values) / count),
        "share_unfavourable": pytest.approx(sum(value <= 2 for value in values) / count),
        "n": count,
    }


def _campaign_with(answers, threshold=2, **options):  # type: ignore[no-untyped-def]
    campaign = make_campaign(make_organization(), anonymity_threshold=threshold, **options)
    return campaign, [make_response(campaign, entry) for entry in answers]


def test_whole_campaign_figures_match_a_hand_computation():
    campaign, _responses = _campaign_with(ANSWERS)
    result = campaign_results(campaign)
    assert result["campaign"] == {
        "id": campaign.pk,
        "title": campaign.title,
        "instrument": "scan",
        "pack": campaign.pack_version.pack.key,
        "pack_version": "1.0.0",
        "status": "open",
        "anonymous": True,
        "anonymity_threshold": 2,
        "respondents": 4,
    }
    [group] = result["groups"]
    assert (group["group"], group["suppressed"], group["n"]) == ("all", False, 4)
    assert group["items"]["r1"] == _expected([5, 4, 2, 3])
    assert group["items"]["r2"] == _expected([5, 4, 1])  # flipped: 6 - answer
    assert group["items"]["o1"] == _expected([4, 3, 5])
    # A dimension scores each respondent by the mean of the statements they answered.
    room = _expected([5, 4, 1.5, 3])
    openness = _expected([3, 3, 3, 3])
    assert {key: value for key, value in group["dimensions"]["room"].items() if key != "alpha"} == room
    assert group["dimensions"]["openness"]["mean"] == pytest.approx(3.0)
    assert group["dimensions"]["openness"]["share_neutral"] == pytest.approx(1.0)
    assert openness["n"] == group["dimensions"]["openness"]["n"] == 4
    assert group["dimensions"]["room"]["alpha"] is None  # two statements: no alpha
    assert set(group["items"]["r1"]) == set(ITEM_FIGURES)


def test_weights_count_in_the_means_and_shares():
    campaign, responses = _campaign_with([{"r1": 5}, {"r1": 1}, {"r1": 3}])
    Response.objects.filter(pk=responses[0].pk).update(weight=3.0)
    figures = campaign_results(campaign)["groups"][0]["items"]["r1"]
    assert figures["mean"] == pytest.approx((5 * 3 + 1 + 3) / 5)
    assert figures["share_favourable"] == pytest.approx(3 / 5)
    assert figures["share_unfavourable"] == pytest.approx(1 / 5)
    assert figures["n"] == 3


def test_grouping_by_unit_names_units_and_suppresses_small_ones_with_a_complement():
    organization = make_organization()
    campaign = make_campaign(organization, anonymity_threshold=3)
    large, medium, small = (make_unit(organization, name) for name in ("Finance", "Health", "Audit"))
    placed = [(large, 5), (medium, 4), (small, 1)]
    for unit, count in placed:
        responses = [make_response(campaign, {"r1": 4}) for _ in range(count)]
        Response.objects.filter(pk__in=[response.pk for response in responses]).update(unit=unit)
    make_response(campaign, {"r1": 2})  # no unit
    make_response(campaign, {"r1": 2})
    make_response(campaign, {"r1": 2})
    result = campaign_results(campaign, group_by="unit")
    groups = {group["group"]: group for group in result["groups"]}
    assert list(groups) == ["Audit", "Finance", "Health", "(no unit)"]
    # Audit (1) is below 3; hiding it alone would let 13 − 5 − 4 − 3 reveal it, so the smallest
    # visible group (the three without a unit) is hidden with it.
    assert groups["Audit"] == {"group": "Audit", "suppressed": True}
    assert groups["(no unit)"] == {"group": "(no unit)", "suppressed": True}
    assert groups["Finance"]["n"] == 5
    assert groups["Finance"]["items"]["r1"]["mean"] == pytest.approx(4.0)
    assert groups["Health"]["n"] == 4
    assert result["campaign"]["respondents"] == 13


def test_grouping_by_attribute_has_a_group_for_the_missing_values():
    campaign, responses = _campaign_with([{"r1": value} for value in (5, 4, 1, 2, 3)])
    attributes = [{"AGENCY": "VA"}, {"AGENCY": "VA"}, {"AGENCY": "DOD"}, {"AGENCY": "DOD"}, {}]
    for response, values in zip(responses, attributes, strict=True):
        Response.objects.filter(pk=response.pk).update(attributes=values)
    result = campaign_results(campaign, group_by="attribute:AGENCY")
    groups = {group["group"]: group for group in result["groups"]}
    assert list(groups) == ["DOD", "VA", "(missing)"]
    assert groups["VA"]["items"]["r1"] == _expected([5, 4])
    assert groups["VA"]["n"] == 2
    # One respondent without the attribute is below 2; the smallest visible group (DOD, 2, first
    # of the tie) is hidden with it so that the total minus VA does not reveal that respondent.
    assert groups["(missing)"] == {"group": "(missing)", "suppressed": True}
    assert groups["DOD"] == {"group": "DOD", "suppressed": True}


def test_whole_campaign_below_the_threshold_is_suppressed():
    campaign, _responses = _campaign_with(ANSWERS[:2], threshold=3)
    result = campaign_results(campaign)
    assert result["groups"] == [{"group": "all", "suppressed": True}]
    assert result["campaign"]["respondents"] == 2


def test_a_campaign_without_responses_has_an_empty_visible_group():
    campaign = make_campaign(make_organization())
    make_response(campaign, {"r1": 3}, submit=False)  # drafts do not count
    result = campaign_results(campaign)
    assert result["campaign"]["respondents"] == 0
    [group] = result["groups"]
    assert (group["group"], group["suppressed"], group["n"]) == ("all", False, 0)
    assert group["items"]["r1"] == {name: (0 if name == "n" else None) for name in ITEM_FIGURES}
    assert campaign_results(campaign, group_by="unit")["groups"] == []


@pytest.mark.parametrize("group_by", ["units", "attribute:", "attribute:   ", "Unit", "unit:Finance"])
def test_an_unknown_grouping_is_refused(group_by):
    campaign = make_campaign(make_organization())
    with pytest.raises(ValueError, match="attribute:NAME"):
        campaign_results(campaign, group_by=group_by)
