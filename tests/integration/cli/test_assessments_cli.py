"""``sfc assessments create`` and ``sfc assessments results``."""

from __future__ import annotations

import csv
import datetime
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from spaceforchange.assessments import import_services
from spaceforchange.assessments.models import Campaign, Response, SurveyImport
from spaceforchange.assessments.results import DIMENSION_FIGURES, campaign_results
from spaceforchange.cli import main
from tests.factories import make_campaign, make_organization, make_pack, make_response, make_unit

pytestmark = pytest.mark.django_db(transaction=True)


def _run(*arguments: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["assessments", *arguments])


def test_create_prints_the_id_of_a_new_draft_campaign():
    organization = make_organization(slug="northbay")
    version = make_pack("cli_pack")
    before = datetime.datetime.now(datetime.UTC)
    result = _run("create", "--org", "northbay", "--instrument", "scan", "--title", "Spring scan", "--threshold", "3")
    assert result.exit_code == 0, result.output
    campaign = Campaign.objects.get(pk=int(result.stdout.strip()))
    assert result.stdout == f"{campaign.pk}\n"
    assert (campaign.organization, campaign.title, campaign.instrument_key, campaign.pack_version) == (
        organization,
        "Spring scan",
        "scan",
        version,
    )
    assert (campaign.status, campaign.anonymous, campaign.anonymity_threshold) == ("draft", True, 3)
    assert before <= campaign.opens_at <= datetime.datetime.now(datetime.UTC)
    assert campaign.closes_at - campaign.opens_at == datetime.timedelta(days=14)


def test_create_reads_dates_in_the_organisations_zone_and_named_answering():
    organization = make_organization(slug="northbay")
    organization.time_zone = "Europe/Oslo"
    organization.save(update_fields=["time_zone"])
    make_pack("cli_pack")
    result = _run(
        "create",
        *("--org", "northbay", "--instrument", "scan", "--title", "Named", "--pack", "cli_pack"),
        *("--opens", "2030-03-01T08:00", "--closes", "2030-03-10T08:00+00:00", "--named"),
    )
    assert result.exit_code == 0, result.output
    campaign = Campaign.objects.get(pk=int(result.stdout))
    assert campaign.opens_at == datetime.datetime(2030, 3, 1, 7, tzinfo=datetime.UTC)  # 08:00 in Oslo in winter
    assert campaign.closes_at == datetime.datetime(2030, 3, 10, 8, tzinfo=datetime.UTC)
    assert campaign.anonymous is False


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--org", "nowhere", "--instrument", "scan", "--title", "T"), "no organisation"),
        (("--org", "northbay", "--instrument", "nope", "--title", "T"), "instrument_key"),
        (("--org", "northbay", "--instrument", "scan", "--title", " "), "title"),
        (("--org", "northbay", "--instrument", "scan", "--title", "T", "--threshold", "1"), "anonymity_threshold"),
        (("--org", "northbay", "--instrument", "scan", "--title", "T", "--opens", "soon"), "--opens"),
        (("--org", "northbay", "--instrument", "scan", "--title", "x" * 201), "200"),
    ],
)
def test_create_refuses_bad_input_and_creates_nothing(arguments, message):
    make_organization(slug="northbay")
    make_pack("cli_pack")
    result = _run("create", *arguments)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert message in result.stderr
    assert not Campaign.objects.exists()


def _answered_campaign():  # type: ignore[no-untyped-def]
    organization = make_organization()
    campaign = make_campaign(organization, anonymity_threshold=2)
    unit = make_unit(organization, "Finance")
    for answers in ({"r1": 5, "r2": 1}, {"r1": 4, "o1": 3}, {"r1": 2, "o2": 1}, {"r1": 1}):
        make_response(campaign, answers)
    first_two = list(Response.objects.filter(campaign=campaign).order_by("pk").values_list("pk", flat=True)[:2])
    Response.objects.filter(pk__in=first_two).update(unit=unit)
    return campaign


