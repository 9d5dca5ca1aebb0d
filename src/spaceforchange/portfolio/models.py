"""Initiatives and what surrounds them: goals, stage transitions, gates, constraints, backing, setbacks.

Vocabulary fields (change form, initiator level, trigger, constraint family, object, effect and
status, backing level and commitment) store the item keys of the organisation's effective packs
(``forms_of_change``, ``who_innovates``, ``space_for_change``, ``first_step``); the services check
them against those packs, so an organisation that edits a pack edits the choices. History rows
(transitions, constraint status changes, backing entries, setbacks) are only ever appended.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spaceforchange.core.models import Organization, Unit, person_field

KEY_LENGTH = 63
SEVERITY_MIN, SEVERITY_MAX = 1, 5
WEIGHT_MAX = 100


class Stage(models.TextChoices):
    """The trajectory of the first-step framework (pack ``first_step``, kind ``stage``)."""

    IDEA = "idea", _("Idea")
    EXPERIMENT = "experiment", _("Experiment")
    SCALING = "scaling", _("Scaling")
    INTEGRATED = "integrated", _("Integrated")
    STOPPED = "stopped", _("Stopped")


class Goal(models.Model):
    """A strategic goal of the organisation's strategy (FRAMEWORKS.md §11 and §13).

    The one goal list: initiatives, budget lines and units link to it through
    ``budgeting.GoalContribution`` (a score 0–5 and its evidence); ``budgeting`` reads it as
    ``StrategicGoal``. ``weight`` is the goal's share of the strategy in points: the weights of the
    active goals add up to 100 whenever a strategy revision is saved. A goal added from the goal
    list between revisions weighs 0 until the next revision gives it a weight.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=0, validators=[MinValueValidator(0), MaxValueValidator(WEIGHT_MAX)]
    )
    owner = person_field("owned_goals", _("owner"))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.UniqueConstraint(fields=["organization", "title"], name="unique_goal_title"),
            models.CheckConstraint(condition=Q(weight__lte=WEIGHT_MAX), name="goal_weight_at_most_100"),
        ]

    def __str__(self) -> str:
        return self.title


