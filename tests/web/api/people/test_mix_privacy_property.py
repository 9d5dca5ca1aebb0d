"""Whatever the counts and the threshold, the API's and the downloads' shaping of an archetype mix shows no
figure of a group below the threshold, and the groups hidden in a partition cannot be worked out from the
total (tested with hypothesis over the pure mix and the shaping code, without a database)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from spaceforchange.analytics.people.archetypes import group_mix, whole_mix
from spaceforchange.people import api_selectors, export
from spaceforchange.people.selectors import MixGroup, MixReport, Term

ARCHETYPES = ("magistrate", "bohemian", "crusader", "revolutionist")
FIGURES = {"respondents", "counts", "shares"}

group_counts = st.dictionaries(
    keys=st.sampled_from([f"g{number}" for number in range(8)]),
    values=st.fixed_dictionaries({key: st.integers(min_value=0, max_value=12) for key in ARCHETYPES}),
    min_size=1,
    max_size=8,
)


def report_of(counts: dict[str, dict[str, int]], threshold: int, *, partition: bool) -> MixReport:
    totals = {key: sum(group[key] for group in counts.values()) for key in ARCHETYPES}
    total = whole_mix(totals, threshold, archetypes=ARCHETYPES)
    mixes = group_mix(counts, threshold, partition=partition, archetypes=ARCHETYPES)
    groups = tuple(MixGroup(key=key, label=key, mix=mix) for key, mix in mixes.items())
    terms = tuple(Term(key=key, name=key.title()) for key in ARCHETYPES)
    campaign: Any = None  # the shaping reads the threshold and the archetypes only
    by = "unit" if partition else "team"
    return MixReport(campaign=campaign, by=by, threshold=threshold, archetypes=terms, total=total, groups=groups)


@settings(max_examples=150, deadline=None)
@given(counts=group_counts, threshold=st.integers(min_value=2, max_value=10), partition=st.booleans())
def test_no_group_below_the_threshold_shows_a_figure(
    counts: dict[str, dict[str, int]], threshold: int, partition: bool
) -> None:
    report = report_of(counts, threshold, partition=partition)
    hidden_sizes = []
    for group in report.groups:
        size = sum(counts[group.key].values())
        shown = api_selectors.mix_as_dict(group.mix, threshold)
        row = export._mix_row(report.by or "", group.key, group.label, group.mix, report)
        figures = row[6:]
        if shown["suppressed"]:
            assert {key: shown[key] for key in FIGURES} == dict.fromkeys(FIGURES)
            assert shown["note"]
            assert row[3] is None and row[4] is True
            assert set(figures) == {None}
            hidden_sizes.append(size)
        else:
            assert size >= threshold
            assert shown["respondents"] == row[3] == size
            assert sum(shown["counts"].values()) == size
            assert list(figures[: len(ARCHETYPES)]) == [counts[group.key][key] for key in ARCHETYPES]
        if 0 < size < threshold:
            assert shown["suppressed"] and shown["reason"] == "below_threshold"
            assert shown["note"] == f"Fewer than {threshold} answers"
    if partition and any(0 < size < threshold for size in hidden_sizes):
        # Subtracting the visible groups from a published total must not reveal the hidden ones; a
        # total below the threshold is not published, so there is nothing to subtract from.
        assert sum(hidden_sizes) >= threshold or report.total.suppressed
    if sum(sum(group.values()) for group in counts.values()) < threshold:
        assert report.total.suppressed


@settings(max_examples=50, deadline=None)
@given(counts=group_counts, threshold=st.integers(min_value=2, max_value=10))
def test_a_total_below_the_threshold_is_hidden_too(counts: dict[str, dict[str, int]], threshold: int) -> None:
    report = report_of(counts, threshold, partition=True)
    size = sum(sum(group.values()) for group in counts.values())
    total = api_selectors.mix_as_dict(report.total, threshold)
    if size < threshold:
        assert {key: total[key] for key in FIGURES} == dict.fromkeys(FIGURES)
    else:
        assert total["respondents"] == size
