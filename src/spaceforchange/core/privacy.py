"""Personal data: what the application holds about a person, and how it is exported or erased.

Every app that stores data about a person registers a *section* here with an exporter and an
eraser, usually from a ``privacy.py`` module of its own (found automatically, like
``permissions.py``) or from its ``AppConfig.ready()``::

    from spaceforchange.core import privacy

    privacy.register(
        "ideas",
        exporter=lambda user: [...],        # JSON-serialisable; never secrets or hashes
        eraser=erase_ideas,                 # def erase_ideas(erasure: privacy.Erasure) -> object
        description="Ideas the person submitted.",
    )

``export_person`` collects every section; ``erase_person`` runs every eraser in one transaction,
in reverse order of registration so that core's own sections (registered first) run last. Erasure
pseudonymises rather than deletes where rows carry the organisation's history: the person's row
stays (so foreign keys, counts and audit rows survive) with its email replaced by
``erased-<id>@invalid`` and its names blanked. ``Erasure.scrub`` replaces the person's email
address and names inside free text, for apps that copied them into text fields.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from spaceforchange.core.models import Invitation, Membership, User

FORMAT = "spaceforchange.person-export/1"
MIN_NAME_LENGTH = 3  # shorter names would match inside unrelated words

Exporter = Callable[[User], Any]


@dataclass(frozen=True)
class Erasure:
    """Who is being erased, captured before anything changes, and how to scrub them from text."""

    user: User
    email: str
    names: tuple[str, ...]
    pseudonym: str
    pseudonym_email: str
    _patterns: list[tuple[re.Pattern[str], str]] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def of(cls, user: User) -> Erasure:
        candidates = {user.display_name, user.get_full_name(), user.first_name, user.last_name}
        usable = (name.strip() for name in candidates if len(name.strip()) >= MIN_NAME_LENGTH)
        names = tuple(sorted(usable, key=len, reverse=True))
        erasure = cls(
            user=user,
            email=user.email,
            names=names,
            pseudonym=f"erased-{user.pk}",
            pseudonym_email=f"erased-{user.pk}@invalid",
        )
        erasure._patterns.append((re.compile(re.escape(user.email), re.IGNORECASE), erasure.pseudonym_email))
        for name in names:
            erasure._patterns.append((re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE), erasure.pseudonym))
        return erasure

    @property
    def needles(self) -> tuple[str, ...]:
        """The strings that identify the person: email address first, then names, longest first."""
        return (self.email, *self.names)

    def scrub(self, value: Any) -> Any:
        """``value`` with the person's email and names replaced; walks lists and dicts (JSON)."""
        if isinstance(value, str):
            for pattern, replacement in self._patterns:
                value = pattern.sub(replacement, value)
            return value
        if isinstance(value, list):
            return [self.scrub(item) for item in value]
        if isinstance(value, dict):
            return {self.scrub(key): self.scrub(item) for key, item in value.items()}
        return value

    def text_filter(self, *field_names: str) -> Q:
        """Rows where any of ``field_names`` mentions the person (JSON fields: escaped form too)."""
        query = Q(pk__in=[])
        for needle in self.needles:
            escaped = json.dumps(needle)[1:-1]
            for name in field_names:
                query |= Q(**{f"{name}__icontains": needle})
                if escaped != needle:
                    query |= Q(**{f"{name}__icontains": escaped})
        return query


Eraser = Callable[[Erasure], Any]


@dataclass(frozen=True)
class Section:
    name: str
    exporter: Exporter
    eraser: Eraser
    description: str


_sections: dict[str, Section] = {}
_discovered = False


def register(name: str, *, exporter: Exporter, eraser: Eraser, description: str = "") -> None:
    """Declare one section of personal data. Registering the same name twice is a mistake."""
    existing = _sections.get(name)
    if existing is not None and (existing.exporter, existing.eraser) != (exporter, eraser):
        raise ImproperlyConfigured(f"Personal-data section {name!r} is registered twice.")
    _sections[name] = Section(name=name, exporter=exporter, eraser=eraser, description=description)


def sections() -> list[Section]:
    """All registered sections in registration order, after loading every app's ``privacy.py``."""
    global _discovered
    if not _discovered:
        autodiscover_modules("privacy")
        _discovered = True
    return list(_sections.values())


