import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from spaceforchange.core.models import Unit
from tests.factories import make_member, make_unit
from tests.web.core.conftest import error_texts, soup

pytestmark = pytest.mark.django_db


def _tree(ul):
    """The nested lists as {name: subtree}."""
    result = {}
    for item in ul.find_all("li", recursive=False):
        name = item.select_one(".sfc-unit-tree__name").get_text(strip=True)
        child = item.find("ul", recursive=False)
        result[name] = _tree(child) if child else {}
    return result


def test_units_page_shows_the_tree_as_nested_lists(org, client_as):
    health = make_unit(org.organization, "Health", kind="division")
    home_care = make_unit(org.organization, "Home care", parent=health)
    make_unit(org.organization, "Team North", parent=home_care, kind="team")
    make_unit(org.organization, "Culture")
    make_member(org.organization, unit=home_care)
    response = client_as("member").get(org.url("core:units"))
    assert response.status_code == 200
    page = soup(response)
    assert _tree(page.select_one("ul.sfc-unit-tree")) == {"Culture": {}, "Health": {"Home care": {"Team North": {}}}}
    counts = {
        li["data-unit-id"]: li.select_one(".sfc-unit-tree__count").get_text(strip=True)
        for li in page.select("li[data-unit-id]")
    }
    assert counts[str(home_care.pk)] == "1 member"
    assert page.select("main form[method=post]") == []
    assert not page.select(f'a[href="{org.url("core:unit_edit", unit_id=health.pk)}"]')


def test_admin_sees_the_add_form_and_change_links(org, client_as):
    unit = make_unit(org.organization, "Health")
    page = soup(client_as("admin").get(org.url("core:units")))
    form = page.select_one(f'form[action="{org.url("core:units")}"]')
    assert {field["name"] for field in form.select("input, select") if field.get("type") != "hidden"} == {
        "name",
        "kind",
        "parent",
    }
    for name in ("name", "kind", "parent"):
        assert form.select_one(f'label[for="id_{name}"]') is not None
    assert page.select_one(f'a[href="{org.url("core:unit_edit", unit_id=unit.pk)}"]') is not None


def test_admin_adds_a_unit(org, client_as):
    parent = make_unit(org.organization, "Health")
    response = client_as("admin").post(
        org.url("core:units"), {"name": " Home care ", "kind": "department", "parent": parent.pk}
    )
    assert response.status_code == 302
    unit = Unit.objects.get(organization=org.organization, name="Home care")
    assert (unit.parent_id, unit.kind) == (parent.pk, "department")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "team"}, "required"),
        ({"name": "", "kind": "team"}, "required"),
        ({"name": "x" * 201, "kind": "team"}, "at most 200"),
        ({"name": "Team", "kind": "empire"}, "valid choice"),
        ({"name": "Team", "kind": "team", "parent": "abc"}, "valid choice"),
        ({"name": "Team", "kind": "team", "parent": "99999999999999999999999"}, "valid choice"),
        ({"name": "Bad\x00name", "kind": "team"}, "Null characters"),
        ({"name": "<script>alert(1)</script>", "kind": "team", "parent": "-1"}, "valid choice"),
    ],
)
def test_bad_unit_input_re_renders_with_errors_and_changes_nothing(org, client_as, data, message):
    response = client_as("admin").post(org.url("core:units"), data)
    assert response.status_code == 400
    assert any(message in text for text in error_texts(response)), error_texts(response)
    assert not Unit.objects.filter(organization=org.organization).exists()
    assert "<script>alert" not in response.content.decode()


def test_a_duplicate_name_is_refused_with_the_services_message(org, client_as):
    make_unit(org.organization, "Health")
    response = client_as("admin").post(org.url("core:units"), {"name": "HEALTH", "kind": "division"})
    assert response.status_code == 400
    assert "A unit with this name already exists here." in error_texts(response)
    assert Unit.objects.filter(organization=org.organization).count() == 1


def test_another_organisations_parent_is_an_invalid_choice(org, other_org, client_as):
    foreign = make_unit(other_org.organization, "Foreign")
    response = client_as("admin").post(org.url("core:units"), {"name": "Team", "kind": "team", "parent": foreign.pk})
    assert response.status_code == 400
    assert Unit.objects.filter(organization=org.organization).count() == 0
    assert Unit.objects.filter(parent=foreign).count() == 0


@pytest.mark.parametrize("role", ["member", "owner", "innovation_lead", "leader", "oversight"])
def test_only_admins_change_units(org, client_as, role):
    unit = make_unit(org.organization, "Health")
    client = client_as(role)
    assert client.post(org.url("core:units"), {"name": "New", "kind": "team"}).status_code == 403
    assert client.get(org.url("core:unit_edit", unit_id=unit.pk)).status_code == 403
    assert (
        client.post(org.url("core:unit_edit", unit_id=unit.pk), {"name": "Renamed", "kind": "team"}).status_code == 403
    )
    assert client.post(org.url("core:unit_delete", unit_id=unit.pk)).status_code == 403
    assert list(Unit.objects.values_list("name", flat=True)) == ["Health"]


