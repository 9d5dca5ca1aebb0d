"""The Polis open-data export format: reading, validation and writing back."""

from __future__ import annotations

import csv
import datetime
import shutil
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spaceforchange.analytics.opinion.matrix import Vote
from spaceforchange.analytics.opinion.polis_format import (
    PolisComment,
    PolisConversation,
    PolisFormatError,
    PolisLimits,
    read_polis_export,
    write_polis_export,
)

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "opinion" / "polis-sample"
OPEN_DATA = Path(__file__).resolve().parents[4] / ".." / "shared" / "data" / "polis-opendata"

SUMMARY = "topic,A question\nconversation-description,Why we ask\n"
COMMENTS = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
    "1500000000000,x,1,0,2,0,1,First\n"
    "1500000001000,x,2,1,0,1,-1,Second\n"
)
VOTES = "timestamp,datetime,comment-id,voter-id,vote\n1500000002000,x,1,0,1\n1500000003000,x,2,0,-1\n"


def export(directory: Path, **files: str) -> Path:
    """A Polis export in ``directory``: the small valid one above, with ``files`` replaced (None drops one)."""
    contents = {"summary.csv": SUMMARY, "comments.csv": COMMENTS, "votes.csv": VOTES}
    contents.update({name.replace("_", "-") + ".csv": text for name, text in files.items()})
    for name, text in contents.items():
        if text is not None:
            (directory / name).write_text(text, encoding="utf-8", newline="")
    return directory


def problems(directory: Path, **limits: int) -> list[str]:
    with pytest.raises(PolisFormatError) as caught:
        read_polis_export(directory, limits=PolisLimits(**limits))
    return [str(problem) for problem in caught.value.problems]


def test_the_sample_reads_with_its_topic_comments_participants_and_groups():
    conversation = read_polis_export(SAMPLE)
    assert conversation.topic == "Can there be consensus on Brexit?"
    assert conversation.description.startswith("An experimental Pol.Is question.")
    assert dict(conversation.summary)["url"] == "https://pol.is/7wmvbjcjhp"
    assert len(conversation.comments) == 50
    assert conversation.statement_ids == tuple(range(50))
    first = conversation.comments[36]
    assert (first.id, first.author, first.moderated, first.agrees, first.disagrees) == (36, 0, 1, 38, 7)
    assert (
        first.text
        == "Opposition to Brexit as a whole won't stop it, but opposition to the component parts of it just might."
    )
    assert first.created == datetime.datetime(2017, 7, 17, 9, 10, 15, 559000, tzinfo=datetime.UTC)
    assert conversation.comments[34].text.startswith('"The EU" as a concept')
    assert conversation.participants == (*range(60), 101, 134, 162, 171, 202)
    assert conversation.timed_votes is True
    assert Counter(conversation.groups.values()) == Counter({0: 39, 1: 25})
    assert conversation.moderated_out == frozenset()


def test_the_last_vote_wins_and_votes_match_participants_votes_csv():
    conversation = read_polis_export(SAMPLE)
    votes = {(vote.participant, vote.statement): vote for vote in conversation.votes}
    assert votes[101, 22].value == -1  # agree first, disagree a day later
    assert votes[101, 22].at == 1500328125879.0
    with (SAMPLE / "participants-votes.csv").open(encoding="utf-8", newline="") as handle:
        cells = {
            (int(row["participant"]), int(column)): int(value)
            for row in csv.DictReader(handle)
            for column, value in row.items()
            if column.isdigit() and value != ""
        }
    assert {key: vote.value for key, vote in votes.items()} == cells
    assert len(conversation.votes) == 1284  # 1,293 vote rows, 9 of them repeated votes
    assert list(conversation.votes) == sorted(conversation.votes, key=lambda vote: (vote.participant, vote.statement))


def test_votes_are_ordered_by_timestamp_not_by_file_order(tmp_path):
    later_first = "timestamp,datetime,comment-id,voter-id,vote\n1500000009000,x,1,0,-1\n1500000002000,x,1,0,1\n"
    conversation = read_polis_export(export(tmp_path, votes=later_first))
    assert conversation.votes == (Vote(0, 1, -1, 1500000009000.0),)


def test_without_votes_csv_the_votes_come_from_participants_votes_csv_without_times(tmp_path):
    shutil.copytree(SAMPLE, tmp_path / "sample")
    (tmp_path / "sample" / "votes.csv").unlink()
    untimed = read_polis_export(tmp_path / "sample")
    timed = read_polis_export(SAMPLE)
    assert untimed.timed_votes is False
    assert {vote.at for vote in untimed.votes} == {0.0}
    assert [(v.participant, v.statement, v.value) for v in untimed.votes] == [
        (v.participant, v.statement, v.value) for v in timed.votes
    ]
    assert untimed.groups == timed.groups


