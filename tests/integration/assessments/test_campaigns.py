"""Creating, opening and closing campaigns, and the campaign selectors."""

from __future__ import annotations

import copy
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from spaceforchange.assessments import domain, selectors, services
from spaceforchange.assessments.models import Campaign, CampaignStatus
from spaceforchange.portfolio import services as portfolio_services
from tests.factories import make_campaign, make_member, make_organization, make_pack, make_unit, pack_data

pytestmark = pytest.mark.django_db

NOW = timezone.now()
WEEK = datetime.timedelta(days=7)


@pytest.fixture
def organization():
    return make_organization(name="Northbay")


@pytest.fixture
def version():
    return make_pack("survey_pack")


def create(organization, version=None, **changes):
    fields = {
        "created_by": None,
        "title": "Spring scan",
        "instrument_key": "scan",
        "pack_key": version.pack.key if version is not None else None,
        "opens_at": NOW,
        "closes_at": NOW + WEEK,
        **changes,
    }
    return services.create_campaign(organization=organization, **fields)


def test_create_campaign_for_a_unit_records_the_pack_version(organization, version):
    lead = make_member(organization, roles=["innovation_lead"]).user
    unit = make_unit(organization, "Home care")
    campaign = create(
        organization,
        version,
        created_by=lead,
        title="  Spring scan ",
        unit=unit,
        include_subunits=True,
        anonymity_threshold=7,
        languages=["nb"],
    )
    campaign.refresh_from_db()
    assert campaign.title == "Spring scan"
    assert campaign.pack_version == version
    assert campaign.instrument_key == "scan"
    assert (campaign.unit, campaign.include_subunits, campaign.initiative) == (unit, True, None)
    assert (campaign.opens_at, campaign.closes_at) == (NOW, NOW + WEEK)
    assert (campaign.anonymous, campaign.anonymity_threshold, campaign.languages) == (True, 7, ["nb"])
    assert (campaign.status, campaign.closed_at, campaign.answers_version) == (CampaignStatus.DRAFT, None, 0)
    assert campaign.created_by == lead
    assert campaign.shared_link_token_hash is None


def test_defaults_are_anonymous_threshold_five_and_every_language_of_the_pack(organization, version):
    campaign = create(organization, version)
    assert (campaign.anonymous, campaign.anonymity_threshold, campaign.languages) == (True, 5, ["en", "nb"])
    assert (campaign.unit, campaign.initiative) == (None, None)  # the whole organisation


def test_an_english_only_pack_defaults_to_english(organization):
    data = pack_data("english_pack")
    data["languages"] = ["en"]
    version = make_pack(data=data)
    assert create(organization, version).languages == ["en"]
    with pytest.raises(ValidationError) as error:
        create(organization, version, languages=["en", "nb"])
    assert error.value.message_dict == {"languages": ["The instrument is not written in: nb."]}


def test_a_campaign_for_an_initiative(organization, version):
    initiative = portfolio_services.create_initiative(organization=organization, title="Night watch")
    campaign = create(organization, version, initiative=initiative, anonymous=False)
    assert (campaign.initiative, campaign.unit, campaign.anonymous) == (initiative, None, False)


def test_the_instrument_is_found_without_naming_the_pack(organization, version):
    assert create(organization).pack_version == version


def test_the_organisations_override_is_the_version_used(organization, version):
    data = copy.deepcopy(pack_data("survey_pack"))
    data["version"] = "2.0.0"
    own = make_pack(organization=organization, data=data)
    assert create(organization).pack_version == own
    assert create(make_organization()).pack_version == version  # other organisations keep the shipped one


def test_an_instrument_in_two_packs_needs_the_pack(organization, version):
    other = make_pack("other_pack")
    with pytest.raises(ValidationError) as error:
        create(organization)
    assert error.value.message_dict["pack_key"] == [
        "Several framework packs have an instrument scan (other_pack, survey_pack). Choose the pack."
    ]
    assert create(organization, other).pack_version == other


