"""``sfc opinion analyze``: opinion mapping of a Polis export directory.

No test here is marked ``django_db``: pytest-django refuses any database access, so these
tests also prove that the command never touches the database.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from spaceforchange.analytics.opinion.matrix import Vote, VoteMatrix
from spaceforchange.analytics.opinion.parameters import OpinionParameters
from spaceforchange.analytics.opinion.pipeline import analyze
from spaceforchange.analytics.opinion.polis_format import (
    PolisComment,
    PolisConversation,
    read_polis_export,
    write_polis_export,
)
from spaceforchange.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "opinion" / "polis-sample"
OPEN_DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "polis-opendata"


def run(*arguments: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["opinion", *arguments])


def analysed(directory: Path, **options: str) -> dict:  # type: ignore[type-arg]
    result = run("analyze", str(directory), *[item for pair in options.items() for item in (f"--{pair[0]}", pair[1])])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_reports_the_pipelines_groups_consensus_and_representative_statements():
    report = analysed(SAMPLE, format="json", seed="3")
    conversation = read_polis_export(SAMPLE)
    matrix = VoteMatrix.from_votes(
        conversation.votes, statement_ids=conversation.statement_ids, moderated_out=conversation.moderated_out
    )
    expected = analyze(matrix, OpinionParameters(seed=3))
    assert (report["participants"], report["statements"], report["votes"]) == (65, 50, 1284)
    assert report["topic"] == "Can there be consensus on Brexit?"
    assert report["participants_in"] == len(expected.participants_in) == len(report["groups"])
    assert report["groups"] == {str(participant): group for participant, group in expected.groups.items()}
    assert report["consensus"] == {
        "agree": [row.statement for row in expected.consensus.agree],
        "disagree": [row.statement for row in expected.consensus.disagree],
    }
    assert report["representative"] == {
        str(group): [row.statement for row in rows] for group, rows in expected.representative.items()
    }
    assert sum(report["group_sizes"].values()) == report["participants_in"]
    assert report["division"] == round(expected.division, 6)
    assert report["agreement_with_export"]["participants_compared"] == len(
        set(expected.groups) & set(conversation.groups)
    )
    assert -1.0 <= report["agreement_with_export"]["adjusted_rand_index"] <= 1.0
    assert isinstance(report["seconds"], float) and report["seconds"] >= 0


def test_the_same_seed_gives_the_same_answer():
    first, second = analysed(SAMPLE, seed="11"), analysed(SAMPLE, seed="11")
    first.pop("seconds"), second.pop("seconds")
    assert first == second


def test_text_is_a_readable_summary():
    result = run("analyze", str(SAMPLE), "--format", "text")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    report = analysed(SAMPLE)
    assert lines[0] == "Can there be consensus on Brexit?"
    assert lines[1] == f"{report['participants_in']} of 65 participants in the analysis; 1284 votes on 50 statements."
    for group, size in report["group_sizes"].items():
        assert f"Group {group} ({size} participant{'' if size == 1 else 's'})" in lines
    assert "Consensus: agree" in lines
    assert any(line.startswith(("  agree #", "  disagree #")) for line in lines)
    assert lines[-1].startswith("Agreement with the groups in the export: adjusted Rand index ")


def test_text_shows_hostile_statements_without_their_control_characters(tmp_path):
    rng = np.random.default_rng(5)
    hostile = '\x1b[2J\x1b]0;owned\x07=HYPERLINK("http://evil.example")\nsecond line'
    comments = [PolisComment(id=0, text=hostile, author=0)]
    comments += [PolisComment(id=i, text=f"Statement {i}", author=0) for i in range(1, 10)]
    votes = [Vote(p, 0, 1) for p in range(30)]
    votes += [Vote(p, s, int(rng.choice([-1, 1]))) for p in range(30) for s in range(1, 10)]
    conversation = PolisConversation(topic="Hostile \x1b[31mtopic", description="", comments=tuple(comments),
                                     votes=tuple(votes), participants=tuple(range(30)))  # fmt: skip
    write_polis_export(conversation, tmp_path)
    result = run("analyze", str(tmp_path), "--format", "text")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert result.stdout.splitlines()[0] == "Hostile [31mtopic"
    assert '  #0 [2J ]0;owned =HYPERLINK("http://evil.example") second line' in result.stdout.splitlines()
    assert json.loads(run("analyze", str(tmp_path)).stdout)["consensus"]["agree"][0] == 0


def test_a_directory_that_is_not_an_export_fails_with_a_clear_message(tmp_path):
    result = run("analyze", str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"Error: Not a valid Polis export:\n{tmp_path / 'nowhere'}: is not a directory\n"

    (tmp_path / "summary.csv").write_text("topic,T\n", encoding="utf-8")
    (tmp_path / "comments.csv").write_text("comment-id,author-id,moderated,comment-body\n1,0,1,A\nx,0,1,B\n")
    (tmp_path / "votes.csv").write_text("timestamp,comment-id,voter-id,vote\n1,1,0,yes\n", encoding="utf-8")
    result = run("analyze", str(tmp_path), "--format", "text")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:] == [
        "comments.csv, line 3: comment-id must be a whole number, not 'x'",
        "votes.csv, line 2: vote must be 1, -1 or 0, not 'yes'",
    ]


def test_an_export_without_votes_is_refused(tmp_path):
    (tmp_path / "summary.csv").write_text("topic,T\n", encoding="utf-8")
    (tmp_path / "comments.csv").write_text("comment-id,author-id,moderated,comment-body\n1,0,1,A\n")
    result = run("analyze", str(tmp_path))
    assert result.exit_code == 1
    assert f"{tmp_path} has no votes" in result.stderr


@pytest.mark.parametrize("arguments", [("--seed", "soon"), ("--format", "xml")])
def test_bad_options_print_the_usage(arguments):
    result = run("analyze", str(SAMPLE), *arguments)
    assert result.exit_code == 2
    assert "usage: sfc opinion analyze" in result.stderr


def test_a_published_conversation_is_analysed():
    directory = OPEN_DATA / "american-assembly.bowling-green"
    if not directory.is_dir():
        pytest.skip(f"the Polis open data is not at {OPEN_DATA}")
    report = analysed(directory)
    assert (report["participants"], report["statements"], report["votes"]) == (2031, 896, 225_524)
    assert 1500 <= report["participants_in"] <= 2031
    assert 2 <= len(report["group_sizes"]) <= 5
    assert report["agreement_with_export"]["participants_compared"] > 1400


def test_sfc_opinion_help_lists_the_action_and_the_report():
    result = CliRunner().invoke(main, ["opinion", "--help"])
    assert result.exit_code == 0, result.output
    assert "analyze" in result.stdout
    assert "participants_in" in result.stdout
    assert "sfc opinion analyze path/to/polis-export --format json" in result.stdout
