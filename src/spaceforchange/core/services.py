"""Every write to organisations, units, people, memberships and invitations goes through these functions.

Each takes keyword arguments only, runs in one transaction and raises ``ValidationError`` with a
message for the person when the input is refused; a refused call changes nothing. The audit
log records every change through django-auditlog's signals.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spaceforchange.core.models import (
    Invitation,
    InvitationStatus,
    Membership,
    MembershipRole,
    Organization,
    Role,
    Unit,
    UnitKind,
    User,
)
from spaceforchange.core.selectors import descendant_ids
from spaceforchange.core.tasks import send_email

NAME_MAX_LENGTH = 200
TITLE_MAX_LENGTH = 200


def _clean_text(value: str, *, field: str, max_length: int, required: bool, empty_message: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: empty_message or _("This field is required.")})
    if len(value) > max_length:
        raise ValidationError({field: _("Use at most %(count)d characters.") % {"count": max_length}})
    if "\x00" in value:
        raise ValidationError({field: _("The text contains a character that is not allowed.")})
    return value


def _clean_email(email: str, *, field: str = "email") -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({field: _("Enter a valid email address.")}) from error
    return User.objects.normalize_email(email).lower()


def _lock_organization(organization: Organization) -> None:
    """Serialise membership changes in one organisation, so two admins cannot demote each other at once."""
    Organization.objects.select_for_update().filter(pk=organization.pk).first()


# --- Organisations --------------------------------------------------------------------------


@transaction.atomic
def create_organization(
    *, name: str, slug: str = "", time_zone: str = "Europe/Oslo", default_language: str = "en"
) -> Organization:
    name = _clean_text(name, field="name", max_length=NAME_MAX_LENGTH, required=True)
    slug = slug or slugify(name)[:60]
    if not slug:
        raise ValidationError({"slug": _("Give the organisation a short name of letters, digits or hyphens.")})
    if Organization.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("The short name %(slug)s is taken.") % {"slug": slug}})
    return Organization.objects.create(name=name, slug=slug, time_zone=time_zone, default_language=default_language)


@transaction.atomic
def ensure_organization(
    *, name: str, slug: str, time_zone: str = "Europe/Oslo", default_language: str = "en"
) -> Organization:
    """The organisation with ``slug``, created when missing (for seeding and provisioning scripts)."""
    existing = Organization.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    return create_organization(name=name, slug=slug, time_zone=time_zone, default_language=default_language)


# --- Units ----------------------------------------------------------------------------------


def _check_kind(kind: str) -> str:
    if kind not in UnitKind.values:
        raise ValidationError({"kind": _("Choose one of the listed kinds of unit.")})
    return kind


def _check_name_free(
    *, organization: Organization, parent: Unit | None, name: str, exclude: Unit | None = None
) -> None:
    siblings = Unit.objects.filter(organization=organization, parent=parent, name__iexact=name)
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude.pk)
    if siblings.exists():
        raise ValidationError({"name": _("A unit with this name already exists here.")})


@transaction.atomic
def create_unit(
    *, organization: Organization, name: str, parent: Unit | None = None, kind: str = UnitKind.DEPARTMENT
) -> Unit:
    if parent is not None and parent.organization_id != organization.pk:
        raise ValidationError({"parent": _("The parent unit belongs to another organisation.")})
    name = _clean_text(
        name, field="name", max_length=NAME_MAX_LENGTH, required=True, empty_message=_("Give the unit a name.")
    )
    _check_kind(kind)
    _check_name_free(organization=organization, parent=parent, name=name)
    return Unit.objects.create(organization=organization, parent=parent, name=name, kind=kind)


@transaction.atomic
def ensure_unit(
    *, organization: Organization, name: str, parent: Unit | None = None, kind: str = UnitKind.DEPARTMENT
) -> Unit:
    """The unit called ``name`` under ``parent``, created when missing."""
    existing = Unit.objects.filter(organization=organization, parent=parent, name__iexact=name.strip()).first()
    if existing is not None:
        return existing
    return create_unit(organization=organization, name=name, parent=parent, kind=kind)


@transaction.atomic
def update_unit(*, unit: Unit, name: str, kind: str) -> Unit:
    """Rename a unit or change its kind."""
    name = _clean_text(
        name, field="name", max_length=NAME_MAX_LENGTH, required=True, empty_message=_("Give the unit a name.")
    )
    _check_kind(kind)
    _check_name_free(organization=unit.organization, parent=unit.parent, name=name, exclude=unit)
    unit.name, unit.kind = name, kind
    unit.save(update_fields=["name", "kind"])
    return unit


@transaction.atomic
def move_unit(*, unit: Unit, parent: Unit | None) -> Unit:
    """Put ``unit`` (with everything below it) under ``parent``, or at the top when ``parent`` is None."""
    if parent is not None:
        if parent.organization_id != unit.organization_id:
            raise ValidationError({"parent": _("The parent unit belongs to another organisation.")})
        if parent.pk == unit.pk or parent.pk in descendant_ids(unit):
            raise ValidationError({"parent": _("A unit cannot be moved under itself or one of its own sub-units.")})
    _check_name_free(organization=unit.organization, parent=parent, name=unit.name, exclude=unit)
    unit.parent = parent
    unit.save(update_fields=["parent"])
    return unit


@transaction.atomic
def edit_unit(*, unit: Unit, name: str, kind: str, parent: Unit | None) -> Unit:
    """Rename, re-kind and move a unit in one go, as the unit page's form does."""
    if parent != unit.parent:
        move_unit(unit=unit, parent=parent)
    return update_unit(unit=unit, name=name, kind=kind)


