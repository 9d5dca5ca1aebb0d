"""The idea box's services and selectors: submitting, routing, duplicates, deciding, waiting lists."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from spaceforchange.portfolio import idea_selectors, idea_services
from spaceforchange.portfolio.models import Idea, IdeaSponsor, IdeaStatus, Initiative, Stage
from tests.factories import make_member, make_organization, make_unit
from tests.integration.portfolio.conftest import World

PARKING = {
    "title": "Shared parking for home-care cars",
    "problem": "Home-care nurses lose time searching for parking near residents' homes.",
    "proposal": "Reserve parking spaces for home-care cars in every district.",
}


def submit(world: World, **changes: object) -> Idea:
    fields = {**PARKING, **changes}
    return idea_services.submit_idea(organization=world.organization, submitted_by=world.member, **fields)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def test_submit_routes_to_the_nearest_sponsor_up_the_unit_tree(world: World) -> None:
    top = make_unit(world.organization, "Health")
    below = make_unit(world.organization, "Home care", parent=top)
    idea_services.set_idea_sponsor(organization=world.organization, unit=None, person=world.lead)
    idea_services.set_idea_sponsor(organization=world.organization, unit=top, person=world.owner)

    assert submit(world, unit=below).sponsor == world.owner
    assert submit(world, title="Other", unit=None).sponsor == world.lead


def test_submit_without_any_sponsor_leaves_it_empty(world: World) -> None:
    idea = submit(world)
    assert (idea.sponsor, idea.status, idea.submitted_by) == (None, IdeaStatus.SUBMITTED, world.member)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"problem": ""}, "problem"),
        ({"proposal": ""}, "proposal"),
        ({"title": "x" * 201}, "title"),
        ({"problem": "x" * 4001}, "problem"),
        ({"public_value": "x" * 2001}, "public_value"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(world: World, changes: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        submit(world, **changes)
    assert field in raised.value.message_dict
    assert Idea.objects.count() == 0


def test_another_organisations_unit_or_a_stranger_is_refused(world: World) -> None:
    other = make_organization(slug="elsewhere")
    with pytest.raises(ValidationError) as raised:
        submit(world, unit=make_unit(other))
    assert "unit" in raised.value.message_dict
    stranger = make_member(other).user
    with pytest.raises(ValidationError):
        idea_services.submit_idea(organization=world.organization, submitted_by=stranger, **PARKING)
    with pytest.raises(ValidationError):
        idea_services.set_idea_sponsor(organization=world.organization, unit=None, person=stranger)
    assert Idea.objects.count() == 0
    assert IdeaSponsor.objects.count() == 0


def test_likely_duplicates_find_a_retyped_idea_and_an_initiative(world: World) -> None:
    original = submit(world)
    submit(world, title="Digital library cards", problem="Cards get lost.", proposal="Use the phone instead.")
    found = idea_selectors.likely_duplicates(
        world.organization, title="Parking for home care cars", text="Nurses search for parking spaces"
    )
    assert [(row.kind, row.id) for row in found][:1] == [("idea", original.pk)]
    assert found[0].can_join is True
    assert 0.3 <= found[0].score <= 1.0
    night = idea_selectors.likely_duplicates(world.organization, title="Night watch", text="")
    assert [(row.kind, row.id) for row in night] == [("initiative", world.initiative.pk)]


def test_the_cached_index_follows_every_new_idea(world: World) -> None:
    assert idea_selectors.likely_duplicates(world.organization, title=PARKING["title"], text="") == []
    idea = submit(world)
    found = idea_selectors.likely_duplicates(world.organization, title=PARKING["title"], text="")
    assert [row.id for row in found] == [idea.pk]


def test_empty_and_oversized_queries_are_harmless(world: World) -> None:
    submit(world)
    assert idea_selectors.likely_duplicates(world.organization, title="", text="   ") == []
    huge = "parking " * 10_000
    assert len(idea_selectors.likely_duplicates(world.organization, title=huge, text=huge)) == 1


def test_duplicates_never_cross_organisations(world: World) -> None:
    submit(world)
    other = make_organization(slug="elsewhere")
    assert idea_selectors.likely_duplicates(other, title=PARKING["title"], text=PARKING["problem"]) == []


def test_join_counts_a_supporter_once_and_not_the_submitter(world: World) -> None:
    idea = submit(world)
    idea_services.join_idea(idea=idea, person=world.owner)
    idea_services.join_idea(idea=idea, person=world.owner)
    idea_services.join_idea(idea=idea, person=world.member)
    assert list(idea.supporters.all()) == [world.owner]


def test_adopt_creates_an_initiative_at_stage_idea(world: World) -> None:
    idea_services.set_idea_sponsor(organization=world.organization, unit=None, person=world.teammate)
    idea = submit(world)
    decided = idea_services.decide_idea(idea=idea, actor=world.teammate, decision=IdeaStatus.ADOPTED)
    initiative = Initiative.objects.get(pk=decided.initiative_id)
    assert (initiative.title, initiative.stage, initiative.owner) == (PARKING["title"], Stage.IDEA, world.teammate)
    assert PARKING["problem"] in initiative.summary
    assert (decided.status, decided.decided_by) == (IdeaStatus.ADOPTED, world.teammate)
    assert decided.decided_at is not None


def test_only_sponsor_lead_or_owner_decides(world: World) -> None:
    idea = submit(world)
    with pytest.raises(PermissionDenied):
        idea_services.decide_idea(idea=idea, actor=world.teammate, decision=IdeaStatus.DECLINED, reason="No")
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.SUBMITTED
    idea_services.decide_idea(idea=idea, actor=world.owner, decision=IdeaStatus.DECLINED, reason="Covered already")
    assert Idea.objects.get(pk=idea.pk).reason == "Covered already"


@pytest.mark.parametrize("decision", [IdeaStatus.DECLINED, IdeaStatus.PARKED])
def test_decline_and_park_need_a_reason(world: World, decision: str) -> None:
    idea = submit(world)
    with pytest.raises(ValidationError) as raised:
        idea_services.decide_idea(idea=idea, actor=world.lead, decision=decision, reason="  ")
    assert "reason" in raised.value.message_dict
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.SUBMITTED


def test_merge_moves_the_people_and_refuses_bad_targets(world: World) -> None:
    target = submit(world, title="Parking permits")
    idea = idea_services.submit_idea(organization=world.organization, submitted_by=world.teammate, **PARKING)
    idea_services.join_idea(idea=idea, person=world.owner)
    for bad in (None, idea):
        with pytest.raises(ValidationError):
            idea_services.decide_idea(idea=idea, actor=world.lead, decision=IdeaStatus.MERGED, merge_into=bad)
    idea_services.decide_idea(idea=idea, actor=world.lead, decision=IdeaStatus.MERGED, merge_into=target)
    assert set(target.supporters.all()) == {world.teammate, world.owner}
    assert Idea.objects.get(pk=idea.pk).merged_into == target


def test_a_decided_idea_is_not_decided_again_but_a_parked_one_is(world: World) -> None:
    idea = submit(world)
    idea_services.decide_idea(idea=idea, actor=world.lead, decision=IdeaStatus.PARKED, reason="Next year")
    idea_services.decide_idea(idea=idea, actor=world.lead, decision=IdeaStatus.DECLINED, reason="No budget")
    with pytest.raises(ValidationError):
        idea_services.decide_idea(idea=idea, actor=world.lead, decision=IdeaStatus.PARKED, reason="Again")
    with pytest.raises(ValidationError):
        idea_services.join_idea(idea=idea, person=world.owner)
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.DECLINED


def test_adopting_with_a_taken_title_changes_nothing(world: World) -> None:
    idea = submit(world, title="Night watch")
    with pytest.raises(ValidationError):
        idea_services.decide_idea(idea=idea, actor=world.lead, decision=IdeaStatus.ADOPTED)
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.SUBMITTED
    assert Initiative.objects.count() == 1


def test_waiting_lists_overdue_first_by_the_guarantee(world: World) -> None:
    idea_services.set_answer_days(organization=world.organization, answer_days=10)
    now = timezone.now()
    old = submit(world, title="Old", submitted_at=now - datetime.timedelta(days=12))
    new = submit(world, title="New", submitted_at=now - datetime.timedelta(days=2))
    rows = idea_selectors.ideas_waiting(world.organization)
    assert [(row.idea.pk, row.overdue) for row in rows] == [(old.pk, True), (new.pk, False)]
    assert rows[0].days_waiting in (11, 12, 13)
    assert idea_selectors.ideas_waiting(world.organization, sponsor=world.lead) == []


def test_answer_days_default_and_bounds(world: World) -> None:
    assert idea_selectors.answer_days(world.organization) == 30
    with pytest.raises(ValidationError):
        idea_services.set_answer_days(organization=world.organization, answer_days=0)
    assert idea_selectors.answer_days(world.organization) == 30


def test_snapshots_feed_the_overdue_rule(world: World) -> None:
    idea = submit(world, submitted_at=timezone.now() - datetime.timedelta(days=40))
    (snapshot,) = idea_selectors.idea_snapshots(world.organization)
    assert (snapshot.id, snapshot.decided_on) == (idea.pk, None)


def test_the_audit_log_keeps_an_anonymous_submitter(world: World) -> None:
    idea = submit(world, anonymous=True)
    entry = LogEntry.objects.get_for_object(idea).get()
    assert entry.changes_dict["submitted_by"][1] == str(world.member.pk)
