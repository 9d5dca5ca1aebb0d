import datetime

import pytest

from spaceforchange.assessments.models import Campaign
from spaceforchange.portfolio.services import create_initiative
from tests.factories import make_organization, make_pack, make_unit
from tests.web.assessments.conftest import ROLES
from tests.web.core.conftest import error_texts, soup

pytestmark = pytest.mark.django_db

ADDERS = {"innovation_lead", "owner", "admin"}


def valid(**changes):
    data = {
        "title": "Spring scan",
        "instrument": "scan_pack:scan",
        "target_kind": "organization",
        "opens_at": "2030-03-01T09:00",
        "closes_at": "2030-03-15T17:30",
        "anonymous": "on",
        "anonymity_threshold": "5",
        "languages": ["en", "nb"],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize("role", ROLES)
def test_only_adders_may_open_the_form_and_create(org, client_as, pack, role):
    client = client_as(role)
    assert client.get(org.url("assessments:campaign_new")).status_code == (200 if role in ADDERS else 403)
    response = client.post(org.url("assessments:campaign_new"), valid(title=f"By {role}"))
    assert response.status_code == (302 if role in ADDERS else 403)
    assert Campaign.objects.filter(title=f"By {role}").exists() == (role in ADDERS)


def test_the_form_offers_every_instrument_of_the_library_with_defaults(org, other_org, client_as, pack):
    make_pack("own_pack", organization=org.organization)
    make_pack("foreign_pack", organization=other_org.organization)
    page = soup(client_as("innovation_lead").get(org.url("assessments:campaign_new")))
    options = [(option["value"], option.get_text(strip=True)) for option in page.select("#id_instrument option")]
    assert options[0] == ("", "Choose an instrument")
    assert ("scan_pack:scan", "Framework scan_pack — Scan") in options
    assert ("own_pack:scan", "Framework own_pack — Scan") in options
    assert not [value for value, _label in options if value.startswith("foreign_pack:")]
    assert [label.casefold() for _value, label in options[1:]] == sorted(label.casefold() for _v, label in options[1:])
    assert page.select_one("#id_anonymous").has_attr("checked")
    assert page.select_one("#id_anonymity_threshold")["value"] == "5"
    assert page.select_one("#id_opens_at")["type"] == "datetime-local"
    assert {box["value"] for box in page.select("input[name=languages][checked]")} == {"en", "nb"}
    assert [legend.get_text(strip=True) for legend in page.select("legend")][:1] == ["Target"]


def test_labels_follow_the_language(org, client_as, pack):
    client = client_as("innovation_lead")
    response = client.get(org.url("assessments:campaign_new"), headers={"accept-language": "nb"})
    labels = [option.get_text(strip=True) for option in soup(response).select("#id_instrument option")]
    assert "Rammeverk scan_pack — Skanning" in labels


def test_lead_creates_a_campaign_for_the_whole_organisation(org, client_as, pack):
    lead = org.people["innovation_lead"].user
    client = client_as("innovation_lead")
    response = client.post(org.url("assessments:campaign_new"), valid(anonymous=None))
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == org.url("assessments:campaign", campaign_id=campaign.pk)
    # 09:00 in Oslo (winter time, UTC+1) is 08:00 UTC.
    assert campaign.opens_at == datetime.datetime(2030, 3, 1, 8, 0, tzinfo=datetime.UTC)
    assert campaign.closes_at == datetime.datetime(2030, 3, 15, 16, 30, tzinfo=datetime.UTC)
    assert (campaign.unit, campaign.initiative, campaign.include_subunits) == (None, None, False)
    assert (campaign.status, campaign.anonymous, campaign.anonymity_threshold) == ("draft", False, 5)
    assert (campaign.created_by, campaign.pack_version_id, campaign.instrument_key) == (lead, pack.pk, "scan")
    assert campaign.languages == ["en", "nb"]
    follow = client.get(response["Location"])
    assert "Campaign Spring scan created as a draft." in [m.message for m in follow.context["messages"]]


def test_a_campaign_for_a_unit_with_sub_units(org, client_as, pack):
    unit = make_unit(org.organization, "Home care")
    data = valid(target_kind="unit", unit=unit.pk, include_subunits="on", anonymity_threshold="7", languages=["nb"])
    assert client_as("owner").post(org.url("assessments:campaign_new"), data).status_code == 302
    campaign = Campaign.objects.get()
    assert (campaign.unit, campaign.include_subunits, campaign.anonymity_threshold) == (unit, True, 7)
    assert (campaign.anonymous, campaign.languages) == (True, ["nb"])


def test_a_campaign_for_an_initiative_ignores_the_unit_select(org, client_as, pack):
    initiative = create_initiative(organization=org.organization, title="Night watch")
    unit = make_unit(org.organization, "Home care")
    data = valid(target_kind="initiative", initiative=initiative.pk, unit=unit.pk)
    assert client_as("admin").post(org.url("assessments:campaign_new"), data).status_code == 302
    campaign = Campaign.objects.get()
    assert (campaign.initiative, campaign.unit) == (initiative, None)


def _foreign_unit():
    return make_unit(make_organization()).pk


def _foreign_initiative():
    return create_initiative(organization=make_organization(), title="Elsewhere").pk


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "   "}, "title"),
        ({"instrument": "scan_pack:nothing"}, "instrument"),
        ({"instrument": "no_such_pack:scan"}, "instrument"),
        ({"instrument": None}, "instrument"),
        ({"target_kind": "planet"}, "target_kind"),
        ({"target_kind": "unit"}, "unit"),
        ({"target_kind": "unit", "unit": "not-a-number"}, "unit"),
        ({"target_kind": "unit", "unit": _foreign_unit}, "unit"),
        ({"target_kind": "initiative"}, "initiative"),
        ({"target_kind": "initiative", "initiative": _foreign_initiative}, "initiative"),
        ({"target_kind": "initiative", "initiative": "1e9"}, "initiative"),
        ({"include_subunits": "on"}, "include_subunits"),
        ({"opens_at": "tomorrow"}, "opens_at"),
        ({"opens_at": "0001-01-01T00:00"}, "opens_at"),
        ({"closes_at": "2030-02-01T09:00"}, "closes_at"),
        ({"closes_at": "2030-03-01T09:00"}, "closes_at"),
        # A time that does not exist in Oslo: the clocks jump from 02:00 to 03:00.
        ({"opens_at": "2030-03-31T02:30"}, "opens_at"),
        ({"anonymity_threshold": "1"}, "anonymity_threshold"),
        ({"anonymity_threshold": "51"}, "anonymity_threshold"),
        ({"anonymity_threshold": "five"}, "anonymity_threshold"),
        ({"languages": None}, "languages"),
        ({"languages": ["en", "de"]}, "languages"),
    ],
)
def test_bad_input_is_shown_on_the_form_and_creates_nothing(org, client_as, pack, changes, field):
    changes = {key: value() if callable(value) else value for key, value in changes.items()}
    response = client_as("innovation_lead").post(org.url("assessments:campaign_new"), valid(**changes))
    assert response.status_code == 400
    page = soup(response)
    assert page.select_one(f"#id_{field}_error") is not None, error_texts(response)
    summary = page.select_one("#error-summary")
    assert summary is not None and summary.select("li")
    assert not Campaign.objects.exists()


