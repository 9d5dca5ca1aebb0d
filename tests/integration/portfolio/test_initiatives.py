import pytest
from django.core.exceptions import ValidationError

from spaceforchange.portfolio import selectors, services
from spaceforchange.portfolio.models import Initiative
from tests.factories import make_member, make_organization, make_unit, make_user

pytestmark = pytest.mark.django_db


def test_create_initiative_with_unit_and_owner():
    organization = make_organization()
    unit = make_unit(organization, "Home care")
    owner = make_member(organization, roles=["owner"]).user
    initiative = services.create_initiative(
        organization=organization, title="  Digital night watch ", unit=unit, owner=owner, stage="experiment"
    )
    assert initiative.title == "Digital night watch"
    assert (initiative.unit, initiative.owner, initiative.stage) == (unit, owner, "experiment")


@pytest.mark.parametrize(
    "changes, field",
    [({"title": "   "}, "title"), ({"stage": "flying"}, "stage"), ({"title": "Existing"}, "title")],
)
def test_invalid_initiatives_are_refused_and_nothing_is_saved(changes, field):
    organization = make_organization()
    services.create_initiative(organization=organization, title="Existing")
    with pytest.raises(ValidationError) as error:
        services.create_initiative(organization=organization, **{"title": "New", **changes})
    assert field in error.value.message_dict
    assert Initiative.objects.filter(organization=organization).count() == 1


def test_unit_and_owner_from_another_organization_are_refused():
    organization, other = make_organization(), make_organization()
    with pytest.raises(ValidationError) as error:
        services.create_initiative(organization=organization, title="A", unit=make_unit(other))
    assert "unit" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.create_initiative(organization=organization, title="A", owner=make_user())
    assert "owner" in error.value.message_dict
    assert not Initiative.objects.exists()


def test_selector_is_scoped_and_filters():
    organization, other = make_organization(), make_organization()
    services.create_initiative(organization=organization, title="Night watch", stage="scaling")
    services.create_initiative(organization=organization, title="Library app")
    services.create_initiative(organization=other, title="Night watch")
    assert [i.title for i in selectors.initiatives_for(organization)] == ["Library app", "Night watch"]
    assert [i.title for i in selectors.initiatives_for(organization, search="night")] == ["Night watch"]
    assert [i.title for i in selectors.initiatives_for(organization, stage="scaling")] == ["Night watch"]
