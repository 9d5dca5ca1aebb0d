"""Reads of the idea box: lists, one idea, sponsors, the answer guarantee and likely duplicates.

Likely duplicates come from a TF-IDF index over the organisation's ideas and initiatives
(``analytics.text.similarity``). Building it is one pass over every text, too slow to repeat on
each keystroke, so the built index is kept in the default cache as bytes under a key naming the
organisation and a version of its corpus, and each process keeps the indexes it last loaded (the
bytes of 200,000 ideas take too long to fetch and load per keystroke). The version (latest
change of ideas and of initiatives, and how many changed shortly before it) moves whenever an
idea or initiative is created or changed. A small corpus is rebuilt on the spot when its version
moves; a large one (more than ``INLINE_BUILD_MAX`` texts, where a build takes seconds) keeps
answering from its previous index while ``tasks.rebuild_idea_index`` builds the new one in the
background, so one new idea does not make the next person typing wait: for those seconds an idea
just submitted is not yet suggested. Old entries expire.
"""

from __future__ import annotations

import datetime
from collections import OrderedDict
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.shortcuts import get_object_or_404
from django.utils import timezone

from spaceforchange.analytics.portfolio import Idea as IdeaSnapshot
from spaceforchange.analytics.text.similarity import Document, SimilarityIndex
from spaceforchange.core.models import Organization, Unit, User
from spaceforchange.core.selectors import change_marker, organization_zone
from spaceforchange.portfolio.models import (
    ANSWER_DAYS_DEFAULT,
    Challenge,
    Idea,
    IdeaSettings,
    IdeaSponsor,
    IdeaStatus,
    Initiative,
)

QUERY_MAX = 2000  # characters of typed text compared; more adds cost and hardly changes the answer
DUPLICATE_LIMIT = 5
DUPLICATE_MIN_SCORE = 0.3
INDEX_TIMEOUT = 24 * 3600
IDEA, INITIATIVE = "idea", "initiative"
KEPT_INDEXES = 4  # per process; an index of 200,000 ideas takes about 50 MB
INLINE_BUILD_MAX = 20_000  # texts; building this many takes about a second
REBUILD_GUARD_TIMEOUT = 15 * 60  # one queued rebuild per corpus version, retried after this long
# organisation id → (corpus version, index), least recently used first
_loaded: OrderedDict[int, tuple[str, SimilarityIndex]] = OrderedDict()


def ideas_for(organization: Organization, *, status: str = "") -> QuerySet[Idea]:
    queryset = (
        Idea.objects.filter(organization=organization)
        .select_related("unit", "sponsor", "initiative", "merged_into")
        .annotate(supporter_count=Count("supporters"))
        # An annotated (grouped) query drops Meta.ordering, so the order is given here.
        .order_by("-submitted_at", "-pk")
    )
    return queryset.filter(status=status) if status else queryset


def idea_detail(organization: Organization, idea_id: int) -> Idea:
    """The organisation's idea (404 for any other id, another organisation's included)."""
    return get_object_or_404(ideas_for(organization), pk=idea_id)


def my_ideas(organization: Organization, person: User) -> QuerySet[Idea]:
    return ideas_for(organization).filter(submitted_by=person)


def answer_days(organization: Organization) -> int:
    settings = IdeaSettings.objects.filter(organization=organization).first()
    return settings.answer_days if settings else ANSWER_DAYS_DEFAULT


@dataclass(frozen=True)
class Waiting:
    idea: Idea
    due: datetime.date
    days_waiting: int
    overdue: bool  # the same rule as the ``idea_answer_overdue`` warning: past the due date


def ideas_waiting(organization: Organization, *, sponsor: User | None = None) -> list[Waiting]:
    """Ideas without a decision, oldest (so overdue) first; only ``sponsor``'s when one is given."""
    queryset = ideas_for(organization, status=IdeaStatus.SUBMITTED).order_by("submitted_at", "pk")
    if sponsor is not None:
        queryset = queryset.filter(sponsor=sponsor)
    zone = organization_zone(organization)
    today = timezone.localtime(timezone.now(), zone).date()
    days = datetime.timedelta(days=answer_days(organization))
    rows = []
    for idea in queryset:
        submitted = timezone.localtime(idea.submitted_at, zone).date()
        rows.append(Waiting(idea, submitted + days, (today - submitted).days, today > submitted + days))
    return rows


