"""Polis open-data exports in and out: the sample, a whole published conversation, bad directories, the CLI."""

from __future__ import annotations

import csv
import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from spaceforchange.analytics.opinion.polis_format import read_polis_export
from spaceforchange.consultations import services
from spaceforchange.consultations.management.commands.consultations import Command as ConsultationsCommand
from spaceforchange.consultations.models import Consultation, Moderation, Participant, Statement, Status, Vote
from tests.factories import make_registered_policy

from .conftest import World

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "opinion" / "polis-sample"
SHARED = Path(__file__).resolve().parents[4] / "shared" / "data" / "polis-opendata"


def _sample() -> Path:
    if not (SAMPLE / "comments.csv").is_file():
        pytest.skip(f"the Polis sample export is missing at {SAMPLE}")
    return SAMPLE


def test_importing_the_sample_creates_a_closed_consultation_with_the_last_votes(world: World):
    consultation = services.import_polis_consultation(
        organization=world.organization, directory=_sample(), policy=world.policy, actor=world.lead
    )
    assert consultation.title == "Can there be consensus on Brexit?"
    assert consultation.description.startswith("An experimental Pol.Is question.")
    assert consultation.status == Status.CLOSED
    assert consultation.opens_at.year == 2017
    assert (consultation.policy, consultation.created_by) == (world.policy, world.lead)
    assert Statement.objects.filter(consultation=consultation, moderation=Moderation.ACCEPTED).count() == 50
    assert Participant.objects.filter(consultation=consultation, token_hash="").count() == 65
    expected = read_polis_export(SAMPLE).votes
    assert Vote.objects.filter(consultation=consultation).count() == len(expected)
    changed = Vote.objects.get(participant__external_id=101, statement__external_id=22, consultation=consultation)
    assert changed.value == -1
    leave = Statement.objects.get(consultation=consultation, external_id=0)
    assert leave.text == "I voted to Leave."
    assert LogEntry.objects.get_for_object(consultation).get().action == LogEntry.Action.CREATE
    snapshot = services.recompute_opinion(consultation=consultation)
    assert snapshot.votes_counted == len(expected)
    assert 2 <= len(snapshot.result["group_sizes"]) <= 5


def test_export_writes_back_what_was_imported(world: World, tmp_path: Path):
    consultation = services.import_polis_consultation(organization=world.organization, directory=_sample())
    out = StringIO()
    call_command(
        "consultations", "export-polis", str(consultation.pk), "--org", "northbay", "--out", str(tmp_path), stdout=out
    )
    assert json.loads(out.getvalue())["votes"] == Vote.objects.filter(consultation=consultation).count()
    original, written = read_polis_export(SAMPLE), read_polis_export(tmp_path)
    assert [(vote.participant, vote.statement, vote.value) for vote in written.votes] == [
        (vote.participant, vote.statement, vote.value) for vote in original.votes
    ]
    assert {(c.id, c.text, c.moderated) for c in written.comments} == {
        (c.id, c.text, c.moderated) for c in original.comments
    }
    assert written.topic == original.topic


def test_a_consultation_made_here_exports_with_its_own_ids(world: World, tmp_path: Path):
    participant, _secret = services.join_consultation(consultation=world.consultation)
    first = Statement.objects.filter(consultation=world.consultation).order_by("pk").first()
    services.cast_vote(participant=participant, statement=first, value=-1)
    call_command(
        "consultations",
        "export-polis",
        str(world.consultation.pk),
        "--org",
        "northbay",
        "--out",
        str(tmp_path),
        stdout=StringIO(),
    )
    written = read_polis_export(tmp_path)
    assert [(vote.participant, vote.statement, vote.value) for vote in written.votes] == [
        (participant.pk, first.pk, -1)
    ]
    assert len(written.comments) == 10


