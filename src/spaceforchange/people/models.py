"""Teams and their enablement for innovation (FRAMEWORKS.md §12).

A team belongs to one organisation and, optionally, to one of its units; its members are active
members of the organisation. Exploration shares are recorded per quarter ("2026-Q3"), one row
per team and quarter (re-recording updates it). Leader roles are the four roles of the
``self_managed_teams`` pack; a role is covered when someone holds it, a member (``holder``) or
a person outside the system (``holder_name``).

Individual archetypes are never stored here: they live only in the person's own survey
response, and the organisation reads them as group mixes (see ``selectors.archetype_mix``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from spaceforchange.core.models import Organization, Unit, person_field
from spaceforchange.people.terms import AUTONOMY_MAX, AUTONOMY_MIN, LEADER_ROLES, SELF_MANAGED_AUTONOMY

NAME_MAX = 200
DESCRIPTION_MAX = 2000
NOTE_MAX = 2000
PERIOD_PATTERN = r"^(20\d\d|2100)-Q[1-4]$"


class TransitionStatus(models.TextChoices):
    """Where a team is on the way to self-management (pack signal ``transition_status``)."""

    NOT_STARTED = "not_started", _("Not started")
    IN_TRANSITION = "in_transition", _("In transition")
    SELF_MANAGED = "self_managed", _("Self-managed")
    REVERTED = "reverted", _("Reverted to manager-led work")


class LeaderRoleKey(models.TextChoices):
    """The four leader roles of the ``self_managed_teams`` pack (items of kind ``role``)."""

    PARADOXICAL_LEADERSHIP = LEADER_ROLES[0], _("Paradoxical leadership")
    PROTECT_EXPLORATION = LEADER_ROLES[1], _("Protect exploration")
    REGULAR_STRATEGIC_ALIGNMENT = LEADER_ROLES[2], _("Regular strategic alignment")
    SHAPE_RISK_AND_LEARNING_CLIMATE = LEADER_ROLES[3], _("Shape the risk and learning climate")


class Team(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=NAME_MAX)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="teams", verbose_name=_("unit")
    )
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, blank=True)
    autonomy_level = models.PositiveSmallIntegerField(
        _("autonomy level"),
        default=AUTONOMY_MIN,
        validators=[MinValueValidator(AUTONOMY_MIN), MaxValueValidator(AUTONOMY_MAX)],
    )
    transition_status = models.CharField(
        _("transition status"), max_length=20, choices=TransitionStatus.choices, default=TransitionStatus.NOT_STARTED
    )
    transition_started_on = models.DateField(_("transition started on"), null=True, blank=True)
    last_alignment_on = models.DateField(_("last alignment session"), null=True, blank=True)
    archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint("organization", Lower("name"), name="people_unique_team_name"),
            models.CheckConstraint(
                condition=Q(autonomy_level__gte=AUTONOMY_MIN) & Q(autonomy_level__lte=AUTONOMY_MAX),
                name="people_team_autonomy_range",
            ),
            models.CheckConstraint(
                condition=Q(transition_status__in=TransitionStatus.values), name="people_team_transition_status"
            ),
        ]
        indexes = [models.Index(fields=["organization", "archived"], name="people_team_org_archived")]

    def __str__(self) -> str:
        return self.name

    @property
    def self_managed(self) -> bool:
        """Self-managed from autonomy level 3 (the pack's signal), or when the transition is complete."""
        return self.autonomy_level >= SELF_MANAGED_AUTONOMY or self.transition_status == TransitionStatus.SELF_MANAGED


class TeamMember(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members", verbose_name=_("team"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships", verbose_name=_("person")
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["team", "pk"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="people_unique_team_member")]
        indexes = [models.Index(fields=["organization", "user"], name="people_member_org_user")]

    def __str__(self) -> str:
        return f"{self.team_id}: {self.user_id}"


class ExplorationShare(models.Model):
    """The share (0–1) of a team's working time spent on exploration in one quarter."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="exploration_shares", verbose_name=_("team"))
    period = models.CharField(
        _("period"),
        max_length=7,
        validators=[RegexValidator(PERIOD_PATTERN, _("Enter a quarter as YYYY-Qn, for example 2026-Q3."))],
    )
    share = models.DecimalField(
        _("share of time on exploration"),
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    note = models.TextField(_("note"), max_length=NOTE_MAX, blank=True)
    recorded_by = person_field("+", _("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        ordering = ["team", "-period"]
        verbose_name = _("exploration share")
        verbose_name_plural = _("exploration shares")
        constraints = [
            models.UniqueConstraint(fields=["team", "period"], name="people_unique_exploration_period"),
            models.CheckConstraint(condition=Q(share__gte=0) & Q(share__lte=1), name="people_exploration_share_range"),
        ]
        indexes = [models.Index(fields=["organization", "period"], name="people_exploration_org_period")]

    def __str__(self) -> str:
        return f"{self.team_id} {self.period}: {self.share}"


class LeaderRole(models.Model):
    """Who performs one of the four leader roles for a team (covered iff a holder or a name)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="leader_roles", verbose_name=_("team"))
    role_key = models.CharField(_("leader role"), max_length=40, choices=LeaderRoleKey.choices)
    holder = person_field("leader_roles", _("held by"))
    holder_name = models.CharField(_("held by (name)"), max_length=NAME_MAX, blank=True)

    class Meta:
        ordering = ["team", "role_key"]
        verbose_name = _("leader role")
        verbose_name_plural = _("leader roles")
        constraints = [
            models.UniqueConstraint(fields=["team", "role_key"], name="people_unique_leader_role"),
            models.CheckConstraint(condition=Q(role_key__in=LEADER_ROLES), name="people_leader_role_key"),
        ]
        indexes = [models.Index(fields=["organization", "holder"], name="people_role_org_holder")]

    def __str__(self) -> str:
        return f"{self.team_id}: {self.role_key}"

    @property
    def covered(self) -> bool:
        return self.holder_id is not None or bool(self.holder_name.strip())
