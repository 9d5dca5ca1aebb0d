import pytest
from django.core.exceptions import ValidationError

from spaceforchange.core import services
from tests.factories import make_member, make_organization, make_unit

pytestmark = pytest.mark.django_db


def test_member_holds_several_roles_and_roles_can_be_replaced():
    organization = make_organization()
    membership = make_member(organization, roles=["owner", "innovation_lead"])
    assert membership.role_set == {"owner", "innovation_lead"}
    services.set_member_roles(membership=membership, roles=["leader"])
    assert membership.role_set == {"leader"}


def test_unit_parent_from_another_organization_is_refused():
    first, second = make_organization(), make_organization()
    foreign_parent = make_unit(second)
    with pytest.raises(ValidationError):
        services.create_unit(organization=first, name="Team", parent=foreign_parent)
    assert first.units.count() == 0


def test_unknown_role_is_refused():
    with pytest.raises(ValidationError):
        make_member(make_organization(), roles=["emperor"])
