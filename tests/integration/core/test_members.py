import pytest
from django.core.exceptions import ValidationError

from spaceforchange.core import selectors, services
from spaceforchange.core.models import Membership
from tests.factories import make_member, make_organization, make_unit, make_user

pytestmark = pytest.mark.django_db


def test_a_person_can_belong_to_several_organisations_with_different_roles():
    person = make_user()
    first, second = make_organization(), make_organization()
    make_member(first, roles=["admin"], user=person)
    make_member(second, roles=["member", "owner"], user=person)
    roles = {m.organization_id: m.role_set for m in Membership.objects.filter(user=person)}
    assert roles == {first.pk: {"admin"}, second.pk: {"member", "owner"}}


def test_update_member_changes_roles_unit_and_title_together():
    organization = make_organization()
    make_member(organization, roles=["admin"])
    unit = make_unit(organization)
    membership = make_member(organization)
    services.update_member(membership=membership, roles=["owner", "leader"], unit=unit, title="Head of unit")
    membership = Membership.objects.get(pk=membership.pk)
    assert (membership.role_set, membership.unit_id, membership.title) == ({"owner", "leader"}, unit.pk, "Head of unit")


def test_update_member_refuses_another_organisations_unit_and_changes_nothing():
    organization, other = make_organization(), make_organization()
    membership = make_member(organization, roles=["member"])
    with pytest.raises(ValidationError) as error:
        services.update_member(membership=membership, roles=["leader"], unit=make_unit(other), title="")
    assert "unit" in error.value.message_dict
    membership = Membership.objects.get(pk=membership.pk)
    assert (membership.role_set, membership.unit_id) == ({"member"}, None)


@pytest.mark.parametrize("roles", [["emperor"], ["member", ""], ["ADMIN"]])
def test_unknown_roles_are_refused(roles):
    membership = make_member(make_organization(), roles=["member"])
    with pytest.raises(ValidationError):
        services.update_member(membership=membership, roles=roles, unit=None)
    assert Membership.objects.get(pk=membership.pk).role_set == {"member"}


def test_an_oversized_title_is_refused():
    membership = make_member(make_organization())
    with pytest.raises(ValidationError):
        services.update_member(membership=membership, roles=["member"], unit=None, title="x" * 201)


def test_the_last_admin_cannot_lose_the_role():
    organization = make_organization()
    admin = make_member(organization, roles=["admin"])
    with pytest.raises(ValidationError) as error:
        services.set_member_roles(membership=admin, roles=["member"])
    assert "roles" in error.value.message_dict
    assert Membership.objects.get(pk=admin.pk).role_set == {"admin"}


def test_the_last_admin_cannot_be_deactivated():
    organization = make_organization()
    admin = make_member(organization, roles=["admin", "leader"])
    with pytest.raises(ValidationError):
        services.deactivate_member(membership=admin)
    assert Membership.objects.get(pk=admin.pk).is_active


def test_an_admin_can_step_down_when_another_active_admin_remains():
    organization = make_organization()
    first = make_member(organization, roles=["admin"])
    second = make_member(organization, roles=["admin"])
    services.set_member_roles(membership=first, roles=["member"])
    assert Membership.objects.get(pk=first.pk).role_set == {"member"}
    with pytest.raises(ValidationError):
        services.deactivate_member(membership=second)


def test_an_inactive_admin_does_not_count_as_the_remaining_admin():
    organization = make_organization()
    first = make_member(organization, roles=["admin"])
    second = make_member(organization, roles=["admin"])
    services.deactivate_member(membership=second)
    with pytest.raises(ValidationError):
        services.set_member_roles(membership=first, roles=["member"])


def test_another_organisations_admin_does_not_count():
    organization, other = make_organization(), make_organization()
    admin = make_member(organization, roles=["admin"])
    make_member(other, roles=["admin"])
    with pytest.raises(ValidationError):
        services.deactivate_member(membership=admin)


def test_deactivate_and_reactivate_keep_roles_and_unit():
    organization = make_organization()
    make_member(organization, roles=["admin"])
    unit = make_unit(organization)
    membership = make_member(organization, roles=["owner"], unit=unit)
    services.deactivate_member(membership=membership)
    assert not Membership.objects.get(pk=membership.pk).is_active
    services.reactivate_member(membership=membership)
    membership = Membership.objects.get(pk=membership.pk)
    assert (membership.is_active, membership.role_set, membership.unit_id) == (True, {"owner"}, unit.pk)


