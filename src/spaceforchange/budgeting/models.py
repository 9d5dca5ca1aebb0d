"""Strategy and money (FRAMEWORKS.md §11): the strategic construct, budget cycles and lines, scenarios.

The strategy's goals are the portfolio's goal list (``portfolio.Goal``, read here as
``StrategicGoal``): one list, weighed and owned, that initiatives, budget lines and units link to
through ``GoalContribution``. ``Initiative.goals`` is a many-to-many field *through*
``GoalContribution``, so an initiative's goal links and their scores are the same rows.

Money is stored as decimals with two places; the optimiser reads floats. What a check constraint
cannot see across rows (a dependency within one cycle, active weights adding up to 100) the
services check.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spaceforchange.core.models import Organization, Unit, person_field
from spaceforchange.portfolio.models import Goal

StrategicGoal = Goal

SCORE_MIN, SCORE_MAX = 0, 5
CADENCE_MAX_MONTHS = 120
MONEY = {"max_digits": 16, "decimal_places": 2}
KEY_LENGTH = 40


def _money(verbose_name: object, **options: object) -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(verbose_name, validators=[MinValueValidator(Decimal(0))], **MONEY, **options)  # type: ignore[arg-type]


class Strategy(models.Model):
    """The organisation's strategic construct: a future vision revised on a cadence (one per organisation).

    ``next_revision_due`` is kept by the services: the day ``last_revised_at`` plus the cadence falls on.
    """

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="strategy")
    vision = models.TextField(_("future vision"), blank=True, max_length=8000)
    revision_cadence_months = models.PositiveSmallIntegerField(
        _("revision cadence in months"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(CADENCE_MAX_MONTHS)],
    )
    last_revised_at = models.DateTimeField(_("last revised"), null=True, blank=True)
    next_revision_due = models.DateField(_("next revision due"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        constraints = [
            models.CheckConstraint(
                condition=Q(revision_cadence_months__gte=1) & Q(revision_cadence_months__lte=CADENCE_MAX_MONTHS),
                name="strategy_cadence_range",
            )
        ]

    def __str__(self) -> str:
        return str(self.organization_id)

    def is_overdue(self, today: datetime.date) -> bool:
        """A revision was due before ``today``; a strategy never revised is not overdue, it is new."""
        return self.next_revision_due is not None and self.next_revision_due < today


class StrategyRevision(models.Model):
    """One saved version of the strategy: what changed (``summary`` and the computed ``changes``) and why.

    ``snapshot`` holds the vision, the cadence and the goals as revised
    (``{"vision", "cadence_months", "goals": [{"id", "title", "weight", "owner_id", "description", "active"}]}``);
    ``changes`` is the difference from the previous revision's snapshot (``domain.diff_snapshots``).
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision number"))
    revised_at = models.DateTimeField(_("revised"), default=timezone.now)
    revised_by = person_field("+", _("revised by"))
    summary = models.TextField(_("what changed"), max_length=4000)
    reason = models.TextField(_("why"), max_length=4000)
    snapshot = models.JSONField(_("snapshot"), default=dict)
    changes = models.JSONField(_("changes from the previous revision"), default=dict)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("strategy revision")
        verbose_name_plural = _("strategy revisions")
        constraints = [models.UniqueConstraint(fields=["strategy", "number"], name="unique_strategy_revision")]
        indexes = [models.Index(fields=["organization", "revised_at"], name="budgeting_revision_time")]

    def __str__(self) -> str:
        return f"{self.strategy_id} #{self.number}"


class Purpose(models.TextChoices):
    """The three purposes to balance (pack ``strategic_allocation``, kind ``purpose``)."""

    INNOVATION = "innovation", _("Innovation")
    EFFICIENCY = "efficiency", _("Operational efficiency")
    SERVICE_DELIVERY = "service_delivery", _("Service delivery")


class Basis(models.TextChoices):
    CARRIED_OVER = "carried_over", _("Carried over")
    RE_DECIDED = "re_decided", _("Re-decided")


class CycleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    DECIDED = "decided", _("Decided")