def test_entered_values_survive_an_error(org, client_as, pack):
    response = client_as("innovation_lead").post(org.url("assessments:campaign_new"), valid(title=""))
    page = soup(response)
    assert page.select_one("#id_opens_at")["value"] == "2030-03-01T09:00"
    assert page.select_one("#id_instrument option[selected]")["value"] == "scan_pack:scan"


def test_an_initiative_in_the_address_preselects_a_scan_of_it_but_never_a_foreign_one(org, other_org, client_as, pack):
    ours = create_initiative(organization=org.organization, title="Night watch")
    theirs = create_initiative(organization=other_org.organization, title="Harbour")
    client = client_as("innovation_lead")
    page = soup(client.get(org.url("assessments:campaign_new"), {"initiative": ours.pk}))
    assert page.select_one("input[name=target_kind][value=initiative]").has_attr("checked")
    assert page.select_one(f"select[name=initiative] option[value='{ours.pk}']").has_attr("selected")
    foreign = soup(client.get(org.url("assessments:campaign_new"), {"initiative": theirs.pk}))
    assert not foreign.select("select[name=initiative] option[selected]")
    assert "Harbour" not in foreign.get_text()
    for junk in ("abc", "-1", "9" * 40):
        assert client.get(org.url("assessments:campaign_new"), {"initiative": junk}).status_code == 200
