"""A staff person's consultations in their export and erasure; participants stay untraceable."""

from __future__ import annotations

from spaceforchange.consultations import services
from spaceforchange.consultations.models import Consultation, Invitation, Statement
from spaceforchange.core import privacy

from .conftest import World


def test_export_lists_the_consultations_a_person_created(world: World):
    created = privacy.export_person(user=world.lead)["sections"]["consultations"]["consultations_created"]
    assert [(row["organization"], row["question"]) for row in created] == [
        ("northbay", "How should visiting hours work?")
    ]
    participant, _secret = services.join_consultation(consultation=world.consultation)
    assert participant.token_hash and not hasattr(participant, "user_id")


def test_erasure_unlinks_the_creator_and_scrubs_their_name_from_texts(world: World):
    world.lead.first_name, world.lead.last_name = "Kari", "Nordmann"
    world.lead.save()
    services.update_consultation(consultation=world.consultation, description="Ask Kari Nordmann for details.")
    services.add_statement(consultation=world.consultation, text="lead@northbay.example answers quickly.")
    services.create_invitations(consultation=world.consultation, count=1, label="For Kari Nordmann")
    privacy.erase_person(user=world.lead)
    consultation = Consultation.objects.get(pk=world.consultation.pk)
    assert consultation.created_by is None
    assert "Nordmann" not in consultation.description
    assert not Statement.objects.filter(text__icontains="lead@northbay.example").exists()
    assert not Invitation.objects.filter(label__icontains="Nordmann").exists()
