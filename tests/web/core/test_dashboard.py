import pytest
from django.test import Client

from spaceforchange.core.models import Role
from tests.factories import make_member, make_unit, make_user
from tests.web.core.conftest import soup

pytestmark = pytest.mark.django_db


def test_dashboard_shows_counts_and_my_roles(org, client_as):
    make_unit(org.organization, "Health")
    make_unit(org.organization, "Education")
    response = client_as("owner").get(org.url("core:dashboard"))
    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text(strip=True) == "Northbay"
    assert page.select_one('[data-count="units"]').get_text(strip=True) == "2"
    assert page.select_one('[data-count="members"]').get_text(strip=True) == str(len(Role.values))
    assert [tag["data-role"] for tag in page.select(".sfc-role-tag")] == ["owner"]
    rows = {row["data-role"]: row.td.get_text(strip=True) for row in page.select("tr[data-role]")}
    assert rows == {role: "1" for role in Role.values}


@pytest.mark.parametrize(
    ("role", "sees_audit", "sees_invitations"),
    [
        ("member", False, False),
        ("owner", False, False),
        ("innovation_lead", False, False),
        ("leader", False, False),
        ("oversight", True, True),
        ("admin", True, True),
    ],
)
def test_dashboard_links_follow_the_role(org, client_as, role, sees_audit, sees_invitations):
    page = soup(client_as(role).get(org.url("core:dashboard")))
    links = {a["href"] for a in page.select("main a")}
    assert (org.url("core:audit") in links) is sees_audit
    assert (org.url("core:invitations") in links) is sees_invitations
    assert (page.select_one('[data-count="invitations"]') is not None) is sees_invitations
    assert org.url("core:units") in links and org.url("core:members") in links


def test_anonymous_visitors_are_sent_to_log_in(org):
    response = Client().get(org.url("core:dashboard"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_non_members_get_404(org, other_org):
    client = Client()
    client.force_login(other_org.people["admin"].user)
    assert client.get(org.url("core:dashboard")).status_code == 404
    client.force_login(make_user())
    assert client.get(org.url("core:dashboard")).status_code == 404


def test_dashboard_refuses_post(org, client_as):
    assert client_as("admin").post(org.url("core:dashboard")).status_code == 405


def test_dashboard_figures_follow_changes_at_once(org, client_as):
    client = client_as("admin")
    first = soup(client.get(org.url("core:dashboard")))
    assert first.select_one('[data-count="units"]').get_text(strip=True) == "0"

    make_unit(org.organization, "Health")
    make_member(org.organization, roles=["owner"])
    again = soup(client.get(org.url("core:dashboard")))

    assert again.select_one('[data-count="units"]').get_text(strip=True) == "1"
    assert again.select_one('[data-count="members"]').get_text(strip=True) == str(len(Role.values) + 1)
    rows = {row["data-role"]: row.td.get_text(strip=True) for row in again.select("tr[data-role]")}
    assert rows["owner"] == "2"


def test_dashboard_is_rendered_for_each_viewer(org, client_as):
    """Two people with different roles on the same dashboard see their own roles and links."""
    owner_page = soup(client_as("owner").get(org.url("core:dashboard")))
    admin_page = soup(client_as("admin").get(org.url("core:dashboard")))
    assert [tag["data-role"] for tag in owner_page.select(".sfc-role-tag")] == ["owner"]
    assert [tag["data-role"] for tag in admin_page.select(".sfc-role-tag")] == ["admin"]
    assert admin_page.select_one('[data-count="invitations"]') is not None
    assert owner_page.select_one('[data-count="invitations"]') is None


def test_dashboard_costs_four_queries_however_big_the_organisation(org, client_as, django_assert_num_queries):
    """Session, person, membership (with the switcher's organisations) and the figures."""
    client = client_as("admin")
    client.get(org.url("core:dashboard"))
    for number in range(5):
        make_unit(org.organization, f"Unit {number}")
        make_member(org.organization, roles=["member", "owner"])
    with django_assert_num_queries(4):
        response = client.get(org.url("core:dashboard"))
    assert response.status_code == 200