@transaction.atomic
def delete_unit(*, unit: Unit) -> None:
    """Delete a unit that has no sub-units and no members (active or not)."""
    if unit.children.exists():
        raise ValidationError(_("Move or delete the sub-units of %(unit)s first.") % {"unit": unit.name})
    if unit.memberships.exists():
        raise ValidationError(_("Move the members of %(unit)s to another unit first.") % {"unit": unit.name})
    try:
        unit.delete()
    except (ProtectedError, RestrictedError) as error:
        raise ValidationError(
            _("%(unit)s is still in use elsewhere and cannot be deleted.") % {"unit": unit.name}
        ) from error


# --- People and memberships -----------------------------------------------------------------


@transaction.atomic
def create_user(
    *, email: str, password: str | None = None, display_name: str = "", first_name: str = "", last_name: str = ""
) -> User:
    email = _clean_email(email)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("A person with this email address already exists.")})
    user = User.objects.create_user(
        email=email, password=password, display_name=display_name, first_name=first_name, last_name=last_name
    )
    if password is None:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def ensure_user(
    *, email: str, password: str | None = None, display_name: str = "", first_name: str = "", last_name: str = ""
) -> User:
    """The person with ``email``, created when missing; an existing person is left as they are."""
    existing = User.objects.filter(email__iexact=_clean_email(email)).first()
    if existing is not None:
        return existing
    return create_user(
        email=email, password=password, display_name=display_name, first_name=first_name, last_name=last_name
    )


def _validated_roles(roles: Iterable[str]) -> set[str]:
    wanted = set(roles) or {Role.MEMBER}
    unknown = wanted - set(Role.values)
    if unknown:
        raise ValidationError(
            {"roles": _("Unknown role: %(roles)s.") % {"roles": ", ".join(sorted(map(str, unknown)))}}
        )
    return wanted


def _check_unit(organization: Organization, unit: Unit | None) -> None:
    if unit is not None and unit.organization_id != organization.pk:
        raise ValidationError({"unit": _("The unit belongs to another organisation.")})