def idea_snapshots(organization: Organization) -> tuple[IdeaSnapshot, ...]:
    """The organisation's ideas as the warning rules read them (``idea_answer_overdue``).

    The database works out the local dates: reading 200,000 ideas' two timestamps and converting
    each in Python took most of the time.
    """
    zone = organization_zone(organization)
    rows = (
        Idea.objects.filter(organization=organization)
        .order_by("pk")
        .values_list(
            "pk",
            TruncDate("submitted_at", tzinfo=zone),
            TruncDate("decided_at", tzinfo=zone),
            "sponsor_id",
        )
    )
    return tuple(
        IdeaSnapshot(id=pk, submitted_on=submitted_on, decided_on=decided_on, sponsor_id=sponsor_id)
        for pk, submitted_on, decided_on, sponsor_id in rows
    )


# --- Sponsors -----------------------------------------------------------------------------------


def sponsors_of(organization: Organization) -> QuerySet[IdeaSponsor]:
    return IdeaSponsor.objects.filter(organization=organization).select_related("unit", "person")


def sponsor_for(organization: Organization, unit: Unit | None) -> User | None:
    """The sponsor of ``unit``: its own, else its nearest parent's, else the organisation's default."""
    by_unit = {row.unit_id: row.person for row in sponsors_of(organization)}
    parents = dict(Unit.objects.filter(organization=organization).values_list("pk", "parent_id"))
    seen: set[int] = set()
    current = unit.pk if unit is not None else None
    while current is not None and current not in seen:
        if current in by_unit:
            return by_unit[current]
        seen.add(current)
        current = parents.get(current)
    return by_unit.get(None)


# --- Likely duplicates --------------------------------------------------------------------------


@dataclass(frozen=True)
class Duplicate:
    kind: str  # IDEA or INITIATIVE
    id: int
    title: str
    score: float
    status: str  # the idea's status or the initiative's stage label
    supporters: int
    can_join: bool


def _document_id(kind: str, pk: int) -> int:
    # Ideas and initiatives share one index, so their ids are interleaved to stay distinct.
    return pk * 2 + (1 if kind == INITIATIVE else 0)


def corpus_version(organization: Organization) -> str:
    ideas = change_marker(Idea.objects.filter(organization=organization))
    initiatives = change_marker(Initiative.objects.filter(organization=organization))
    return f"{ideas}-{initiatives}"


def _documents(organization: Organization) -> list[Document]:
    ideas = (
        Idea.objects.filter(organization=organization)
        .exclude(status=IdeaStatus.MERGED)
        .values_list("pk", "title", "problem", "proposal")
    )
    documents = [
        Document(_document_id(IDEA, pk), title, f"{problem}\n{proposal}") for pk, title, problem, proposal in ideas
    ]
    initiatives = Initiative.objects.filter(organization=organization).values_list("pk", "title", "summary")
    documents += [Document(_document_id(INITIATIVE, pk), title, summary) for pk, title, summary in initiatives]
    return documents


def index_key(organization_id: int, version: str) -> str:
    return f"sfc:portfolio:idea-index:{organization_id}:{version}"


def _latest_key(organization_id: int) -> str:
    return f"sfc:portfolio:idea-index:{organization_id}:latest"


def build_index(organization: Organization, version: str) -> SimilarityIndex:
    """Build the index of the corpus at ``version`` and share it through the cache as the latest."""
    index = SimilarityIndex.build(_documents(organization))
    cache.set_many(
        {index_key(organization.pk, version): index.to_bytes(), _latest_key(organization.pk): version},
        INDEX_TIMEOUT,
    )
    return index


def _cached(organization_id: int, version: str | None) -> SimilarityIndex | None:
    data = cache.get(index_key(organization_id, version)) if version else None
    return SimilarityIndex.from_bytes(data) if isinstance(data, bytes) else None


def _previous(organization: Organization) -> tuple[str, SimilarityIndex] | None:
    kept = _loaded.get(organization.pk)
    if kept is not None:
        return kept
    version = cache.get(_latest_key(organization.pk))
    index = _cached(organization.pk, version) if isinstance(version, str) else None
    return (str(version), index) if index is not None else None


def _keep(organization: Organization, version: str, index: SimilarityIndex) -> None:
    _loaded[organization.pk] = (version, index)
    _loaded.move_to_end(organization.pk)
    while len(_loaded) > KEPT_INDEXES:
        _loaded.popitem(last=False)