def test_admin_renames_and_moves_a_unit(org, client_as):
    health, education = make_unit(org.organization, "Health"), make_unit(org.organization, "Education")
    unit = make_unit(org.organization, "Home care", parent=health)
    client = client_as("admin")
    page = soup(client.get(org.url("core:unit_edit", unit_id=unit.pk)))
    assert page.select_one("#id_name")["value"] == "Home care"
    assert page.select_one("#id_parent option[selected]")["value"] == str(health.pk)
    response = client.post(
        org.url("core:unit_edit", unit_id=unit.pk), {"name": "Home services", "kind": "section", "parent": education.pk}
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.name, unit.kind, unit.parent_id) == ("Home services", "section", education.pk)


def test_the_edit_form_does_not_offer_the_unit_or_its_descendants_as_parent(org, client_as):
    top = make_unit(org.organization, "Top")
    child = make_unit(org.organization, "Child", parent=top)
    other = make_unit(org.organization, "Other")
    page = soup(client_as("admin").get(org.url("core:unit_edit", unit_id=top.pk)))
    offered = {option["value"] for option in page.select("#id_parent option")}
    assert offered == {"", str(other.pk)}
    response = client_as("admin").post(
        org.url("core:unit_edit", unit_id=top.pk), {"name": "Top", "kind": "team", "parent": child.pk}
    )
    assert response.status_code == 400
    top.refresh_from_db()
    assert (top.parent_id, top.kind) == (None, "department")


def test_foreign_unit_ids_in_the_path_are_404(org, other_org, client_as):
    foreign = make_unit(other_org.organization, "Foreign")
    client = client_as("admin")
    assert client.get(org.url("core:unit_edit", unit_id=foreign.pk)).status_code == 404
    assert (
        client.post(org.url("core:unit_edit", unit_id=foreign.pk), {"name": "Mine", "kind": "team"}).status_code == 404
    )
    assert client.post(org.url("core:unit_delete", unit_id=foreign.pk)).status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "Foreign"


def test_admin_deletes_an_empty_unit_but_not_a_used_one(org, client_as):
    empty = make_unit(org.organization, "Empty")
    used = make_unit(org.organization, "Used")
    make_member(org.organization, unit=used)
    client = client_as("admin")
    page = soup(client.get(org.url("core:unit_edit", unit_id=used.pk)))
    assert page.select_one(f'form[action="{org.url("core:unit_delete", unit_id=used.pk)}"]') is None
    response = client.post(org.url("core:unit_delete", unit_id=used.pk), follow=True)
    assert "Move the members of Used to another unit first." in soup(response).get_text()
    assert Unit.objects.filter(pk=used.pk).exists()
    assert client.post(org.url("core:unit_delete", unit_id=empty.pk)).status_code == 302
    assert not Unit.objects.filter(pk=empty.pk).exists()
    assert client.get(org.url("core:unit_delete", unit_id=used.pk)).status_code == 405


def _units_page_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_units_page_costs_the_same_queries_for_5_or_60_units(org, client_as):
    client = client_as("admin")
    parent = None
    for number in range(5):
        parent = make_unit(org.organization, f"Level {number}", parent=parent)
    small = _units_page_queries(client, org.url("core:units"))
    for number in range(55):
        make_member(
            org.organization, unit=make_unit(org.organization, f"Unit {number}", parent=parent if number % 2 else None)
        )
    large = _units_page_queries(client, org.url("core:units"))
    assert large == small
    assert small <= 12


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": "", "kind": "team"},
        {"name": "x" * 201, "kind": "team"},
        {"name": "Ok", "kind": ""},
        {"name": "Ok", "kind": "team", "parent": "not-a-number"},
        {"name": "Ok", "kind": "team", "parent": "99999999999999999999999"},
    ],
)
def test_bad_edits_re_render_and_change_nothing(org, client_as, data):
    parent = make_unit(org.organization, "Parent")
    unit = make_unit(org.organization, "Unit", parent=parent)
    response = client_as("admin").post(org.url("core:unit_edit", unit_id=unit.pk), data)
    assert response.status_code == 400
    assert error_texts(response)
    unit.refresh_from_db()
    assert (unit.name, unit.kind, unit.parent_id) == ("Unit", "department", parent.pk)


def test_huge_ids_in_the_path_are_404(org, client_as):
    client = client_as("admin")
    assert client.get(f"/o/{org.slug}/units/99999999999999999999999/").status_code == 404
    assert client.post(f"/o/{org.slug}/units/99999999999999999999999/delete/").status_code == 404
    assert client.get(f"/o/{org.slug}/members/99999999999999999999999/").status_code == 404


def test_names_are_shown_as_text_not_markup(org, client_as):
    make_unit(org.organization, '<img src=x onerror="alert(1)">')
    for name in ("core:units", "core:audit", "core:members"):
        page = soup(client_as("admin").get(org.url(name)))
        assert page.select("main img") == []
    assert '<img src=x onerror="alert(1)">' in soup(client_as("admin").get(org.url("core:units"))).get_text()
