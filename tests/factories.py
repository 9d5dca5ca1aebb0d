"""Factory functions for test data. They call the services, so tests see real behaviour."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from spaceforchange.core import services as core_services
from spaceforchange.core.models import Membership, Organization, Unit, User

_counter = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"


def make_organization(name: str | None = None, slug: str | None = None) -> Organization:
    number = next(_counter)
    return core_services.create_organization(name=name or f"Organisation {number}", slug=slug or f"org-{number}")


def make_user(email: str | None = None, password: str = PASSWORD, **fields: str) -> User:
    return core_services.create_user(email=email or f"person{next(_counter)}@example.org", password=password, **fields)


def make_unit(
    organization: Organization, name: str | None = None, parent: Unit | None = None, kind: str = "department"
) -> Unit:
    return core_services.create_unit(
        organization=organization, name=name or f"Unit {next(_counter)}", parent=parent, kind=kind
    )


def make_member(
    organization: Organization, roles: Iterable[str] = ("member",), user: User | None = None, unit: Unit | None = None
) -> Membership:
    return core_services.add_member(organization=organization, user=user or make_user(), roles=roles, unit=unit)


# --- Framework packs ---------------------------------------------------------------------------


def _text(en: str, nb: str | None = None) -> dict[str, str]:
    return {"en": en, "nb": nb or f"{en} (nb)"}


def pack_data(key: str | None = None, *, version: str = "1.0.0", links: Iterable[str] = ()) -> dict:
    """A small valid pack document with every kind of field, as parsed YAML."""
    key = key or f"test_pack_{next(_counter)}"
    return {
        "format": 1,
        "key": key,
        "version": version,
        "languages": ["en", "nb"],
        "framework": {
            "key": key,
            "name": _text(f"Framework {key}", f"Rammeverk {key}"),
            "summary": _text("A framework used in tests.", "Et rammeverk brukt i tester."),
            "provenance": "working-model",
            "sources": ["Suchman, M. C. (1995). Managing Legitimacy."],
        },
        "items": [
            {
                "key": "openness",
                "kind": "dimension",
                "order": 2,
                "provenance": "working-model",
                "name": _text("Openness", "Åpenhet"),
                "description": _text("How open people are.", "Hvor åpne folk er."),
            },
            {
                "key": "room",
                "kind": "dimension",
                "order": 1,
                "provenance": "source-text",
                "name": _text("Room", "Rom"),
                "description": _text("How much room rules leave.", "Hvor mye rom reglene gir."),
            },
            {
                "key": "open_dialogue",
                "kind": "practice",
                "provenance": "literature",
                "parent": "openness",
                "name": _text("Open dialogue", "Åpen dialog"),
                "links": ["room", *links],
                "checklist": [{"key": "invite", "text": _text("Invite early", "Inviter tidlig")}],
                "attributes": {"effort": "low"},
            },
            {
                "key": "too_closed",
                "kind": "warning_rule",
                "provenance": "working-model",
                "area": "portfolio",
                "severity": "warning",
                "name": _text("Too closed", "For lukket"),
                "answered_by": ["open_dialogue"],
                "thresholds": [
                    {
                        "key": "days",
                        "value": 30,
                        "unit": "days",
                        "description": _text("Days without dialogue", "Dager uten dialog"),
                    }
                ],
            },
        ],
        "instruments": [
            {
                "key": "scan",
                "name": _text("Scan", "Skanning"),
                "provenance": "working-model",
                "scale": {
                    "min": 1,
                    "max": 5,
                    "labels": [
                        {"value": 1, "label": _text("Disagree", "Uenig")},
                        {"value": 5, "label": _text("Agree", "Enig")},
                    ],
                    "dont_know_label": _text("Don't know", "Vet ikke"),
                },
                "statements": [
                    {
                        "key": "r1",
                        "dimension": "room",
                        "provenance": "working-model",
                        "text": _text("Rules leave room.", "Reglene gir rom."),
                    },
                    {
                        "key": "r2",
                        "dimension": "room",
                        "provenance": "working-model",
                        "reverse": True,
                        "text": _text("Rules block us.", "Reglene stopper oss."),
                    },
                    {
                        "key": "o1",
                        "dimension": "openness",
                        "provenance": "working-model",
                        "text": _text("People listen.", "Folk lytter."),
                    },
                    {
                        "key": "o2",
                        "dimension": "openness",
                        "provenance": "working-model",
                        "dont_know_allowed": False,
                        "text": _text("People question habits.", "Folk stiller spørsmål ved vaner."),
                    },
                ],
            },
        ],
    }


def pack_yaml(key: str | None = None, data: dict | None = None, **options: object) -> str:
    import yaml

    return yaml.safe_dump(data or pack_data(key, **options), sort_keys=False, allow_unicode=True)


def make_pack(
    key: str | None = None, organization: Organization | None = None, data: dict | None = None, user: User | None = None
):  # -> PackVersion
    """Import a pack (into the global library when no organisation is given); returns its version."""
    from spaceforchange.frameworks import services as framework_services

    text = pack_yaml(key, data)
    outcomes = framework_services.import_packs(files=[("test.yaml", text)], organization=organization, user=user)
    return outcomes[0].version


# --- Survey campaigns --------------------------------------------------------------------------


def make_campaign(
    organization: Organization | None = None,
    *,
    version=None,  # a PackVersion; a new global pack with the instrument "scan" when None
    status: str = "open",
    **options: object,
):  # -> Campaign
    """A campaign of the test pack's "scan" instrument for the whole organisation, open for a week."""
    import datetime

    from django.utils import timezone

    from spaceforchange.assessments import services as assessment_services

    organization = organization or make_organization()
    version = version or make_pack()
    now = timezone.now()
    fields: dict[str, object] = {
        "title": f"Scan {next(_counter)}",
        "instrument_key": "scan",
        "pack_key": version.pack.key,
        "opens_at": now - datetime.timedelta(days=1),
        "closes_at": now + datetime.timedelta(days=7),
        "created_by": None,
        **options,
    }
    campaign = assessment_services.create_campaign(organization=organization, **fields)
    if status in ("open", "closed"):
        campaign = assessment_services.open_campaign(campaign=campaign)
    if status == "closed":
        campaign = assessment_services.close_campaign(campaign=campaign)
    return campaign