def test_a_shipped_instrument_is_found(organization):
    campaign = create(organization, instrument_key="space_for_change_scan")
    assert campaign.pack_version.pack.key == "space_for_change"
    assert len(selectors.instrument_of(campaign).statements) >= 8


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"instrument_key": "nothing", "pack_key": None}, {"instrument_key": ["No pack has an instrument nothing."]}),
        ({"instrument_key": "nothing"}, {"instrument_key": ["The pack survey_pack has no instrument nothing."]}),
        ({"pack_key": "no_such_pack"}, {"pack_key": ["There is no framework pack no_such_pack."]}),
        ({"title": "  "}, {"title": ["Give the campaign a title."]}),
        ({"title": "x" * 201}, {"title": ["Use at most 200 characters."]}),
        ({"title": "a\x00b"}, {"title": ["The text contains a character that is not allowed."]}),
        ({"closes_at": NOW}, {"closes_at": ["The campaign must close after it opens."]}),
        ({"closes_at": NOW - WEEK}, {"closes_at": ["The campaign must close after it opens."]}),
        ({"opens_at": datetime.datetime(2026, 1, 1)}, {"opens_at": ["Give a date and time with its time zone."]}),
        ({"closes_at": "tomorrow"}, {"closes_at": ["Give a date and time with its time zone."]}),
        ({"anonymity_threshold": 1}, {"anonymity_threshold": ["Choose a threshold from 2 to 50 respondents."]}),
        ({"anonymity_threshold": 51}, {"anonymity_threshold": ["Choose a threshold from 2 to 50 respondents."]}),
        ({"anonymity_threshold": True}, {"anonymity_threshold": ["Choose a threshold from 2 to 50 respondents."]}),
        ({"anonymity_threshold": 4.5}, {"anonymity_threshold": ["Choose a threshold from 2 to 50 respondents."]}),
        ({"languages": []}, {"languages": ["Choose at least one language."]}),
        ({"languages": ["en", "sv"]}, {"languages": ["Unknown language: sv."]}),
        ({"include_subunits": True}, {"include_subunits": ["Sub-units can only be included with a unit."]}),
    ],
)
def test_invalid_campaigns_are_refused_and_nothing_is_saved(organization, version, changes, errors):
    with pytest.raises(ValidationError) as error:
        create(organization, version, **changes)
    assert error.value.message_dict == errors
    assert not Campaign.objects.exists()


def test_every_problem_is_reported_at_once(organization, version):
    with pytest.raises(ValidationError) as error:
        create(organization, version, title="", anonymity_threshold=0, closes_at=NOW - WEEK)
    assert set(error.value.message_dict) == {"title", "anonymity_threshold", "closes_at"}


def test_a_unit_and_an_initiative_together_are_refused(organization, version):
    initiative = portfolio_services.create_initiative(organization=organization, title="Night watch")
    with pytest.raises(ValidationError) as error:
        create(organization, version, unit=make_unit(organization), initiative=initiative)
    assert error.value.message_dict == {"unit": ["Choose a unit or an initiative, not both."]}
    assert not Campaign.objects.exists()


def test_another_organisations_unit_initiative_or_creator_is_refused(organization, version):
    other = make_organization()
    initiative = portfolio_services.create_initiative(organization=other, title="Elsewhere")
    outsider = make_member(other, roles=["innovation_lead"]).user
    cases = [
        ({"unit": make_unit(other)}, {"unit": ["The unit belongs to another organisation."]}),
        ({"initiative": initiative}, {"initiative": ["The initiative belongs to another organisation."]}),
        (
            {"created_by": outsider},
            {"created_by": ["The campaign's creator must be a member of the organisation."]},
        ),
    ]
    for changes, errors in cases:
        with pytest.raises(ValidationError) as error:
            create(organization, version, **changes)
        assert error.value.message_dict == errors
    assert not Campaign.objects.exists()


