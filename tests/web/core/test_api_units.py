"""The units and members endpoints, on a test API instance configured like the product's."""

import pytest
from django.test import Client

from spaceforchange.core.models import Membership, Unit
from tests.factories import make_member, make_unit, make_user
from tests.web.api.helpers import assert_problem, bearer, issue_token

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.web.core.api_urls")]


def _base(org):
    return f"/api/v1/organizations/{org.slug}"


@pytest.fixture
def admin_api(org):
    client = Client()
    client.force_login(org.people["admin"].user)
    return client


def _api_as(org, role):
    client = Client()
    client.force_login(org.people[role].user)
    return client


def test_list_units_in_tree_order(org, admin_api):
    health = make_unit(org.organization, "Health", kind="division")
    home_care = make_unit(org.organization, "Home care", parent=health)
    make_unit(org.organization, "Culture")
    make_member(org.organization, unit=home_care)
    response = admin_api.get(f"{_base(org)}/units")
    assert response.status_code == 200
    assert [(u["name"], u["depth"], u["member_count"]) for u in response.json()] == [
        ("Culture", 0, 0),
        ("Health", 0, 0),
        ("Home care", 1, 1),
    ]
    assert response.json()[2]["parent_id"] == health.pk


def test_create_update_and_delete_a_unit(org, admin_api):
    parent = make_unit(org.organization, "Health")
    created = admin_api.post(
        f"{_base(org)}/units",
        {"name": "Home care", "kind": "team", "parent_id": parent.pk},
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["name"], body["kind"], body["parent_id"], body["depth"]) == ("Home care", "team", parent.pk, 1)
    unit_url = f"{_base(org)}/units/{body['id']}"
    moved = admin_api.patch(unit_url, {"parent_id": None, "name": "Home services"}, content_type="application/json")
    assert moved.status_code == 200
    assert (moved.json()["parent_id"], moved.json()["name"], moved.json()["kind"]) == (None, "Home services", "team")
    untouched = admin_api.patch(unit_url, {"kind": "section"}, content_type="application/json")
    assert (untouched.json()["parent_id"], untouched.json()["name"]) == (None, "Home services")
    assert admin_api.delete(unit_url).status_code == 204
    assert not Unit.objects.filter(pk=body["id"]).exists()


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({}, 422),
        ({"name": ""}, 422),
        ({"name": "x" * 201}, 422),
        ({"name": "Team", "kind": "empire"}, 422),
        ({"name": "Team", "parent_id": "abc"}, 422),
        ({"name": "Team", "parent_id": 987654321}, 422),
        ({"name": "Bad\u0000name"}, 422),
        ({"name": ["list"]}, 422),
    ],
)
def test_bad_unit_payloads_are_problems_and_change_nothing(org, admin_api, payload, status):
    response = admin_api.post(f"{_base(org)}/units", payload, content_type="application/json")
    assert_problem(response, status)
    assert not Unit.objects.exists()


def test_malformed_json_is_a_problem(org, admin_api):
    response = admin_api.post(f"{_base(org)}/units", "{not json", content_type="application/json")
    assert response.status_code in {400, 422}
    assert response["Content-Type"] == "application/problem+json"
    assert not Unit.objects.exists()


def test_moving_a_unit_under_its_own_child_is_refused(org, admin_api):
    top = make_unit(org.organization, "Top")
    child = make_unit(org.organization, "Child", parent=top)
    response = admin_api.patch(f"{_base(org)}/units/{top.pk}", {"parent_id": child.pk}, content_type="application/json")
    body = assert_problem(response, 422)
    assert body["errors"][0]["loc"] == ["body", "parent"]
    top.refresh_from_db()
    assert top.parent_id is None


def test_deleting_a_unit_in_use_is_refused(org, admin_api):
    unit = make_unit(org.organization, "Used")
    make_member(org.organization, unit=unit)
    assert_problem(admin_api.delete(f"{_base(org)}/units/{unit.pk}"), 422)
    assert Unit.objects.filter(pk=unit.pk).exists()


def test_another_organisations_units_and_members_are_404(org, other_org, admin_api):
    foreign_unit = make_unit(other_org.organization, "Foreign")
    foreign_member = other_org.people["admin"]
    base = _base(org)
    assert_problem(admin_api.get(f"{base}/units/{foreign_unit.pk}"), 404)
    assert_problem(
        admin_api.patch(f"{base}/units/{foreign_unit.pk}", {"name": "Mine"}, content_type="application/json"), 404
    )
    assert_problem(admin_api.delete(f"{base}/units/{foreign_unit.pk}"), 404)
    assert_problem(admin_api.get(f"{base}/members/{foreign_member.pk}"), 404)
    assert_problem(
        admin_api.patch(f"{base}/members/{foreign_member.pk}", {"is_active": False}, content_type="application/json"),
        404,
    )
    assert_problem(admin_api.get(f"{base}/members", {"unit_id": foreign_unit.pk}), 404)
    assert admin_api.get(f"{base}/units/99999999999999999999").status_code in {404, 422}
    # A foreign unit in a body is an invalid value.
    response = admin_api.post(
        f"{base}/units", {"name": "Team", "parent_id": foreign_unit.pk}, content_type="application/json"
    )
    assert_problem(response, 422)
    # And a stranger's view of this organisation is a 404 for everything.
    assert_problem(admin_api.get(f"/api/v1/organizations/{other_org.slug}/units"), 404)
    assert_problem(
        admin_api.post(f"/api/v1/organizations/{other_org.slug}/units", {}, content_type="application/json"), 404
    )
    foreign_unit.refresh_from_db()
    assert foreign_unit.name == "Foreign"
    assert Membership.objects.get(pk=foreign_member.pk).is_active


