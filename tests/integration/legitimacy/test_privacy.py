"""Export and erasure of a person's legitimacy records: the records stay, the person's name goes."""

from __future__ import annotations

import datetime

from spaceforchange.core.privacy import erase_person, export_person
from spaceforchange.legitimacy import gray_zone_services, services
from spaceforchange.legitimacy.models import GrayZoneEntry, Judgment, Stakeholder
from tests.integration.legitimacy.conftest import World


def test_export_lists_and_erasure_scrubs_but_keeps_the_records(world: World) -> None:
    email = world.owner.email
    holder = services.create_stakeholder(
        organization=world.organization,
        name=f"Contact {email}",
        category="regulator",
        influence=4,
        interest=3,
        contact_owner=world.owner,
    )
    services.record_judgment(
        stakeholder=holder,
        initiative=world.initiative,
        legitimacy_type="regulatory",
        state="legitimate",
        evidence=f"Phone call with {email}.",
        actor=world.owner,
    )
    entry = gray_zone_services.propose_tactic(
        tactic="distancing",
        rule_concerned="Night visits in person.",
        rationale=f"Asked by {email}.",
        risks="Falls found later.",
        accountable=world.owner,
        review_on=world.today + datetime.timedelta(days=30),
        initiative=world.initiative,
        actor=world.owner,
    )
    gray_zone_services.approve_tactic(entry=entry, actor=world.lead)

    section = export_person(user=world.owner)["sections"]["legitimacy"]
    assert [row["stakeholder"] for row in section["judgments_recorded"]] == [f"Contact {email}"]
    assert [(row["tactic"], row["proposed_by_you"], row["accountable"]) for row in section["gray_zone_entries"]] == [
        ("distancing", True, True)
    ]
    assert [row["stakeholder"] for row in section["stakeholder_contacts"]] == [f"Contact {email}"]
    assert export_person(user=world.lead)["sections"]["legitimacy"]["gray_zone_entries"][0][
        "approved_or_rejected_by_you"
    ]

    erase_person(user=world.owner)
    holder = Stakeholder.objects.get(pk=holder.pk)
    judgment = Judgment.objects.get()
    entry = GrayZoneEntry.objects.get(pk=entry.pk)
    assert email not in holder.name and holder.contact_owner is None
    assert email not in judgment.evidence and judgment.is_current
    assert email not in entry.rationale
    # The register still shows who answered for the tactic and that a second person approved it.
    assert (entry.accountable_id, entry.decided_by_id, entry.status) == (world.owner.pk, world.lead.pk, "approved")