def _refuse_losing_last_admin(membership: Membership, *, field: str | None = "roles") -> None:
    _lock_organization(membership.organization)
    others = (
        Membership.objects.filter(organization_id=membership.organization_id, is_active=True, roles__role=Role.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    )
    if not others:
        message = _(
            "The organisation needs at least one active administrator. Make someone else an administrator first."
        )
        raise ValidationError({field: message} if field else message)


@transaction.atomic
def add_member(
    *, organization: Organization, user: User, roles: Iterable[str] = (), unit: Unit | None = None, title: str = ""
) -> Membership:
    """Make ``user`` a member of ``organization`` with ``roles`` (``member`` when none given).

    An existing membership is reactivated and keeps its roles; the new roles are added to them.
    """
    wanted = _validated_roles(roles)
    _check_unit(organization, unit)
    title = _clean_text(title, field="title", max_length=TITLE_MAX_LENGTH, required=False)
    membership, created = Membership.objects.get_or_create(
        organization=organization, user=user, defaults={"unit": unit, "title": title}
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    set_member_roles(membership=membership, roles=wanted | (membership.role_set if not created else set()))
    return membership


@transaction.atomic
def set_member_roles(*, membership: Membership, roles: Iterable[str]) -> Membership:
    wanted = _validated_roles(roles)
    current = set(membership.roles.values_list("role", flat=True))
    if membership.is_active and Role.ADMIN in current and Role.ADMIN not in wanted:
        _refuse_losing_last_admin(membership)
    for assignment in membership.roles.filter(role__in=current - wanted):
        assignment.delete()
    for role in sorted(wanted - current):
        MembershipRole.objects.create(organization=membership.organization, membership=membership, role=role)
    membership.__dict__.pop("_prefetched_objects_cache", None)
    return membership


@transaction.atomic
def update_member(*, membership: Membership, roles: Iterable[str], unit: Unit | None, title: str = "") -> Membership:
    """Change a member's roles, unit and job title together."""
    _check_unit(membership.organization, unit)
    title = _clean_text(title, field="title", max_length=TITLE_MAX_LENGTH, required=False)
    set_member_roles(membership=membership, roles=roles)
    if (membership.unit_id, membership.title) != (unit.pk if unit else None, title):
        membership.unit, membership.title = unit, title
        membership.save(update_fields=["unit", "title"])
    return membership


@transaction.atomic
def deactivate_member(*, membership: Membership) -> Membership:
    """Take away a member's access to the organisation; their history and roles are kept."""
    if not membership.is_active:
        return membership
    if membership.roles.filter(role=Role.ADMIN).exists():
        _refuse_losing_last_admin(membership, field=None)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    return membership


@transaction.atomic
def reactivate_member(*, membership: Membership) -> Membership:
    if not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    return membership


@transaction.atomic
def change_member(
    *, membership: Membership, roles: Iterable[str], unit: Unit | None, title: str, is_active: bool
) -> Membership:
    """Everything an administrator can change about a member, in one transaction (the API's PATCH)."""
    if is_active:
        reactivate_member(membership=membership)
    update_member(membership=membership, roles=roles, unit=unit, title=title)
    if not is_active:
        deactivate_member(membership=membership)
    return membership


# --- Invitations ----------------------------------------------------------------------------


def hash_invitation_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def invitation_path(token: str) -> str:
    return reverse("invitations:accept", kwargs={"token": token})


def invitation_url(token: str) -> str:
    return settings.SITE_URL + invitation_path(token)


@transaction.atomic
def create_invitation(
    *,
    organization: Organization,
    created_by: User | None,
    roles: Iterable[str],
    email: str = "",
    unit: Unit | None = None,
) -> tuple[Invitation, str]:
    """Create an invitation by link and return it with its token, which is stored only as a hash.

    When an email address is given, the link is mailed there once the transaction commits.
    """
    wanted = sorted(_validated_roles(roles))
    email = _clean_email(email) if (email or "").strip() else ""
    _check_unit(organization, unit)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        roles=wanted,
        unit=unit,
        token_hash=hash_invitation_token(token),
        created_by=created_by,
        expires_at=timezone.now() + datetime.timedelta(days=settings.SFC_INVITATION_DAYS),
    )
    if email:
        transaction.on_commit(lambda: _send_invitation_email(invitation, token))
    return invitation, token


def _send_invitation_email(invitation: Invitation, token: str) -> None:
    organization = invitation.organization
    with translation.override(organization.default_language):
        subject = _("Invitation to %(organization)s in Space for Change") % {"organization": organization.name}
        body = _(
            "You have been invited to join %(organization)s in Space for Change as: %(roles)s.\n\n"
            "Open this link to accept the invitation:\n%(link)s\n\n"
            "The link works once and expires on %(expires)s."
        ) % {
            "organization": organization.name,
            "roles": ", ".join(invitation.role_labels()),
            "link": invitation_url(token),
            "expires": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d %H:%M"),
        }
    # Sent by a background task: a slow or unreachable mail server must not hold up the page or
    # undo the invitation, whose link the administrator has in hand anyway.
    send_email.enqueue(subject=subject, body=body, recipients=[invitation.email])


@transaction.atomic
def revoke_invitation(*, invitation: Invitation) -> Invitation:
    # Re-read under a lock: the invitation may have been accepted since the caller loaded it.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    status = invitation.status()
    if status == InvitationStatus.ACCEPTED:
        raise ValidationError(_("This invitation has already been accepted and cannot be revoked."))
    if status != InvitationStatus.REVOKED:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


# Lazy: the messages are chosen at import time but must be translated for each request.
INVITATION_REFUSALS = {
    "invalid": gettext_lazy("This invitation link is not valid. Check that you copied the whole link."),
    InvitationStatus.REVOKED: gettext_lazy("This invitation has been withdrawn. Ask the administrator for a new one."),
    InvitationStatus.ACCEPTED: gettext_lazy("This invitation has already been used. Each link works once."),
    InvitationStatus.EXPIRED: gettext_lazy("This invitation has expired. Ask the administrator for a new one."),
    "wrong_email": gettext_lazy(
        "This invitation was sent to another email address. Sign in with that address, or ask for a new invitation."
    ),
}


def usable_invitation(token: str, *, lock: bool = False) -> Invitation:
    """The pending invitation behind ``token``; raises ``ValidationError`` (with a code) otherwise."""
    digest = hash_invitation_token(token or "")
    query = Invitation.objects.select_related("organization", "unit")
    if lock:
        query = query.select_for_update(of=("self",))
    invitation = query.filter(token_hash=digest).first()
    if invitation is None or not hmac.compare_digest(invitation.token_hash, digest):
        raise ValidationError(INVITATION_REFUSALS["invalid"], code="invalid")
    status = invitation.status()
    if status != InvitationStatus.PENDING:
        raise ValidationError(INVITATION_REFUSALS[status], code=status)
    return invitation


@transaction.atomic
def accept_invitation(*, token: str, user: User) -> Membership:
    """Make ``user`` a member with the invitation's roles; each invitation works once."""
    invitation = usable_invitation(token, lock=True)
    if invitation.email and invitation.email.lower() != user.email.lower():
        raise ValidationError(INVITATION_REFUSALS["wrong_email"], code="wrong_email")
    unit = (
        invitation.unit if invitation.unit and invitation.unit.organization_id == invitation.organization_id else None
    )
    membership = add_member(organization=invitation.organization, user=user, roles=invitation.roles, unit=unit)
    invitation.accepted_by, invitation.accepted_at = user, timezone.now()
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    return membership
