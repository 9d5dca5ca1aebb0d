import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from spaceforchange.core.models import Membership
from tests.factories import make_member, make_unit, make_user
from tests.web.core.conftest import error_texts, soup

pytestmark = pytest.mark.django_db


def _listed_emails(response):
    return [
        row.select_one('td[data-label="Email"]').get_text(strip=True)
        for row in soup(response).select("tr[data-membership-id]")
    ]


def test_members_page_lists_active_members_with_roles_and_units(org, client_as):
    unit = make_unit(org.organization, "Home care")
    kari = make_member(
        org.organization,
        ["owner", "leader"],
        make_user("kari@northbay.example", first_name="Kari", last_name="Nordmann"),
        unit,
    )
    response = client_as("member").get(org.url("core:members"))
    assert response.status_code == 200
    page = soup(response)
    row = page.select_one(f'tr[data-membership-id="{kari.pk}"]')
    assert row.th.get_text(" ", strip=True) == "Kari Nordmann"
    assert row.select_one('td[data-label="Unit"]').get_text(strip=True) == "Home care"
    assert sorted(tag["data-role"] for tag in row.select(".usa-tag")) == ["leader", "owner"]
    assert page.select_one("table caption").get_text(strip=True) == "7 members found"
    # Members see the list but not the links to change people.
    assert not page.select(f'a[href="{org.url("core:member_edit", membership_id=kari.pk)}"]')


def test_search_filter_and_sort(org, client_as):
    health = make_unit(org.organization, "Health")
    team = make_unit(org.organization, "Team", parent=health)
    make_member(org.organization, ["owner"], make_user("zed@northbay.example", first_name="Zed", last_name="Aas"), team)
    make_member(
        org.organization, ["member"], make_user("amy@northbay.example", first_name="Amy", last_name="Berg"), health
    )
    client = client_as("admin")
    url = org.url("core:members")
    assert _listed_emails(client.get(url, {"q": "zed aas"})) == ["zed@northbay.example"]
    assert _listed_emails(client.get(url, {"q": "AMY@"})) == ["amy@northbay.example"]
    assert _listed_emails(client.get(url, {"unit": health.pk})) == ["amy@northbay.example", "zed@northbay.example"]
    assert _listed_emails(client.get(url, {"unit": health.pk, "role": "owner"})) == ["zed@northbay.example"]
    assert _listed_emails(client.get(url, {"unit": health.pk, "sort": "-name"})) == [
        "zed@northbay.example",
        "amy@northbay.example",
    ]
    # The filter form keeps what was chosen.
    page = soup(client.get(url, {"q": "zed", "role": "owner"}))
    assert page.select_one("#id_q")["value"] == "zed"
    assert page.select_one("#id_role option[selected]")["value"] == "owner"


def test_inactive_members_are_listed_on_request(org, client_as):
    gone = make_member(org.organization, ["member"], make_user("gone@northbay.example"))
    gone.is_active = False
    gone.save()
    client = client_as("admin")
    assert "gone@northbay.example" not in _listed_emails(client.get(org.url("core:members")))
    assert _listed_emails(client.get(org.url("core:members"), {"status": "inactive"})) == ["gone@northbay.example"]


def test_pagination_keeps_the_filters(org, client_as):
    for number in range(30):
        make_member(org.organization, ["owner"], make_user(f"owner{number:02}@northbay.example"))
    client = client_as("admin")
    first = client.get(org.url("core:members"), {"role": "owner", "sort": "email"})
    assert len(_listed_emails(first)) == 25
    next_link = soup(first).select_one("a.usa-pagination__next-page")["href"]
    assert "role=owner" in next_link and "sort=email" in next_link and "page=2" in next_link
    second = client.get(org.url("core:members") + next_link)
    assert len(_listed_emails(second)) == 6  # 30 + the fixture's owner
    assert client.get(org.url("core:members"), {"page": "999"}).status_code == 200
    assert client.get(org.url("core:members"), {"page": "abc"}).status_code == 200


@pytest.mark.parametrize(
    "params",
    [{"role": "emperor"}, {"unit": "abc"}, {"unit": "999999"}, {"sort": "password"}, {"status": "x"}, {"q": "x" * 201}],
)
def test_bad_filters_are_reported_and_ignored(org, client_as, params):
    response = client_as("admin").get(org.url("core:members"), params)
    assert response.status_code == 400
    assert error_texts(response)
    assert len(_listed_emails(response)) == 6


def test_a_foreign_unit_is_not_a_valid_filter(org, other_org, client_as):
    foreign = make_unit(other_org.organization, "Foreign")
    make_member(other_org.organization, unit=foreign)
    response = client_as("admin").get(org.url("core:members"), {"unit": foreign.pk})
    assert response.status_code == 400
    assert all(email.endswith("@northbay.example") for email in _listed_emails(response))


