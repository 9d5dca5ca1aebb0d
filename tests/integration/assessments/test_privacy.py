"""Export and erasure of a person's survey data (named campaigns, invitations, campaigns created,
answer imports and column mappings)."""

from __future__ import annotations

import pytest

from spaceforchange.assessments import import_services, response_services, services
from spaceforchange.assessments.models import (
    Answer,
    CampaignInvitation,
    ColumnMapping,
    DimensionComment,
    ImportStatus,
    Response,
    SurveyImport,
)
from spaceforchange.core.privacy import erase_person, export_person
from tests.factories import make_campaign, make_member, make_organization, make_user

pytestmark = pytest.mark.django_db

COLUMNS = {"statements": {"r1": "r1", "o2": "o2"}}
IMPORTED = b"r1,o2\n4,5\n2,3\n"


@pytest.fixture
def kari_answered():
    organization = make_organization()
    kari = make_user("kari.nordmann@example.org", first_name="Kari", last_name="Nordmann")
    make_member(organization, user=kari)
    campaign = make_campaign(organization, anonymous=False, created_by=kari)
    [(_invitation, token)] = services.invite_respondents(campaign=campaign, emails=["kari.nordmann@example.org"])
    response, _ = response_services.start_response(token=token, user=kari)
    response = response_services.save_answers(response=response, answers={"r1": 4, "r2": 2, "o1": 5, "o2": 3})
    return kari, campaign, response


def test_export_lists_campaigns_created_answers_and_invitations(kari_answered):
    kari, campaign, _response = kari_answered
    surveys = export_person(user=kari)["sections"]["surveys"]
    assert [entry["title"] for entry in surveys["campaigns_created"]] == [campaign.title]
    [named] = surveys["named_responses"]
    assert named["campaign"] == campaign.title
    assert named["answers"] == {"r1": 4, "r2": 2, "o1": 5, "o2": 3}
    assert [entry["campaign"] for entry in surveys["invitations"]] == [campaign.title]


def test_erasure_keeps_the_answers_but_not_the_person(kari_answered):
    kari, campaign, response = kari_answered
    DimensionComment.objects.create(
        organization=campaign.organization, response=response, dimension_key="risk", text="Kari Nordmann thinks so"
    )

    erase_person(user=kari)

    response.refresh_from_db()
    assert response.respondent is None and response.invitation is None
    assert Answer.objects.filter(response=response).count() == 4
    assert DimensionComment.objects.get(response=response).text == f"erased-{kari.pk} thinks so"
    assert not CampaignInvitation.objects.filter(email__iexact="kari.nordmann@example.org").exists()
    assert CampaignInvitation.objects.filter(campaign=campaign).count() == 1
    assert Response.objects.filter(campaign=campaign).count() == 1


@pytest.fixture
def kari_imported(kari_answered):
    kari, campaign, _response = kari_answered
    mapping = import_services.save_column_mapping(
        organization=campaign.organization,
        name="Kari's survey tool",
        pack_key=campaign.pack_version.pack.key,
        instrument_key=campaign.instrument_key,
        columns=COLUMNS,
        created_by=kari,
    )
    started = import_services.start_survey_import(
        campaign=campaign,
        uploaded_name="answers from Kari Nordmann.csv",
        data=IMPORTED,
        mapping=COLUMNS,
        created_by=kari,
        run_in_background=False,
    )
    done = import_services.import_survey(started.pk)
    assert done.status == ImportStatus.DONE
    someone_else = make_user("ola@example.org")
    others = import_services.start_survey_import(
        campaign=campaign,
        uploaded_name="other.csv",
        data=IMPORTED,
        mapping=COLUMNS,
        created_by=someone_else,
        run_in_background=False,
    )
    return kari, campaign, mapping, done, others


def test_export_lists_the_imports_and_mappings_the_person_made(kari_imported):
    kari, campaign, mapping, done, _others = kari_imported
    surveys = export_person(user=kari)["sections"]["surveys"]
    assert surveys["answer_imports"] == [
        {
            "organization": campaign.organization.slug,
            "campaign": campaign.title,
            "filename": "answers from Kari Nordmann.csv",
            "uploaded_at": done.created_at.isoformat(),
            "status": "done",
            "rows": 2,
        }
    ]
    assert surveys["column_mappings"] == [{"organization": campaign.organization.slug, "name": mapping.name}]


def test_export_of_someone_without_imports_lists_none(kari_imported):
    stranger = make_user("nobody@example.org")
    surveys = export_person(user=stranger)["sections"]["surveys"]
    assert (surveys["answer_imports"], surveys["column_mappings"]) == ([], [])


def test_erasure_keeps_imports_and_mappings_without_their_creator(kari_imported):
    kari, _campaign, mapping, done, others = kari_imported

    results = erase_person(user=kari)["surveys"]

    done.refresh_from_db()
    mapping.refresh_from_db()
    assert (done.created_by, mapping.created_by) == (None, None)
    assert done.filename == f"answers from erased-{kari.pk}.csv"
    assert (done.status, Response.objects.filter(survey_import=done).count()) == ("done", 2)
    assert mapping.name == f"erased-{kari.pk}'s survey tool"
    assert (results["imports_detached"], results["import_filenames_scrubbed"], results["mappings_detached"]) == (
        1,
        1,
        1,
    )
    assert (mapping.columns["statements"], ColumnMapping.objects.count()) == (COLUMNS["statements"], 1)
    untouched = SurveyImport.objects.get(pk=others.pk)
    assert (untouched.created_by.email, untouched.filename) == ("ola@example.org", "other.csv")


def test_a_scrubbed_mapping_name_that_is_taken_stays_unique(kari_imported):
    kari, campaign, mapping, _done, _others = kari_imported
    taken = f"erased-{kari.pk}'s survey tool"
    ColumnMapping.objects.create(
        organization=campaign.organization, name=taken, pack_key="p", instrument_key="scan", columns=COLUMNS
    )
    erase_person(user=kari)
    mapping.refresh_from_db()
    assert mapping.name == f"{taken} ({mapping.pk})"
    assert ColumnMapping.objects.filter(name=taken).count() == 1
