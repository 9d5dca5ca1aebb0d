"""Who may do what: the rules as a role × action matrix, then the same matrix through the pages."""

from __future__ import annotations

import pytest

from spaceforchange.core.models import Role
from tests.factories import make_member, make_organization, make_pack, make_user, pack_data, pack_yaml

pytestmark = pytest.mark.django_db

ACTIONS = ("view_library", "edit_pack", "import_pack", "export_pack")
ALLOWED = {
    Role.MEMBER: {"view_library"},
    Role.OWNER: {"view_library"},
    Role.INNOVATION_LEAD: {"view_library", "export_pack"},
    Role.LEADER: {"view_library"},
    Role.OVERSIGHT: {"view_library", "export_pack"},
    Role.ADMIN: {"view_library", "edit_pack", "import_pack", "export_pack"},
}


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("action", ACTIONS)
def test_permission_matrix(role, action):
    organization = make_organization()
    user = make_member(organization, roles=[role]).user
    assert user.has_perm(f"frameworks.{action}", organization) is (action in ALLOWED[role])


@pytest.mark.parametrize("action", ACTIONS)
def test_no_permission_in_an_organisation_one_does_not_belong_to(action):
    mine, theirs = make_organization(), make_organization()
    admin = make_member(mine, roles=["admin"]).user
    assert admin.has_perm(f"frameworks.{action}", theirs) is False
    assert make_user().has_perm(f"frameworks.{action}", mine) is False


def test_an_inactive_membership_grants_nothing():
    organization = make_organization()
    membership = make_member(organization, roles=["admin"])
    membership.is_active = False
    membership.save()
    assert not membership.user.has_perm("frameworks.view_library", organization)


def page_requests(org, packs):
    """(action, method, url, data) for every page that needs more than reading."""
    return [
        ("edit_pack", "get", org.url("edit", key="web_pack"), None),
        (
            "edit_pack",
            "post",
            org.url("edit", key="web_pack"),
            {"text": pack_yaml(data=pack_data("web_pack", version="5.0.0", links=["web_base:room"]))},
        ),
        ("import_pack", "get", org.url("import"), None),
        ("export_pack", "get", org.url("export", version_id=packs["web_pack"].pk), None),
    ]


@pytest.mark.parametrize("role", Role.values)
def test_pages_follow_the_matrix(org, packs, role):
    client = org.client(role)
    for action, method, url, data in page_requests(org, packs):
        response = getattr(client, method)(url, data or {})
        allowed = action in ALLOWED[role]
        assert (response.status_code in (200, 302)) is allowed, (action, method, response.status_code)
        if not allowed:
            assert response.status_code == 403
    for name, kwargs in [
        ("library", {}),
        ("framework", {"key": "web_pack"}),
        ("versions", {"key": "web_pack"}),
        ("compare", {"key": "web_pack"}),
        ("item", {"key": "web_pack", "item_key": "room"}),
    ]:
        assert client.get(org.url(name, **kwargs)).status_code == 200


def test_a_member_sees_no_admin_buttons_and_an_admin_does(org, packs):
    from tests.web.frameworks.conftest import soup

    member = soup(org.client("member").get(org.url("framework", key="web_pack")))
    admin = soup(org.client("admin").get(org.url("framework", key="web_pack")))
    assert not member.select(f"a[href='{org.url('edit', key='web_pack')}']")
    assert not member.select("a[download]")
    assert admin.select(f"a[href='{org.url('edit', key='web_pack')}']")
    assert admin.select_one("a[download]")["href"] == org.url("export", version_id=packs["web_pack"].pk)
    assert not soup(org.client("member").get(org.url("library"))).select(f"a[href='{org.url('import')}']")
    assert soup(org.client("admin").get(org.url("library"))).select(f"a[href='{org.url('import')}']")


def test_another_organisations_packs_and_versions_are_404(org, other_org, packs):
    theirs_own = make_pack("web_secret", organization=other_org.organization)
    theirs_override = make_pack(
        "web_pack",
        organization=other_org.organization,
        data=pack_data("web_pack", version="7.0.0", links=["web_base:room"]),
    )
    admin = org.client("admin")
    for name, kwargs in [
        ("framework", {"key": "web_secret"}),
        ("item", {"key": "web_secret", "item_key": "room"}),
        ("versions", {"key": "web_secret"}),
        ("compare", {"key": "web_secret"}),
        ("edit", {"key": "web_secret"}),
        ("version", {"key": "web_secret", "version_id": theirs_own.pk}),
        ("version", {"key": "web_pack", "version_id": theirs_override.pk}),
        ("export", {"version_id": theirs_own.pk}),
        ("export", {"version_id": theirs_override.pk}),
    ]:
        assert admin.get(org.url(name, **kwargs)).status_code == 404, name
    response = admin.post(org.url("edit", key="web_secret"), {"text": pack_yaml("web_secret")})
    assert response.status_code == 404
    # And their organisation's pages are not ours to see at all.
    assert admin.get(other_org.url("library")).status_code == 404
    assert admin.get(other_org.url("framework", key="web_secret")).status_code == 404
