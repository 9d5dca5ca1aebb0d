"""Loading the red-dwarf Polis fixtures (raw votes plus Polis's own math output)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from spaceforchange.analytics.opinion.matrix import Vote, VoteMatrix

SHARED = Path(__file__).resolve().parents[5] / "shared" / "data" / "reddwarf-polis-fixtures"
COPIED = Path(__file__).resolve().parents[3] / "data" / "opinion"
NAMES = (
    "below-100-ptpts",
    "25ptpt-3gp-no-strict-with-meta",
    "50ptpt-3gp-strict-no-meta",
    "150ptpt-3gp-no-strict-no-meta",
    "above-100-ptpts",
)


def fixture_dir(name: str) -> Path:
    for root in (SHARED, COPIED):
        if (root / name / "math-pca2.json").exists():
            return root / name
    pytest.skip(f"Polis fixture {name} not found under {SHARED} (or a copy under {COPIED})")


def load(name: str) -> tuple[VoteMatrix, dict[str, Any]]:
    folder = fixture_dir(name)
    raw = json.loads((folder / "votes.json").read_text())
    math = json.loads((folder / "math-pca2.json").read_text())
    votes = [
        Vote(
            v.get("participant_id", v.get("pid")),
            v.get("statement_id", v.get("tid")),
            int(v["vote"]),
            float(v["modified"]),
        )
        for v in raw
    ]
    matrix = VoteMatrix.from_votes(
        votes,
        statement_ids=sorted({v.statement for v in votes}),  # type: ignore[type-var]
        moderated_out=math["mod-out"] or [],
        meta=math["meta-tids"] or [],
    )
    return matrix, math


def polis_groups(math: dict[str, Any]) -> dict[int, int]:
    """Participant id → Polis group id, through Polis's base clusters."""
    bases = math["base-clusters"]
    members = dict(zip(bases["id"], bases["members"], strict=True))
    return {p: g["id"] for g in math["group-clusters"] for b in g["members"] for p in members[b]}
