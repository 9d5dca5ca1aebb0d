"""The lookups every signed-in page runs (session, person, membership) in hand-written SQL.

Each must answer exactly what the ORM would: the same instances, the same values and types,
and nothing for unknown, expired, deactivated or malformed input.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from spaceforchange.core import rows, services
from spaceforchange.core.auth_backends import AccountBackend
from spaceforchange.core.models import Membership, MembershipRole, Organization, Unit, User
from spaceforchange.core.session_store import SessionStore
from spaceforchange.core.tenancy import OrganizationLink, active_membership, memberships_of
from tests.factories import make_member, make_organization, make_unit, make_user

pytestmark = pytest.mark.django_db


def field_values(instance) -> dict:  # type: ignore[no-untyped-def]
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def row_of(model, pk):  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        sql = f"SELECT {rows.columns(model, 't')} FROM {model._meta.db_table} t WHERE t.id = %s"  # noqa: S608
        cursor.execute(sql, [pk])
        return cursor.fetchone()


@pytest.mark.parametrize("model", [User, Organization, Membership, Unit])
def test_built_instances_equal_what_the_orm_loads(model):
    organization = make_organization(name="Ålesund kommune")
    unit = make_unit(organization, "Helse")
    membership = make_member(organization, roles=["admin", "owner"], unit=unit)
    instance = {User: membership.user, Organization: organization, Membership: membership, Unit: unit}[model]
    from_orm = model.objects.get(pk=instance.pk)

    built = rows.build(model, row_of(model, instance.pk))

    assert type(built) is model
    assert field_values(built) == field_values(from_orm)
    # Converted as the ORM converts: real booleans and aware datetimes, also on SQLite.
    for field in model._meta.concrete_fields:
        assert type(getattr(built, field.attname)) is type(getattr(from_orm, field.attname)), field.name
    assert built._state.adding is False
    assert built._state.db == "default"


def test_attached_objects_answer_without_a_query():
    membership = make_member(make_organization(), roles=["member", "leader"])
    fresh = Membership.objects.get(pk=membership.pk)
    roles = list(MembershipRole.objects.filter(membership=membership).order_by("role"))

    rows.attach_prefetched(fresh, "roles", roles)

    with CaptureQueriesContext(connection) as queries:
        assert [assignment.role for assignment in fresh.roles.all()] == ["leader", "member"]
        assert fresh.role_set == frozenset({"leader", "member"})
    assert len(queries) == 0


# --- The membership behind /o/<slug>/ ------------------------------------------------------------


def test_membership_comes_with_organization_unit_and_roles_in_one_query():
    organization = make_organization(slug="northbay")
    unit = make_unit(organization, "Culture")
    membership = make_member(organization, roles=["admin", "member", "owner"], unit=unit)

    with CaptureQueriesContext(connection) as queries:
        found = active_membership(membership.user, "northbay")
        assert found is not None
        assert found.pk == membership.pk
        assert found.organization == organization
        assert found.organization.name == organization.name
        assert found.unit == unit and found.unit.name == "Culture"
        assert found.role_set == frozenset({"admin", "member", "owner"})
        assert [assignment.role for assignment in found.ordered_roles()] == ["member", "owner", "admin"]
    assert len(queries) == 1


def test_membership_without_unit_or_roles():
    organization = make_organization(slug="bare")
    membership = make_member(organization, roles=["member"])
    # No service leaves a membership without roles; older data may.
    MembershipRole.objects.filter(membership=membership).delete()

    found = active_membership(membership.user, "bare")

    assert found is not None
    assert found.unit is None
    assert found.role_set == frozenset()


def test_no_membership_for_other_organizations_deactivated_members_or_anonymous():
    from django.contrib.auth.models import AnonymousUser

    mine = make_organization(slug="mine")
    make_organization(slug="theirs")
    make_member(mine, roles=["admin"])
    membership = make_member(mine, roles=["member"])
    user = membership.user

    assert active_membership(user, "theirs") is None
    assert active_membership(user, "no-such-organisation") is None
    assert active_membership(user, "mine' OR '1'='1") is None
    assert active_membership(AnonymousUser(), "mine") is None
    services.deactivate_member(membership=membership)
    assert active_membership(user, "mine") is None


def test_one_statement_gives_the_membership_here_and_every_organisation_for_the_switcher():
    northbay = make_organization(name="Northbay", slug="northbay")
    aalesund = make_organization(name="Ålesund", slug="aalesund")
    closed = make_organization(name="Closed", slug="closed")
    make_member(closed, roles=["admin"])
    user = make_member(northbay, roles=["admin", "owner"], unit=make_unit(northbay, "Culture")).user
    make_member(aalesund, roles=["member"], user=user, unit=make_unit(aalesund, "Harbour"))
    services.deactivate_member(membership=make_member(closed, roles=["member"], user=user))

    with CaptureQueriesContext(connection) as queries:
        here, organizations = memberships_of(user, "aalesund")
    assert len(queries) == 1

    # Only this organisation's roles and unit, however many the person holds elsewhere.
    assert here is not None and here.organization == aalesund
    assert here.role_set == frozenset({"member"})
    assert here.unit is not None and here.unit.name == "Harbour"
    # By name (Å is the last letter of the Norwegian alphabet, as it sorts here).
    assert organizations == [OrganizationLink("northbay", "Northbay"), OrganizationLink("aalesund", "Ålesund")]
    assert organizations[0].url == "/o/northbay/"
    assert memberships_of(user, None) == (None, organizations)
    assert memberships_of(user, "closed") == (None, organizations)


# --- The signed-in person ------------------------------------------------------------------------


def test_backend_loads_the_person_as_the_orm_does():
    user = make_user(first_name="Kari", display_name="Kari N.")
    backend = AccountBackend()

    loaded = backend.get_user(str(user.pk))

    assert loaded is not None
    assert field_values(loaded) == field_values(User.objects.get(pk=user.pk))
    assert str(loaded) == "Kari N."


@pytest.mark.parametrize("user_id", ["999999", "abc", "", "1; DROP TABLE core_user", None, "1.5"])
def test_backend_answers_none_for_unknown_or_malformed_ids(user_id):
    make_user()
    assert AccountBackend().get_user(user_id) is None
    assert User.objects.exists()


def test_backend_refuses_deactivated_people():
    user = make_user()
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert AccountBackend().get_user(user.pk) is None


# --- The session ----------------------------------------------------------------------------------


def test_session_reads_what_django_wrote():
    written = DjangoSessionStore()
    written["answer"] = 42
    written["nested"] = {"list": [1, "two"]}
    written.create()

    read = SessionStore(session_key=written.session_key)

    assert read["answer"] == 42
    assert read["nested"] == {"list": [1, "two"]}
    assert read.session_key == written.session_key


def test_expired_unknown_and_malformed_sessions_are_empty_and_forgotten():
    expired = DjangoSessionStore()
    expired["answer"] = 42
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )

    for key in [expired.session_key, "x" * 32, "short", "'; DELETE FROM django_session; --" + "x" * 8]:
        store = SessionStore(session_key=key)
        assert store.load() == {}
        assert store.session_key is None
    assert Session.objects.filter(session_key=expired.session_key).exists()