def find_person(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def export_person(*, user: User) -> dict[str, Any]:
    """Everything the application holds about ``user``, as JSON-ready data (secrets left out)."""
    return {
        "format": FORMAT,
        "exported_at": timezone.now().isoformat(),
        "person": {"id": user.pk, "email": user.email},
        "sections": {section.name: section.exporter(user) for section in sections()},
    }


# model → (fields pointing at a person, text fields that may name them)
Links = Mapping[type[Model], tuple[tuple[str, ...], tuple[str, ...]]]


def unlink_and_scrub(erasure: Erasure, links: Links) -> dict[str, int]:
    """Point each model's person fields away from the erased person and scrub them from its texts:
    the records stay (they are the organisation's), the person leaves them."""
    unlinked = scrubbed = 0
    for model, (people, texts) in links.items():
        manager = model._default_manager
        for name in people:
            unlinked += manager.filter(**{name: erasure.user}).update(**{name: None})
        if texts:
            for row in manager.filter(erasure.text_filter(*texts)):
                manager.filter(pk=row.pk).update(**{name: erasure.scrub(getattr(row, name)) for name in texts})
                scrubbed += 1
    return {"unlinked": unlinked, "scrubbed": scrubbed}


@transaction.atomic
def erase_person(*, user: User) -> dict[str, Any]:
    """Remove or pseudonymise ``user``'s personal data everywhere. Returns what each section did.

    Runs without the audit log: the erasure must not write the person's data into new audit
    rows, and the counts of existing audit rows stay as they were.
    """
    from auditlog.context import disable_auditlog

    erasure = Erasure.of(user)
    results: dict[str, Any] = {}
    with disable_auditlog():
        for section in reversed(sections()):
            results[section.name] = section.eraser(erasure)
    return results


# --- core's own sections ------------------------------------------------------------------------


def _export_account(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "has_password": user.has_usable_password(),
    }


def _erase_account(erasure: Erasure) -> dict[str, Any]:
    user = erasure.user
    user.email = erasure.pseudonym_email
    user.display_name = user.first_name = user.last_name = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save(
        update_fields=[
            "email",
            "display_name",
            "first_name",
            "last_name",
            "is_active",
            "is_staff",
            "is_superuser",
            "password",
        ]
    )
    return {"pseudonymised_as": erasure.pseudonym_email}


def _export_memberships(user: User) -> list[dict[str, Any]]:
    memberships = Membership.objects.filter(user=user).select_related("organization", "unit").prefetch_related("roles")
    return [
        {
            "organization": membership.organization.slug,
            "organization_name": membership.organization.name,
            "unit": membership.unit.name if membership.unit else None,
            "title": membership.title,
            "is_active": membership.is_active,
            "joined_at": membership.joined_at.isoformat(),
            "roles": sorted(membership.role_set),
        }
        for membership in memberships
    ]


def _erase_memberships(erasure: Erasure) -> dict[str, int]:
    """Deactivate, keep the rows and roles: counts and history of the organisation stay true."""
    changed = Membership.objects.filter(user=erasure.user).update(is_active=False, title="")
    return {"deactivated": changed}


def _invitation_row(invitation: Invitation) -> dict[str, Any]:
    return {
        "organization": invitation.organization.slug,
        "email": invitation.email,
        "roles": invitation.roles,
        "created_at": invitation.created_at.isoformat(),
        "expires_at": invitation.expires_at.isoformat(),
        "accepted_at": invitation.accepted_at.isoformat() if invitation.accepted_at else None,
        "revoked_at": invitation.revoked_at.isoformat() if invitation.revoked_at else None,
    }


def _export_invitations(user: User) -> dict[str, list[dict[str, Any]]]:
    invitations = Invitation.objects.select_related("organization")
    return {
        "created": [_invitation_row(i) for i in invitations.filter(created_by=user)],
        "accepted": [_invitation_row(i) for i in invitations.filter(accepted_by=user)],
        "addressed_to": [_invitation_row(i) for i in invitations.filter(email__iexact=user.email)],
    }


def _erase_invitations(erasure: Erasure) -> dict[str, int]:
    addressed = Invitation.objects.filter(email__iexact=erasure.email)
    revoked = addressed.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=timezone.now())
    pseudonymised = addressed.update(email=erasure.pseudonym_email)
    return {"pseudonymised": pseudonymised, "revoked": revoked}


def _export_email_addresses(user: User) -> list[dict[str, Any]]:
    from allauth.account.models import EmailAddress

    return [
        {"email": address.email, "verified": address.verified, "primary": address.primary}
        for address in EmailAddress.objects.filter(user=user)
    ]


def _erase_email_addresses(erasure: Erasure) -> dict[str, int]:
    from allauth.account.models import EmailAddress

    deleted, _by_model = EmailAddress.objects.filter(user=erasure.user).delete()
    return {"deleted": deleted}


def _export_single_sign_on(user: User) -> list[dict[str, Any]]:
    from allauth.socialaccount.models import SocialAccount

    return [
        {
            "provider": account.provider,
            "uid": account.uid,
            "date_joined": account.date_joined.isoformat(),
            "last_login": account.last_login.isoformat(),
        }
        for account in SocialAccount.objects.filter(user=user)
    ]


