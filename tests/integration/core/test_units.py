import pytest
from django.core.exceptions import ValidationError

from spaceforchange.core import selectors, services
from spaceforchange.core.models import Unit
from tests.factories import make_member, make_organization, make_unit

pytestmark = pytest.mark.django_db


def test_units_form_a_tree_of_any_depth():
    organization = make_organization()
    ministry = make_unit(organization, "Ministry", kind="ministry")
    agency = make_unit(organization, "Agency", parent=ministry, kind="agency")
    department = make_unit(organization, "Department", parent=agency)
    team = make_unit(organization, "Team", parent=department, kind="team")
    deeper = make_unit(organization, "Squad", parent=team, kind="team")
    roots = selectors.unit_tree(organization)
    assert [node.unit.name for node in roots] == ["Ministry"]
    walked = [(node.unit.name, node.depth) for node in selectors.walk(roots)]
    assert walked == [("Ministry", 0), ("Agency", 1), ("Department", 2), ("Team", 3), ("Squad", 4)]
    assert selectors.descendant_ids(agency) == {department.pk, team.pk, deeper.pk}


def test_unit_names_are_unique_among_siblings_but_not_across_parents():
    organization = make_organization()
    north, south = make_unit(organization, "North"), make_unit(organization, "South")
    make_unit(organization, "Team A", parent=north)
    make_unit(organization, "Team A", parent=south)
    with pytest.raises(ValidationError) as error:
        services.create_unit(organization=organization, name="team a", parent=north)
    assert "name" in error.value.message_dict
    assert Unit.objects.filter(organization=organization).count() == 4


@pytest.mark.parametrize("name", ["", "   ", "x" * 201, "bad\x00name"])
def test_bad_unit_names_are_refused(name):
    organization = make_organization()
    with pytest.raises(ValidationError):
        services.create_unit(organization=organization, name=name)
    assert Unit.objects.count() == 0


def test_unknown_kind_is_refused():
    organization = make_organization()
    with pytest.raises(ValidationError) as error:
        services.create_unit(organization=organization, name="X", kind="empire")
    assert "kind" in error.value.message_dict


def test_rename_and_change_kind():
    organization = make_organization()
    unit = make_unit(organization, "Old")
    services.update_unit(unit=unit, name="  New  ", kind="team")
    unit.refresh_from_db()
    assert (unit.name, unit.kind) == ("New", "team")


def test_rename_to_a_siblings_name_is_refused_and_changes_nothing():
    organization = make_organization()
    make_unit(organization, "Alpha")
    beta = make_unit(organization, "Beta")
    with pytest.raises(ValidationError):
        services.update_unit(unit=beta, name="ALPHA", kind="department")
    beta.refresh_from_db()
    assert beta.name == "Beta"


def test_move_unit_with_its_subtree():
    organization = make_organization()
    health, education = make_unit(organization, "Health"), make_unit(organization, "Education")
    home_care = make_unit(organization, "Home care", parent=health)
    team = make_unit(organization, "Team North", parent=home_care)
    services.move_unit(unit=home_care, parent=education)
    home_care.refresh_from_db()
    team.refresh_from_db()
    assert home_care.parent_id == education.pk
    assert team.parent_id == home_care.pk
    services.move_unit(unit=home_care, parent=None)
    home_care.refresh_from_db()
    assert home_care.parent_id is None


@pytest.mark.parametrize("target", ["self", "child", "grandchild"])
def test_moving_a_unit_under_itself_or_its_descendants_is_refused(target):
    organization = make_organization()
    top = make_unit(organization, "Top")
    child = make_unit(organization, "Child", parent=top)
    grandchild = make_unit(organization, "Grandchild", parent=child)
    parent = {"self": top, "child": child, "grandchild": grandchild}[target]
    with pytest.raises(ValidationError) as error:
        services.move_unit(unit=top, parent=parent)
    assert "parent" in error.value.message_dict
    top.refresh_from_db()
    assert top.parent_id is None


def test_moving_under_another_organisations_unit_is_refused():
    first, second = make_organization(), make_organization()
    unit = make_unit(first, "Mine")
    foreign = make_unit(second, "Theirs")
    with pytest.raises(ValidationError):
        services.move_unit(unit=unit, parent=foreign)
    unit.refresh_from_db()
    assert unit.parent_id is None


def test_moving_next_to_a_namesake_is_refused():
    organization = make_organization()
    a, b = make_unit(organization, "A"), make_unit(organization, "B")
    make_unit(organization, "Team", parent=a)
    team_b = make_unit(organization, "Team", parent=b)
    with pytest.raises(ValidationError):
        services.move_unit(unit=team_b, parent=a)
    team_b.refresh_from_db()
    assert team_b.parent_id == b.pk


def test_edit_unit_is_all_or_nothing():
    organization = make_organization()
    top = make_unit(organization, "Top")
    child = make_unit(organization, "Child", parent=top)
    with pytest.raises(ValidationError):
        services.edit_unit(unit=top, name="Renamed", kind="team", parent=child)
    top.refresh_from_db()
    assert (top.name, top.kind, top.parent_id) == ("Top", "department", None)


def test_delete_empty_unit():
    organization = make_organization()
    unit = make_unit(organization)
    services.delete_unit(unit=unit)
    assert not Unit.objects.filter(pk=unit.pk).exists()


def test_units_with_children_or_members_are_not_deleted():
    organization = make_organization()
    parent = make_unit(organization, "Parent")
    make_unit(organization, "Child", parent=parent)
    staffed = make_unit(organization, "Staffed")
    membership = make_member(organization, unit=staffed)
    services.deactivate_member(membership=membership)  # even former members keep a unit in use
    for unit in (parent, staffed):
        with pytest.raises(ValidationError):
            services.delete_unit(unit=unit)
    assert Unit.objects.filter(organization=organization).count() == 3


def test_unit_tree_counts_active_members_only():
    organization = make_organization()
    unit = make_unit(organization)
    make_member(organization, unit=unit)
    gone = make_member(organization, unit=unit)
    services.deactivate_member(membership=gone)
    (node,) = selectors.unit_tree(organization)
    assert node.member_count == 1


def test_unit_choices_are_indented_and_can_exclude_a_subtree():
    organization = make_organization()
    top = make_unit(organization, "Top")
    child = make_unit(organization, "Child", parent=top)
    other = make_unit(organization, "Other")
    assert selectors.unit_choices(organization) == [(other.pk, "Other"), (top.pk, "Top"), (child.pk, "\u2014 Child")]
    assert selectors.unit_choices(organization, exclude={top.pk, child.pk}) == [(other.pk, "Other")]


def test_ensure_unit_returns_the_existing_unit():
    organization = make_organization()
    first = services.ensure_unit(organization=organization, name="Library", kind="department")
    again = services.ensure_unit(organization=organization, name="library ", kind="department")
    assert first.pk == again.pk
    assert Unit.objects.count() == 1
