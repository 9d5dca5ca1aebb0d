"""Golden test on real data: the FEVS 2018 sample imported with the pack mapping ``fevs-2018``.

The product's weighted share of answers 4–5 for every agency (and every sub-agency, LEVEL1) and
item must equal a computation written here with the standard library only (csv + gzip), to 1e-9;
groups below the anonymity threshold must be suppressed, and only complementary suppressions (the
smallest groups, until the hidden ones hold at least the threshold) may be added.
Data: OPM 2018 FEVS Public Release Data File, 20 % sample prepared by
Groves-Dixon-Demos/Federal-Employees-Feelings (see ../shared/data/fevs-2018-prdf-sample/SOURCE.md).
"""

from __future__ import annotations

import csv
import datetime
import gzip
from collections import defaultdict
from pathlib import Path

import pytest
from django.utils import timezone

from spaceforchange.assessments import import_services, services
from spaceforchange.assessments.models import ImportStatus, Response
from spaceforchange.assessments.results import campaign_results
from tests.factories import make_organization

REPO = Path(__file__).resolve().parents[3]
FEVS = REPO.parent / "shared" / "data" / "fevs-2018-prdf-sample" / "fevs2018_prdf_20pct_sample_imputed.csv.gz"
ITEMS = ("Q3", "Q8", "Q30", "Q32")
GROUPINGS = ("AGENCY", "LEVEL1")
ROWS = 101_881
THRESHOLD = 5

pytestmark = pytest.mark.django_db


Reference = dict[str, tuple[dict[str, int], dict[str, dict[str, float]]]]


def stdlib_shares() -> tuple[Reference, dict[str, float]]:
    """Per AGENCY and per LEVEL1: respondents per group and weighted share of 4–5 per group and item;
    and the whole sample's share per item."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    weight: dict[tuple[str, str, str], float] = defaultdict(float)
    favourable: dict[tuple[str, str, str], float] = defaultdict(float)
    with gzip.open(FEVS, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            w = float(row["POSTWT"])
            groups = [(column, row[column]) for column in GROUPINGS] + [("*", "*")]
            for column, value in groups:
                counts[column, value] += 1
            for item in ITEMS:
                if row[item] in ("", "X"):
                    continue
                positive = int(row[item]) >= 4
                for column, value in groups:
                    weight[column, value, item] += w
                    favourable[column, value, item] += w if positive else 0.0
    reference: Reference = {}
    for column in GROUPINGS:
        sizes = {value: n for (grouping, value), n in counts.items() if grouping == column}
        shares = {
            value: {item: favourable[column, value, item] / weight[column, value, item] for item in ITEMS}
            for value in sizes
        }
        reference[column] = (sizes, shares)
    overall = {item: favourable["*", "*", item] / weight["*", "*", item] for item in ITEMS}
    return reference, overall


def expected_suppressed(counts: dict[str, int]) -> tuple[set[str], set[str]]:
    """Agencies below the threshold, and the smallest others that complementary suppression may add."""
    primary = {agency for agency, n in counts.items() if n < THRESHOLD}
    complements: set[str] = set()
    hidden = sum(counts[agency] for agency in primary)
    for n, agency in sorted((n, agency) for agency, n in counts.items() if agency not in primary):
        if not primary or hidden >= THRESHOLD:
            break
        complements.add(agency)
        hidden += n
    return primary, complements


@pytest.fixture(scope="module")
def reference():
    if not FEVS.is_file():
        pytest.skip(f"the FEVS sample is not at {FEVS}; see the data's SOURCE.md for where it comes from")
    return stdlib_shares()


def import_fevs():
    organization = make_organization(slug="opm")
    now = timezone.now()
    campaign = services.create_campaign(
        organization=organization,
        created_by=None,
        title="FEVS 2018 sample",
        instrument_key="fevs-2018-innovation",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=7),
        anonymity_threshold=THRESHOLD,
    )
    started = import_services.start_survey_import(
        campaign=campaign,
        uploaded_name=FEVS.name,
        data=FEVS.read_bytes(),
        mapping_name="fevs-2018",
        run_in_background=False,
    )
    finished = import_services.import_survey(started.pk)
    assert (finished.status, finished.rows_total, finished.rows_done, finished.problem_count) == (
        ImportStatus.DONE,
        ROWS,
        ROWS,
        0,
    ), finished.message
    return campaign


def test_fevs_import_matches_the_stdlib_computation(reference):
    """One import (101,881 rows) checked three ways, so the suite pays for it once."""
    campaign = import_fevs()
    groups, overall = reference
    for column in GROUPINGS:
        check_every_group_and_item(campaign, column, *groups[column])
    check_whole_sample_against_source_md(campaign, overall)
    check_the_stored_rows(campaign)


def check_every_group_and_item(campaign, column, counts, shares):
    results = campaign_results(campaign, group_by=f"attribute:{column}")
    groups = {group["group"]: group for group in results["groups"]}
    assert set(groups) == set(counts)
    primary, complements = expected_suppressed(counts)
    suppressed = {agency for agency, group in groups.items() if group["suppressed"]}
    assert primary <= suppressed
    assert suppressed - primary <= complements
    assert not suppressed or sum(counts[value] for value in suppressed) >= THRESHOLD
    if column == "LEVEL1":  # 234 sub-agencies, some with a handful of respondents in the sample
        assert primary, "no sub-agency below the threshold: the suppression check would be empty"
    compared = 0
    for agency, group in groups.items():
        if group["suppressed"]:
            assert "items" not in group and "n" not in group
            continue
        assert group["n"] == counts[agency] >= THRESHOLD
        for item in ITEMS:
            assert group["items"][item]["share_favourable"] == pytest.approx(shares[agency][item], abs=1e-9)
            compared += 1
    assert compared == 4 * (len(counts) - len(suppressed))


def check_whole_sample_against_source_md(campaign, overall):
    results = campaign_results(campaign)
    (group,) = results["groups"]
    assert results["campaign"]["respondents"] == ROWS == group["n"]
    for item in ITEMS:
        assert group["items"][item]["share_favourable"] == pytest.approx(overall[item], abs=1e-9)
    # SOURCE.md: weighted % positive 61.8 (Q3), 91.0 (Q8), 48.0 (Q30), 41.4 (Q32).
    published = {"Q3": 61.8, "Q8": 91.0, "Q30": 48.0, "Q32": 41.4}
    assert {item: round(100 * group["items"][item]["share_favourable"], 1) for item in ITEMS} == published


def check_the_stored_rows(campaign):
    responses = Response.objects.filter(campaign=campaign).order_by("pk")
    assert responses.filter(status="submitted", source="import").count() == ROWS
    first = responses.first()
    with gzip.open(FEVS, "rt", encoding="utf-8", newline="") as handle:
        row = next(csv.DictReader(handle))
    assert first.weight == float(row["POSTWT"]) == 1.9697084008
    assert first.attributes == {"AGENCY": row["AGENCY"], "LEVEL1": row["LEVEL1"]} == {"AGENCY": "AR", "LEVEL1": "ARCE"}
    answers = dict(first.answers.values_list("statement_key", "value"))
    assert answers == {item: int(row[item]) for item in ITEMS}