def _members_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_members_page_costs_the_same_queries_for_few_or_many_members(org, client_as):
    client = client_as("admin")
    url = org.url("core:members")
    small = _members_queries(client, url)
    units = [make_unit(org.organization, f"Unit {n}") for n in range(5)]
    for number in range(40):
        make_member(org.organization, ["owner", "leader"], unit=units[number % 5])
    large = _members_queries(client, url)
    assert large == small
    assert small <= 14


# --- Changing a member -------------------------------------------------------------------


def test_admin_changes_roles_unit_and_title(org, client_as):
    unit = make_unit(org.organization, "Library")
    target = org.people["member"]
    client = client_as("admin")
    page = soup(client.get(org.url("core:member_edit", membership_id=target.pk)))
    assert [box["value"] for box in page.select('input[name="roles"][checked]')] == ["member"]
    response = client.post(
        org.url("core:member_edit", membership_id=target.pk),
        {"roles": ["owner", "leader"], "unit": unit.pk, "title": "Librarian"},
    )
    assert response.status_code == 302
    target = Membership.objects.get(pk=target.pk)
    assert (target.role_set, target.unit_id, target.title) == ({"owner", "leader"}, unit.pk, "Librarian")


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"roles": []},
        {"roles": ["emperor"]},
        {"roles": ["member"], "unit": "abc"},
        {"roles": ["member"], "title": "x" * 201},
        {"roles": ["member"], "unit": "99999999"},
    ],
)
def test_bad_member_input_changes_nothing(org, client_as, data):
    target = org.people["member"]
    response = client_as("admin").post(org.url("core:member_edit", membership_id=target.pk), data)
    assert response.status_code == 400
    assert error_texts(response)
    target = Membership.objects.get(pk=target.pk)
    assert (target.role_set, target.unit_id, target.title) == ({"member"}, None, "")


def test_foreign_unit_for_a_member_is_refused(org, other_org, client_as):
    foreign = make_unit(other_org.organization, "Foreign")
    target = org.people["member"]
    response = client_as("admin").post(
        org.url("core:member_edit", membership_id=target.pk), {"roles": ["member"], "unit": foreign.pk}
    )
    assert response.status_code == 400
    assert Membership.objects.get(pk=target.pk).unit_id is None


def test_the_last_admin_cannot_remove_their_own_admin_role(org, client_as):
    admin = org.people["admin"]
    response = client_as("admin").post(org.url("core:member_edit", membership_id=admin.pk), {"roles": ["member"]})
    assert response.status_code == 400
    assert any("at least one active administrator" in text for text in error_texts(response))
    assert Membership.objects.get(pk=admin.pk).role_set == {"admin"}


def test_foreign_memberships_are_404(org, other_org, client_as):
    foreign = other_org.people["admin"]
    client = client_as("admin")
    for name in ("core:member_edit", "core:member_deactivate", "core:member_reactivate"):
        assert client.post(org.url(name, membership_id=foreign.pk), {"roles": ["member"]}).status_code == 404
    assert client.get(org.url("core:member_edit", membership_id=foreign.pk)).status_code == 404
    foreign = Membership.objects.get(pk=foreign.pk)
    assert (foreign.is_active, foreign.role_set) == (True, {"admin"})


@pytest.mark.parametrize("role", ["member", "owner", "innovation_lead", "leader", "oversight"])
def test_only_admins_change_members(org, client_as, role):
    target = org.people["member"]
    client = client_as(role)
    assert client.get(org.url("core:member_edit", membership_id=target.pk)).status_code == 403
    assert client.post(org.url("core:member_edit", membership_id=target.pk), {"roles": ["admin"]}).status_code == 403
    assert client.post(org.url("core:member_deactivate", membership_id=target.pk)).status_code == 403
    target = Membership.objects.get(pk=target.pk)
    assert (target.is_active, target.role_set) == (True, {"member"})


def test_deactivate_takes_away_access_and_reactivate_restores_it(org, client_as):
    target = org.people["owner"]
    admin = client_as("admin")
    response = admin.post(org.url("core:member_deactivate", membership_id=target.pk), follow=True)
    assert "has been deactivated" in soup(response).get_text()
    person = Client()
    person.force_login(target.user)
    assert person.get(org.url("core:dashboard")).status_code == 404
    admin.post(org.url("core:member_reactivate", membership_id=target.pk))
    assert person.get(org.url("core:dashboard")).status_code == 200
    assert Membership.objects.get(pk=target.pk).role_set == {"owner"}


def test_the_last_admin_cannot_deactivate_themselves(org, client_as):
    admin = org.people["admin"]
    response = client_as("admin").post(org.url("core:member_deactivate", membership_id=admin.pk), follow=True)
    assert "at least one active administrator" in soup(response).get_text()
    assert Membership.objects.get(pk=admin.pk).is_active


def test_deactivate_needs_post(org, client_as):
    target = org.people["owner"]
    assert client_as("admin").get(org.url("core:member_deactivate", membership_id=target.pk)).status_code == 405
    assert Membership.objects.get(pk=target.pk).is_active