def test_an_export_without_vote_files_reads_as_a_conversation_without_votes(tmp_path):
    conversation = read_polis_export(export(tmp_path, votes=None))
    assert (conversation.votes, conversation.participants, conversation.groups) == ((), (), {})
    assert conversation.moderated_out == frozenset({2})


@pytest.mark.parametrize("drop_votes_csv", [False, True])
def test_the_sample_round_trips(tmp_path, drop_votes_csv):
    source = tmp_path / "source"
    shutil.copytree(SAMPLE, source)
    if drop_votes_csv:
        (source / "votes.csv").unlink()
    conversation = read_polis_export(source)
    write_polis_export(conversation, tmp_path / "copy")
    assert read_polis_export(tmp_path / "copy") == conversation
    assert (tmp_path / "copy" / "votes.csv").exists() is not drop_votes_csv


def test_hostile_text_is_kept_as_written_and_survives_a_round_trip(tmp_path):
    texts = [
        '=HYPERLINK("http://evil.example","click")',
        "+1 and -1, @SUM(A1:A9)",
        'Quotes "inside", commas, and\na line break\r\nor two',
        "  leading and trailing spaces  ",
        "Ærlig talt – 投票 \u202eRTL\u202c",
    ]
    conversation = PolisConversation(
        topic="=cmd|' /C calc'!A0",
        description="Line one\nline two",
        comments=tuple(PolisComment(id=i, text=text, author=None) for i, text in enumerate(texts)),
        votes=(Vote(7, 0, 1), Vote(7, 4, 0)),
        participants=(3, 7),
        groups={7: 1},
    )
    write_polis_export(conversation, tmp_path)
    again = read_polis_export(tmp_path)
    assert again == conversation
    assert [comment.text for comment in again.comments] == texts


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00")), max_size=6),
    cells=st.dictionaries(
        st.tuples(st.integers(0, 30), st.integers(0, 5)),
        st.tuples(st.sampled_from([-1, 0, 1]), st.integers(0, 2**41)),
        max_size=40,
    ),
    timed=st.booleans(),
)
def test_any_conversation_round_trips(tmp_path_factory, texts, cells, timed):
    comments = tuple(PolisComment(id=i, text=text, author=i % 3, timestamp=i) for i, text in enumerate(texts))
    votes = tuple(
        Vote(participant, statement, value, float(at) if timed else 0.0)
        for (participant, statement), (value, at) in sorted(cells.items())
        if statement < len(texts)
    )
    conversation = PolisConversation(
        topic="t",
        description="",
        comments=comments,
        votes=votes,
        participants=tuple(sorted({vote.participant for vote in votes} | {99})),
        groups={99: 0},
        timed_votes=timed,
    )
    directory = tmp_path_factory.mktemp("export")
    write_polis_export(conversation, directory)
    assert read_polis_export(directory) == conversation


def test_a_missing_directory_and_missing_files_are_named(tmp_path):
    assert problems(tmp_path / "nowhere") == [f"{tmp_path / 'nowhere'}: is not a directory"]
    assert problems(tmp_path) == ["summary.csv: is missing", "comments.csv: is missing"]


def test_every_bad_row_is_listed_with_its_line_number(tmp_path):
    comments = COMMENTS + (
        '1500000002000,x,3,1,0,0,1,"A statement\nover two lines"\n'
        "1500000003000,x,x4,1,0,0,1,Bad id\n"
        "1500000004000,x,5,1,0,0,7,Bad moderation\n"
        "1500000005000,x,1,1,0,0,1,Repeated id\n"
        "1500000006000,x,6,1,0,0,1,One,field too many\n"
    )
    votes = VOTES + "1500000007000,x,1,0,2\nsoon,x,1,0,1\n1500000009000,x,99,0,1\n"
    assert problems(export(tmp_path, comments=comments, votes=votes)) == [
        "comments.csv, line 6: comment-id must be a whole number, not 'x4'",
        "comments.csv, line 7: moderated must be -1, 0 or 1",
        "comments.csv, line 8: comment-id 1 appears twice",
        "comments.csv, line 9: has 9 fields where the header has 8",
        "votes.csv, line 4: vote must be 1, -1 or 0, not '2'",
        "votes.csv, line 5: timestamp must be a whole number, not 'soon'",
        "votes.csv, line 6: comment-id 99 is not in comments.csv",
    ]


