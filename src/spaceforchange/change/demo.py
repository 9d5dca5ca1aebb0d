"""Demo step: two change programmes in Northbay, and a scaling gate that reads their readiness.

Runs after the portfolio and budgeting steps (it links their initiatives and budget lines) and
the people step. "Home care reform" carries the everyday rehabilitation pilot and the home-care
apprentices; its workshop put top-management support (factor 4) at 2.4 after the director's
attention moved to the budget, and institutionalisation (factor 7) below 3 too, so its warnings
fire and Northbay's scaling gate refuses to scale the rehabilitation pilot, naming factor 4.
"One front door for residents" is the healthy counter-example: every factor at 3.4 or more, a
named sponsor, funded, with an institutionalisation step.

The scaling gate keeps the conditions it had (by default: a senior backer with a formal mandate
and no active cognitive constraint) and adds change readiness: factors 1–6 at 3 or more and a
named sponsor. The portfolio step scaled its initiatives before this gate existed, so the demo's
history stands. Re-seeding leaves an existing programme, and a gate that reads readiness, alone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from spaceforchange.analytics.portfolio import Stage, stages
from spaceforchange.budgeting.models import BudgetLine
from spaceforchange.change import services
from spaceforchange.change.models import ChangeProgramme, ProgrammeStatus, SupporterKind
from spaceforchange.change.terms import FACTORS
from spaceforchange.core.models import Organization, User
from spaceforchange.portfolio import selectors as portfolio_selectors
from spaceforchange.portfolio import services as portfolio_services
from spaceforchange.portfolio.models import Initiative

LEAD = "lead@northbay.example"
SCALING = Stage.SCALING
READINESS_GATE = stages.ChangeReadiness(min_score=3.0, factors=FACTORS[:6], require_sponsor=True)

HOME_CARE_REFORM = "Home care reform"
FRONT_DOOR = "One front door for residents"
BLOCKED_INITIATIVE = "Everyday rehabilitation after hospital discharge"


@dataclass(frozen=True)
class ProgrammeSpec:
    """One demo programme; dates are days from today (negative: in the past)."""

    name: str
    owner: str
    sponsor: str
    vision: str
    causal_theory: str
    institutionalisation_plan: str
    budget: Decimal
    fte: Decimal
    training: str
    time: str
    initiatives: tuple[str, ...]
    budget_unit: str
    # (title, due in days, done days ago or None, institutionalisation)
    milestones: tuple[tuple[str, int, int | None, bool], ...]
    # (name, aligned, note)
    subsystems: tuple[tuple[str, bool, str], ...]
    # (kind, member email or "", name, note)
    supporters: tuple[tuple[str, str, str, str], ...]
    # (factor, score, days ago, note) in the order the workshops recorded them
    readiness: tuple[tuple[str, str, int, str], ...]
    # evidence item keys in place
    evidence_done: tuple[str, ...] = ()
    # (evidence item key, note) checked and found missing
    evidence_missing: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def _person(name: str) -> str:
    return f"{name}@northbay.example"


WORKSHOP = "Workshop with the home-care team leaders, the union and the health and care director's staff."
FRONT_WORKSHOP = "Workshop with case officers, the contact centre and the chief of staff."
(NEED, PLAN, INTERNAL, TOP, EXTERNAL, RESOURCES, INSTITUTIONALIZE, COMPREHENSIVE) = FACTORS

PROGRAMMES: tuple[ProgrammeSpec, ...] = (
    ProgrammeSpec(
        HOME_CARE_REFORM,
        owner="owner@northbay.example",
        sponsor=_person("anders.bakken"),
        vision=(
            "Older residents live safely at home for longer, doing their own daily tasks again after a hospital "
            "stay, while home care spends its hours where they matter most."
        ),
        causal_theory=(
            "If physiotherapists and home-care staff train daily tasks with residents in their first weeks home, "
            "fewer residents need permanent help; the hours saved go to residents with the greatest needs."
        ),
        institutionalisation_plan=(
            "Everyday rehabilitation becomes the first offer in every service decision, written into the care "
            "plan template, and followed up in the quality report each quarter."
        ),
        budget=Decimal("4500000"),
        fte=Decimal("3.5"),
        training="Two days of rehabilitation training for every home-care worker, spread over 2027.",
        time="Team leaders get four hours a week to plan rehabilitation visits.",
        initiatives=(BLOCKED_INITIATIVE, "Apprentices in home care"),
        budget_unit="Home Care Services",
        milestones=(
            ("Everyday rehabilitation piloted with Team South", -300, 300, False),
            ("Rehabilitation offered in every home-care district", 60, None, False),
            ("Hospital agreement lets therapists meet patients before discharge", 150, None, False),
            ("Rehabilitation written into the service decision and care plan templates", 300, None, True),
        ),
        subsystems=(
            ("Care plans and service decisions", True, "The template has a rehabilitation section."),
            ("Rota and working hours", False, "Rehabilitation visits still have no place in the rota."),
            ("Skills and training", True, ""),
        ),
        supporters=(
            (SupporterKind.TOP_MANAGEMENT, _person("anders.bakken"), "", "Director of health and care."),
            (SupporterKind.POLITICAL, "", "Health and care committee", "Asked for the reform in its 2026 plan."),
            (SupporterKind.EXTERNAL_STAKEHOLDER, "", "Northbay Hospital Trust", "Discharge agreement under review."),
        ),
        readiness=(
            (NEED, "4.0", 200, WORKSHOP),
            (PLAN, "3.2", 200, WORKSHOP),
            (INTERNAL, "3.0", 200, WORKSHOP),
            (TOP, "3.4", 200, WORKSHOP),
            (EXTERNAL, "3.1", 200, WORKSHOP),
            (RESOURCES, "2.6", 200, WORKSHOP),
            (INSTITUTIONALIZE, "2.5", 200, WORKSHOP),
            (COMPREHENSIVE, "2.9", 200, WORKSHOP),
            (NEED, "4.2", 30, WORKSHOP),
            (PLAN, "3.6", 30, WORKSHOP),
            (INTERNAL, "3.2", 30, WORKSHOP),
            (
                TOP,
                "2.4",
                30,
                "Since the budget round the director has not attended the steering group; no one in top management "
                "speaks for the reform.",
            ),
            (EXTERNAL, "3.3", 30, WORKSHOP),
            (RESOURCES, "3.1", 30, "The 2027 budget funds the therapists."),
            (INSTITUTIONALIZE, "2.8", 30, WORKSHOP),
            (COMPREHENSIVE, "3.2", 30, WORKSHOP),
        ),
        evidence_done=(
            "case_documented",
            "vision_written",
            "communicated",
            "goals_defined",
            "milestones",
            "causal_theory",
            "participation",
            "employee_representatives",
            "champion",
            "political_overseers",
            "stakeholders_mapped",
            "dedicated_budget",
            "staff_assigned",
            "subsystems_mapped",
        ),
        evidence_missing=(
            ("visible_commitment", "The director has not spoken about the reform since the spring."),
            ("continuity", "No deputy sponsor if the director leaves."),
            ("routines_updated", "The care plan template is still the old one."),
        ),
    ),
    ProgrammeSpec(
        FRONT_DOOR,
        owner=LEAD,
        sponsor="leader@northbay.example",
        vision=(
            "Residents reach the municipality through one front door, by phone, chat or letter, and understand "
            "every answer they get."
        ),
        causal_theory=(
            "If decision letters are written in plain language and one contact centre answers first-line "
            "questions, residents call back less, complaints fall, and case officers gain time for hard cases."
        ),
        institutionalisation_plan=(
            "The plain-language standard becomes part of the case-handling routine and the annual service "
            "survey; the contact centre is a permanent unit from 2027."
        ),
        budget=Decimal("2100000"),
        fte=Decimal("2.0"),
        training="Plain-language course for every case officer; contact-centre training in 2027.",
        time="Each department sets aside one day a month for rewriting letters.",
        initiatives=("Plain-language decision letters",),
        budget_unit="Library",
        milestones=(
            ("Plain-language letters in building permits", -300, 300, False),
            ("Plain-language letters in every department", -30, 40, False),
            ("Plain-language standard in the case-handling routine", 90, None, True),
        ),
        subsystems=(
            ("Letter templates and case systems", True, ""),
            ("Skills and training", True, ""),
            ("Complaint handling and reporting", True, "Complaints about unclear letters are counted."),
        ),
        supporters=(
            (SupporterKind.TOP_MANAGEMENT, "leader@northbay.example", "", "Municipal director."),
            (SupporterKind.POLITICAL, "", "Mayor Lund", "Named the front door in the budget speech."),
            (SupporterKind.EXTERNAL_STAKEHOLDER, "", "Northbay residents' council", ""),
        ),
        readiness=(
            (NEED, "4.4", 45, FRONT_WORKSHOP),
            (PLAN, "3.9", 45, FRONT_WORKSHOP),
            (INTERNAL, "3.7", 45, FRONT_WORKSHOP),
            (TOP, "4.1", 45, FRONT_WORKSHOP),
            (EXTERNAL, "3.6", 45, FRONT_WORKSHOP),
            (RESOURCES, "3.5", 45, FRONT_WORKSHOP),
            (INSTITUTIONALIZE, "3.4", 45, FRONT_WORKSHOP),
            (COMPREHENSIVE, "3.5", 45, FRONT_WORKSHOP),
        ),
        evidence_done=(
            "case_documented",
            "vision_written",
            "communicated",
            "understood",
            "goals_defined",
            "milestones",
            "causal_theory",
            "reviewed_by_implementers",
            "participation",
            "concerns_answered",
            "champion",
            "visible_commitment",
            "political_overseers",
            "stakeholders_involved",
            "dedicated_budget",
            "training_funded",
            "routines_updated",
            "owner_after_project",
            "subsystems_mapped",
            "subsystems_aligned",
        ),
    ),
)


def seed(context: Any) -> None:
    organization: Organization = context.organizations["northbay"]
    people: dict[str, User] = context.people
    lead = people.get(LEAD)
    today = portfolio_services.today_in(organization)
    existing = set(ChangeProgramme.objects.filter(organization=organization).values_list("name", flat=True))
    for spec in PROGRAMMES:
        if spec.name not in existing:
            _programme(organization, spec, people, lead, today)
    configure_scaling_gate(organization, lead)


def configure_scaling_gate(organization: Organization, actor: User | None) -> None:
    """Add change readiness to the scaling gate, keeping the conditions the gate has now."""
    current = portfolio_selectors.gates_for(organization)[SCALING]
    if any(condition.kind == READINESS_GATE.kind for condition in current):
        return
    portfolio_services.configure_gate(
        organization=organization,
        stage=str(SCALING),
        conditions=[*(condition.as_dict() for condition in current), READINESS_GATE.as_dict()],
        actor=actor,
    )


def _programme(
    organization: Organization, spec: ProgrammeSpec, people: dict[str, User], lead: User | None, today: datetime.date
) -> ChangeProgramme:
    line = (
        BudgetLine.objects.filter(organization=organization, unit__name=spec.budget_unit, mandatory=False)
        .order_by("code", "pk")
        .first()
    )
    programme = services.create_programme(
        organization=organization,
        name=spec.name,
        status=ProgrammeStatus.UNDER_WAY,
        owner=people.get(spec.owner),
        sponsor=people.get(spec.sponsor),
        vision=spec.vision,
        causal_theory=spec.causal_theory,
        institutionalisation_plan=spec.institutionalisation_plan,
        resource_budget=spec.budget,
        resource_fte=spec.fte,
        resource_training=spec.training,
        resource_time=spec.time,
        initiatives=list(
            Initiative.objects.filter(organization=organization, title__in=spec.initiatives).order_by("pk")
        ),
        budget_lines=[line] if line is not None else [],
        actor=lead,
    )
    for title, due_in, done_ago, institutionalisation in spec.milestones:
        services.add_milestone(
            programme=programme,
            title=title,
            due_on=today + datetime.timedelta(days=due_in),
            done_on=today - datetime.timedelta(days=done_ago) if done_ago is not None else None,
            institutionalisation=institutionalisation,
            actor=lead,
        )
    for name, aligned, note in spec.subsystems:
        services.add_subsystem(programme=programme, name=name, aligned=aligned, note=note, actor=lead)
    for kind, email, name, note in spec.supporters:
        services.add_supporter(programme=programme, kind=kind, user=people.get(email), name=name, note=note, actor=lead)
    for factor, score, days_ago, note in spec.readiness:
        services.record_readiness(
            programme=programme,
            factor_key=factor,
            score=Decimal(score),
            assessed_on=today - datetime.timedelta(days=days_ago),
            note=note,
            actor=lead,
        )
    for item_key in spec.evidence_done:
        services.check_evidence(programme=programme, item_key=item_key, done=True, note="", actor=lead)
    for item_key, note in spec.evidence_missing:
        services.check_evidence(programme=programme, item_key=item_key, done=False, note=note, actor=lead)
    return programme
