"""The duplicate index of a large corpus is rebuilt in the background; meanwhile the previous one answers."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django_tasks_db.models import DBTaskResult

from spaceforchange.portfolio import idea_selectors, idea_services, tasks
from tests.integration.portfolio.conftest import World

QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
PARKING = {"problem": "Nurses lose time searching for parking.", "proposal": "Reserve parking spaces for nurses."}


@pytest.fixture(autouse=True)
def _fresh_indexes():
    cache.clear()
    idea_selectors._loaded.clear()
    yield
    idea_selectors._loaded.clear()


def titles(world: World) -> list[str]:
    found = idea_selectors.likely_duplicates(world.organization, title="Parking for nurses", text=PARKING["problem"])
    return sorted(duplicate.title for duplicate in found)


def submit(world: World, title: str) -> None:
    idea_services.submit_idea(organization=world.organization, submitted_by=world.member, title=title, **PARKING)


def test_a_small_corpus_is_rebuilt_on_the_spot(world: World) -> None:
    submit(world, "Parking for home care")
    assert titles(world) == ["Parking for home care"]
    submit(world, "Parking permits for nurses")
    assert titles(world) == ["Parking for home care", "Parking permits for nurses"]


def test_a_large_corpus_answers_from_its_previous_index_until_the_rebuild(
    world: World, monkeypatch: pytest.MonkeyPatch, settings
) -> None:
    monkeypatch.setattr(idea_selectors, "INLINE_BUILD_MAX", 0)
    settings.TASKS = QUEUED
    submit(world, "Parking for home care")
    assert titles(world) == ["Parking for home care"]  # no previous index: built on the spot
    submit(world, "Parking permits for nurses")
    assert titles(world) == ["Parking for home care"]  # the previous index answers …
    assert titles(world) == ["Parking for home care"]
    queued = DBTaskResult.objects.filter(task_path__endswith="rebuild_idea_index", status="READY")
    # … and one rebuild is queued, however many ask
    assert [row.args_kwargs["kwargs"] for row in queued] == [{"organization_id": world.organization.pk}]
    result = tasks.rebuild_idea_index.call(organization_id=world.organization.pk)  # what the worker runs
    assert (result["built"], result["documents"]) == (True, 3)  # two ideas and the world's initiative
    assert titles(world) == ["Parking for home care", "Parking permits for nurses"]
    assert tasks.rebuild_idea_index.call(organization_id=world.organization.pk)["built"] is False


def test_another_process_falls_back_on_the_shared_latest_index(
    world: World, monkeypatch: pytest.MonkeyPatch, settings
) -> None:
    monkeypatch.setattr(idea_selectors, "INLINE_BUILD_MAX", 0)
    settings.TASKS = QUEUED
    submit(world, "Parking for home care")
    assert titles(world) == ["Parking for home care"]
    idea_selectors._loaded.clear()  # a fresh web process: nothing kept, the cache still holds the latest
    submit(world, "Parking permits for nurses")
    assert titles(world) == ["Parking for home care"]