def test_results_as_json_are_campaign_results():
    campaign = _answered_campaign()
    result = _run("results", str(campaign.pk), "--group-by", "unit", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == campaign_results(campaign, group_by="unit")
    assert [group["group"] for group in json.loads(result.stdout)["groups"]] == ["Finance", "(no unit)"]


def test_results_as_csv_have_a_row_per_group_and_figure():
    campaign = _answered_campaign()
    result = _run("results", str(campaign.pk), "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["group", "kind", "key", *DIMENSION_FIGURES]
    assert [(row["group"], row["kind"], row["key"]) for row in rows] == [
        ("all", "item", "r1"),
        ("all", "item", "r2"),
        ("all", "item", "o1"),
        ("all", "item", "o2"),
        ("all", "dimension", "room"),
        ("all", "dimension", "openness"),
    ]
    expected = campaign_results(campaign)["groups"][0]["items"]["r1"]
    assert float(rows[0]["mean"]) == pytest.approx(expected["mean"]) == pytest.approx(3.0)
    assert int(rows[0]["n"]) == 4
    assert float(rows[0]["share_favourable"]) == pytest.approx(0.5)
    assert rows[0]["alpha"] == ""  # statements have no alpha


def test_suppressed_groups_are_one_csv_row():
    campaign = _answered_campaign()
    campaign.anonymity_threshold = 3
    campaign.save(update_fields=["anonymity_threshold"])
    result = _run("results", str(campaign.pk), "--group-by", "unit", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))[1:]
    assert rows == [
        ["Finance", "suppressed", "", *([""] * len(DIMENSION_FIGURES))],
        ["(no unit)", "suppressed", "", *([""] * len(DIMENSION_FIGURES))],
    ]


@pytest.mark.parametrize(
    ("arguments", "message", "status"),
    [
        (("999999",), "no campaign", 1),
        (("{id}", "--group-by", "team"), "attribute:NAME", 1),
        (("{id}", "--format", "xml"), "invalid choice", 2),
        (("not-a-number",), "invalid int value", 2),
    ],
)
def test_results_errors_exit_non_zero(arguments, message, status):
    campaign = make_campaign(make_organization())
    result = _run("results", *(argument.format(id=campaign.pk) for argument in arguments))
    assert result.exit_code == status
    assert message in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("arguments", [(), ("create",), ("results",), ("import",), ("mappings",)])
def test_help_is_shown_for_every_action(arguments):
    result = _run(*arguments, "--help")
    assert result.exit_code == 0, result.output
    assert "--" in result.stdout


# --- sfc assessments import / mappings -----------------------------------------------------------

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "scan_answers.csv"


def _fevs_campaign(slug: str = "opm") -> Campaign:
    return make_campaign(
        make_organization(slug=slug), version=None, instrument_key="fevs-2018-innovation", pack_key="fevs_2018"
    )


def test_import_prints_a_summary_and_progress(tmp_path):
    campaign = _fevs_campaign()
    path = tmp_path / "fevs.csv"
    path.write_text("AGENCY,LEVEL1,POSTWT,Q3,Q8,Q30,Q32\nAR,ARCE,1.5,4,5,X,2\nAF,AF01,2,3,3,3,3\n")
    result = _run("import", str(campaign.pk), str(path), "--mapping", "fevs-2018", "--org", "opm")
    assert result.exit_code == 0, result.output
    survey_import = SurveyImport.objects.get(campaign=campaign)
    assert result.stdout == f"Imported 2 rows into campaign {campaign.pk} (import {survey_import.pk}).\n"
    assert "Imported 2 of 2 rows" in result.stderr
    assert Response.objects.filter(campaign=campaign, status="submitted", source="import").count() == 2


def test_import_of_a_bad_file_lists_every_problem_and_imports_nothing(tmp_path):
    campaign = make_campaign(make_organization(slug="northbay"), anonymity_threshold=2)
    lines = ["respondent,r1,r2,o1,o2,team,weight"] + [f"x{n},9,2,3,4,A,1" for n in range(60)]
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n")
    result = _run("import", str(campaign.pk), str(path))
    assert result.exit_code == 1
    assert "Nothing was imported: the file has 60 problems." in result.stderr
    assert "  line 2, r1: 9 is outside the answer scale 1 to 5." in result.stderr
    assert "  line 51, r1: 9 is outside the answer scale 1 to 5." in result.stderr
    assert "line 52," not in result.stderr
    assert "… and 10 more." in result.stderr
    assert "Correct the file and run the import again" in result.stderr
    assert result.stdout == ""
    assert not Response.objects.filter(campaign=campaign).exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("{id}", "missing.csv"), "Cannot read missing.csv: No such file or directory"),
        (("999999", "{sample}"), "There is no campaign with the id 999999."),
        (("{id}", "{sample}", "--org", "elsewhere"), "There is no campaign with the id"),
        (("{id}", "{sample}", "--mapping", "nope"), "mapping: There is no column mapping called nope."),
        (("{id}", "{empty}"), "file: The file is empty."),
    ],
)
def test_import_refusals_exit_1_and_store_nothing(tmp_path, arguments, message):
    campaign = make_campaign(make_organization(slug="northbay"))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    values = {"id": campaign.pk, "sample": SAMPLE, "empty": empty}
    result = _run("import", *(argument.format(**values) for argument in arguments))
    assert result.exit_code == 1
    assert message in result.stderr
    assert not SurveyImport.objects.exists() and not Response.objects.exists()


def test_import_into_a_closed_campaign_is_refused():
    campaign = make_campaign(make_organization(), status="closed")
    result = _run("import", str(campaign.pk), str(SAMPLE))
    assert result.exit_code == 1
    assert "The campaign is closed" in result.stderr
    assert not SurveyImport.objects.exists()


def test_mappings_lists_saved_and_pack_mappings():
    campaign = _fevs_campaign("listing")
    import_services.save_column_mapping(
        organization=campaign.organization,
        name="Our export",
        pack_key="fevs_2018",
        instrument_key="fevs-2018-innovation",
        columns={"statements": {"Q3": "innovate"}, "weight": "w"},
    )
    result = _run("mappings", "--org", "listing")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout), delimiter="\t"))
    assert rows[0] == ["name", "source", "pack", "instrument", "statements", "attributes", "weight"]
    assert ["Our export", "saved", "fevs_2018", "fevs-2018-innovation", "Q3=innovate", "", "w"] in rows
    assert [
        "fevs-2018",
        "pack",
        "fevs_2018",
        "fevs-2018-innovation",
        "Q3=Q3, Q8=Q8, Q30=Q30, Q32=Q32",
        "AGENCY=AGENCY, LEVEL1=LEVEL1",
        "POSTWT",
    ] in rows
    missing = _run("mappings", "--org", "nowhere")
    assert missing.exit_code == 1
    assert "There is no organisation with the short name nowhere." in missing.stderr
