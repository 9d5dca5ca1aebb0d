"""Answer import pages: upload, column matching, status and problems, the CSV of problems, saved mappings."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from spaceforchange.assessments import import_running, import_services
from spaceforchange.assessments.models import ColumnMapping, ImportStatus, Response, SurveyImport
from tests.web.assessments.conftest import ROLES
from tests.web.core.conftest import error_texts, soup

pytestmark = pytest.mark.django_db

SAMPLE = (Path(__file__).resolve().parents[2] / "data" / "scan_answers.csv").read_bytes()
CHANGERS = {"innovation_lead", "admin"}
COLUMNS = {"statements": {"r1": "r1", "r2": "r2", "o1": "o1", "o2": "o2"}, "weight": "weight", "dont_know": ["X"]}


def upload(data: bytes = SAMPLE, name: str = "answers.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def imports_stored() -> int:
    return SurveyImport.objects.count()


@pytest.fixture
def lead(client_as) -> Client:  # type: ignore[no-untyped-def]
    return client_as("innovation_lead")


@pytest.fixture
def saved(org, pack) -> ColumnMapping:  # type: ignore[no-untyped-def]
    return import_services.save_column_mapping(
        organization=org.organization,
        name="Survey tool",
        pack_key=pack.pack.key,
        instrument_key="scan",
        columns=COLUMNS,
    )


@pytest.mark.parametrize("role", ROLES)
def test_only_people_who_may_change_the_campaign_reach_the_import_pages(org, client_as, campaign_in, role):
    campaign = campaign_in(org)
    staged = import_services.upload_survey_file(campaign=campaign, uploaded_name="a.csv", data=SAMPLE)
    client = client_as(role)
    urls = [
        org.url("assessments:imports", campaign_id=campaign.pk),
        org.url("assessments:import_new", campaign_id=campaign.pk),
        org.url("assessments:import_detail", campaign_id=campaign.pk, import_id=staged.pk),
        org.url("assessments:import_map", campaign_id=campaign.pk, import_id=staged.pk),
        org.url("assessments:import_problems_csv", campaign_id=campaign.pk, import_id=staged.pk),
        org.url("assessments:mappings"),
    ]
    expected = 200 if role in CHANGERS else 403
    assert [client.get(url).status_code for url in urls] == [expected] * len(urls)
    detail = soup(client.get(org.url("assessments:campaign", campaign_id=campaign.pk)))
    assert bool(detail.select("#import-link")) is (role in CHANGERS)
    if role not in CHANGERS:
        posted = client.post(org.url("assessments:import_new", campaign_id=campaign.pk), {"file": upload()})
        cancelled = client.post(org.url("assessments:import_cancel", campaign_id=campaign.pk, import_id=staged.pk))
        assert (posted.status_code, cancelled.status_code, imports_stored()) == (403, 403, 1)


def test_upload_with_a_saved_mapping_imports_and_shows_the_result(
    org, lead, campaign_in, saved, django_capture_on_commit_callbacks
):
    campaign = campaign_in(org)
    page = soup(lead.get(org.url("assessments:import_new", campaign_id=campaign.pk)))
    options = [option["value"] for option in page.select("select#id_mapping option")]
    assert options == ["", "Survey tool"]
    with django_capture_on_commit_callbacks(execute=True):
        response = lead.post(
            org.url("assessments:import_new", campaign_id=campaign.pk), {"file": upload(), "mapping": "Survey tool"}
        )
    survey_import = SurveyImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == org.url(
        "assessments:import_detail", campaign_id=campaign.pk, import_id=survey_import.pk
    )
    assert (survey_import.status, survey_import.created_by) == (ImportStatus.DONE, org.people["innovation_lead"].user)
    detail = lead.get(response["Location"])
    page = soup(detail)
    assert (
        page.select_one("#import-done").get_text(" ", strip=True)
        == "6 responses were imported and count in the results."
    )
    assert page.find("meta", attrs={"http-equiv": "refresh"}) is None
    assert Response.objects.filter(campaign=campaign, status="submitted").count() == 6
    listing = soup(lead.get(org.url("assessments:imports", campaign_id=campaign.pk)))
    assert [row["data-import-id"] for row in listing.select("#imports tbody tr")] == [str(survey_import.pk)]


def test_the_pack_mapping_is_offered_for_fevs(org, lead):
    from tests.factories import make_campaign

    campaign = make_campaign(
        org.organization, version=None, instrument_key="fevs-2018-innovation", pack_key="fevs_2018"
    )
    page = soup(lead.get(org.url("assessments:import_new", campaign_id=campaign.pk)))
    options = {option["value"]: option.get_text(strip=True) for option in page.select("select#id_mapping option")}
    assert options["fevs-2018"] == "FEVS 2018 public release data file (OPM columns) (fevs-2018)"


def test_a_running_import_refreshes_itself_and_shows_its_progress(org, lead, campaign_in):
    campaign = campaign_in(org)
    started = import_services.start_survey_import(
        campaign=campaign, uploaded_name="a.csv", data=SAMPLE, mapping=COLUMNS, run_in_background=False
    )
    SurveyImport.objects.filter(pk=started.pk).update(status=ImportStatus.IMPORTING, rows_total=6, rows_done=4)
    page = soup(lead.get(org.url("assessments:import_detail", campaign_id=campaign.pk, import_id=started.pk)))
    assert page.find("meta", attrs={"http-equiv": "refresh"})["content"] == "3"
    progress = page.select_one("progress#import-progress")
    assert (progress["value"], progress["max"]) == ("4", "6")
    assert page.select_one("label[for=import-progress]")
    rows = page.select_one("[data-rows-done]")
    assert rows.get_text(strip=True) == "4 of 6"


def test_match_the_columns_after_upload_and_save_the_mapping(
    org, lead, campaign_in, django_capture_on_commit_callbacks
):
    campaign = campaign_in(org)
    response = lead.post(org.url("assessments:import_new", campaign_id=campaign.pk), {"file": upload(), "mapping": ""})
    staged = SurveyImport.objects.get()
    assert response["Location"] == org.url("assessments:import_map", campaign_id=campaign.pk, import_id=staged.pk)
    form = soup(lead.get(response["Location"]))
    first = form.select_one("select#id_statement_0")
    assert first.find("option", selected=True)["value"] == "r1"  # preselected: the column named like the key
    assert [option["value"] for option in first.select("option")] == [
        "",
        "respondent",
        "r1",
        "r2",
        "o1",
        "o2",
        "team",
        "weight",
    ]
    data = {
        "statement_0": "r1",
        "statement_1": "r2",
        "statement_2": "o1",
        "statement_3": "o2",
        "weight": "weight",
        "attributes": ["team"],
        "dont_know": "X, DK",
        "save_as": "From the web",
    }
    bad = lead.post(response["Location"], {**data, "statement_1": "r1"})
    assert bad.status_code == 400
    assert any("mapped to more than one statement" in text for text in error_texts(bad))
    assert SurveyImport.objects.get().mapping == {} and not ColumnMapping.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = lead.post(response["Location"], data)
    assert done["Location"] == org.url("assessments:import_detail", campaign_id=campaign.pk, import_id=staged.pk)
    staged.refresh_from_db()
    assert staged.status == ImportStatus.DONE
    assert staged.mapping["attributes"] == {"team": "team"} and staged.mapping["dont_know"] == ["X", "DK"]
    assert ColumnMapping.objects.get().name == "From the web"
    # Once mapped, the page sends people to the import's status.
    assert lead.get(response["Location"]).status_code == 302


def test_a_rejected_file_lists_its_problems_and_offers_them_as_csv(
    org, lead, campaign_in, saved, django_capture_on_commit_callbacks
):
    campaign = campaign_in(org)
    bad = SAMPLE.replace(b"c,3,3,4,4,Beta,1.5", b"c,3,3,4,4,Beta,=1+1").replace(b"d,2,", b"d,9,")
    with django_capture_on_commit_callbacks(execute=True):
        lead.post(
            org.url("assessments:import_new", campaign_id=campaign.pk), {"file": upload(bad), "mapping": "Survey tool"}
        )
    survey_import = SurveyImport.objects.get()
    page = soup(lead.get(org.url("assessments:import_detail", campaign_id=campaign.pk, import_id=survey_import.pk)))
    rows = [[cell.get_text(strip=True) for cell in row.select("th, td")] for row in page.select("#problems tbody tr")]
    assert rows == [
        ["4", "weight", "“=1+1” is not a number, so it cannot be a weight."],
        ["5", "r1", "9 is outside the answer scale 1 to 5."],
    ]
    assert "Nothing was imported" in page.select_one("#import-refused").get_text()
    download = lead.get(org.url("assessments:import_problems_csv", campaign_id=campaign.pk, import_id=survey_import.pk))
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"] == f'attachment; filename="import-{survey_import.pk}-problems.csv"'
    assert list(csv.reader(io.StringIO(download.content.decode()))) == [
        ["line", "column", "reason"],
        ["4", "weight", "“=1+1” is not a number, so it cannot be a weight."],
        ["5", "r1", "9 is outside the answer scale 1 to 5."],
    ]
    assert not Response.objects.exists()


def test_problems_are_paginated(org, lead, campaign_in):
    campaign = campaign_in(org)
    rows = b"".join(f"x{n},9,2,3,4,A,1\n".encode() for n in range(60))
    started = import_services.start_survey_import(
        campaign=campaign,
        uploaded_name="a.csv",
        data=b"respondent,r1,r2,o1,o2,team,weight\n" + rows,
        mapping=COLUMNS,
        run_in_background=False,
    )
    import_services.import_survey(started.pk)
    url = org.url("assessments:import_detail", campaign_id=campaign.pk, import_id=started.pk)
    first, second = soup(lead.get(url)), soup(lead.get(url + "?page=2"))
    assert len(first.select("#problems tbody tr")) == 50
    assert [row.th.get_text(strip=True) for row in second.select("#problems tbody tr")] == [
        str(n) for n in range(52, 62)
    ]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.csv", "The submitted file is empty."),
        (b"respondent,r1\n", "header.csv", "The file has column names but no rows of answers."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "picture.csv", "The file is not a CSV text file or an Excel workbook"),
        ("r1\nø\n".encode("latin-1"), "latin.csv", "Line 2: The file is not UTF-8 text."),
        (b"PK\x03\x04garbage", "book.xlsx", "The file looks like an Excel workbook but cannot be read."),
    ],
)
def test_bad_uploads_get_a_clear_message_and_store_nothing(org, lead, campaign_in, data, name, message):
    campaign = campaign_in(org)
    response = lead.post(
        org.url("assessments:import_new", campaign_id=campaign.pk), {"file": upload(data, name), "mapping": ""}
    )
    assert response.status_code == 400
    assert any(message in text for text in error_texts(response)), error_texts(response)
    assert imports_stored() == 0


def test_too_big_uploads_are_refused_before_reading(org, lead, campaign_in, settings):
    settings.SFC_MAX_IMPORT_BYTES = 50
    campaign = campaign_in(org)
    response = lead.post(org.url("assessments:import_new", campaign_id=campaign.pk), {"file": upload()})
    assert response.status_code == 400
    assert any("The file is too big" in text for text in error_texts(response))
    assert imports_stored() == 0


def test_missing_file_and_unknown_mapping_are_refused(org, lead, campaign_in):
    campaign = campaign_in(org)
    url = org.url("assessments:import_new", campaign_id=campaign.pk)
    assert lead.post(url, {}).status_code == 400
    unknown = lead.post(url, {"file": upload(), "mapping": "nope"})
    assert unknown.status_code == 400
    assert any("Select a valid choice" in text for text in error_texts(unknown))
    assert imports_stored() == 0


def test_a_closed_campaign_offers_no_import(org, lead, campaign_in):
    campaign = campaign_in(org, status="closed")
    page = soup(lead.get(org.url("assessments:import_new", campaign_id=campaign.pk)))
    assert page.select_one("#campaign-closed") and not page.select("input[type=file]")
    response = lead.post(org.url("assessments:import_new", campaign_id=campaign.pk), {"file": upload()})
    assert response.status_code == 400
    assert imports_stored() == 0
    detail = soup(lead.get(org.url("assessments:campaign", campaign_id=campaign.pk)))
    assert not detail.select("#import-link")


def test_the_upload_needs_a_csrf_token(org, campaign_in):
    campaign = campaign_in(org)
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.people["innovation_lead"].user)
    response = client.post(org.url("assessments:import_new", campaign_id=campaign.pk), {"file": upload()})
    assert response.status_code == 403
    assert imports_stored() == 0


def test_cancel_an_upload_waiting_for_its_mapping(org, lead, campaign_in):
    campaign = campaign_in(org)
    staged = import_services.upload_survey_file(campaign=campaign, uploaded_name="a.csv", data=SAMPLE)
    response = lead.post(org.url("assessments:import_cancel", campaign_id=campaign.pk, import_id=staged.pk))
    assert response["Location"] == org.url("assessments:imports", campaign_id=campaign.pk)
    assert imports_stored() == 0
    assert (
        lead.get(org.url("assessments:import_cancel", campaign_id=campaign.pk, import_id=staged.pk)).status_code == 405
    )


def test_imports_of_another_campaign_are_not_found(org, lead, campaign_in):
    first, second = campaign_in(org), campaign_in(org)
    staged = import_services.upload_survey_file(campaign=first, uploaded_name="a.csv", data=SAMPLE)
    url = org.url("assessments:import_detail", campaign_id=second.pk, import_id=staged.pk)
    assert lead.get(url).status_code == 404


def test_saved_mappings_are_listed_and_deleted(org, lead, saved, other_org):
    page = soup(lead.get(org.url("assessments:mappings")))
    rows = [
        [cell.get_text(strip=True) for cell in row.select("th, td")][:3] for row in page.select("#mappings tbody tr")
    ]
    assert rows == [["Survey tool", f"{saved.pack_key} · scan", "4"]]
    assert lead.get(org.url("assessments:mapping_delete", mapping_id=saved.pk)).status_code == 405
    member = Client()
    member.force_login(org.people["member"].user)
    assert member.post(org.url("assessments:mapping_delete", mapping_id=saved.pk)).status_code == 403
    response = lead.post(org.url("assessments:mapping_delete", mapping_id=saved.pk))
    assert response["Location"] == org.url("assessments:mappings")
    assert not ColumnMapping.objects.exists()
    assert lead.post(org.url("assessments:mapping_delete", mapping_id=saved.pk)).status_code == 404


def test_the_page_of_an_import_whose_worker_died_says_it_stopped_once_recovered(org, lead, campaign_in):
    campaign = campaign_in(org)
    started = import_services.start_survey_import(
        campaign=campaign, uploaded_name="a.csv", data=SAMPLE, mapping=COLUMNS, run_in_background=False
    )
    long_ago = timezone.now() - timedelta(hours=2)
    SurveyImport.objects.filter(pk=started.pk).update(
        status=ImportStatus.IMPORTING, started_at=long_ago, progressed_at=long_ago, rows_total=6, rows_done=4
    )
    url = org.url("assessments:import_detail", campaign_id=campaign.pk, import_id=started.pk)
    assert soup(lead.get(url)).find("meta", attrs={"http-equiv": "refresh"})  # still looks busy until recovered

    assert import_running.recover_stalled_imports() == 1

    page = soup(lead.get(url))
    assert page.find("meta", attrs={"http-equiv": "refresh"}) is None
    assert page.select_one("[data-status]").get_text(strip=True) == "Failed"
    assert page.select_one("#import-refused").get_text(" ", strip=True).startswith("Nothing was imported.")
    assert page.select_one("#import-message").get_text(strip=True) == (
        "The import stopped unexpectedly; upload the file again."
    )
    assert page.select_one("#import-running") is None
