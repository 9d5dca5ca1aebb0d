"""Every write to organisations, units, people and memberships goes through these functions."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from spaceforchange.core.models import Membership, MembershipRole, Organization, Role, Unit, UnitKind, User


@transaction.atomic
def create_organization(*, name: str, slug: str = "", time_zone: str = "Europe/Oslo", default_language: str = "en") -> Organization:
    slug = slug or slugify(name)[:60]
    if not slug:
        raise ValidationError({"slug": _("Give the organisation a short name of letters, digits or hyphens.")})
    if Organization.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("The short name %(slug)s is taken.") % {"slug": slug}})
    return Organization.objects.create(name=name, slug=slug, time_zone=time_zone, default_language=default_language)


@transaction.atomic
def create_unit(*, organization: Organization, name: str, parent: Unit | None = None, kind: str = UnitKind.DEPARTMENT) -> Unit:
    if parent is not None and parent.organization_id != organization.pk:
        raise ValidationError({"parent": _("The parent unit belongs to another organisation.")})
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the unit a name.")})
    if Unit.objects.filter(organization=organization, parent=parent, name__iexact=name).exists():
        raise ValidationError({"name": _("A unit with this name already exists here.")})
    return Unit.objects.create(organization=organization, parent=parent, name=name, kind=kind)


@transaction.atomic
def create_user(*, email: str, password: str | None = None, display_name: str = "", first_name: str = "", last_name: str = "") -> User:
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("A person with this email address already exists.")})
    user = User.objects.create_user(
        email=email, password=password, display_name=display_name, first_name=first_name, last_name=last_name
    )
    if password is None:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _validated_roles(roles: Iterable[str]) -> set[str]:
    wanted = set(roles) or {Role.MEMBER}
    unknown = wanted - set(Role.values)
    if unknown:
        raise ValidationError({"roles": _("Unknown role: %(roles)s.") % {"roles": ", ".join(sorted(unknown))}})
    return wanted


@transaction.atomic
def add_member(
    *, organization: Organization, user: User, roles: Iterable[str] = (), unit: Unit | None = None, title: str = ""
) -> Membership:
    """Make ``user`` a member of ``organization`` with ``roles`` (``member`` when none given)."""
    wanted = _validated_roles(roles)
    if unit is not None and unit.organization_id != organization.pk:
        raise ValidationError({"unit": _("The unit belongs to another organisation.")})
    membership, created = Membership.objects.get_or_create(
        organization=organization, user=user, defaults={"unit": unit, "title": title}
    )
    if not created:
        if not membership.is_active:
            membership.is_active = True
            membership.save(update_fields=["is_active"])
    set_member_roles(membership=membership, roles=wanted | (membership.role_set if not created else set()))
    return membership


@transaction.atomic
def set_member_roles(*, membership: Membership, roles: Iterable[str]) -> Membership:
    wanted = _validated_roles(roles)
    current = set(membership.roles.values_list("role", flat=True))
    for assignment in membership.roles.filter(role__in=current - wanted):
        assignment.delete()
    for role in sorted(wanted - current):
        MembershipRole.objects.create(organization=membership.organization, membership=membership, role=role)
    membership.__dict__.pop("_prefetched_objects_cache", None)
    return membership