class BudgetCycle(models.Model):
    """A budget year or period.

    ``target_purpose_mix`` is the mix the organisation aims for (``{purpose: share}``, shares add up
    to 1), read by the indicators; ``purpose_bounds`` (``{purpose: {"min": share, "max": share}}``)
    are hard bounds the optimiser must respect.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="budget_cycles")
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    total_budget = _money(_("total budget"))
    target_purpose_mix = models.JSONField(_("target purpose mix"), default=dict, blank=True)
    purpose_bounds = models.JSONField(_("purpose bounds"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=CycleStatus.choices, default=CycleStatus.DRAFT)
    created_by = person_field("+", _("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("budget cycle")
        verbose_name_plural = _("budget cycles")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="unique_budget_cycle_name"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="budget_cycle_dates"),
            models.CheckConstraint(condition=Q(total_budget__gte=0), name="budget_cycle_total"),
        ]
        indexes = [models.Index(fields=["organization", "starts_on"], name="budgeting_cycle_start")]

    def __str__(self) -> str:
        return self.name


class BudgetLine(models.Model):
    """A line of a cycle's budget: who spends how much, on what purpose, decided how.

    ``max_change`` is the largest relative change from ``previous_amount`` the optimiser may make
    (0.2 = ±20 %); ``locked`` fixes the line at its current amount.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="budget_lines")
    cycle = models.ForeignKey(BudgetCycle, on_delete=models.CASCADE, related_name="lines", verbose_name=_("cycle"))
    code = models.CharField(_("code"), max_length=KEY_LENGTH)
    title = models.CharField(_("title"), max_length=200)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="budget_lines", verbose_name=_("unit"))
    amount = _money(_("amount"))
    previous_amount = _money(_("previous amount"), null=True, blank=True)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices, default=Basis.RE_DECIDED)
    mandatory = models.BooleanField(_("mandatory (legal obligation)"), default=False)
    max_change = models.FloatField(
        _("maximum change from last cycle"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    locked = models.BooleanField(_("locked"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["code", "pk"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "code"], name="unique_budget_line_code"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_amount"),
            models.CheckConstraint(
                condition=Q(previous_amount__isnull=True) | Q(previous_amount__gte=0), name="budget_line_previous"
            ),
            models.CheckConstraint(
                condition=Q(max_change__isnull=True) | Q(max_change__gte=0), name="budget_line_change"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "cycle", "unit"], name="budgeting_line_unit"),
            models.Index(fields=["cycle", "purpose"], name="budgeting_line_purpose"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class LineImport(models.Model):
    """One import of budget lines: the audit log's record of it (the lines are written in bulk, not one by one)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(BudgetCycle, on_delete=models.CASCADE, related_name="imports")
    format = models.CharField(_("format"), max_length=10)
    created = models.PositiveIntegerField(_("lines added"))
    updated = models.PositiveIntegerField(_("lines updated"))
    codes = models.JSONField(_("codes"), default=list)
    imported_by = person_field("+", _("imported by"))
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("budget line import")
        verbose_name_plural = _("budget line imports")

    def __str__(self) -> str:
        return f"{self.cycle_id}: +{self.created} ~{self.updated}"


class GoalContribution(models.Model):
    """How much an initiative, a budget line or a unit contributes to a goal (0–5), and the evidence.

    Exactly one subject per row. ``score`` is empty only for an initiative linked to a goal from
    the initiative form, before anyone scored the link.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("goal"))
    score = models.PositiveSmallIntegerField(
        _("contribution score"),
        null=True,
        blank=True,
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
    )
    evidence = models.TextField(_("evidence"), blank=True, max_length=4000)
    initiative = models.ForeignKey(
        "portfolio.Initiative", on_delete=models.CASCADE, null=True, blank=True, related_name="goal_contributions"
    )
    budget_line = models.ForeignKey(
        BudgetLine, on_delete=models.CASCADE, null=True, blank=True, related_name="goal_contributions"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="goal_contributions")
    updated_by = person_field("+", _("updated by"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["goal", "pk"]
        verbose_name = _("goal contribution")
        verbose_name_plural = _("goal contributions")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(initiative__isnull=False, budget_line__isnull=True, unit__isnull=True)
                    | Q(initiative__isnull=True, budget_line__isnull=False, unit__isnull=True)
                    | Q(initiative__isnull=True, budget_line__isnull=True, unit__isnull=False)
                ),
                name="contribution_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=SCORE_MIN) & Q(score__lte=SCORE_MAX)),
                name="contribution_score_range",
            ),
            models.UniqueConstraint(
                fields=["goal", "initiative"], condition=Q(initiative__isnull=False), name="unique_initiative_goal"
            ),
            models.UniqueConstraint(
                fields=["goal", "budget_line"], condition=Q(budget_line__isnull=False), name="unique_line_goal"
            ),
            models.UniqueConstraint(fields=["goal", "unit"], condition=Q(unit__isnull=False), name="unique_unit_goal"),
        ]
        indexes = [models.Index(fields=["organization", "goal"], name="budgeting_contribution_goal")]

    def __str__(self) -> str:
        return f"{self.goal_id}: {self.score}"


class FundingOption(models.Model):
    """One way to fund a line: a cost and what it contributes (``{goal id: score 0–5}``, ids as text).

    With ``scale`` set, the contributions follow the line's goal scores times ``scale`` (the default
    options: none 0, half 0.5, full 1) and are recomputed whenever those scores change; without
    it, the option is a package with contributions of its own.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="options", verbose_name=_("line"))
    key = models.SlugField(_("key"), max_length=KEY_LENGTH)
    label = models.CharField(_("label"), max_length=100)
    cost = _money(_("cost"))
    contributions = models.JSONField(_("contributions"), default=dict, blank=True)
    scale = models.FloatField(_("share of the line's contribution"), null=True, blank=True)

    class Meta:
        ordering = ["line", "cost", "key"]
        verbose_name = _("funding option")
        verbose_name_plural = _("funding options")
        constraints = [
            models.UniqueConstraint(fields=["line", "key"], name="unique_funding_option_key"),
            models.CheckConstraint(condition=Q(cost__gte=0), name="funding_option_cost"),
        ]

    def __str__(self) -> str:
        return f"{self.line_id}:{self.key}"


class LineDependency(models.Model):
    """``line`` can be funded only if ``requires`` is (a line of the same cycle; the services check it)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="dependencies")
    requires = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="required_by")

    class Meta:
        ordering = ["line", "requires"]
        verbose_name = _("line dependency")
        verbose_name_plural = _("line dependencies")
        constraints = [
            models.UniqueConstraint(fields=["line", "requires"], name="unique_line_dependency"),
            models.CheckConstraint(condition=~Q(line=F("requires")), name="line_dependency_not_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} → {self.requires_id}"


class UnitEnvelope(models.Model):
    """A unit's floor and ceiling in a cycle: the optimiser keeps the unit's total between them."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(BudgetCycle, on_delete=models.CASCADE, related_name="envelopes")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="budget_envelopes", verbose_name=_("unit"))
    floor = _money(_("floor"), default=Decimal(0))
    ceiling = _money(_("ceiling"), null=True, blank=True)

    class Meta:
        ordering = ["cycle", "unit"]
        verbose_name = _("unit envelope")
        verbose_name_plural = _("unit envelopes")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "unit"], name="unique_unit_envelope"),
            models.CheckConstraint(
                condition=Q(ceiling__isnull=True) | Q(ceiling__gte=F("floor")), name="unit_envelope_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.floor}–{self.ceiling}"


class UnitContributionStatement(models.Model):
    """A unit's statement of its strategic contribution in a cycle, and leadership's review of it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(BudgetCycle, on_delete=models.CASCADE, related_name="statements")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="contribution_statements")
    statement = models.TextField(_("statement"), max_length=4000)
    evidence = models.TextField(_("evidence"), blank=True, max_length=4000)
    goals = models.ManyToManyField(Goal, blank=True, related_name="statements", verbose_name=_("goals"))
    submitted_by = person_field("+", _("submitted by"))
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    demonstrated = models.BooleanField(_("contribution demonstrated"), default=False)
    review_note = models.TextField(_("review note"), blank=True, max_length=4000)
    reviewed_by = person_field("+", _("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        ordering = ["cycle", "unit"]
        verbose_name = _("contribution statement")
        verbose_name_plural = _("contribution statements")
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"], name="unique_unit_statement")]
        indexes = [models.Index(fields=["organization", "cycle"], name="budgeting_statement_cycle")]

    def __str__(self) -> str:
        return f"{self.cycle_id}/{self.unit_id}"


class Method(models.TextChoices):
    CURRENT = "current", _("Current allocation")
    OPTIMISED = "optimised", _("Optimised")
    GREEDY = "greedy", _("Greedy by score")
    MANUAL = "manual", _("Manual")


class ScenarioStatus(models.TextChoices):
    """``analytics.allocation.Status``: an optimised scenario is optimal, feasible (not proven optimal)
    or infeasible, or ran out of time or failed; a current or greedy one is feasible or breaks constraints."""

    OPTIMAL = "optimal", _("Optimal")
    FEASIBLE = "feasible", _("Feasible")
    INFEASIBLE = "infeasible", _("Infeasible")
    TIME_LIMIT = "time_limit", _("Out of time")
    ERROR = "error", _("Solver failed")
    VIOLATES_CONSTRAINTS = "violates_constraints", _("Breaks constraints")


class Scenario(models.Model):
    """An allocation of a cycle: one funding option per line, its figures, and whether it was adopted.

    ``chosen`` maps line ids (as text) to option keys; ``figures`` is ``analytics.allocation.evaluate``'s
    result as JSON; ``conflicts`` names the constraints that make an infeasible problem infeasible.
    Adopting records the decision (``adopted_at``, ``adopted_by``, ``adoption_note``); at most one
    scenario of a cycle is adopted.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(BudgetCycle, on_delete=models.CASCADE, related_name="scenarios")
    name = models.CharField(_("name"), max_length=100)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    status = models.CharField(_("status"), max_length=24, choices=ScenarioStatus.choices)
    objective = models.FloatField(_("strategic value"), default=0)
    total_cost = _money(_("total cost"), default=Decimal(0))
    gap = models.FloatField(_("optimality gap"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"), default=0)
    chosen = models.JSONField(_("chosen options"), default=dict, blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    conflicts = models.JSONField(_("conflicts"), default=list, blank=True)
    adopted_at = models.DateTimeField(_("adopted"), null=True, blank=True)
    adopted_by = person_field("+", _("adopted by"))
    adoption_note = models.TextField(_("decision"), blank=True, max_length=4000)
    created_by = person_field("+", _("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["cycle", "created_at", "pk"]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "name"], name="unique_scenario_name"),
            models.UniqueConstraint(
                fields=["cycle"], condition=Q(adopted_at__isnull=False), name="one_adopted_scenario_per_cycle"
            ),
        ]
        indexes = [models.Index(fields=["organization", "cycle"], name="budgeting_scenario_cycle")]

    def __str__(self) -> str:
        return self.name
