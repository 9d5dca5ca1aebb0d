"""Reads about the signed-in person rather than one organisation."""

from __future__ import annotations

from django.db.models import QuerySet

from spaceforchange.core.models import Membership, Role, User


def memberships_of(*, user: User) -> QuerySet[Membership]:
    """The person's active memberships with organisation, unit and roles, ordered by organisation."""
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("organization", "unit")
        .prefetch_related("roles")
        .order_by("organization__name", "organization__slug")
    )


def has_two_factor(*, user: User) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def ordered_roles(membership: Membership) -> list[Role]:
    """The membership's roles in the order of ``Role`` (from member up to administrator)."""
    return [Role(code) for code in sorted(membership.role_set, key=Role.values.index)]