def _erase_single_sign_on(erasure: Erasure) -> dict[str, int]:
    from allauth.socialaccount.models import SocialAccount

    deleted, _by_model = SocialAccount.objects.filter(user=erasure.user).delete()
    return {"deleted": deleted}


def _export_two_factor(user: User) -> list[dict[str, Any]]:
    """Which authenticators exist and when they were used; their secrets never leave the database."""
    from allauth.mfa.models import Authenticator

    return [
        {
            "type": authenticator.type,
            "created_at": authenticator.created_at.isoformat(),
            "last_used_at": authenticator.last_used_at.isoformat() if authenticator.last_used_at else None,
        }
        for authenticator in Authenticator.objects.filter(user=user)
    ]


def _erase_two_factor(erasure: Erasure) -> dict[str, int]:
    from allauth.mfa.models import Authenticator

    deleted, _by_model = Authenticator.objects.filter(user=erasure.user).delete()
    return {"deleted": deleted}


def _export_sessions(user: User) -> dict[str, int]:
    return {"signed_in_sessions": len(_session_keys(user))}


def _erase_sessions(erasure: Erasure) -> dict[str, int]:
    from django.contrib.sessions.models import Session

    deleted, _by_model = Session.objects.filter(session_key__in=_session_keys(erasure.user)).delete()
    return {"deleted": deleted}


def _session_keys(user: User) -> list[str]:
    from django.contrib.sessions.models import Session

    keys = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            keys.append(session.session_key)
    return keys


register("account", exporter=_export_account, eraser=_erase_account, description="The person's account.")
register(
    "email_addresses",
    exporter=_export_email_addresses,
    eraser=_erase_email_addresses,
    description="Email addresses the person signs in with.",
)
register(
    "single_sign_on",
    exporter=_export_single_sign_on,
    eraser=_erase_single_sign_on,
    description="Accounts at identity providers linked to this person.",
)
register(
    "two_factor",
    exporter=_export_two_factor,
    eraser=_erase_two_factor,
    description="Two-factor authenticators (types and dates only).",
)
register("sessions", exporter=_export_sessions, eraser=_erase_sessions, description="Signed-in browser sessions.")
register(
    "memberships",
    exporter=_export_memberships,
    eraser=_erase_memberships,
    description="Memberships of organisations, with unit, job title and roles.",
)
register(
    "invitations",
    exporter=_export_invitations,
    eraser=_erase_invitations,
    description="Invitations the person created, accepted or was sent.",
)


def _export_audit(user: User) -> list[dict[str, Any]]:
    from auditlog.models import LogEntry

    entries = LogEntry.objects.filter(actor=user).select_related("content_type").order_by("timestamp", "pk")
    return [
        {
            "timestamp": entry.timestamp.isoformat(),
            "action": str(entry.get_action_display()),
            "object_type": f"{entry.content_type.app_label}.{entry.content_type.model}",
            "object_id": entry.object_pk,
            "object": entry.object_repr,
            "changes": entry.changes,
            "remote_addr": entry.remote_addr,
        }
        for entry in entries
    ]


AUDIT_TEXT_FIELDS = ("object_repr", "changes_text", "changes", "serialized_data", "additional_data", "actor_email")


def _erase_audit(erasure: Erasure) -> dict[str, int]:
    """Keep every audit row; make the person's own entries pseudonymous and scrub mentions of them."""
    from auditlog.models import LogEntry

    acted = LogEntry.objects.filter(actor=erasure.user).update(
        actor_email=erasure.pseudonym_email, remote_addr=None, remote_port=None
    )
    scrubbed = 0
    for entry in LogEntry.objects.filter(erasure.text_filter(*AUDIT_TEXT_FIELDS)).iterator():
        changes = {name: erasure.scrub(getattr(entry, name)) for name in AUDIT_TEXT_FIELDS}
        scrubbed += LogEntry.objects.filter(pk=entry.pk).update(**changes)
    return {"pseudonymised_actor": acted, "scrubbed": scrubbed, "admin_scrubbed": _scrub_admin_log(erasure)}


def _scrub_admin_log(erasure: Erasure) -> int:
    from django.contrib.admin.models import LogEntry as AdminLogEntry

    scrubbed = 0
    for entry in AdminLogEntry.objects.filter(erasure.text_filter("object_repr", "change_message")).iterator():
        scrubbed += AdminLogEntry.objects.filter(pk=entry.pk).update(
            object_repr=erasure.scrub(entry.object_repr)[:200], change_message=erasure.scrub(entry.change_message)
        )
    return scrubbed


register(
    "audit",
    exporter=_export_audit,
    eraser=_erase_audit,
    description="Audit-log entries of the person's actions, and mentions of the person in the logs.",
)
