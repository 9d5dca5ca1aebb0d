import datetime

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from spaceforchange.core import selectors, services
from spaceforchange.core.audit import audited_models
from spaceforchange.core.models import AuditScope, Invitation, Membership, Organization, Unit
from tests.factories import make_member, make_organization, make_unit

pytestmark = pytest.mark.django_db


def _reprs(entries):
    return {(entry.content_type.model, entry.action, entry.object_repr) for entry in entries}


def test_entries_belong_to_the_organisation_that_owns_the_object():
    first, second = make_organization(name="First"), make_organization(name="Second")
    make_unit(first, "Library")
    make_unit(second, "Harbour")
    first_entries = _reprs(selectors.audit_entries(first))
    second_entries = _reprs(selectors.audit_entries(second))
    assert ("unit", LogEntry.Action.CREATE, "Library") in first_entries
    assert ("organization", LogEntry.Action.CREATE, "First") in first_entries
    assert not any("Harbour" in entry[2] or "Second" in entry[2] for entry in first_entries)
    assert ("unit", LogEntry.Action.CREATE, "Harbour") in second_entries


def test_entries_of_deleted_objects_stay_visible_to_their_organisation():
    organization = make_organization()
    unit = make_unit(organization, "Short-lived")
    services.delete_unit(unit=unit)
    assert ("unit", LogEntry.Action.DELETE, "Short-lived") in _reprs(selectors.audit_entries(organization))
    assert ("unit", LogEntry.Action.DELETE, "Short-lived") not in _reprs(selectors.audit_entries(make_organization()))


def test_membership_roles_and_invitations_are_audited_without_the_token_hash():
    organization = make_organization()
    admin = make_member(organization, roles=["admin"])
    invitation, _token = services.create_invitation(organization=organization, created_by=admin.user, roles=["member"])
    models = {entry.content_type.model for entry in selectors.audit_entries(organization)}
    assert {"membership", "membershiprole", "invitation", "organization"} <= models
    entry = selectors.audit_entries(organization).get(content_type__model="invitation", object_id=invitation.pk)
    assert "token_hash" not in entry.changes_dict
    assert invitation.token_hash not in str(entry.changes)


def test_every_scoped_entry_has_exactly_one_organisation():
    organization = make_organization()
    make_member(organization, roles=["admin"], unit=make_unit(organization))
    scoped = LogEntry.objects.filter(sfc_scope__isnull=False).count()
    assert scoped == AuditScope.objects.count() > 0
    assert set(AuditScope.objects.values_list("organization_id", flat=True)) == {organization.pk}


def test_filter_by_actor_type_and_dates(django_user_model):
    organization = make_organization()
    admin = make_member(organization, roles=["admin"])
    with set_actor(admin.user):
        unit = make_unit(organization, "By the admin")
    make_unit(organization, "By the system")
    by_admin = selectors.audit_entries(organization, actor=admin.user)
    assert _reprs(by_admin) == {("unit", LogEntry.Action.CREATE, "By the admin")}
    unit_type = ContentType.objects.get_for_model(Unit)
    assert {entry.content_type_id for entry in selectors.audit_entries(organization, content_type=unit_type)} == {
        unit_type.pk
    }
    # Dates are whole days in the organisation's time zone (Europe/Oslo, UTC+1 in winter).
    LogEntry.objects.filter(object_id=unit.pk, content_type=unit_type).update(
        timestamp=datetime.datetime(2025, 1, 9, 23, 30, tzinfo=datetime.UTC)  # 10 January 00:30 in Oslo
    )
    on_tenth = selectors.audit_entries(
        organization, date_from=datetime.date(2025, 1, 10), date_to=datetime.date(2025, 1, 10)
    )
    assert _reprs(on_tenth) == {("unit", LogEntry.Action.CREATE, "By the admin")}
    assert not selectors.audit_entries(organization, date_to=datetime.date(2025, 1, 9)).exists()
    assert "By the admin" not in {
        e.object_repr for e in selectors.audit_entries(organization, date_from=datetime.date(2025, 1, 11))
    }


def test_audit_entries_load_actor_and_type_in_one_query():
    organization = make_organization()
    admin = make_member(organization, roles=["admin"])
    with set_actor(admin.user):
        for number in range(10):
            make_unit(organization, f"Unit {number}")
    with CaptureQueriesContext(connection) as queries:
        rows = [
            (entry.actor and entry.actor.email, entry.content_type.model)
            for entry in selectors.audit_entries(organization)
        ]
    assert len(rows) > 10
    assert len(queries) == 1


def test_audited_models_are_the_organisation_owned_ones():
    models = set(audited_models())
    assert {Organization, Unit, Membership, Invitation} <= models
    assert AuditScope not in models
    assert all(
        model is Organization or "organization" in {f.name for f in model._meta.get_fields()} for model in models
    )


def test_audit_people_lists_current_and_former_members_only():
    organization = make_organization()
    make_member(organization, roles=["admin"])
    former = make_member(organization)
    services.deactivate_member(membership=former)
    outsider = make_member(make_organization())
    people = set(selectors.audit_people(organization))
    assert former.user in people
    assert outsider.user not in people
    assert len(people) == 2
