"""REST endpoints of a consultation's results: the latest opinion map, a recomputation queued in
the background, and participation over time. Helpers and path parameters are those of ``api``."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from spaceforchange.consultations import api_selectors, selectors
from spaceforchange.consultations.api import CONSULTATION, CONSULTATION_ID, authorised_consultation
from spaceforchange.consultations.tasks import recompute_consultation_opinion
from spaceforchange.core.tasks import enqueue_on_commit

router = Router(tags=["consultations"])


class StatementRef(Schema):
    """A statement named in the results, with a value whose meaning the list describes."""

    statement_id: int = Field(description="The statement's id.")
    text: str = Field(description="The statement.")
    value: float = Field(description="Group-aware consensus or divisiveness, 0–1.")


class ConsensusStatementOut(Schema):
    """A statement (nearly) everyone in the map agrees with, or disagrees with."""

    statement_id: int = Field(description="The statement's id.")
    text: str = Field(description="The statement.")
    probability: float = Field(description="The smoothed share agreeing (or disagreeing), 0–1.")
    n_success: int = Field(description="Participants in the map who agreed (or disagreed).")
    n_seen: int = Field(description="Participants in the map who voted on it.")


class RepresentativeStatementOut(Schema):
    """A statement that sets a group apart from the rest."""

    statement_id: int = Field(description="The statement's id.")
    text: str = Field(description="The statement.")
    direction: str = Field(description="`agree` or `disagree`: how the group leans on it, unlike the others.")
    probability: float = Field(description="The smoothed share of the group voting that way, 0–1.")
    n_agree: int = Field(description="Members of the group who agreed.")
    n_disagree: int = Field(description="Members of the group who disagreed.")
    n_seen: int = Field(description="Members of the group who voted on it.")
    repness: float = Field(description="Representativeness: the ratio to the others times the probability.")


class OpinionGroupOut(Schema):
    """One opinion group of the map."""

    label: int = Field(description="The group's number; kept between recomputations while the group persists.")
    name: str = Field(description="The group's name on the results page (A, B, …).")
    size: int = Field(description="Participants in the group.")
    representative: list[RepresentativeStatementOut] = Field(description="Its representative statements, best first.")


class OpinionResultsOut(Schema):
    """The latest opinion map of a consultation; before the first, `computed_at` is null and the lists empty."""

    consultation_id: int = Field(description="The consultation's id.")
    computed_at: datetime | None = Field(description="When the map was computed; null before the first.")
    votes_counted: int | None = Field(description="The votes it was computed from; null before the first.")
    seconds: float | None = Field(description="How long the computation took; null before the first.")
    participants_in: int = Field(description="Participants in the map (those who voted on enough statements).")
    division: float | None = Field(description="How divided the groups are, 0–1; a policy's tension index reads it.")
    groups: list[OpinionGroupOut] = Field(description="The opinion groups, by label.")
    consensus_agree: list[ConsensusStatementOut] = Field(description="Statements (nearly) everyone agrees with.")
    consensus_disagree: list[ConsensusStatementOut] = Field(description="Statements (nearly) everyone rejects.")
    group_aware_consensus: list[StatementRef] = Field(
        description="Every statement by group-aware consensus (the product of each group's agreement), highest first."
    )
    divisive: list[StatementRef] = Field(description="Every statement by divisiveness across groups, highest first.")


class RecomputeOut(Schema):
    """A recomputation was queued."""

    consultation_id: int = Field(description="The consultation's id.")
    queued: bool = Field(description="Always true: the map is recomputed in the background.")
    computed_at: datetime | None = Field(description="When the current map was computed; poll until it changes.")


class ParticipationDayOut(Schema):
    """One day with activity, in the organisation's time zone."""

    day: date = Field(description="The day.")
    joined: int = Field(description="Participants who joined that day.")
    votes: int = Field(description="Votes first cast that day (a changed vote counts on its first day).")
    participants_total: int = Field(description="Participants up to and including that day.")
    votes_total: int = Field(description="Votes up to and including that day.")


@router.get(
    CONSULTATION + "/results",
    response=OpinionResultsOut,
    summary="Get a consultation's opinion map",
    description="The latest stored map: groups with their sizes and representative statements, consensus, "
    "group-aware consensus, the divisive statements and the division. Those who may see the consultation.",
)
def get_results(request: HttpRequest, org_slug: str, consultation_id: int = CONSULTATION_ID) -> dict[str, Any]:
    consultation = authorised_consultation(request, org_slug, consultation_id, "consultations.view_consultation")
    return api_selectors.opinion_results(consultation)


@router.post(
    CONSULTATION + "/results/recompute",
    response={202: RecomputeOut},
    summary="Recompute a consultation's opinion map",
    description="Queues a recomputation in the background and answers at once; read `.../results` again for the "
    "new map. Those who may change the consultation (403 otherwise).",
)
def recompute_results(
    request: HttpRequest, org_slug: str, consultation_id: int = CONSULTATION_ID
) -> Status[dict[str, Any]]:
    consultation = authorised_consultation(request, org_slug, consultation_id, "consultations.change_consultation")
    enqueue_on_commit(recompute_consultation_opinion, consultation_id=consultation.pk)
    latest = selectors.latest_snapshot(consultation)
    body = {"consultation_id": consultation.pk, "queued": True, "computed_at": latest.computed_at if latest else None}
    return Status(202, body)


@router.get(
    CONSULTATION + "/participation",
    response=list[ParticipationDayOut],
    summary="Get participation over time",
    description="Each day with activity, oldest first, with running totals. Those who may see the consultation.",
)
def get_participation(request: HttpRequest, org_slug: str, consultation_id: int = CONSULTATION_ID) -> list[Any]:
    consultation = authorised_consultation(request, org_slug, consultation_id, "consultations.view_consultation")
    return list(selectors.participation_over_time(consultation))