def make_response(campaign, answers: dict | None = None, *, submit: bool = True):  # -> Response
    """A response through the campaign's shared link, answered (all 4 on the scale by default)."""
    from spaceforchange.assessments import response_services as assessment_responses
    from spaceforchange.assessments import services as assessment_services

    token = assessment_services.create_shared_link(campaign=campaign)
    response, _resume = assessment_responses.start_response(token=token)
    answers = {"r1": 4, "r2": 2, "o1": 5, "o2": 3} if answers is None else answers
    response = assessment_responses.save_answers(response=response, answers=answers)
    return assessment_responses.submit_response(response=response) if submit else response


# --- Legitimacy (issue #5) ---------------------------------------------------------------------


def make_policy(organization: Organization, title: str | None = None, manager: User | None = None):  # -> Policy
    """A policy of the organisation, registered through the policies app's service."""
    from spaceforchange.policies import services as policy_services

    return policy_services.register_policy(
        organization=organization, title=title or f"Policy {next(_counter)}", manager=manager
    )


def make_stakeholder(organization: Organization, name: str | None = None, **fields: object):  # -> Stakeholder
    """A stakeholder (an organisation of category ``other``, influence and interest 3 unless given)."""
    from spaceforchange.legitimacy import services as legitimacy_services

    values: dict[str, object] = {"category": "other", "influence": 3, "interest": 3, **fields}
    return legitimacy_services.create_stakeholder(
        organization=organization,
        name=name or f"Stakeholder {next(_counter)}",
        **values,  # type: ignore[arg-type]
    )


def make_judgment(stakeholder, subject, legitimacy_type: str = "regulatory", state: str = "legitimate", **fields):
    """A judgment of an initiative or a policy; conditional states get what they need unless given."""
    import datetime

    from spaceforchange.legitimacy import services as legitimacy_services
    from spaceforchange.portfolio.models import Initiative

    defaults: dict[str, object] = {}
    if state == "conditional_legitimacy":
        review_on = datetime.date.today() + datetime.timedelta(days=60)
        defaults["conditions"] = [legitimacy_services.ConditionInput("Report every quarter", review_on)]
    elif state == "conditional_illegitimacy":
        defaults["mitigating_factors"] = "It saves money"
    elif state == "unknown_legitimacy":
        defaults["unknown_cause"] = "pending_decision"
    key = "initiative" if isinstance(subject, Initiative) else "policy"
    return legitimacy_services.record_judgment(
        stakeholder=stakeholder,
        legitimacy_type=legitimacy_type,
        state=state,
        **{key: subject},
        **{**defaults, **fields},
    )


# --- Policies ----------------------------------------------------------------------------------


def make_registered_policy(organization: Organization, title: str | None = None, **fields: object):  # -> Policy
    """A policy with any of ``register_policy``'s fields (manager, units, registered_on, actor …)."""
    from spaceforchange.policies import services as policy_services

    return policy_services.register_policy(
        organization=organization,
        title=title or f"Policy {next(_counter)}",
        **fields,  # type: ignore[arg-type]
    )


def make_scrutiny_report(policy, reporter: User, **fields: object):  # -> ScrutinyReport
    """A scrutiny report filed by ``reporter`` (pragmatic, weekly unless given)."""
    from spaceforchange.policies import services as policy_services

    values: dict[str, object] = {
        "what_happened": "The rule made a visit run late.",
        "legitimacy_type": "pragmatic",
        "frequency": "weekly",
        **fields,
    }
    return policy_services.file_scrutiny_report(policy=policy, reported_by=reporter, **values)  # type: ignore[arg-type]


def _legitimacy_subject(organization: Organization):  # -> Initiative
    from spaceforchange.portfolio import services as portfolio_services

    return portfolio_services.create_initiative(organization=organization, title=f"Initiative {next(_counter)}")


def make_judgment_in(organization: Organization, state: str = "conditional_legitimacy"):  # -> Judgment
    """A judgment (with a condition, by default) of a new initiative by a new stakeholder of ``organization``."""
    return make_judgment(make_stakeholder(organization), _legitimacy_subject(organization), state=state)


def make_legitimation_action(organization: Organization):  # -> LegitimationAction
    from spaceforchange.legitimacy import legitimation_services

    return legitimation_services.plan_action(
        initiative=_legitimacy_subject(organization),
        strategy="engage_in_dialogue",
        goal="acquire",
        mode="conform",
        description="Talk it through",
    )


def make_gray_zone_entry(organization: Organization, proposer: User | None = None):  # -> GrayZoneEntry
    """A proposed (not approved) tactic on a new initiative; the proposer is also accountable."""
    import datetime

    from spaceforchange.legitimacy import gray_zone_services

    person = proposer or make_member(organization, roles=["owner"]).user
    return gray_zone_services.propose_tactic(
        initiative=_legitimacy_subject(organization),
        tactic="distancing",
        rule_concerned="A rule",
        rationale="A reason",
        risks="A risk",
        accountable=person,
        review_on=datetime.date.today() + datetime.timedelta(days=30),
        actor=person,
    )
