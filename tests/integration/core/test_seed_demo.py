import io
from collections import Counter

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command

from spaceforchange.core.management.commands import seed_demo
from spaceforchange.core.models import Membership, MembershipRole, Organization, Role, Unit, User

pytestmark = pytest.mark.django_db

DEMO_LOGINS = {
    "admin@northbay.example": "admin",
    "lead@northbay.example": "innovation_lead",
    "leader@northbay.example": "leader",
    "owner@northbay.example": "owner",
    "oversight@northbay.example": "oversight",
    "member@northbay.example": "member",
}


def _run():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _counts():
    return {
        "organizations": Organization.objects.count(),
        "units": Unit.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "roles": MembershipRole.objects.count(),
        "audit": LogEntry.objects.count(),
    }


def test_seed_creates_northbay_with_a_deep_tree_and_about_sixty_people():
    _run()
    northbay = Organization.objects.get(slug="northbay")
    assert northbay.name == "Northbay Municipality"
    members = Membership.objects.filter(organization=northbay, is_active=True)
    assert 55 <= members.count() <= 65
    assert members.filter(unit__isnull=False).count() == members.count()
    role_counts = Counter(MembershipRole.objects.filter(organization=northbay).values_list("role", flat=True))
    assert set(role_counts) == set(Role.values)
    assert all(role_counts[role] >= 2 for role in Role.values)
    team_north = Unit.objects.get(organization=northbay, name="Team North")
    path = []
    unit = team_north
    while unit:
        path.append(unit.name)
        unit = unit.parent
    assert path == ["Team North", "Home Care Services", "Health and Care", "Municipal Director's Office"]
    assert Unit.objects.filter(organization=northbay).count() >= 20


def test_demo_logins_exist_with_their_roles_and_password():
    output = _run()
    for email, role in DEMO_LOGINS.items():
        user = User.objects.get(email=email)
        assert user.check_password(seed_demo.DEMO_PASSWORD)
        membership = Membership.objects.get(user=user, organization__slug="northbay")
        assert role in membership.role_set
        assert email in output
    assert "northbay-demo" in output
    # Everyone else exists but cannot log in with a password.
    assert not User.objects.get(email="kari.nordmann@northbay.example").has_usable_password()


def test_the_lead_also_belongs_to_southport():
    _run()
    lead = User.objects.get(email="lead@northbay.example")
    slugs = set(Membership.objects.filter(user=lead, is_active=True).values_list("organization__slug", flat=True))
    assert slugs == {"northbay", "southport"}
    southport = Organization.objects.get(slug="southport")
    assert southport.name == "Southport Agency"
    assert Membership.objects.filter(organization=southport, roles__role=Role.ADMIN).exists()


def test_running_twice_duplicates_nothing_and_changes_nothing():
    _run()
    first = _counts()
    _run()
    assert _counts() == first


def test_norwegian_letters_become_plain_email_addresses():
    _run()
    assert User.objects.filter(email="oystein.jakobsen@northbay.example").exists()
    assert User.objects.filter(email="ase.lund@northbay.example").exists()
    assert not User.objects.filter(email__regex=r"[^\x00-\x7f]").exists()


def test_steps_are_pluggable():
    seen = []
    context = seed_demo.run_steps(seed_demo.DemoContext(), steps=[*seed_demo.SEED_STEPS, lambda ctx: seen.append(ctx)])
    assert seen == [context]
    assert context.unit("northbay", "Team North").name == "Team North"
    assert "member@northbay.example" in context.people


def test_a_failing_step_leaves_nothing_behind():
    def broken(context):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        seed_demo.run_steps(seed_demo.DemoContext(), steps=[*seed_demo.SEED_STEPS, broken])
    assert not Organization.objects.filter(slug="northbay").exists()
