"""Demo step: Northbay's policy register, with one policy at "manifest tension".

Runs after the legitimacy step. Five policies: the home-care visit-time standard, strained by
scrutiny reports from front-line nurses (one answered by its manager) and judged unfair by the
nurses' union, so it stands at manifest tension and has risen there within the last months; two
with recorded signals (complaints falling away; a newspaper story and a court case); one without
a manager for months; one aligned. Everything goes through the services in date order, and the
index is stored on the day of each event, so the policy page has a history and the
``tension_escalating`` and ``policy_without_manager`` warnings fire. Re-seeding leaves an
existing policy alone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from spaceforchange.core.models import Organization
from spaceforchange.legitimacy import services as legitimacy_services
from spaceforchange.legitimacy.models import Stakeholder
from spaceforchange.policies import services
from spaceforchange.policies.models import Policy, ScrutinyReport

OWNER = "owner@northbay.example"
LEAD = "lead@northbay.example"
FRONT_LINE = (
    "member@northbay.example",
    "kari.nordmann@northbay.example",
    "silje.pedersen@northbay.example",
    "jonas.andersen@northbay.example",
)
UNION = "The nurses' union"


@dataclass(frozen=True)
class PolicyStory:
    title: str
    summary: str
    legal_basis: str
    manager: str | None
    units: tuple[str, ...]
    registered_days_ago: int
    # (days ago, kind, arguments) in date order; kinds: report, answer, signal, judgment.
    events: tuple[tuple[int, str, dict[str, Any]], ...] = field(default_factory=tuple)


VISIT_TIMES = PolicyStory(
    "Standard visit times in home care",
    "Each home-care task has a standard time (15 minutes for medication, 30 for a shower); "
    "the day's route is planned from the standard times.",
    "Municipal council decision on service levels in home care (2021).",
    OWNER,
    ("Home Care Services", "Team North", "Team South"),
    400,
    (
        (120, "judgment", {"legitimacy_type": "regulatory", "state": "legitimate"}),
        (
            75,
            "report",
            {
                "by": 0,
                "what_happened": "A resident with dementia needed 35 minutes to take her medication calmly; "
                "I had 15 and was late for the next three visits.",
                "legitimacy_type": "pragmatic",
                "frequency": "daily",
                "proposed_change": "Let the team lead adjust standard times for residents with dementia.",
            },
        ),
        (
            50,
            "report",
            {
                "by": 1,
                "what_happened": "I left a resident who was crying because the route said the visit was over.",
                "legitimacy_type": "normative",
                "frequency": "weekly",
                "anonymous": True,
            },
        ),
        (
            40,
            "judgment",
            {
                "legitimacy_type": "normative",
                "state": "conditional_illegitimacy",
                "mitigating_factors": "The union accepts standard times for planning, not as a limit on a visit.",
            },
        ),
        (35, "answer", {"report": 0, "answer": "Team leads may now add ten minutes for residents with dementia."}),
        (
            20,
            "report",
            {
                "by": 2,
                "what_happened": "Showering takes longer in winter with support stockings; the 30 minutes do "
                "not cover it.",
                "legitimacy_type": "pragmatic",
                "frequency": "weekly",
                "proposed_change": "Review the standard times each season with the nurses.",
            },
        ),
        (
            6,
            "report",
            {
                "by": 3,
                "what_happened": "Residents ask why we look at the clock all the time; several feel rushed.",
                "legitimacy_type": "cognitive",
                "frequency": "daily",
                "anonymous": True,
            },
        ),
    ),
)

NORTHBAY_POLICIES: tuple[PolicyStory, ...] = (
    VISIT_TIMES,
    PolicyStory(
        "Parking permits for home-care cars",
        "Home-care cars may park in residents-only zones during visits, with a permit in the window.",
        "Local traffic regulations, section 4.",
        "heidi.ruud@northbay.example",
        ("Roads and Parks", "Home Care Services"),
        300,
        (
            (160, "signal", {"signal": "complaints", "count": 9, "note": "Residents without parking spaces."}),
            (130, "signal", {"signal": "complaints", "count": 6}),
            (70, "signal", {"signal": "complaints", "count": 2}),
        ),
    ),
    PolicyStory(
        "Deadline for answering building applications",
        "Building applications are answered within three weeks, or the permit counts as given.",
        "Planning and Building Act, section 21-7.",
        "mona.fredriksen@northbay.example",
        ("Planning and Building",),
        500,
        (
            (45, "signal", {"signal": "media_attention", "count": 1, "note": "Local paper on a permit by default."}),
            (15, "signal", {"signal": "litigation", "count": 1, "note": "A neighbour appeals to the county."}),
        ),
    ),
    PolicyStory(
        "Age limit for staffless library hours",
        "Only cardholders aged 15 and over may use the library in staffless hours.",
        "Library board decision (2023).",
        None,
        ("Library",),
        120,
    ),
    PolicyStory(
        "Waste sorting at municipal buildings",
        "Every municipal building sorts food waste, plastic, paper and residual waste.",
        "Municipal climate plan 2022-2030.",
        LEAD,
        ("Technical Services",),
        200,
    ),
)


def _union(organization: Organization) -> Stakeholder:
    existing = Stakeholder.objects.filter(organization=organization, name=UNION).first()
    if existing is not None:
        return existing
    return legitimacy_services.create_stakeholder(
        organization=organization,
        name=UNION,
        category="staff_and_unions",
        influence=4,
        interest=5,
        notes="Represents the nurses in home care and the nursing homes.",
    )


def _apply(policy: Policy, event: tuple[int, str, dict[str, Any]], today: datetime.date, context: Any) -> None:
    days_ago, kind, arguments = event
    on = today - datetime.timedelta(days=days_ago)
    moment = timezone.now() - datetime.timedelta(days=days_ago)
    values = dict(arguments)
    if kind == "report":
        reporter = context.people[FRONT_LINE[values.pop("by")]]
        services.file_scrutiny_report(policy=policy, reported_by=reporter, reported_at=moment, **values)
    elif kind == "answer":
        reports = list(ScrutinyReport.objects.filter(policy=policy).order_by("reported_at", "pk"))
        assert policy.manager is not None
        services.answer_scrutiny_report(
            report=reports[values.pop("report")], answered_by=policy.manager, answer=values["answer"]
        )
    elif kind == "signal":
        services.record_signal(policy=policy, period_start=on, recorded_by=policy.manager, **values)
    else:
        legitimacy_services.record_judgment(
            stakeholder=_union(policy.organization), policy=policy, recorded_at=moment, **values
        )
    services.compute_tension(organization=policy.organization, policy=policy, today=on)


def seed(context: Any) -> None:
    organization = context.organizations["northbay"]
    units = {unit.name: unit for unit in organization.units.all()}
    existing = set(Policy.objects.filter(organization=organization).values_list("title", flat=True))
    today = services.today_in(organization)
    for story in NORTHBAY_POLICIES:
        if story.title in existing:
            continue
        policy = services.register_policy(
            organization=organization,
            title=story.title,
            summary=story.summary,
            legal_basis=story.legal_basis,
            manager=context.people.get(story.manager) if story.manager else None,
            enforcing_units=[units[name] for name in story.units if name in units],
            registered_on=today - datetime.timedelta(days=story.registered_days_ago),
            actor=context.people.get(LEAD),
        )
        services.compute_tension(
            organization=organization,
            policy=policy,
            today=today - datetime.timedelta(days=story.registered_days_ago),
        )
        for event in story.events:
            _apply(policy, event, today, context)
        services.compute_tension(organization=organization, policy=policy)
