"""Demo step: Northbay's stakeholders and the contested legitimacy of the digital night watch.

Journey 3 of PRODUCT.md: the lead has mapped nine stakeholders and recorded their judgments of
"Digital night watch in home care" over the past months, so the heat map shows gray-zone cells and
the timeline a slide; the County Governor grants conditional legitimacy on a condition whose
review date has passed (the ``condition_at_risk_or_overdue`` warning fires); legitimation actions
are planned and one is done; one gray-zone tactic is approved by a second person and one waits
unapproved past its grace period (``gray_zone_tactic_unaccounted`` fires). Everything goes through
the services; re-seeding leaves an initiative that already has judgments alone.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from spaceforchange.legitimacy import gray_zone_services, legitimation_services, services
from spaceforchange.legitimacy.models import Judgment, Stakeholder
from spaceforchange.portfolio.models import Initiative
from spaceforchange.portfolio.services import today_in

CONTESTED = "Digital night watch in home care"
LEAD, OWNER, DIRECTOR = "lead@northbay.example", "owner@northbay.example", "leader@northbay.example"

# name, kind, category, internal, influence, interest, controls resources, notes
STAKEHOLDERS: tuple[tuple[str, str, str, bool, int, int, bool, str], ...] = (
    ("County Governor", "organization", "regulator", False, 5, 4, False, "Supervises health and care services."),
    ("Health and Care Committee", "organization", "political_overseer", False, 5, 3, True, "Sets the care budget."),
    ("Municipal Director", "person", "top_management", True, 5, 3, True, ""),
    ("The nurses' union", "organization", "staff_and_unions", True, 4, 5, False, ""),
    ("Data Protection Authority", "organization", "enforcement_body", False, 4, 2, False, "Asked about video calls."),
    ("Senior Citizens' Council", "organization", "citizens_and_users", False, 3, 5, False, ""),
    ("Northbay Herald", "organization", "media", False, 3, 4, False, "Ran a story on 'robot care'."),
    ("Dementia Association", "organization", "interest_group", False, 2, 4, False, ""),
    ("CareSense AS", "organization", "partner", False, 2, 5, False, "Supplies the sensors."),
)

# (days ago, stakeholder, type, state, extra) in date order
JUDGMENTS: tuple[tuple[int, str, str, str, dict[str, Any]], ...] = (
    (240, "Municipal Director", "pragmatic", "legitimate", {"evidence": "Budgeted in the action plan."}),
    (
        230,
        "The nurses' union",
        "normative",
        "legitimate",
        {"evidence": "Supported the idea in the works council."},
    ),
    (220, "CareSense AS", "pragmatic", "legitimate", {}),
    (200, "Health and Care Committee", "regulatory", "legitimate", {"evidence": "Committee decision 14/2026."}),
    (180, "Senior Citizens' Council", "normative", "legitimate", {}),
    (150, "County Governor", "regulatory", "unknown_legitimacy", {"unknown_cause": "pending_decision"}),
    (120, "Data Protection Authority", "regulatory", "unknown_legitimacy", {"unknown_cause": "pending_decision"}),
    (
        90,
        "Northbay Herald",
        "cognitive",
        "conditional_illegitimacy",
        {"mitigating_factors": "The paper accepts that night staff are too few."},
    ),
    (75, "Senior Citizens' Council", "cognitive", "unknown_legitimacy", {"unknown_cause": "conflicting_views"}),
    (
        60,
        "The nurses' union",
        "normative",
        "conditional_illegitimacy",
        {
            "mitigating_factors": "Frees time for residents who need a visit.",
            "evidence": "Letter from the branch board.",
        },
    ),
    (
        45,
        "Dementia Association",
        "normative",
        "illegitimate",
        {"evidence": "Residents with dementia cannot consent to cameras."},
    ),
    (
        40,
        "County Governor",
        "regulatory",
        "conditional_legitimacy",
        {
            "condition": ("Written consent from every resident, or their guardian, before sensors are installed.", -10),
            "evidence": "Letter of 2 October.",
        },
    ),
    (
        30,
        "Health and Care Committee",
        "pragmatic",
        "conditional_legitimacy",
        {"condition": ("Night staff hours saved are shown in the quarterly report.", 50)},
    ),
    (20, "Municipal Director", "normative", "legitimate", {}),
)


def _stakeholders(organization: Any, initiative: Initiative, actor: Any) -> dict[str, Stakeholder]:
    """The nine stakeholders, linked to the initiative; one another demo step made already is reused
    (the policies demo's nurses' union judges a policy too)."""
    existing = {s.name: s for s in Stakeholder.objects.filter(organization=organization)}
    made = {}
    for name, kind, category, internal, influence, interest, resources, notes in STAKEHOLDERS:
        if name in existing:
            made[name] = services.link_stakeholder(stakeholder=existing[name], initiative=initiative, actor=actor)
            continue
        made[name] = services.create_stakeholder(
            organization=organization,
            name=name,
            kind=kind,
            category=category,
            internal=internal,
            influence=influence,
            interest=interest,
            controls_resources=resources,
            contact_owner=actor,
            notes=notes,
            initiatives=[initiative],
            actor=actor,
        )
    return made


def _judge(initiative: Initiative, holders: dict[str, Stakeholder], today: datetime.date, actor: Any) -> None:
    now = timezone.now()
    for days_ago, name, kind, state, extra in JUDGMENTS:
        extra = dict(extra)
        condition = extra.pop("condition", None)
        conditions = []
        if condition is not None:
            text, review_in = condition
            conditions.append(services.ConditionInput(text, today + datetime.timedelta(days=review_in)))
        services.record_judgment(
            stakeholder=holders[name],
            initiative=initiative,
            legitimacy_type=kind,
            state=state,
            conditions=conditions,
            recorded_at=now - datetime.timedelta(days=days_ago),
            actor=actor,
            **extra,
        )


def _actions(initiative: Initiative, holders: dict[str, Stakeholder], today: datetime.date, people: Any) -> None:
    owner = people.get(OWNER)
    done = legitimation_services.plan_action(
        initiative=initiative,
        strategy="demonstrate_results",
        goal="repair",
        mode="conform",
        description="Show the union branch the first month's log: which visits were replaced and why.",
        stakeholders=[holders["The nurses' union"]],
        planned_on=today - datetime.timedelta(days=35),
        owner=owner,
        actor=owner,
    )
    legitimation_services.record_action_done(
        action=done,
        outcome="The branch accepted a three-month trial on one team, with a joint review.",
        done_on=today - datetime.timedelta(days=30),
        actor=owner,
    )
    legitimation_services.plan_action(
        initiative=initiative,
        strategy="engage_in_dialogue",
        goal="maintain",
        mode="conform",
        description="Meet the County Governor with the consent forms signed so far and a plan for the rest.",
        stakeholders=[holders["County Governor"]],
        planned_on=today + datetime.timedelta(days=7),
        owner=owner,
        actor=owner,
    )
    legitimation_services.plan_action(
        initiative=initiative,
        strategy="storytelling",
        goal="acquire",
        mode="shape",
        description="Invite the Herald to a night shift, with residents who chose the sensors telling why.",
        stakeholders=[holders["Northbay Herald"], holders["Senior Citizens' Council"]],
        planned_on=today + datetime.timedelta(days=21),
        owner=people.get(LEAD),
        actor=people.get(LEAD),
    )


def _tactics(initiative: Initiative, today: datetime.date, people: Any) -> None:
    owner, lead, director = people.get(OWNER), people.get(LEAD), people.get(DIRECTOR)
    approved = gray_zone_services.propose_tactic(
        initiative=initiative,
        tactic="distancing",
        rule_concerned="Night visits are made in person (home care service description, section 4).",
        rationale="For twelve residents who asked for it, a video call replaces the 02:00 visit; the service "
        "description predates the technology.",
        risks="A resident falls between calls; the sensor alarm is the safety net. Staff may feel watched.",
        accountable=owner,
        review_on=today + datetime.timedelta(days=60),
        proposed_at=timezone.now() - datetime.timedelta(days=50),
        actor=owner,
    )
    gray_zone_services.approve_tactic(
        entry=approved, actor=director, note="Approved for the trial period; report at the review."
    )
    gray_zone_services.propose_tactic(
        initiative=initiative,
        tactic="circumventing",
        rule_concerned="Purchases above the threshold need a tender (procurement rules).",
        rationale="Buying twenty more sensors from the trial supplier keeps the trial going while a tender is "
        "prepared.",
        risks="A complaint from another supplier; the purchase may be set aside.",
        accountable=owner,
        review_on=today + datetime.timedelta(days=30),
        proposed_at=timezone.now() - datetime.timedelta(days=12),
        actor=lead,
    )


def seed(context: Any) -> None:
    organization = context.organizations["northbay"]
    initiative = Initiative.objects.filter(organization=organization, title=CONTESTED).first()
    if initiative is None or Judgment.objects.filter(initiative=initiative).exists():
        return
    lead = context.people.get(LEAD)
    holders = _stakeholders(organization, initiative, lead)
    today = today_in(organization)
    _judge(initiative, holders, today, lead)
    _actions(initiative, holders, today, context.people)
    _tactics(initiative, today, context.people)