def test_change_member_deactivates_and_updates_in_one_go_or_not_at_all():
    organization = make_organization()
    admin = make_member(organization, roles=["admin"])
    with pytest.raises(ValidationError):
        services.change_member(membership=admin, roles=["admin"], unit=None, title="Leaving", is_active=False)
    admin = Membership.objects.get(pk=admin.pk)
    assert (admin.is_active, admin.title) == (True, "")


# --- The member list ---------------------------------------------------------------------


@pytest.fixture
def staff():
    organization = make_organization()
    health = make_unit(organization, "Health")
    home_care = make_unit(organization, "Home care", parent=health)
    culture = make_unit(organization, "Culture")
    people = {
        "astrid": make_member(
            organization, ["admin"], make_user("astrid@example.org", first_name="Astrid", last_name="Berg"), health
        ),
        "bjorn": make_member(
            organization, ["owner"], make_user("bjorn@example.org", first_name="Bjørn", last_name="Dahl"), home_care
        ),
        "cecilie": make_member(
            organization, ["leader", "owner"], make_user("cecilie@example.org", display_name="Cecilie C."), culture
        ),
        "dag": make_member(organization, ["member"], make_user("zz-dag@example.org")),
    }
    services.deactivate_member(membership=people["dag"])
    make_member(make_organization(), ["admin"], make_user("outsider@example.org", first_name="Astrid"))
    return organization, {"health": health, "home_care": home_care, "culture": culture}, people


def _emails(members):
    return [membership.user.email for membership in members]


def test_member_list_defaults_to_active_members_sorted_by_shown_name(staff):
    organization, _units, _people = staff
    assert _emails(selectors.member_list(organization)) == [
        "astrid@example.org",
        "bjorn@example.org",
        "cecilie@example.org",
    ]
    assert _emails(selectors.member_list(organization, sort="-name")) == [
        "cecilie@example.org",
        "bjorn@example.org",
        "astrid@example.org",
    ]


def test_member_list_status_filter(staff):
    organization, _units, _people = staff
    assert _emails(selectors.member_list(organization, status="inactive")) == ["zz-dag@example.org"]
    assert len(selectors.member_list(organization, status="all")) == 4


def test_member_search_matches_names_and_email_within_the_organisation(staff):
    organization, _units, _people = staff
    assert _emails(selectors.member_list(organization, query="astrid")) == ["astrid@example.org"]
    assert _emails(selectors.member_list(organization, query="bjørn dahl")) == ["bjorn@example.org"]
    assert _emails(selectors.member_list(organization, query="Cecilie")) == ["cecilie@example.org"]
    assert _emails(selectors.member_list(organization, query="nobody")) == []


def test_member_filter_by_role_and_by_unit_with_its_subunits(staff):
    organization, units, _people = staff
    assert _emails(selectors.member_list(organization, role="owner")) == ["bjorn@example.org", "cecilie@example.org"]
    assert _emails(selectors.member_list(organization, unit=units["health"])) == [
        "astrid@example.org",
        "bjorn@example.org",
    ]
    assert _emails(selectors.member_list(organization, unit=units["home_care"])) == ["bjorn@example.org"]


def test_member_sort_by_unit_email_and_joined(staff):
    organization, _units, _people = staff
    assert _emails(selectors.member_list(organization, sort="unit")) == [
        "cecilie@example.org",
        "astrid@example.org",
        "bjorn@example.org",
    ]
    assert _emails(selectors.member_list(organization, sort="-email"))[0] == "cecilie@example.org"
    assert _emails(selectors.member_list(organization, sort="-joined"))[0] == "cecilie@example.org"
    # An unknown sort key falls back to the name order.
    assert _emails(selectors.member_list(organization, sort="password")) == _emails(selectors.member_list(organization))


def test_member_of_is_scoped_to_the_organisation(staff):
    organization, _units, people = staff
    other = make_organization()
    assert selectors.member_of(organization, people["astrid"].pk).pk == people["astrid"].pk
    assert selectors.member_of(other, people["astrid"].pk) is None
