from __future__ import annotations

import json

import numpy as np
import pytest

from spaceforchange.analytics.opinion.matrix import Vote, VoteMatrix
from spaceforchange.analytics.opinion.parameters import OpinionParameters
from spaceforchange.analytics.opinion.pipeline import analyze, participants_in
from spaceforchange.analytics.opinion.priority import NEW_STATEMENT_PRIORITY, choose_next_statement
from spaceforchange.analytics.opinion.result import OpinionState

from .builders import two_camps


def test_two_camps_are_found_with_consensus_and_division() -> None:
    result = analyze(two_camps())
    assert sorted(result.group_sizes.values()) == [30, 30]
    camp = {p: result.groups[p] for p in result.participants_in}
    assert len({camp[f"p{i}"] for i in range(30)}) == 1
    assert camp["p0"] != camp["p59"]
    assert {c.statement for c in result.consensus.agree} == {10, 11}
    assert result.divisive[0][1] > 0.6
    assert {s for s, _ in result.divisive[:10]} == set(range(10))
    assert 0.6 < result.division <= 1.0
    assert all(rows for rows in result.representative.values())


def test_seeded_kmeans_plus_plus_start_finds_the_same_camps() -> None:
    polis_start = analyze(two_camps())
    seeded = analyze(two_camps(), OpinionParameters(base_init="kmeans++", seed=11))
    assert sorted(seeded.group_sizes.values()) == [30, 30]
    assert {p: seeded.groups[p] == seeded.groups["p0"] for p in seeded.participants_in} == {
        p: polis_start.groups[p] == polis_start.groups["p0"] for p in polis_start.participants_in
    }


def test_threshold_is_min_of_seven_and_statements_voted() -> None:
    votes = [Vote(p, s, 1) for p in range(20) for s in range(3)] + [Vote(99, 0, 1)]
    matrix = VoteMatrix.from_votes(votes, statement_ids=range(10))
    inside = participants_in(matrix, OpinionParameters(min_participants_in=0), None)
    assert inside.sum() == 20  # three statements have votes, so 3 votes suffice; 99 has one
    assert participants_in(matrix, OpinionParameters(), None).sum() == 20  # 20 >= 15: no top-up
    assert participants_in(matrix, OpinionParameters(min_participants_in=21), None).sum() == 21


def test_greedy_top_up_takes_the_most_active_and_previous_members_stay() -> None:
    votes = [Vote(p, s, 1) for p in range(5) for s in range(p + 1)] + [Vote(9, s, 1) for s in range(8)]
    matrix = VoteMatrix.from_votes(votes)
    inside = participants_in(matrix, OpinionParameters(min_participants_in=3), None)
    assert [matrix.participant_ids[i] for i in np.flatnonzero(inside)] == [3, 4, 9]
    kept = participants_in(matrix, OpinionParameters(min_participants_in=0), OpinionState(participants_in=(0,)))
    assert [matrix.participant_ids[i] for i in np.flatnonzero(kept)] == [0, 9]


def test_moderated_out_statements_are_zeroed_and_never_selected() -> None:
    base = two_camps()
    matrix = VoteMatrix.from_arrays(
        participant_index=base.row_positions(), statement_index=base.indices, values=base.values,
        participant_ids=base.participant_ids, statement_ids=base.statement_ids, moderated_out=[1, 10],
    )  # fmt: skip
    result = analyze(matrix)
    assert result.statement_projection[1] == (0.0, 0.0)
    assert result.comment_priority[1] == 0.0 and result.comment_priority[10] == 0.0
    assert {c.statement for c in result.consensus.agree} == {11}
    assert all(r.statement not in (1, 10) for rows in result.representative.values() for r in rows)
    assert all(s not in (1, 10) for s, _ in result.divisive)


def test_deterministic_for_a_seed_and_json_round_trip() -> None:
    matrix = two_camps(seed=3, noise=0.3)
    first, second = analyze(matrix, OpinionParameters(seed=5)), analyze(matrix, OpinionParameters(seed=5))
    assert first.to_dict() == second.to_dict()
    assert json.loads(json.dumps(first.to_dict()))["division"] == first.division
    state = OpinionState.from_dict(json.loads(json.dumps(first.state.to_dict())))
    assert state == first.state


def test_warm_start_keeps_labels_after_new_votes() -> None:
    matrix = two_camps()
    first = analyze(matrix)
    extra = [Vote("p0", 0, -1, at=1.0), Vote("new", 0, 1), *[Vote("new", s, 1 if s % 2 else -1) for s in range(1, 12)]]
    votes = [Vote(matrix.participant_ids[r], matrix.statement_ids[c], int(v))
             for r, c, v in zip(matrix.row_positions(), matrix.indices, matrix.values, strict=True)]  # fmt: skip
    second = analyze(VoteMatrix.from_votes(votes + extra), previous=first.state)
    assert all(second.groups[p] == first.groups[p] for p in first.participants_in)
    assert second.groups["new"] == first.groups["p0"]
    assert second.state.k_smoother.last_k_count == 2


def test_no_votes_and_one_opinion_give_no_division() -> None:
    empty = analyze(VoteMatrix.from_votes([], statement_ids=[1, 2]))
    assert empty.participants_in == () and empty.division == 0.0 and empty.groups == {}
    same = analyze(VoteMatrix.from_votes([Vote(p, s, 1) for p in range(20) for s in range(8)]))
    assert set(same.groups.values()) == {0} and same.division == 0.0


def test_choose_next_statement() -> None:
    priorities = {1: 1.0, 2: 3.0, 3: None, 4: 0.0}
    assert choose_next_statement(priorities, [1, 2, 3, 4], random_value=0.5) is None
    assert choose_next_statement(priorities, [3], random_value=0.0) == 1
    assert choose_next_statement(priorities, [3], random_value=0.3) == 2
    assert choose_next_statement(priorities, [1, 2], random_value=0.99) == 3
    assert choose_next_statement({1: 1.0, 3: None}, [], random_value=1 / (1 + NEW_STATEMENT_PRIORITY)) == 3
    with pytest.raises(ValueError, match="random_value"):
        choose_next_statement(priorities, [], random_value=1.0)


def test_parameters_are_validated() -> None:
    with pytest.raises(ValueError, match="min_groups"):
        OpinionParameters(min_groups=6)
