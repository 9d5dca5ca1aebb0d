"""Scoring a challenge's ideas and reading the ranking: pages, downloads and the API."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from openpyxl import load_workbook

from spaceforchange.portfolio import idea_services
from spaceforchange.portfolio.models import Challenge, Idea, IdeaEvaluation
from tests.factories import make_member, make_organization
from tests.integration.portfolio.conftest import World
from tests.integration.portfolio.test_idea_challenges import IDEA, open_one

BASE = "/o/northbay/initiatives/ideas/"
API = "/api/v1/organizations/northbay"
SCORES = {"public_value": "5", "feasibility": "3", "strategic_fit": "4"}


def soup_of(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def challenge(world: World) -> Challenge:
    challenge = open_one(world, evaluators=[world.owner])
    for title in ("Bikes", "Trams"):
        idea_services.submit_idea(
            organization=world.organization, submitted_by=world.member, challenge=challenge, **{**IDEA, "title": title}
        )
    return challenge


def idea_titled(title: str) -> Idea:
    return Idea.objects.get(title=title)


def test_an_evaluator_scores_from_the_challenge_page_and_reads_the_ranking(
    world: World, challenge: Challenge, as_person: Callable[[str], Client]
) -> None:
    owner = as_person("owner")
    page = soup_of(owner.get(f"{BASE}challenges/{challenge.pk}/"))
    links = [link["href"] for link in page.select("tbody a") if link["href"].endswith("/evaluate/")]
    assert links == [f"{BASE}{idea_titled(title).pk}/evaluate/" for title in ("Trams", "Bikes")]
    bikes = idea_titled("Bikes")
    form = soup_of(owner.get(f"{BASE}{bikes.pk}/evaluate/"))
    assert [legend.get_text(strip=True).rstrip("*") for legend in form.select("fieldset legend")][:3] == [
        "Public value",
        "Feasibility",
        "Strategic fit",
    ]
    response = owner.post(f"{BASE}{bikes.pk}/evaluate/", {**SCORES, "comment": "Cheap"})
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}challenges/{challenge.pk}/"
    assert IdeaEvaluation.objects.get().scores == {"public_value": 5, "feasibility": 3, "strategic_fit": 4}
    again = soup_of(owner.get(f"{BASE}{bikes.pk}/evaluate/"))
    assert again.select_one("#id_public_value_0")  # the radios are drawn …
    assert again.select_one("input[name=public_value][checked]")["value"] == "5"  # … with the saved score
    assert again.select_one("#evaluation-saved") is not None

    ranking = soup_of(owner.get(f"{BASE}challenges/{challenge.pk}/ranking/"))
    rows = [[cell.get_text(strip=True) for cell in row.select("th, td")] for row in ranking.select("#ranking tbody tr")]
    assert rows[0] == ["1", "Bikes", "Waiting for an answer", "4.00", "5.00", "3.00", "4.00", "1", "0.00"]
    assert rows[1][:4] == ["—", "Trams", "Waiting for an answer", "not scored"]


def test_bad_scores_rerender_with_errors_and_change_nothing(
    world: World, challenge: Challenge, as_person: Callable[[str], Client]
) -> None:
    bikes = idea_titled("Bikes")
    for data in (
        {},
        {**SCORES, "public_value": "9"},
        {**SCORES, "feasibility": "<script>"},
        {**SCORES, "comment": "x" * 2001},
    ):
        soup = soup_of(as_person("owner").post(f"{BASE}{bikes.pk}/evaluate/", data))
        assert soup.select_one("#error-summary") is not None
    assert not IdeaEvaluation.objects.exists()


def test_who_may_score_and_rank(world: World, challenge: Challenge, as_person: Callable[[str], Client]) -> None:
    bikes = idea_titled("Bikes")
    assert as_person("member").get(f"{BASE}{bikes.pk}/evaluate/").status_code == 403
    assert as_person("member").post(f"{BASE}{bikes.pk}/evaluate/", SCORES).status_code == 403
    assert as_person("lead").get(f"{BASE}{bikes.pk}/evaluate/").status_code == 403  # not an evaluator
    assert as_person("member").get(f"{BASE}challenges/{challenge.pk}/ranking/").status_code == 403
    assert as_person("lead").get(f"{BASE}challenges/{challenge.pk}/ranking/").status_code == 200
    page = soup_of(as_person("member").get(f"{BASE}challenges/{challenge.pk}/"))
    assert not [link for link in page.select("a") if "ranking" in link["href"] or "evaluate" in link["href"]]
    loose = idea_services.submit_idea(organization=world.organization, submitted_by=world.member, **IDEA)
    assert as_person("owner").get(f"{BASE}{loose.pk}/evaluate/").status_code == 404
    assert not IdeaEvaluation.objects.exists()


def test_another_organisations_idea_and_challenge_answer_404(
    world: World, challenge: Challenge, as_person: Callable[[str], Client]
) -> None:
    other = make_organization(slug="elsewhere")
    stranger = make_member(other, roles=["innovation_lead"]).user
    client = Client()
    client.force_login(stranger)
    bikes = idea_titled("Bikes")
    assert client.get(f"/o/elsewhere/initiatives/ideas/{bikes.pk}/evaluate/").status_code == 404
    assert client.get(f"/o/elsewhere/initiatives/ideas/challenges/{challenge.pk}/ranking/").status_code == 404
    assert (
        client.put(
            f"/api/v1/organizations/elsewhere/ideas/{bikes.pk}/evaluation",
            {"scores": {}},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_ranking_downloads(world: World, challenge: Challenge, as_person: Callable[[str], Client]) -> None:
    bikes = idea_titled("Bikes")
    Idea.objects.filter(pk=bikes.pk).update(title="=HYPERLINK(1)")
    idea_services.evaluate_idea(idea=bikes, evaluator=world.owner, scores={key: int(v) for key, v in SCORES.items()})
    lead = as_person("lead")
    response = lead.get(f"{BASE}challenges/{challenge.pk}/ranking/", {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "rank",
        "idea_id",
        "title",
        "status",
        "score",
        "evaluations",
        "spread",
        "public_value",
        "feasibility",
        "strategic_fit",
    ]
    assert rows[1] == ["1", str(bikes.pk), "'=HYPERLINK(1)", "submitted", "4.0", "1", "0.0", "5.0", "3.0", "4.0"]
    response = lead.get(f"{BASE}challenges/{challenge.pk}/ranking/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content))["Ranking"]
    assert [cell.value for cell in sheet[2]][:5] == [1, bikes.pk, "'=HYPERLINK(1)", "submitted", 4.0]


def put(client: Client, url: str, body: object):  # type: ignore[no-untyped-def]
    return client.put(url, data=body, content_type="application/json")


def test_api_scores_and_ranks(world: World, challenge: Challenge, as_person: Callable[[str], Client]) -> None:
    bikes = idea_titled("Bikes")
    url = f"{API}/ideas/{bikes.pk}/evaluation"
    owner = as_person("owner")
    assert owner.get(url).status_code == 404  # not scored yet
    scores = {"public_value": 4, "feasibility": 4, "strategic_fit": 1}
    response = put(owner, url, {"scores": scores, "comment": "ok"})
    assert response.status_code == 200, response.content
    assert (response.json()["scores"], response.json()["comment"]) == (scores, "ok")
    assert owner.get(url).json()["scores"] == scores
    ranking = as_person("lead").get(f"{API}/challenges/{challenge.pk}/ranking").json()
    assert [criterion["key"] for criterion in ranking["criteria"]] == ["public_value", "feasibility", "strategic_fit"]
    first = ranking["ideas"][0]
    assert (first["idea_id"], first["rank"], first["score"], first["evaluations"]) == (bikes.pk, 1, 3.0, 1)
    assert first["criteria"] == {"public_value": 4.0, "feasibility": 4.0, "strategic_fit": 1.0}
    assert ranking["ideas"][1]["rank"] is None
    assert as_person("member").get(f"{API}/challenges/{challenge.pk}/ranking").status_code == 403
    listed = as_person("member").get(f"{API}/challenges").json()
    assert [(row["id"], row["open"], row["evaluator_ids"]) for row in listed["items"]] == [
        (challenge.pk, True, [world.owner.pk])
    ]
    assert as_person("member").get(f"{API}/challenges/{challenge.pk}").json()["title"] == challenge.title


@pytest.mark.parametrize(
    "body",
    [
        {"scores": {"public_value": 4, "feasibility": 4}},
        {"scores": {"public_value": 6, "feasibility": 4, "strategic_fit": 1}},
        {"scores": {"public_value": "4", "feasibility": 4, "strategic_fit": 1}},
        {"scores": {"public_value": True, "feasibility": 4, "strategic_fit": 1}},
        {"scores": {f"k{number}": 1 for number in range(60)}},
        {"scores": {"public_value": 4, "feasibility": 4, "strategic_fit": 1}, "comment": "x" * 2001},
        {"scores": [1, 2, 3]},
        "not json",
    ],
)
def test_api_bad_scores_are_4xx_and_change_nothing(
    world: World, challenge: Challenge, as_person: Callable[[str], Client], body: object
) -> None:
    response = put(as_person("owner"), f"{API}/ideas/{idea_titled('Bikes').pk}/evaluation", body)
    assert response.status_code in (400, 422), response.content
    assert not IdeaEvaluation.objects.exists()


def test_api_scoring_is_for_evaluators_only(
    world: World, challenge: Challenge, as_person: Callable[[str], Client]
) -> None:
    body = {"scores": {"public_value": 4, "feasibility": 4, "strategic_fit": 1}}
    assert put(as_person("member"), f"{API}/ideas/{idea_titled('Bikes').pk}/evaluation", body).status_code == 403
    assert put(as_person("lead"), f"{API}/ideas/{idea_titled('Bikes').pk}/evaluation", body).status_code == 403
    loose = idea_services.submit_idea(organization=world.organization, submitted_by=world.member, **IDEA)
    assert put(as_person("owner"), f"{API}/ideas/{loose.pk}/evaluation", body).status_code == 404
    assert not IdeaEvaluation.objects.exists()


def test_api_opens_a_challenge_for_leads_only(world: World, as_person: Callable[[str], Client]) -> None:
    body = {"title": "Cleaner air", "theme": "Less exhaust.", "closes_on": world.today.isoformat(), "evaluator_ids": []}
    assert as_person("member").post(f"{API}/challenges", body, content_type="application/json").status_code == 403
    response = as_person("lead").post(
        f"{API}/challenges", {**body, "evaluator_ids": [world.owner.pk]}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["evaluator_ids"] == [world.owner.pk]
    foreign = make_member(make_organization(slug="elsewhere")).user
    response = as_person("lead").post(
        f"{API}/challenges", {**body, "title": "Other", "evaluator_ids": [foreign.pk]}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "evaluator_ids" in response.content.decode()
    past = {**body, "title": "Past", "closes_on": "2000-01-01"}
    assert as_person("lead").post(f"{API}/challenges", past, content_type="application/json").status_code == 422
    assert Challenge.objects.count() == 1
