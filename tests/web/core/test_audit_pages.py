import csv
import datetime
import io

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from spaceforchange.core import services
from tests.factories import make_unit, make_user
from tests.web.core.conftest import error_texts, soup

pytestmark = pytest.mark.django_db


def _objects(response):
    return [
        row.select_one('td[data-label="Object"]').get_text(" ", strip=True)
        for row in soup(response).select("tr[data-entry-id]")
    ]


def _csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize("role", ["oversight", "admin"])
def test_oversight_and_admin_see_only_this_organisations_entries(org, other_org, client_as, role):
    make_unit(org.organization, "Library")
    make_unit(other_org.organization, "Harbour")
    response = client_as(role).get(org.url("core:audit"))
    assert response.status_code == 200
    objects = _objects(response)
    assert "Unit: Library" in objects
    assert not any("Harbour" in text or "Southport" in text for text in objects)


@pytest.mark.parametrize("role", ["member", "owner", "innovation_lead", "leader"])
def test_other_roles_get_403(org, client_as, role):
    client = client_as(role)
    assert client.get(org.url("core:audit")).status_code == 403
    assert client.get(org.url("core:audit_export")).status_code == 403


def test_non_members_get_404(org, other_org):
    client = Client()
    client.force_login(other_org.people["admin"].user)
    assert client.get(org.url("core:audit")).status_code == 404
    assert client.get(org.url("core:audit_export")).status_code == 404


def test_entries_show_who_changed_what(org, client_as):
    admin = org.people["admin"].user
    unit = make_unit(org.organization, "Library")
    with set_actor(admin):
        services.update_unit(unit=unit, name="City Library", kind="department")
    page = soup(client_as("oversight").get(org.url("core:audit")))
    row = page.select("tr[data-entry-id]")[0]
    assert row.select_one('td[data-label="Who"]').get_text(strip=True) == str(admin)
    assert row.select_one('td[data-label="Action"]').get_text(strip=True) == "Update"
    assert row.select_one('td[data-label="Changes"] li').get_text(strip=True) == "name: Library → City Library"


def test_filters_by_person_type_and_date(org, client_as):
    admin = org.people["admin"].user
    with set_actor(admin):
        make_unit(org.organization, "By admin")
    make_unit(org.organization, "By system")
    client = client_as("oversight")
    url = org.url("core:audit")
    assert _objects(client.get(url, {"person": admin.pk})) == ["Unit: By admin"]
    by_type = _objects(client.get(url, {"object_type": "core.unit"}))
    assert sorted(by_type) == ["Unit: By admin", "Unit: By system"]
    today = datetime.date.today()
    assert len(_objects(client.get(url, {"date_from": today - datetime.timedelta(days=1)}))) > 2
    assert _objects(client.get(url, {"date_to": "2001-01-01"})) == []
    page = soup(client.get(url, {"person": admin.pk, "object_type": "core.unit"}))
    assert page.select_one("#id_person option[selected]")["value"] == str(admin.pk)


@pytest.mark.parametrize(
    "params",
    [
        {"person": "abc"},
        {"person": "999999"},
        {"object_type": "auth.user"},
        {"object_type": "core.auditscope"},
        {"date_from": "yesterday"},
        {"date_from": "0001-01-01"},
        {"date_to": "9999-12-31"},
        {"date_from": "2025-02-01", "date_to": "2025-01-01"},
    ],
)
def test_bad_filters_are_reported(org, client_as, params):
    make_unit(org.organization, "Library")
    response = client_as("admin").get(org.url("core:audit"), params)
    assert response.status_code == 400
    assert error_texts(response)
    assert "Unit: Library" in _objects(response)


def test_another_organisations_person_is_not_a_valid_filter(org, other_org, client_as):
    outsider = other_org.people["admin"].user
    response = client_as("admin").get(org.url("core:audit"), {"person": outsider.pk})
    assert response.status_code == 400


def test_pagination(org, client_as):
    for number in range(60):
        make_unit(org.organization, f"Unit {number:02}")
    client = client_as("admin")
    first = client.get(org.url("core:audit"), {"object_type": "core.unit"})
    assert len(_objects(first)) == 50
    next_link = soup(first).select_one("a.usa-pagination__next-page")["href"]
    assert "object_type=core.unit" in next_link
    assert len(_objects(client.get(org.url("core:audit") + next_link))) == 10


def test_audit_page_costs_the_same_queries_for_few_or_many_entries(org, client_as):
    client = client_as("admin")
    client.get(org.url("core:audit"))  # warm the content-type cache, as a running server has
    with CaptureQueriesContext(connection) as few:
        client.get(org.url("core:audit"))
    admin = make_user()
    with set_actor(admin):
        for number in range(40):
            make_unit(org.organization, f"Unit {number}")
    with CaptureQueriesContext(connection) as many:
        client.get(org.url("core:audit"))
    assert len(many) == len(few) <= 12


def test_csv_export_applies_the_filters_and_defuses_formulas(org, other_org, client_as):
    admin = org.people["admin"].user
    with set_actor(admin):
        make_unit(org.organization, '=HYPERLINK("http://evil.example","click")')
        make_unit(org.organization, "@SUM(1+1)")
    make_unit(org.organization, "Plain")
    make_unit(other_org.organization, "Foreign")
    page = soup(client_as("oversight").get(org.url("core:audit"), {"person": admin.pk, "page": 1}))
    export_href = page.select_one("#audit-export")["href"]
    assert f"person={admin.pk}" in export_href and "page=" not in export_href
    response = client_as("oversight").get(export_href)
    assert response.status_code == 200
    rows = _csv_rows(response)
    assert rows[0] == [
        "timestamp",
        "person",
        "person_email",
        "action",
        "object_type",
        "object_id",
        "object",
        "changes",
        "remote_address",
    ]
    objects = sorted(row[6] for row in rows[1:])
    assert objects == ['\'=HYPERLINK("http://evil.example","click")', "'@SUM(1+1)"]
    assert all(row[2] == admin.email for row in rows[1:])
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)
    everything = _csv_rows(client_as("admin").get(org.url("core:audit_export")))
    assert len(everything) - 1 == LogEntry.objects.filter(sfc_scope__organization_id=org.organization.pk).count()
    assert not any("Foreign" in row[6] for row in everything)


def test_csv_export_with_bad_filters_shows_the_page_with_errors(org, client_as):
    response = client_as("admin").get(org.url("core:audit_export"), {"date_from": "nonsense"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert error_texts(response)
