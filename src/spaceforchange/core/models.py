"""Organisations, their unit trees, people, memberships, roles and invitations."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person. Logs in with an email address; usernames are not used."""

    username = None  # type: ignore[assignment,misc]
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.email


class Role(models.TextChoices):
    """A role a member holds in an organisation; a member may hold several.

    ``member`` any staff member; ``owner`` runs their own initiatives; ``innovation_lead`` runs the portfolio;
    ``leader`` reads reports and decides stage gates; ``oversight`` reads everything and changes nothing;
    ``admin`` manages members, units, framework packs and settings.
    """

    MEMBER = "member", _("Member")
    OWNER = "owner", _("Initiative owner")
    INNOVATION_LEAD = "innovation_lead", _("Innovation lead")
    LEADER = "leader", _("Leader")
    OVERSIGHT = "oversight", _("Oversight")
    ADMIN = "admin", _("Administrator")


def person_field(related_name: str, verbose_name: Any) -> models.ForeignKey:  # type: ignore[type-arg]
    """An optional link to a person that outlives them: erasing or deleting the account empties it."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=verbose_name,
    )


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Oslo")
    default_language = models.CharField(_("default language"), max_length=8, default="en")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def organization(self) -> Organization:
        """Lets permission predicates treat the organisation like any object it owns."""
        return self


class UnitKind(models.TextChoices):
    """What sort of unit a node of the unit tree is; it labels the unit and does not restrict where it sits."""

    MINISTRY = "ministry", _("Ministry")
    AGENCY = "agency", _("Agency")
    MUNICIPALITY = "municipality", _("Municipality")
    DIVISION = "division", _("Division")
    DEPARTMENT = "department", _("Department")
    SECTION = "section", _("Section")
    TEAM = "team", _("Team")
    OTHER = "other", _("Other")


class Unit(models.Model):
    """A node in an organisation's unit tree (ministry → agency → department → team …)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="units")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent unit")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices, default=UnitKind.DEPARTMENT)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["organization", "parent", "name"], name="unique_unit_name_per_parent"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's place in one organisation. A person may hold memberships in several."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="memberships")
    title = models.CharField(_("job title"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        ordering = ["user__email"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}"

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(assignment.role for assignment in self.roles.all())

    def ordered_roles(self) -> list[MembershipRole]:
        """The role assignments in the order roles are listed everywhere (member first, admin last)."""
        order = {role: index for index, role in enumerate(Role.values)}
        return sorted(self.roles.all(), key=lambda assignment: order.get(assignment.role, len(order)))


class MembershipRole(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [models.UniqueConstraint(fields=["membership", "role"], name="unique_membership_role")]

    def __str__(self) -> str:
        return self.get_role_display()


class Invitation(models.Model):
    """An invitation by link. Only a hash of the token is stored."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"), blank=True)
    roles = models.JSONField(_("roles"), default=list)
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return self.email or str(_("open invitation"))

    def status(self, now: datetime | None = None) -> str:
        """One of ``InvitationStatus``; revocation and acceptance outrank expiry."""
        if self.revoked_at is not None:
            return InvitationStatus.REVOKED
        if self.accepted_at is not None:
            return InvitationStatus.ACCEPTED
        if self.expires_at <= (now or timezone.now()):
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING

    def get_status_display(self) -> str:
        return str(InvitationStatus(self.status()).label)

    def role_labels(self) -> list[str]:
        labels = dict(Role.choices)
        return [str(labels.get(role, role)) for role in self.roles]


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class AuditScope(models.Model):
    """The organisation an audit log entry belongs to.

    django-auditlog's entry knows only a content type and an object id, and a deleted object can
    no longer be looked up, so the organisation is resolved once, when the entry is written (see
    ``core.audit``).
    """

    log_entry = models.OneToOneField(
        getattr(settings, "AUDITLOG_LOGENTRY_MODEL", "auditlog.LogEntry"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="sfc_scope",
    )
    # A plain id, not a foreign key: entries must outlive the rows, and even the organisation, they describe.
    organization_id = models.BigIntegerField(_("organisation id"))

    class Meta:
        verbose_name = _("audit scope")
        verbose_name_plural = _("audit scopes")
        indexes = [models.Index(fields=["organization_id", "log_entry"], name="core_auditscope_org_entry")]

    def __str__(self) -> str:
        return f"{self.log_entry_id} @ {self.organization_id}"
