"""Reads shaped for a consultation's results page and its downloads.

The opinion map is read from the latest ``OpinionSnapshot`` (``OpinionResult.to_dict()``), whose
maps keyed by id are lists of pairs; statement texts and vote counts come from the database in one
query each, so the page takes the same number of queries for ten participants or a hundred
thousand. Group labels are numbers in the snapshot and letters on the page (``charts.group_name``).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from spaceforchange.analytics.opinion.matrix import Id
from spaceforchange.analytics.opinion.priority import choose_next_statement
from spaceforchange.consultations import selectors
from spaceforchange.consultations.charts import group_colour, group_name
from spaceforchange.consultations.models import Consultation, Moderation, OpinionSnapshot, Statement, Status
from spaceforchange.consultations.participant_services import is_votable

TOP = 10  # statements listed under group-aware consensus and the most divisive
COUNTS = ("agrees", "disagrees", "passes")  # annotated by ``selectors.statements_of``


@dataclass(frozen=True)
class StatementFigures:
    id: int
    text: str
    moderation: str
    agree: int = 0
    disagree: int = 0
    passed: int = 0

    @property
    def seen(self) -> int:
        return self.agree + self.disagree + self.passed


@dataclass(frozen=True)
class Representative:
    statement: StatementFigures
    direction: str
    share: float  # of the group who voted ``direction``, among those who saw it (smoothed, as Polis)
    n_agree: int
    n_disagree: int
    n_seen: int
    repness: float


@dataclass(frozen=True)
class Group:
    label: int
    name: str
    colour: str
    size: int
    representative: tuple[Representative, ...]


@dataclass(frozen=True)
class Ranked:
    statement: StatementFigures
    value: float  # a probability or score in 0..1
    n_success: int = 0
    n_seen: int = 0


@dataclass(frozen=True)
class OpinionView:
    snapshot: OpinionSnapshot
    points: list[tuple[float, float]]
    point_groups: list[int]
    groups: tuple[Group, ...]
    consensus_agree: tuple[Ranked, ...]
    consensus_disagree: tuple[Ranked, ...]
    group_aware: tuple[Ranked, ...]
    divisive: tuple[Ranked, ...]
    participants_in: int
    division: float
    statements: Mapping[int, StatementFigures] = field(default_factory=dict)


def statement_figures(consultation: Consultation) -> dict[int, StatementFigures]:
    """Every statement of the consultation with its agree, disagree and pass counts (one query)."""
    return {
        statement.pk: StatementFigures(
            statement.pk, statement.text, statement.moderation, *(int(getattr(statement, name)) for name in COUNTS)
        )
        for statement in selectors.statements_of(consultation)
    }


def opening_statement(consultation: Consultation) -> Statement | None:
    """The statement shown to a visitor who has not voted yet (so is no participant yet): drawn by the
    latest map's comment priority, as ``selectors.next_statement`` draws for a participant."""
    shown = [
        statement
        for statement in Statement.objects.filter(consultation=consultation).exclude(moderation=Moderation.REJECTED)
        if is_votable(statement, consultation)
    ]
    stored = (
        OpinionSnapshot.objects.filter(consultation=consultation)
        .order_by("-computed_at", "-pk")
        .values_list("result__comment_priority", flat=True)
        .first()
    )
    known = {int(pair[0]): float(pair[1]) for pair in stored or ()}
    priorities: dict[Id, float | None] = {statement.pk: known.get(statement.pk) for statement in shown}
    chosen = choose_next_statement(priorities, (), random_value=secrets.randbelow(2**53) / 2**53)
    return next((statement for statement in shown if statement.pk == chosen), None)


def _pairs(result: Mapping[str, Any], key: str) -> list[list[Any]]:
    value = result.get(key) or []
    return value if isinstance(value, list) else []