@pytest.mark.parametrize("role", ["member", "owner", "innovation_lead", "leader", "oversight"])
def test_only_admins_write(org, role):
    unit = make_unit(org.organization, "Health")
    client = _api_as(org, role)
    base = _base(org)
    assert client.get(f"{base}/units").status_code == 200
    assert client.get(f"{base}/members").status_code == 200
    assert_problem(client.post(f"{base}/units", {"name": "New"}, content_type="application/json"), 403)
    assert_problem(client.patch(f"{base}/units/{unit.pk}", {"name": "Renamed"}, content_type="application/json"), 403)
    assert_problem(client.delete(f"{base}/units/{unit.pk}"), 403)
    target = org.people["member"]
    assert_problem(
        client.patch(f"{base}/members/{target.pk}", {"roles": ["admin"]}, content_type="application/json"), 403
    )
    assert list(Unit.objects.values_list("name", flat=True)) == ["Health"]
    assert Membership.objects.get(pk=target.pk).role_set == {"member"}


def test_list_members_with_filters_and_pagination(org, admin_api):
    unit = make_unit(org.organization, "Library")
    kari = make_member(org.organization, ["owner"], make_user("kari@northbay.example", first_name="Kari"), unit)
    base = _base(org)
    everyone = admin_api.get(f"{base}/members").json()
    assert everyone["count"] == 7
    found = admin_api.get(f"{base}/members", {"q": "kari", "role": "owner", "unit_id": unit.pk}).json()
    assert [item["id"] for item in found["items"]] == [kari.pk]
    assert found["items"][0] == {
        "id": kari.pk,
        "user_id": kari.user_id,
        "email": "kari@northbay.example",
        "name": "Kari",
        "title": "",
        "unit_id": unit.pk,
        "unit_name": "Library",
        "is_active": True,
        "roles": ["owner"],
        "joined_at": found["items"][0]["joined_at"],
    }
    page = admin_api.get(f"{base}/members", {"limit": 2, "offset": 2, "sort": "email"}).json()
    assert len(page["items"]) == 2 and page["count"] == 7
    for params in ({"role": "emperor"}, {"status": "x"}, {"sort": "password"}, {"unit_id": "abc"}, {"q": "x" * 201}):
        assert_problem(admin_api.get(f"{base}/members", params), 422)


def test_patch_member(org, admin_api):
    unit = make_unit(org.organization, "Library")
    target = org.people["member"]
    url = f"{_base(org)}/members/{target.pk}"
    response = admin_api.patch(
        url, {"roles": ["owner", "leader"], "unit_id": unit.pk, "title": "Librarian"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert (response.json()["roles"], response.json()["unit_id"], response.json()["title"]) == (
        ["leader", "owner"],
        unit.pk,
        "Librarian",
    )
    assert admin_api.patch(url, {"is_active": False}, content_type="application/json").json()["is_active"] is False
    reactivated = admin_api.patch(url, {"is_active": True, "unit_id": None}, content_type="application/json").json()
    assert (reactivated["is_active"], reactivated["unit_id"], reactivated["roles"]) == (True, None, ["leader", "owner"])


@pytest.mark.parametrize(
    "payload",
    [{"roles": []}, {"roles": ["emperor"]}, {"title": "x" * 201}, {"unit_id": 987654}, {"is_active": "maybe"}],
)
def test_bad_member_patches_change_nothing(org, admin_api, payload):
    target = org.people["member"]
    response = admin_api.patch(f"{_base(org)}/members/{target.pk}", payload, content_type="application/json")
    assert_problem(response, 422)
    target = Membership.objects.get(pk=target.pk)
    assert (target.role_set, target.unit_id, target.title, target.is_active) == ({"member"}, None, "", True)


def test_the_last_admin_is_protected(org, admin_api):
    admin = org.people["admin"]
    url = f"{_base(org)}/members/{admin.pk}"
    assert_problem(admin_api.patch(url, {"is_active": False}, content_type="application/json"), 422)
    assert_problem(admin_api.patch(url, {"roles": ["member"]}, content_type="application/json"), 422)
    admin = Membership.objects.get(pk=admin.pk)
    assert (admin.is_active, admin.role_set) == (True, {"admin"})


def test_a_personal_token_works_and_is_the_audit_actor(org):
    from auditlog.models import LogEntry

    token = issue_token(org.people["admin"].user)
    response = Client().post(
        f"{_base(org)}/units",
        {"name": "By token"},
        content_type="application/json",
        **{"HTTP_" + k.upper(): v for k, v in bearer(token).items()},
    )
    assert response.status_code == 201
    entry = LogEntry.objects.get(content_type__model="unit", object_id=response.json()["id"])
    assert entry.actor == org.people["admin"].user


def test_anonymous_callers_are_401(org):
    assert_problem(Client().get(f"{_base(org)}/units"), 401)
