"""What an analysis returns, and the state the next run warm-starts from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from spaceforchange.analytics.opinion.matrix import Id
from spaceforchange.analytics.opinion.selection import Consensus, RepresentativeStatement

Clusters = tuple[tuple[int, tuple[int, ...]], ...]
"""(cluster id, base-cluster ids) pairs: one clustering of the base clusters."""


@dataclass(frozen=True)
class KSmoother:
    """Polis's ``group-k-smoother``: the number of groups changes only after the new best k has
    won ``group_k_buffer`` consecutive runs."""

    last_k: int | None = None
    last_k_count: int = 0
    smoothed_k: int | None = None

    def update(self, this_k: int, buffer: int) -> KSmoother:
        count = self.last_k_count + 1 if self.last_k == this_k else 1
        smoothed = this_k if count >= buffer or self.smoothed_k is None else self.smoothed_k
        return KSmoother(last_k=this_k, last_k_count=count, smoothed_k=smoothed)


@dataclass(frozen=True)
class OpinionState:
    """Everything the next run needs to warm-start; JSON-able through to_dict/from_dict."""

    participants_in: tuple[Id, ...] = ()
    """Once in the analysis, a participant stays in (Polis ``in-conv``)."""
    components: Mapping[Id, tuple[float, float]] = field(default_factory=dict)
    """Statement id → PCA loadings, to keep the axes' signs."""
    base_ids: tuple[int, ...] = ()
    base_centres: tuple[tuple[float, float], ...] = ()
    base_members: tuple[tuple[Id, ...], ...] = ()
    group_clusterings: Mapping[int, Clusters] = field(default_factory=dict)
    """k → clustering of the base clusters, the warm start of each k."""
    k_smoother: KSmoother = field(default_factory=KSmoother)
    groups: Mapping[int, tuple[int, ...]] = field(default_factory=dict)
    """Published group label → base-cluster ids, to keep labels stable."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "participants_in": list(self.participants_in),
            "components": [[s, float(x), float(y)] for s, (x, y) in self.components.items()],
            "base_clusters": [
                {"id": i, "center": [float(c[0]), float(c[1])], "members": list(m)}
                for i, c, m in zip(self.base_ids, self.base_centres, self.base_members, strict=True)
            ],
            "group_clusterings": [
                {"k": k, "clusters": [{"id": i, "members": list(m)} for i, m in clusters]}
                for k, clusters in self.group_clusterings.items()
            ],
            "k_smoother": self.k_smoother.__dict__,
            "groups": [{"label": label, "base_clusters": list(m)} for label, m in self.groups.items()],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OpinionState:
        bases = data.get("base_clusters", [])
        return cls(
            participants_in=tuple(data.get("participants_in", ())),
            components={row[0]: (float(row[1]), float(row[2])) for row in data.get("components", ())},
            base_ids=tuple(int(b["id"]) for b in bases),
            base_centres=tuple((float(b["center"][0]), float(b["center"][1])) for b in bases),
            base_members=tuple(tuple(b["members"]) for b in bases),
            group_clusterings={
                int(g["k"]): tuple((int(c["id"]), tuple(int(m) for m in c["members"])) for c in g["clusters"])
                for g in data.get("group_clusterings", ())
            },
            k_smoother=KSmoother(**data.get("k_smoother", {})),
            groups={int(g["label"]): tuple(int(m) for m in g["base_clusters"]) for g in data.get("groups", ())},
        )


@dataclass(frozen=True, eq=False)
class OpinionResult:
    participants_in: tuple[Id, ...]
    coordinates: NDArray[np.float64]
    """(len(participants_in), 2) sparsity-scaled projections."""
    groups: dict[Id, int]
    group_sizes: dict[int, int]
    statement_projection: dict[Id, tuple[float, float]]
    statement_extremity: dict[Id, float]
    representative: dict[int, list[RepresentativeStatement]]
    consensus: Consensus
    group_aware_consensus: dict[Id, float]
    comment_priority: dict[Id, float]
    """0 for moderated-out statements, which must never be shown."""
    divisive: list[tuple[Id, float]]
    division: float
    state: OpinionState

    def to_dict(self) -> dict[str, Any]:
        """JSON-able; maps keyed by id become lists of pairs so ids keep their type."""
        return {
            "participants_in": list(self.participants_in),
            "coordinates": self.coordinates.round(6).tolist(),
            "groups": [[p, g] for p, g in self.groups.items()],
            "group_sizes": [[g, n] for g, n in self.group_sizes.items()],
            "statement_projection": [[s, x, y] for s, (x, y) in self.statement_projection.items()],
            "statement_extremity": [[s, e] for s, e in self.statement_extremity.items()],
            "representative": [[g, [r.to_dict() for r in rows]] for g, rows in self.representative.items()],
            "consensus": self.consensus.to_dict(),
            "group_aware_consensus": [[s, v] for s, v in self.group_aware_consensus.items()],
            "comment_priority": [[s, v] for s, v in self.comment_priority.items()],
            "divisive": [[s, d] for s, d in self.divisive],
            "division": self.division,
            "state": self.state.to_dict(),
        }