def test_bad_headers_are_reported(tmp_path):
    comments = "timestamp,comment-id,comment-id,moderated,comment-body\n"
    votes = "when,comment-id,voter-id,vote\n"
    participants = "participant,group-id,n-votes,0,banana\n1,,0,,\n"
    assert problems(export(tmp_path, comments=comments, votes=votes, participants_votes=participants)) == [
        "comments.csv, line 1: the header lacks the column(s) author-id",
        "comments.csv, line 1: the header repeats the column(s) comment-id",
        "votes.csv, line 1: the header lacks the column(s) timestamp",
        "participants-votes.csv, line 1: column '0' is not a comment-id of comments.csv",
        "participants-votes.csv, line 1: column 'banana' is not a comment-id of comments.csv",
    ]


def test_bad_cells_in_participants_votes_csv_are_reported(tmp_path):
    participants = "participant,group-id,n-votes,1,2\n1,0,2,1,yes\n1,two,0,,\n"
    assert problems(export(tmp_path, votes=None, participants_votes=participants)) == [
        "participants-votes.csv, line 2: the vote on comment 2 must be 1, -1, 0 or empty",
        "participants-votes.csv, line 3: group-id must be a whole number, not 'two'",
        "participants-votes.csv: lists a participant more than once",
    ]


def test_oversized_binary_and_malformed_files_are_refused(tmp_path):
    (tmp_path / "summary.csv").write_bytes(b"topic,caf\xe9\n")
    unclosed = '1,x,4,1,0,0,1,"an unclosed quote\n'
    (tmp_path / "comments.csv").write_text(COMMENTS + "1,x,3,1,0,0,1,nul\x00byte\n" + unclosed, encoding="utf-8")
    (tmp_path / "votes.csv").write_text(VOTES * 20, encoding="utf-8")
    found = problems(tmp_path, max_file_bytes=600)
    assert found[0] == "summary.csv, line 1: is not UTF-8 text; the rest of the file was not read"
    assert found[1:] == [
        "comments.csv, line 4: contains a NUL character",
        "comments.csv, line 5: cannot be parsed (unexpected end of data); the rest of the file was not read",
        f"votes.csv: is {len(VOTES) * 20:,} bytes, more than the 600 accepted",
    ]


def test_a_summary_row_must_be_a_key_and_a_value(tmp_path):
    summary = SUMMARY + "groups,2,3\ntopic,again\n"
    assert problems(export(tmp_path, summary=summary)) == [
        "summary.csv, line 3: must have two fields (key,value), not 3",
        "summary.csv, line 4: repeats the key 'topic'",
    ]


def test_the_list_of_problems_is_capped_and_the_rest_counted(tmp_path):
    votes = VOTES + "1500000007000,x,1,0,9\n" * 12
    with pytest.raises(PolisFormatError) as caught:
        read_polis_export(export(tmp_path, votes=votes), limits=PolisLimits(max_problems=5))
    assert len(caught.value.problems) == 5
    assert caught.value.more == 7
    assert str(caught.value).endswith("votes.csv, line 8: vote must be 1, -1 or 0, not '9'\n… and 7 more problems")


@pytest.mark.parametrize(
    ("name", "participants", "comments", "votes", "groups"),
    [
        ("american-assembly.bowling-green", 2031, 896, 225_524, {0: 753, 1: 828}),
        ("brexit-consensus", 204, 50, 5_303, {0: 106, 1: 91}),
        ("scoop-hivemind.ubi", 234, 71, 7_153, {0: 70, 1: 113, 2: 42, 3: 9}),
        ("march-on.operation-marchin-orders", 0, 2162, 0, {}),
    ],
)
def test_published_conversations_read_with_the_counts_of_their_source(name, participants, comments, votes, groups):
    directory = OPEN_DATA / name
    if not directory.is_dir():
        pytest.skip(f"the Polis open data is not at {OPEN_DATA}")
    conversation = read_polis_export(directory)
    assert len(conversation.participants) == participants
    assert (len(conversation.comments), len(conversation.votes)) == (comments, votes)
    assert Counter(conversation.groups.values()) == Counter(groups)


def test_every_published_conversation_round_trips(tmp_path):
    if not OPEN_DATA.is_dir():
        pytest.skip(f"the Polis open data is not at {OPEN_DATA}")
    directories = sorted(path for path in OPEN_DATA.iterdir() if path.is_dir())
    assert len(directories) >= 15
    for directory in directories:
        conversation = read_polis_export(directory)
        write_polis_export(conversation, tmp_path / directory.name)
        assert read_polis_export(tmp_path / directory.name) == conversation, directory.name