def _figures(statements: Mapping[int, StatementFigures], statement_id: Any) -> StatementFigures:
    found = statements.get(int(statement_id))
    return found or StatementFigures(int(statement_id), "", "")


def _groups(result: Mapping[str, Any], statements: Mapping[int, StatementFigures]) -> tuple[Group, ...]:
    representative = {int(label): rows for label, rows in _pairs(result, "representative")}
    groups = []
    for label, size in sorted((int(label), int(size)) for label, size in _pairs(result, "group_sizes")):
        rows = tuple(
            Representative(
                statement=_figures(statements, row["statement"]),
                direction=str(row["direction"]),
                share=float(row["probability"]),
                n_agree=int(row["n_agree"]),
                n_disagree=int(row["n_disagree"]),
                n_seen=int(row["n_seen"]),
                repness=float(row["repness"]),
            )
            for row in representative.get(label, [])
        )
        groups.append(Group(label, group_name(label), group_colour(label), size, rows))
    return tuple(groups)


def _consensus(rows: Iterable[Mapping[str, Any]], statements: Mapping[int, StatementFigures]) -> tuple[Ranked, ...]:
    return tuple(
        Ranked(
            _figures(statements, row["statement"]),
            float(row["probability"]),
            int(row.get("n_success", 0)),
            int(row.get("n_seen", 0)),
        )
        for row in rows
    )


def _ranked(
    pairs: Sequence[Sequence[Any]], statements: Mapping[int, StatementFigures], top: int | None
) -> tuple[Ranked, ...]:
    ordered = sorted(pairs, key=lambda pair: (-float(pair[1]), int(pair[0])))
    return tuple(Ranked(_figures(statements, sid), float(value)) for sid, value in ordered[:top])


def opinion_view(consultation: Consultation, snapshot: OpinionSnapshot, *, top: int | None = TOP) -> OpinionView:
    """The latest opinion map as the page (the ``top`` statements of each ranking) and the downloads (all) show it."""
    result = snapshot.result or {}
    statements = statement_figures(consultation)
    participants = [int(pid) for pid in result.get("participants_in") or []]
    group_of = {int(pid): int(label) for pid, label in _pairs(result, "groups")}
    coordinates = result.get("coordinates") or []
    points, point_groups = [], []
    for pid, (x, y) in zip(participants, coordinates, strict=False):
        if pid in group_of:
            points.append((float(x), float(y)))
            point_groups.append(group_of[pid])
    consensus = result.get("consensus") or {}
    shown = {sid for sid, figures in statements.items() if figures.moderation != "rejected"}
    group_aware = [pair for pair in _pairs(result, "group_aware_consensus") if int(pair[0]) in shown]
    return OpinionView(
        snapshot=snapshot,
        points=points,
        point_groups=point_groups,
        groups=_groups(result, statements),
        consensus_agree=_consensus(consensus.get("agree", []), statements),
        consensus_disagree=_consensus(consensus.get("disagree", []), statements),
        group_aware=_ranked(group_aware, statements, top),
        divisive=_ranked([p for p in _pairs(result, "divisive") if int(p[0]) in shown], statements, top),
        participants_in=len(participants),
        division=float(result.get("division", snapshot.division)),
        statements=statements,
    )


def filtered(consultations: QuerySet[Consultation], *, search: str, status: str, sort: str) -> QuerySet[Consultation]:
    """The list page's search (question and description), status filter (from the dates, now) and order."""
    if search:
        consultations = consultations.filter(Q(title__icontains=search) | Q(description__icontains=search))
    now = timezone.now()
    is_closed = Q(closes_at__isnull=False, closes_at__lte=now)
    if status == Status.DRAFT:
        consultations = consultations.filter(opens_at__gt=now)
    elif status == Status.OPEN:
        consultations = consultations.filter(opens_at__lte=now).exclude(is_closed)
    elif status == Status.CLOSED:
        consultations = consultations.filter(is_closed)
    return consultations.order_by(sort, "-pk")