def test_open_then_close_freezes_and_a_closed_campaign_stays_closed(organization, version):
    campaign = create(organization, version)
    opened = services.open_campaign(campaign=campaign)
    assert opened.status == CampaignStatus.OPEN
    assert services.open_campaign(campaign=opened).status == CampaignStatus.OPEN
    closed = services.close_campaign(campaign=opened)
    assert closed.status == CampaignStatus.CLOSED
    assert abs((closed.closed_at - timezone.now()).total_seconds()) < 60
    again = services.close_campaign(campaign=closed)
    assert again.closed_at == closed.closed_at
    with pytest.raises(ValidationError) as error:
        services.open_campaign(campaign=closed)
    assert error.value.code == "closed"
    assert Campaign.objects.get().status == CampaignStatus.CLOSED


def test_a_campaign_past_its_closing_time_cannot_be_opened(organization, version):
    campaign = create(organization, version, opens_at=NOW - 2 * WEEK, closes_at=NOW - WEEK)
    with pytest.raises(ValidationError) as error:
        services.open_campaign(campaign=campaign)
    assert error.value.code == "past"
    assert Campaign.objects.get().status == CampaignStatus.DRAFT


def test_a_draft_can_be_closed_without_ever_opening(organization, version):
    closed = services.close_campaign(campaign=create(organization, version))
    assert closed.status == CampaignStatus.CLOSED


def test_a_new_shared_link_replaces_the_old_one(organization, version):
    campaign = create(organization, version)
    first = services.create_shared_link(campaign=campaign)
    second = services.create_shared_link(campaign=campaign)
    assert first != second and len(second) >= 40
    campaign.refresh_from_db()
    assert campaign.shared_link_token_hash == domain.hash_token(second)
    services.close_campaign(campaign=campaign)
    with pytest.raises(ValidationError) as error:
        services.create_shared_link(campaign=campaign)
    assert error.value.code == "closed"


def test_a_given_shared_link_token_passes_from_a_closed_campaign_but_not_an_open_one(organization, version):
    stable = "s" * 43
    with pytest.raises(ValidationError) as error:
        services.create_shared_link(campaign=create(organization, version), token="short")
    assert error.value.code == "short"
    first, second, third = (create(organization, version) for _ in range(3))
    assert services.create_shared_link(campaign=first, token=stable) == stable
    with pytest.raises(ValidationError) as error:
        services.create_shared_link(campaign=second, token=stable)
    assert error.value.code == "taken"
    services.close_campaign(campaign=first)
    services.create_shared_link(campaign=third, token=stable)
    hashes = dict(
        Campaign.objects.filter(pk__in=[first.pk, second.pk, third.pk]).values_list("pk", "shared_link_token_hash")
    )
    assert hashes == {first.pk: None, second.pk: None, third.pk: domain.hash_token(stable)}


def test_selectors_are_scoped_to_the_organisation(organization, version):
    other = make_organization()
    draft = create(organization, version, title="Draft one")
    opened = make_campaign(organization, version=version, title="Open one")
    foreign = make_campaign(other, version=version)
    assert {c.title for c in selectors.campaigns_for(organization)} == {"Draft one", "Open one"}
    assert [c.pk for c in selectors.campaigns_for(organization, status="open")] == [opened.pk]
    assert selectors.campaign(organization, draft.pk) == draft
    with pytest.raises(Campaign.DoesNotExist):
        selectors.campaign(organization, foreign.pk)


def test_the_campaign_list_takes_a_fixed_number_of_queries(organization, version, django_assert_num_queries):
    for _ in range(3):
        make_campaign(organization, version=version, unit=make_unit(organization))
    with django_assert_num_queries(1):
        rows = [(c.title, c.unit.name, c.pack_version.pack.key) for c in selectors.campaigns_for(organization)]
    assert len(rows) == 3


def test_instrument_of_reads_the_recorded_version_after_the_pack_changes(organization, version):
    campaign = create(organization, version)
    data = pack_data("survey_pack")
    data["version"] = "1.1.0"
    data["instruments"][0]["statements"] = data["instruments"][0]["statements"][:1]
    newer = make_pack(data=data)
    assert newer != version
    reloaded = selectors.campaign(organization, campaign.pk)
    assert [s.key for s in selectors.instrument_of(reloaded).statements] == ["r1", "r2", "o1", "o2"]
    assert create(organization, title="Later").pack_version == newer
