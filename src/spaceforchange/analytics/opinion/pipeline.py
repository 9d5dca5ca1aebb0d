"""The opinion-mapping pipeline: who is in, PCA, groups, then the statement statistics."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from spaceforchange.analytics.opinion import groups as grouping
from spaceforchange.analytics.opinion import selection, stats
from spaceforchange.analytics.opinion.matrix import Id, VoteMatrix, id_sort_key
from spaceforchange.analytics.opinion.parameters import OpinionParameters
from spaceforchange.analytics.opinion.pca import Projection, project
from spaceforchange.analytics.opinion.result import OpinionResult, OpinionState

Ints = NDArray[np.int64]
# Projections are rounded before clustering so that summation-order noise (a different
# statement order) cannot break ties between participants who voted identically.
CLUSTER_DECIMALS = 10
DEFAULT_PARAMETERS = OpinionParameters()


def participants_in(
    matrix: VoteMatrix, parameters: OpinionParameters, previous: OpinionState | None
) -> NDArray[np.bool_]:
    """Polis's ``in-conv``: everyone with at least min(min_votes, statements with a vote) votes,
    everyone who was in before, and — while fewer than min_participants_in — the most active
    remaining voters."""
    counts = np.diff(matrix.indptr)
    n_voted = int((matrix.statement_vote_counts > 0).sum())
    inside = counts >= max(min(parameters.min_votes, n_voted), 1)
    if previous is not None:
        inside[matrix.participant_positions(previous.participants_in)] = True
    missing = parameters.min_participants_in - int(inside.sum())
    if missing > 0:
        candidates = np.flatnonzero(~inside & (counts > 0))
        ranked = sorted(candidates, key=lambda i: (-counts[i], id_sort_key(matrix.participant_ids[i])))
        inside[ranked[:missing]] = True
    return inside


def analyze(
    matrix: VoteMatrix, parameters: OpinionParameters = DEFAULT_PARAMETERS, previous: OpinionState | None = None
) -> OpinionResult:
    """Run the whole analysis; ``previous`` (the last result's state) warm-starts it."""
    projection = project(matrix, previous.components if previous is not None else None)
    inside = np.flatnonzero(participants_in(matrix, parameters, previous))
    ids_in = tuple(matrix.participant_ids[i] for i in inside)
    if len(inside) == 0:
        published = np.zeros(0, dtype=np.int64)
        state = OpinionState(components=_components(matrix, projection))
    else:
        earlier = grouping.previous_base_index(ids_in, previous)
        points = np.round(projection.participants[inside], CLUSTER_DECIMALS)
        base = grouping.base_clusters(points, ids_in, earlier, previous, parameters)
        found = grouping.group(base, previous, parameters)
        published = _published_labels(found, projection.participants[inside], _previous_labels(earlier, previous))
        state = grouping.build_state(found, ids_in, published, _components(matrix, projection))
    figures = _figures(matrix, parameters, projection, inside, published)
    statements = matrix.statement_ids
    return OpinionResult(
        participants_in=ids_in,
        coordinates=projection.participants[inside],
        groups=dict(zip(ids_in, published.tolist(), strict=True)),
        group_sizes={label: int(n) for label, n in zip(figures.labels, figures.sizes, strict=True)},
        statement_projection={
            s: (float(x), float(y)) for s, (x, y) in zip(statements, projection.statements, strict=True)
        },
        statement_extremity=dict(zip(statements, projection.extremity.tolist(), strict=True)),
        representative=dict(zip(figures.labels, figures.representative, strict=True)),
        consensus=figures.consensus,
        group_aware_consensus=dict(zip(statements, figures.group_aware_consensus.tolist(), strict=True)),
        comment_priority=dict(zip(statements, figures.priority.tolist(), strict=True)),
        divisive=[(statements[c], float(figures.divisiveness[c])) for c in figures.divisive_order],
        division=figures.division,
        state=replace(state, participants_in=ids_in),
    )


def _components(matrix: VoteMatrix, projection: Projection) -> dict[Id, tuple[float, float]]:
    return {s: (float(x), float(y)) for s, (x, y) in zip(matrix.statement_ids, projection.components.T, strict=True)}


def _published_labels(found: grouping.Grouping, coordinates: NDArray[np.float64], earlier_labels: Ints) -> Ints:
    group_index = found.group_of_base[found.base.labels]
    n_groups = int(group_index.max()) + 1
    sizes = np.bincount(group_index, minlength=n_groups).astype(np.float64)
    centres = np.vstack([coordinates[group_index == g].mean(axis=0) for g in range(n_groups)])
    labels = grouping.stable_labels(group_index, n_groups, earlier_labels, centres, sizes)
    return labels[group_index]


def _previous_labels(earlier: Ints, previous: OpinionState | None) -> Ints:
    """Each participant's published label last run (−1 if none), through their base cluster."""
    if previous is None or not previous.groups:
        return np.full(len(earlier), -1, dtype=np.int64)
    label = {b: group for group, bases in previous.groups.items() for b in bases}
    label_of_base = np.array([label.get(b, -1) for b in previous.base_ids] + [-1], dtype=np.int64)
    return label_of_base[earlier]


@dataclass(frozen=True, eq=False)
class _Figures:
    labels: list[int]
    sizes: NDArray[np.float64]
    representative: list[list[selection.RepresentativeStatement]]
    consensus: selection.Consensus
    group_aware_consensus: NDArray[np.float64]
    priority: NDArray[np.float64]
    divisiveness: NDArray[np.float64]
    divisive_order: Ints
    division: float


def _counts(matrix: VoteMatrix, inside: Ints, published: Ints) -> tuple[list[int], stats.Counts, stats.Counts]:
    """Labels in order, counts per group (in-analysis participants) and over everyone who voted."""
    labels = sorted(set(published.tolist()))
    # Voters outside the analysis form an extra last row: they count for consensus only.
    row_group = np.full(matrix.shape[0], len(labels), dtype=np.int64)
    row_group[inside] = np.searchsorted(labels, published)
    everyone = stats.group_counts(matrix, row_group, len(labels) + 1)
    rows = (everyone.agree, everyone.disagree, everyone.seen)
    groups = stats.Counts(*(c[: len(labels)] for c in rows))
    return labels, groups, stats.Counts(*(c.sum(axis=0, keepdims=True) for c in rows))


def _figures(
    matrix: VoteMatrix, p: OpinionParameters, projection: Projection, inside: Ints, published: Ints
) -> _Figures:
    """Everything computed per statement from the groups and the votes."""
    voted = matrix.statement_vote_counts > 0
    moderated = matrix.statement_mask(matrix.moderated_out)
    eligible = voted & ~moderated
    labels, counts, overall = _counts(matrix, inside, published)
    sizes = np.bincount(np.searchsorted(labels, published), minlength=len(labels)).astype(np.float64)
    rank = matrix.statement_rank()
    representative = selection.representative(
        stats.group_statistics(counts, p.pseudocount),
        matrix.statement_ids,
        eligible,
        z=p.significance_z,
        count=p.representative_count,
        rank=rank,
    )
    consensus = selection.consensus(
        overall,
        matrix.statement_ids,
        eligible,
        z=p.significance_z,
        count=p.consensus_count,
        floor=p.consensus_probability,
        pseudocount=p.pseudocount,
        rank=rank,
    )
    priority = stats.comment_priority(counts, projection.extremity, matrix.statement_mask(matrix.meta), p)
    priority[moderated] = 0.0
    divisive, order, division = _division(counts, sizes, eligible, rank, p)
    return _Figures(
        labels=labels,
        sizes=sizes,
        representative=representative,
        consensus=consensus,
        group_aware_consensus=stats.group_aware_consensus(counts, p.pseudocount),
        priority=priority,
        divisiveness=divisive,
        divisive_order=order,
        division=division,
    )


def _division(
    counts: stats.Counts, sizes: NDArray[np.float64], eligible: NDArray[np.bool_], rank: Ints, p: OpinionParameters
) -> tuple[NDArray[np.float64], Ints, float]:
    """Divisiveness per statement, the eligible statements most divisive first, and the division
    score: the mean divisiveness of the divisive_count most divisive (0 with fewer than 2 groups)."""
    divisive = np.where(eligible, stats.divisiveness(counts, sizes, p.pseudocount), 0.0)
    order = np.flatnonzero(eligible)[np.lexsort((rank[eligible], -divisive[eligible]))]
    top = divisive[order[: p.divisive_count]]
    return divisive, order, float(top.mean()) if len(top) and len(sizes) > 1 else 0.0


def representative_statements(
    matrix: VoteMatrix, groups: dict[Id, int], parameters: OpinionParameters = DEFAULT_PARAMETERS
) -> dict[int, list[selection.RepresentativeStatement]]:
    """Representative statements for a given grouping (participant id → label), e.g. one made
    elsewhere; participants not in ``groups`` are left out, as Polis leaves out those not in
    the conversation."""
    where = {identifier: position for position, identifier in enumerate(matrix.participant_ids)}
    labels = sorted(set(groups.values()))
    row_group = np.full(matrix.shape[0], -1, dtype=np.int64)
    for participant, label in groups.items():
        if participant in where:
            row_group[where[participant]] = labels.index(label)
    voted = matrix.statement_vote_counts > 0
    eligible = voted & ~matrix.statement_mask(matrix.moderated_out)
    group_stats = stats.group_statistics(stats.group_counts(matrix, row_group, len(labels)), parameters.pseudocount)
    chosen = selection.representative(
        group_stats,
        matrix.statement_ids,
        eligible,
        z=parameters.significance_z,
        count=parameters.representative_count,
        rank=matrix.statement_rank(),
    )
    return dict(zip(labels, chosen, strict=True))
