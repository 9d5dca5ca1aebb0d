import pytest
from bs4 import BeautifulSoup

from spaceforchange.portfolio import services
from spaceforchange.portfolio.models import Initiative
from tests.factories import make_member, make_organization, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization():
    return make_organization(slug="northbay")


def login(client, organization, roles):
    membership = make_member(organization, roles=roles)
    client.force_login(membership.user)
    return membership


def test_list_shows_only_this_organizations_initiatives(client, organization):
    login(client, organization, ["member"])
    services.create_initiative(organization=organization, title="Night watch")
    services.create_initiative(organization=make_organization(), title="Foreign idea")
    soup = BeautifulSoup(client.get("/o/northbay/initiatives/").content, "html.parser")
    titles = [row.th.get_text(strip=True) for row in soup.select("tbody tr")]
    assert titles == ["Night watch"]
    assert soup.find("a", string="New initiative") is None


def test_list_paginates_and_filters(client, organization):
    login(client, organization, ["member"])
    for number in range(30):
        services.create_initiative(organization=organization, title=f"Idea {number:02d}")
    soup = BeautifulSoup(client.get("/o/northbay/initiatives/?page=2").content, "html.parser")
    assert len(soup.select("tbody tr")) == 5
    soup = BeautifulSoup(client.get("/o/northbay/initiatives/?q=Idea 07&stage=bogus").content, "html.parser")
    assert [row.th.get_text(strip=True) for row in soup.select("tbody tr")] == ["Idea 07"]


def test_other_organizations_initiative_is_404(client, organization):
    login(client, organization, ["admin"])
    foreign = services.create_initiative(organization=make_organization(), title="Foreign")
    assert client.get(f"/o/northbay/initiatives/{foreign.pk}/").status_code == 404


def test_member_cannot_create(client, organization):
    login(client, organization, ["member", "owner"])
    assert client.get("/o/northbay/initiatives/new/").status_code == 403
    assert client.post("/o/northbay/initiatives/new/", {"title": "X", "stage": "idea"}).status_code == 403
    assert not Initiative.objects.exists()


def test_lead_creates_initiative(client, organization):
    lead = login(client, organization, ["innovation_lead"])
    unit = make_unit(organization, "Home care")
    response = client.post(
        "/o/northbay/initiatives/new/",
        {"title": "Night watch", "summary": "Sensors", "unit": unit.pk, "owner": lead.user.pk, "stage": "experiment"},
    )
    initiative = Initiative.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/o/northbay/initiatives/{initiative.pk}/"
    assert (initiative.unit, initiative.owner, initiative.stage) == (unit, lead.user, "experiment")


@pytest.mark.parametrize(
    "data",
    [
        {"title": "", "stage": "idea"},
        {"title": "x" * 201, "stage": "idea"},
        {"title": "Ok", "stage": "flying"},
        {"title": "Ok", "stage": "idea", "unit": "not-a-number"},
    ],
)
def test_bad_input_rerenders_with_errors(client, organization, data):
    login(client, organization, ["innovation_lead"])
    response = client.post("/o/northbay/initiatives/new/", data)
    soup = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert soup.select(".usa-error-message")
    assert not Initiative.objects.exists()


def test_foreign_unit_id_is_not_a_valid_choice(client, organization):
    login(client, organization, ["innovation_lead"])
    foreign_unit = make_unit(make_organization())
    response = client.post("/o/northbay/initiatives/new/", {"title": "Ok", "stage": "idea", "unit": foreign_unit.pk})
    assert BeautifulSoup(response.content, "html.parser").select_one("#id_unit_error") is not None
    assert not Initiative.objects.exists()