class Initiative(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="initiatives")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, max_length=4000)
    # The lead unit; ``units`` lists the others taking part.
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="initiatives", verbose_name=_("unit")
    )
    units = models.ManyToManyField(Unit, blank=True, related_name="shared_initiatives", verbose_name=_("other units"))
    owner = person_field("owned_initiatives", _("owner"))
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="initiative_teams", verbose_name=_("team")
    )
    # Through the strategy's contributions: a link is a contribution row, scored or not yet scored.
    goals = models.ManyToManyField(
        Goal,
        blank=True,
        related_name="initiatives",
        verbose_name=_("goals"),
        through="budgeting.GoalContribution",
        through_fields=("initiative", "goal"),
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.IDEA)
    change_form = models.CharField(_("change form"), max_length=KEY_LENGTH, blank=True)
    initiator_level = models.CharField(_("initiator level"), max_length=KEY_LENGTH, blank=True)
    trigger = models.CharField(_("trigger"), max_length=KEY_LENGTH, blank=True)
    uses_ai = models.BooleanField(_("uses AI"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        constraints = [models.UniqueConstraint(fields=["organization", "title"], name="unique_initiative_title")]

    def __str__(self) -> str:
        return self.title


class StageTransition(models.Model):
    """A recorded stage decision. The first row of an initiative (empty ``from_stage``) is its registration."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="transitions")
    from_stage = models.CharField(_("from stage"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to stage"), max_length=20, choices=Stage.choices)
    decided_by = person_field("+", _("decided by"))
    decided_on = models.DateField(_("decided on"))
    reason = models.TextField(_("reason"), blank=True, max_length=4000)
    reference = models.CharField(_("decision reference"), max_length=200, blank=True)
    recorded_by = person_field("+", _("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["decided_on", "pk"]
        verbose_name = _("stage transition")
        verbose_name_plural = _("stage transitions")
        indexes = [models.Index(fields=["initiative", "decided_on"], name="portfolio_transition_order")]

    def __str__(self) -> str:
        return f"{self.from_stage or '-'} → {self.to_stage} ({self.decided_on})"


class StageGate(models.Model):
    """The conditions an organisation sets for entering a stage, in the pure rules' stored form."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="stage_gates")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    conditions = models.JSONField(_("conditions"), default=list)
    updated_by = person_field("+", _("updated by"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["stage"]
        verbose_name = _("stage gate")
        verbose_name_plural = _("stage gates")
        constraints = [models.UniqueConstraint(fields=["organization", "stage"], name="unique_stage_gate")]

    def __str__(self) -> str:
        return self.stage


class Constraint(models.Model):
    """One constraint of an initiative's inventory (FRAMEWORKS.md §1); ``status`` is its latest status."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="constraints")
    family = models.CharField(_("family"), max_length=KEY_LENGTH)
    object = models.CharField(_("object"), max_length=KEY_LENGTH, blank=True)
    effect = models.CharField(_("effect"), max_length=KEY_LENGTH, blank=True)
    description = models.TextField(_("description"), max_length=2000)
    severity = models.PositiveSmallIntegerField(
        _("severity"), validators=[MinValueValidator(SEVERITY_MIN), MaxValueValidator(SEVERITY_MAX)]
    )
    owner_stakeholder = models.CharField(_("owner stakeholder"), max_length=200, blank=True)
    # What is being done about it; the first-step framework asks for one on every cognitive constraint.
    mitigation = models.TextField(_("mitigation"), blank=True, max_length=2000)
    status = models.CharField(_("status"), max_length=KEY_LENGTH)
    added_on = models.DateField(_("added on"))
    created_by = person_field("+", _("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-severity", "pk"]
        verbose_name = _("constraint")
        verbose_name_plural = _("constraints")
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__gte=SEVERITY_MIN) & Q(severity__lte=SEVERITY_MAX), name="constraint_severity"
            )
        ]

    def __str__(self) -> str:
        return self.description[:80]


class ConstraintStatusChange(models.Model):
    """One status of a constraint from a date on; the first row (empty ``from_status``) is its recording."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    constraint = models.ForeignKey(Constraint, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from status"), max_length=KEY_LENGTH, blank=True)
    to_status = models.CharField(_("to status"), max_length=KEY_LENGTH)
    changed_on = models.DateField(_("changed on"))
    note = models.TextField(_("note"), blank=True, max_length=2000)
    changed_by = person_field("+", _("changed by"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["changed_on", "pk"]
        verbose_name = _("constraint status change")
        verbose_name_plural = _("constraint status changes")

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status} ({self.changed_on})"


class Backing(models.Model):
    """A backer's commitment on a date; an empty ``commitment`` records a withdrawal.

    The backer is a person of the organisation or, for politicians and partners without an
    account, only a name; a person's name is kept too, so the entry still reads after the account
    goes. The latest entry per backer is the current commitment.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="backing")
    backer = person_field("+", _("backer"))
    backer_name = models.CharField(_("backer's name"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=KEY_LENGTH)
    commitment = models.CharField(_("commitment"), max_length=KEY_LENGTH, blank=True)
    recorded_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True, max_length=2000)
    recorded_by = person_field("+", _("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["recorded_on", "pk"]
        verbose_name = _("backing entry")
        verbose_name_plural = _("backing entries")
        constraints = [models.CheckConstraint(condition=~Q(backer_name=""), name="backing_names_a_backer")]

    def __str__(self) -> str:
        return f"{self.backer_name}: {self.commitment or '-'} ({self.recorded_on})"


class Setback(models.Model):
    """Something that went wrong, and whether the support held (``None``: not yet known)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="setbacks")
    occurred_on = models.DateField(_("date"))
    description = models.TextField(_("description"), max_length=2000)
    support_held = models.BooleanField(_("support held"), null=True, blank=True)
    recorded_by = person_field("+", _("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["occurred_on", "pk"]
        verbose_name = _("setback")
        verbose_name_plural = _("setbacks")

    def __str__(self) -> str:
        return self.description[:80]


# --- Idea box -----------------------------------------------------------------------------------

ANSWER_DAYS_DEFAULT = 30


class IdeaStatus(models.TextChoices):
    """Where an idea stands; every status but ``submitted`` is a decision."""

    SUBMITTED = "submitted", _("Waiting for an answer")
    ADOPTED = "adopted", _("Adopted as an initiative")
    MERGED = "merged", _("Merged into another idea")
    DECLINED = "declined", _("Declined")
    PARKED = "parked", _("Parked")


class Idea(models.Model):
    """An idea from the idea box (PRODUCT.md: any member submits, a sponsor answers in time).

    ``submitted_by`` is kept even for an anonymous idea: the audit log and the submitter's own
    list need it, while pages and the API leave it out for everyone else.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="ideas")
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem"), max_length=4000)
    proposal = models.TextField(_("proposal"), max_length=4000)
    beneficiaries = models.TextField(_("who benefits"), blank=True, max_length=2000)
    public_value = models.TextField(_("expected public value"), blank=True, max_length=2000)
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="ideas", verbose_name=_("unit")
    )
    submitted_by = person_field("submitted_ideas", _("submitted by"))
    anonymous = models.BooleanField(_("anonymous towards colleagues"), default=False)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    sponsor = person_field("sponsored_ideas", _("sponsor"))
    status = models.CharField(_("status"), max_length=20, choices=IdeaStatus.choices, default=IdeaStatus.SUBMITTED)
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("initiative"),
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged", verbose_name=_("merged into")
    )
    reason = models.TextField(_("reason"), blank=True, max_length=4000)
    decided_by = person_field("+", _("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    supporters = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="supported_ideas", verbose_name=_("supporters")
    )
    challenge = models.ForeignKey(
        "Challenge", on_delete=models.SET_NULL, null=True, blank=True, related_name="ideas", verbose_name=_("challenge")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "pk"]
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        indexes = [models.Index(fields=["organization", "status", "submitted_at"], name="portfolio_idea_waiting")]

    def __str__(self) -> str:
        return self.title


class IdeaSponsor(models.Model):
    """Who sponsors the ideas of a unit and the units below it; no unit: the organisation's default."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="idea_sponsors")
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("sponsor")
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("idea sponsor")
        verbose_name_plural = _("idea sponsors")
        constraints = [
            models.UniqueConstraint(fields=["organization", "unit"], name="unique_idea_sponsor_unit"),
            models.UniqueConstraint(
                fields=["organization"], condition=Q(unit__isnull=True), name="unique_idea_sponsor_default"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit or '-'}: {self.person}"


class IdeaSettings(models.Model):
    """The organisation's idea-box settings: the answer guarantee in days."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="idea_settings")
    answer_days = models.PositiveSmallIntegerField(
        _("answer guarantee in days"),
        default=ANSWER_DAYS_DEFAULT,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )

    class Meta:
        verbose_name = _("idea settings")
        verbose_name_plural = _("idea settings")

    def __str__(self) -> str:
        return str(self.answer_days)


class Challenge(models.Model):
    """A time-boxed call for ideas on a theme; ideas may be submitted to it until ``closes_on``.

    ``evaluators`` are the people who score its ideas on the criteria of the ``idea_evaluation`` pack.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="challenges")
    title = models.CharField(_("title"), max_length=200)
    theme = models.TextField(_("theme"), max_length=4000)
    closes_on = models.DateField(_("closes on"))
    evaluators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="evaluated_challenges", verbose_name=_("evaluators")
    )
    created_by = person_field("+", _("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-closes_on", "pk"]
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        constraints = [models.UniqueConstraint(fields=["organization", "title"], name="unique_challenge_title")]

    def __str__(self) -> str:
        return self.title


class IdeaEvaluation(models.Model):
    """One evaluator's scores for one idea of a challenge: criterion key → score from 1 to 5.

    Keyed by the criteria of the organisation's ``idea_evaluation`` pack at the time of scoring;
    the ranking reads only the criteria the pack still has, so an override changes no stored score.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="idea_evaluations")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("idea"))
    # Erasing an evaluator keeps their scores in the ranking, no longer linked to them.
    evaluator = person_field("idea_evaluations", _("evaluator"))
    scores = models.JSONField(_("scores"), default=dict)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    evaluated_at = models.DateTimeField(_("evaluated"), auto_now=True)

    class Meta:
        ordering = ["idea", "evaluator"]
        verbose_name = _("idea evaluation")
        verbose_name_plural = _("idea evaluations")
        constraints = [models.UniqueConstraint(fields=["idea", "evaluator"], name="unique_idea_evaluation")]

    def __str__(self) -> str:
        return f"{self.idea_id}/{self.evaluator_id}"


# --- Portfolio ----------------------------------------------------------------------------------


class PortfolioTarget(models.Model):
    """The mix of change forms the organisation aims for (FRAMEWORKS.md §10: blend the forms deliberately).

    ``shares`` maps change-form keys of the ``forms_of_change`` pack to shares between 0 and 1
    that add up to 1. Without a row the portfolio page reads equal shares of the pack's forms.
    """

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="portfolio_target")
    shares = models.JSONField(_("target shares"), default=dict)
    updated_by = person_field("+", _("updated by"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("portfolio target")
        verbose_name_plural = _("portfolio targets")

    def __str__(self) -> str:
        return ", ".join(f"{key}: {value}" for key, value in sorted(self.shares.items()))
