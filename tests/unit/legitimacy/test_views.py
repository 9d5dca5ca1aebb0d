"""The heat map, the organisation view and the timeline, hand-worked and by invariant."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from spaceforchange.legitimacy.domain import (
    DEFAULT_VOCABULARY,
    Judgment,
    SubjectRef,
    current_judgments,
    heat_map,
    organisation_view,
    rank_subjects,
    timeline,
)
from tests.unit.legitimacy.builders import (
    CI,
    COG,
    IL,
    INITIATIVE,
    NOR,
    OTHER,
    POLICY,
    PRA,
    REG,
    C,
    L,
    U,
    entry,
    judge,
    person,
)

ZED, ANNA, BOB = person(1, "Zed", 5), person(2, "anna", 5), person(3, "Bob", 2)


def states(row) -> list[str | None]:
    return [cell.state for cell in row.cells]


# --- Heat map ------------------------------------------------------------------------------------


def test_heat_map_rows_by_influence_then_name_and_columns_in_pack_order():
    history = [
        judge(1, 1, L, 30),
        judge(2, 1, IL, 10),  # Zed's regulatory judgment changed: the later one counts
        judge(3, 2, C, 20, type=NOR),
        judge(4, 3, U, 5, type=PRA),
        judge(5, 2, IL, 5, subject=OTHER),  # another subject: not on this map
    ]
    result = heat_map(INITIATIVE, [BOB, ZED, ANNA], history)
    assert result.types == (REG, NOR, COG, PRA)
    assert [row.stakeholder.name for row in result.rows] == ["anna", "Zed", "Bob"]
    assert [states(row) for row in result.rows] == [
        [None, C, None, None],
        [IL, None, None, None],
        [None, None, None, U],
    ]
    zed_regulatory = result.rows[1].cells[0]
    assert (zed_regulatory.judgment_id, zed_regulatory.position, zed_regulatory.challenged) == (2, 5, True)


def test_challenged_is_anything_below_legitimate_and_gray_zone_follows_the_pack():
    history = [
        judge(n, 1, state, 5, type=kind)
        for n, (state, kind) in enumerate(zip((L, C, U, CI), (REG, NOR, COG, PRA), strict=True))
    ]
    history.append(judge(9, 3, IL, 5))
    result = heat_map(INITIATIVE, [ZED, BOB], history)
    zed, bob = result.rows
    assert [cell.challenged for cell in zed.cells] == [False, True, True, True]
    assert [cell.gray_zone_by for cell in zed.cells] == [(), ("state",), ("state",), ("state",)]
    assert (bob.cells[0].challenged, bob.cells[0].gray_zone) == (True, False)
    assert [cell.challenged or cell.gray_zone for cell in bob.cells[1:]] == [False, False, False]


def test_a_live_tactic_puts_the_regulatory_column_in_the_gray_zone():
    history = [judge(1, 1, L, 5), judge(2, 1, CI, 5, type=NOR)]
    tactics = [
        entry(20, "proposed", days_ago=3),
        entry(21, "approved", days_ago=8),
        entry(22, "ended"),
        entry(23, "rejected"),
        entry(24, "approved", subject=OTHER),
    ]
    result = heat_map(INITIATIVE, [ZED, BOB], history, tactics=tactics)
    assert [t.id for t in result.tactics] == [21, 20]
    assert [t.id for t in result.unapproved_tactics] == [20]
    zed, bob = result.rows
    assert [cell.gray_zone_by for cell in zed.cells] == [("tactic",), ("state",), (), ()]
    assert bob.cells[0].gray_zone_by == ("tactic",)  # no judgment, still where the rule is bent
    quiet = heat_map(INITIATIVE, [ZED], history, tactics=[entry(22, "ended")])
    assert quiet.rows[0].cells[0].gray_zone is False


def test_a_self_approved_tactic_counts_as_unapproved():
    result = heat_map(INITIATIVE, [], [], tactics=[entry(30, "approved", approver_id=100)])
    assert [t.id for t in result.unapproved_tactics] == [30]


# --- Organisation view ---------------------------------------------------------------------------

A, B, D, E = (SubjectRef("initiative", n) for n in (11, 12, 14, 15))


def test_organisation_view_sorts_weakest_first_with_counts():
    history = [
        judge(1, 1, L, 9, subject=A),
        judge(2, 2, C, 9, subject=A),
        judge(3, 1, IL, 9, subject=B),
        judge(4, 2, L, 9, subject=B),
        judge(5, 1, CI, 9, subject=POLICY),
        judge(6, 2, CI, 9, subject=POLICY),
        judge(7, 1, IL, 9, subject=E),
        judge(8, 2, IL, 9, subject=E, type=NOR),
        judge(9, 1, IL, 20, subject=A, type=COG),
        judge(10, 1, L, 2, subject=A, type=COG),  # A recovered on cognitive
    ]
    view = organisation_view(history, subjects=[D, A])
    assert [(s.subject, s.weakest, s.weakest_position) for s in view] == [
        (E, IL, 5),  # two cells illegitimate before B's one
        (B, IL, 5),
        (POLICY, CI, 4),
        (A, C, 2),
        (D, None, None),
    ]
    assert view[3].counts == {L: 2, C: 1, U: 0, CI: 0, IL: 0}
    assert (view[3].judged_cells, view[4].judged_cells) == (3, 0)


def test_rank_subjects_takes_counts_a_selector_made_in_sql():
    ranked = rank_subjects({A: {L: 4}, B: {U: 1, L: 7}, D: {}})
    assert [(s.subject, s.weakest) for s in ranked] == [(B, U), (A, L), (D, None)]


cell_judgments = st.builds(
    Judgment,
    id=st.integers(1, 60),
    stakeholder_id=st.integers(1, 4),
    subject=st.sampled_from([A, B, D, POLICY]),
    type=st.sampled_from([REG, NOR, COG, PRA]),
    state=st.sampled_from(DEFAULT_VOCABULARY.states),
    recorded_at=st.integers(0, 30).map(lambda days: datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=days)),
)


@given(st.lists(cell_judgments, max_size=60))
def test_weakest_is_at_or_below_every_current_cell(history: list[Judgment]):
    view = organisation_view(history)
    position = DEFAULT_VOCABULARY.position
    current = current_judgments(history).values()
    by_subject = {standing.subject: standing for standing in view}
    assert set(by_subject) == {judgment.subject for judgment in history}
    for judgment in current:
        standing = by_subject[judgment.subject]
        assert standing.weakest_position is not None
        assert position(judgment.state) <= standing.weakest_position
        assert standing.weakest in {j.state for j in current if j.subject == judgment.subject}
    assert sum(standing.judged_cells for standing in view) == len(current)
    positions = [standing.weakest_position or 0 for standing in view]
    assert positions == sorted(positions, reverse=True)


# --- Timeline ------------------------------------------------------------------------------------


def test_timeline_tracks_each_type_over_stakeholders():
    history = [
        judge(1, 1, U, 40),
        judge(2, 2, L, 30),
        judge(3, 1, C, 20),
        judge(4, 1, IL, 10, type=NOR),
        judge(5, 2, IL, 5),
        judge(6, 1, IL, 1, subject=OTHER),
    ]
    events = timeline(INITIATIVE, history)
    assert [
        (e.judgment_id, e.type, e.previous_state, e.change, e.weakest, e.mean_score, e.judged_by) for e in events
    ] == [
        (1, REG, None, "first", U, 0.0, 1),
        (2, REG, None, "first", U, 1.0, 2),
        (3, REG, U, "better", C, 1.5, 2),
        (4, NOR, None, "first", IL, -2.0, 1),
        (5, REG, L, "worse", IL, -0.5, 2),
    ]
    assert events[4].weakest_position == 5


def test_timeline_rows_are_json_ready():
    row = timeline(INITIATIVE, [judge(1, 1, CI, 3)])[0].as_row()
    assert json.loads(json.dumps(row)) == row
    assert row["recorded_at"] == "2026-06-27T12:00:00+00:00"
    assert row["state"] == CI