def similarity_index(organization: Organization) -> SimilarityIndex:
    """The organisation's index for its current corpus version: this process's copy, the shared cache's, or built.

    Fetching and loading 200,000 ideas' index from the cache takes far longer than a suggestion
    may, so each process keeps the indexes it loaded last (one per organisation, a few
    organisations); the version check still runs on every call, so a changed corpus is never missed.
    A large corpus whose version moved answers from its previous index until the background
    rebuild is in the cache.
    """
    from spaceforchange.portfolio.tasks import rebuild_idea_index

    version = corpus_version(organization)
    kept = _loaded.get(organization.pk)
    if kept is not None and kept[0] == version:
        _loaded.move_to_end(organization.pk)
        return kept[1]
    index = _cached(organization.pk, version)
    if index is None:
        previous = _previous(organization)
        if previous is not None and len(previous[1]) > INLINE_BUILD_MAX:
            if cache.add(f"sfc:portfolio:idea-index:{organization.pk}:{version}:queued", 1, REBUILD_GUARD_TIMEOUT):
                rebuild_idea_index.enqueue(organization_id=organization.pk)
            _keep(organization, *previous)
            return previous[1]
        index = build_index(organization, version)
    _keep(organization, version, index)
    return index


def likely_duplicates(
    organization: Organization, *, title: str, text: str, exclude_idea: int | None = None
) -> list[Duplicate]:
    """The organisation's ideas and initiatives most like the typed title and text, best first."""
    title, text = title[:QUERY_MAX], text[:QUERY_MAX]
    if not (title.strip() or text.strip()):
        return []
    excluded = [_document_id(IDEA, exclude_idea)] if exclude_idea is not None else []
    matches = similarity_index(organization).similar(
        text, title=title, limit=DUPLICATE_LIMIT, min_score=DUPLICATE_MIN_SCORE, exclude_ids=excluded
    )
    idea_ids = [match.id // 2 for match in matches if match.id % 2 == 0]
    initiative_ids = [match.id // 2 for match in matches if match.id % 2 == 1]
    ideas = {idea.pk: idea for idea in ideas_for(organization).filter(pk__in=idea_ids)}
    initiatives = {row.pk: row for row in Initiative.objects.filter(organization=organization, pk__in=initiative_ids)}
    found = []
    for match in matches:
        if match.id % 2 == 0 and match.id // 2 in ideas:
            idea = ideas[match.id // 2]
            open_idea = idea.status in (IdeaStatus.SUBMITTED, IdeaStatus.PARKED)
            label = str(idea.get_status_display())
            found.append(
                Duplicate(IDEA, idea.pk, idea.title, match.score, label, getattr(idea, "supporter_count", 0), open_idea)
            )
        elif match.id % 2 == 1 and match.id // 2 in initiatives:
            initiative = initiatives[match.id // 2]
            label = str(initiative.get_stage_display())
            found.append(Duplicate(INITIATIVE, initiative.pk, initiative.title, match.score, label, 0, False))
    return found


def open_ideas_except(organization: Organization, idea: Idea) -> QuerySet[Idea]:
    """The ideas another idea can be merged into."""
    return Idea.objects.filter(organization=organization).exclude(pk=idea.pk).exclude(status=IdeaStatus.MERGED)


# --- Challenges ---------------------------------------------------------------------------------


def challenge_open(challenge: Challenge, when: datetime.datetime | None = None) -> bool:
    """Whether ideas may still be submitted: up to and including the closing date, locally."""
    moment = timezone.localtime(when or timezone.now(), organization_zone(challenge.organization))
    return moment.date() <= challenge.closes_on


def challenges_for(organization: Organization) -> QuerySet[Challenge]:
    return (
        Challenge.objects.filter(organization=organization)
        .select_related("organization")
        .annotate(idea_count=Count("ideas"))
        .order_by("-closes_on", "pk")
    )


def open_challenges(organization: Organization) -> QuerySet[Challenge]:
    zone = organization_zone(organization)
    today = timezone.localtime(timezone.now(), zone).date()
    return Challenge.objects.filter(organization=organization, closes_on__gte=today).order_by("closes_on", "title")


def challenge_detail(organization: Organization, challenge_id: int) -> Challenge:
    """The organisation's challenge (404 for any other id)."""
    return get_object_or_404(
        Challenge.objects.filter(organization=organization).prefetch_related("evaluators"), pk=challenge_id
    )