def test_a_bad_export_reports_every_problem_and_imports_nothing(world: World, tmp_path: Path):
    broken = tmp_path / "broken"
    shutil.copytree(_sample(), broken)
    with (broken / "votes.csv").open("a", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["1500232652930", "x", "999", "0", "1"])
        writer.writerow(["1500232652930", "x", "0", "0", "7"])
    before = (Consultation.objects.count(), Statement.objects.count(), Vote.objects.count())
    with pytest.raises(ValidationError) as caught:
        services.import_polis_consultation(organization=world.organization, directory=broken)
    messages = caught.value.message_dict["directory"]
    assert len(messages) == 2
    assert all(message.startswith("votes.csv, line ") for message in messages)
    with pytest.raises(ValidationError) as caught:
        services.import_polis_consultation(organization=world.organization, directory=tmp_path / "absent")
    assert "is not a directory" in caught.value.message_dict["directory"][0]
    assert (Consultation.objects.count(), Statement.objects.count(), Vote.objects.count()) == before


def test_the_import_refuses_another_organisations_policy_and_an_overlong_title(world: World):
    foreign = make_registered_policy(world.other, "Foreign")
    with pytest.raises(ValidationError) as caught:
        services.import_polis_consultation(organization=world.organization, directory=_sample(), policy=foreign)
    assert "policy" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.import_polis_consultation(organization=world.organization, directory=_sample(), title="T" * 301)
    assert caught.value.message_dict == {"directory": ["The title has more than 300 characters."]}
    assert not Consultation.objects.filter(title__startswith="Can there").exists()


def test_the_command_imports_analyses_and_reports_clear_errors(world: World, tmp_path: Path):
    out = StringIO()
    call_command(
        "consultations",
        "import-polis",
        str(_sample()),
        "--org",
        "northbay",
        "--title",
        "Brexit",
        "--policy",
        str(world.policy.pk),
        "--analyze",
        stdout=out,
    )
    summary = json.loads(out.getvalue())
    assert (summary["title"], summary["statements"], summary["participants"]) == ("Brexit", 50, 65)
    assert summary["participants_in"] > 0 and 0 <= summary["division"] <= 1
    assert Consultation.objects.get(pk=summary["consultation"]).policy == world.policy
    for arguments, message in (
        (["import-polis", str(_sample()), "--org", "nowhere"], "no organisation with the short name nowhere"),
        (["import-polis", str(tmp_path), "--org", "northbay"], "Nothing was imported"),
        (["import-polis", str(_sample()), "--org", "northbay", "--policy", "999999"], "has no policy 999999"),
        (
            ["export-polis", str(world.other_consultation.pk), "--org", "northbay", "--out", str(tmp_path)],
            f"has no consultation {world.other_consultation.pk}",
        ),
    ):
        with pytest.raises(CommandError, match=message):
            call_command("consultations", *arguments, stdout=StringIO())
    assert Consultation.objects.filter(organization=world.organization).count() == 2


def test_the_command_help_names_both_actions_and_examples():
    parser = ConsultationsCommand().create_parser("sfc", "consultations")
    text = parser.format_help()
    assert "import-polis" in text and "export-polis" in text
    assert "sfc consultations import-polis ../shared/data/polis-opendata/brexit-consensus --org northbay" in text
    actions = next(action for action in parser._actions if action.dest == "action")
    importing = actions.choices["import-polis"].format_help()  # type: ignore[attr-defined]
    assert all(option in importing for option in ("--org", "--title", "--policy", "--strict-moderation", "--analyze"))


def test_a_whole_published_conversation_imports_and_maps(world: World):
    directory = SHARED / "brexit-consensus"
    if not (directory / "votes.csv").is_file():
        pytest.skip(f"the Polis open data is missing at {directory}")
    consultation = services.import_polis_consultation(organization=world.organization, directory=directory)
    conversation = read_polis_export(directory)
    assert Statement.objects.filter(consultation=consultation).count() == 50
    assert Participant.objects.filter(consultation=consultation).count() == len(conversation.participants) == 204
    assert Vote.objects.filter(consultation=consultation).count() == len(conversation.votes)
    snapshot = services.recompute_opinion(consultation=consultation)
    assert snapshot.votes_counted == len(conversation.votes)
    counts: dict[int, int] = {}
    for vote in conversation.votes:
        counts[vote.participant] = counts.get(vote.participant, 0) + 1
    assert len(snapshot.result["participants_in"]) == sum(1 for count in counts.values() if count >= 7)
    sizes = [size for _group, size in snapshot.result["group_sizes"]]
    assert 2 <= len(sizes) <= 5 and sum(sizes) == len(snapshot.result["participants_in"])
