"""Opinion mapping at scale: the product's pipeline against red-dwarf 0.4.0 on the same votes.

Data: the largest published Polis conversation, american-assembly.bowling-green (2,031
participants × 896 statements, 225,524 final votes, from ``../shared/data/polis-opendata``), and
that conversation with its participants resampled with replacement (numpy ``default_rng``, seed
2026) to 64,000 and 256,000: each new participant copies the votes of a drawn one, and 5 % of the
copied votes are redrawn at random (agree, disagree or pass) so that copies are not identical.

Cases, each tool in a fresh subprocess so that ``peak_mib`` (peak resident memory, ``ru_maxrss``)
is its own; ``input_mib`` is the memory once the input is built, before the timed call:

- the conversation itself: product (``VoteMatrix.from_arrays`` + ``analyze``) against red-dwarf's
  ``run_pipeline`` (k-means, ``random_state=0``, votes as the list of dicts its API takes).
  Target: at least 3× faster than red-dwarf.
- 64,000 participants: the same. Target: product under 10 s and 2 GB peak.
- 256,000 participants: the same; red-dwarf is skipped unless ``--peer-everywhere`` (it chooses
  k by silhouettes over all participants, quadratic in their number: ~16× its 64,000 time).
  Target: product under 60 s.
- incremental: 1,000 new votes (random participants and statements of the 64,000 conversation)
  after a first analysis; the product merges them into the first analysis's matrix
  (``VoteMatrix.with_votes``) and re-analyses warm-started from the first result's state, read
  back from JSON as the application stores it. ``rebuild_s`` is what building the matrix from all
  the votes (``from_arrays``) would cost instead, and ``product_s_with_rebuild`` the update with
  that rebuild. Peer: the product's own cold path on the same updated votes (matrix rebuild and
  analysis). Target: under 2 s.

One JSON line per case on stdout, with ``load_1m`` (``os.getloadavg``) before and after::

    bench-venv/bin/python benchmarks/opinion_scaling.py [--sizes 64000,256000] [--peer-timeout 1800]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from spaceforchange.analytics.opinion.matrix import VoteMatrix
from spaceforchange.analytics.opinion.parameters import OpinionParameters
from spaceforchange.analytics.opinion.pipeline import analyze
from spaceforchange.analytics.opinion.polis_format import read_polis_export
from spaceforchange.analytics.opinion.result import OpinionState

ROOT = Path(__file__).resolve().parents[1]
CONVERSATION = ROOT.parent / "shared" / "data" / "polis-opendata" / "american-assembly.bowling-green"
SEED = 2026
NOISE = 0.05
NEW_VOTES = 1000
INCREMENTAL_SIZE = 64_000
PEER = "red-dwarf 0.4.0 run_pipeline"
TARGETS = {"conversation": ("ratio", 3.0), 64_000: ("product_s", 10.0), 256_000: ("product_s", 60.0)}
PEAK_TARGET_MIB = {64_000: 2048}
INCREMENTAL_TARGET_S = 2.0


def base_votes() -> dict[str, np.ndarray]:
    conversation = read_polis_export(CONVERSATION)
    matrix = VoteMatrix.from_votes(conversation.votes, statement_ids=conversation.statement_ids)
    return {
        "indptr": matrix.indptr,
        "indices": matrix.indices.astype(np.int32),
        "values": matrix.values,
        "moderated_out": np.array(
            [position for position, s in enumerate(matrix.statement_ids) if s in conversation.moderated_out], np.int32
        ),
    }


def resample(base: dict[str, np.ndarray], participants: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """``participants`` rows copied from drawn rows of ``base``, with NOISE of the votes redrawn."""
    counts = np.diff(base["indptr"])
    drawn = rng.integers(0, len(counts), size=participants)
    lengths = counts[drawn]
    starts = np.repeat(base["indptr"][drawn], lengths)
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    source = starts + offsets
    values = base["values"][source].copy()
    noisy = rng.random(len(values)) < NOISE
    values[noisy] = rng.integers(-1, 2, size=int(noisy.sum()))
    indptr = np.zeros(participants + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    return {
        "indptr": indptr,
        "indices": base["indices"][source],
        "values": values.astype(np.int8),
        "moderated_out": base["moderated_out"],
    }


def new_votes(data: dict[str, np.ndarray], rng: np.random.Generator) -> dict[str, np.ndarray]:
    statements = int(data["indices"].max()) + 1
    return {
        "rows": rng.integers(0, len(data["indptr"]) - 1, size=NEW_VOTES),
        "columns": rng.integers(0, statements, size=NEW_VOTES).astype(np.int32),
        "values": rng.integers(-1, 2, size=NEW_VOTES).astype(np.int8),
    }


def matrix_of(data: dict[str, np.ndarray], extra: dict[str, np.ndarray] | None = None) -> VoteMatrix:
    rows = np.repeat(np.arange(len(data["indptr"]) - 1), np.diff(data["indptr"]))
    columns, values = data["indices"], data["values"]
    if extra is not None:  # appended last, so the new votes win over earlier ones on the same cell
        rows = np.concatenate([rows, extra["rows"]])
        columns, values = np.concatenate([columns, extra["columns"]]), np.concatenate([values, extra["values"]])
    statements = int(data["indices"].max()) + 1
    return VoteMatrix.from_arrays(
        participant_index=rows,
        statement_index=columns,
        values=values,
        participant_ids=range(len(data["indptr"]) - 1),
        statement_ids=range(statements),
        moderated_out=data["moderated_out"].tolist(),
    )


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def load(path: str) -> dict[str, np.ndarray]:
    with np.load(path) as stored:
        return {key: stored[key] for key in stored.files}


def work_product(data_path: str, state_path: str) -> dict[str, Any]:
    data = load(data_path)
    before = rss_mib()
    started = time.perf_counter()
    matrix = matrix_of(data)
    built = time.perf_counter()
    result = analyze(matrix, OpinionParameters(seed=0))
    done = time.perf_counter()
    peak = peak_mib()
    state = result.state.to_dict()
    to_dict_s = time.perf_counter() - done
    Path(state_path).write_text(json.dumps(state), encoding="utf-8")
    return {
        "seconds": done - started,
        "matrix_s": built - started,
        "analyze_s": done - built,
        "peak_mib": peak,
        "input_mib": before,
        "participants_in": len(result.participants_in),
        "groups": len(result.group_sizes),
        "votes": matrix.vote_count,
        "state_to_dict_s": to_dict_s,
    }


def work_incremental(data_path: str, extra_path: str, state_path: str) -> dict[str, Any]:
    data, extra = load(data_path), load(extra_path)
    stored = Path(state_path).read_text(encoding="utf-8")
    kept = matrix_of(data)  # the matrix of the first analysis, kept by the caller: not timed
    before = rss_mib()
    started = time.perf_counter()
    previous = OpinionState.from_dict(json.loads(stored))
    loaded = time.perf_counter()
    matrix = kept.with_votes(participant_index=extra["rows"], statement_index=extra["columns"], values=extra["values"])
    built = time.perf_counter()
    warm = analyze(matrix, OpinionParameters(seed=0), previous=previous)
    done = time.perf_counter()
    peak = peak_mib()
    rebuilt = matrix_of(data, extra)
    rebuild_s = time.perf_counter() - done
    if not all(np.array_equal(getattr(matrix, a), getattr(rebuilt, a)) for a in ("indptr", "indices", "values")):
        raise AssertionError("with_votes and a rebuild from all the votes disagree")
    cold_started = time.perf_counter()
    cold = analyze(rebuilt, OpinionParameters(seed=0))
    cold_s = rebuild_s + time.perf_counter() - cold_started  # the cold path rebuilds the matrix
    same = sum(warm.groups[p] == cold.groups.get(p) for p in warm.groups) / max(len(warm.groups), 1)
    return {
        "seconds": done - started,
        "state_load_s": loaded - started,
        "matrix_s": built - loaded,
        "analyze_s": done - built,
        "rebuild_s": rebuild_s,
        "product_s_with_rebuild": done - started - (built - loaded) + rebuild_s,
        "cold_s": cold_s,
        "peak_mib": peak,
        "input_mib": before,
        "votes": matrix.vote_count,
        "participants_in": len(warm.participants_in),
        "groups": len(warm.group_sizes),
        "same_label_as_cold": round(same, 4),
    }


def work_red_dwarf(data_path: str) -> dict[str, Any]:
    import warnings

    from reddwarf.implementations.polis import run_pipeline

    warnings.filterwarnings("ignore")  # pydantic warns about red-dwarf's models
    data = load(data_path)
    rows = np.repeat(np.arange(len(data["indptr"]) - 1), np.diff(data["indptr"])).tolist()
    votes = [
        {"participant_id": p, "statement_id": s, "vote": v, "modified": 0}
        for p, s, v in zip(rows, data["indices"].tolist(), data["values"].tolist(), strict=True)
    ]
    del rows
    before = rss_mib()
    started = time.perf_counter()
    result = run_pipeline(votes=votes, mod_out_statement_ids=data["moderated_out"].tolist(), random_state=0)
    seconds = time.perf_counter() - started
    groups = result.participants_df["cluster_id"].dropna()
    return {
        "seconds": seconds,
        "peak_mib": peak_mib(),
        "input_mib": before,
        "participants_in": len(groups),
        "groups": int(groups.nunique()),
    }


def worker(arguments: list[str], timeout: float) -> dict[str, Any] | None:
    """Run one measurement in a fresh interpreter; None when it did not finish within ``timeout``."""
    command = [sys.executable, __file__, "--work", *arguments]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(arguments)} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def line(case: str, product: dict[str, Any], peer: dict[str, Any] | None, note: dict[str, Any]) -> dict[str, Any]:
    peer_s = None if peer is None else peer["seconds"]
    return {
        "benchmark": "opinion_scaling",
        "case": case,
        "product_s": round(product["seconds"], 3),
        "peer": note.pop("peer", PEER),
        "peer_s": None if peer_s is None else round(peer_s, 3),
        "ratio": None if peer_s is None else round(peer_s / product["seconds"], 2),
        "peak_mib": round(product["peak_mib"], 1),
        "input_mib": round(product["input_mib"], 1),
        "peer_peak_mib": None if peer is None or "peak_mib" not in peer else round(peer["peak_mib"], 1),
        **{
            key: round(value, 4) if isinstance(value, float) else value
            for key, value in product.items()
            if key not in ("seconds", "peak_mib", "input_mib")
        },
        **(
            {"peer_participants_in": peer["participants_in"], "peer_groups": peer["groups"]}
            if peer and "groups" in peer
            else {}
        ),
        **note,
    }


def target(size: int | str, product: dict[str, Any], peer: dict[str, Any] | None) -> dict[str, Any]:
    if size not in TARGETS:
        return {}
    kind, limit = TARGETS[size]
    if kind == "product_s":
        met, text = product["seconds"] < limit, f"product_s < {limit:g}"
    else:
        met, text = peer is not None and peer["seconds"] / product["seconds"] >= limit, f"ratio >= {limit:g}"
    if size in PEAK_TARGET_MIB:
        text += f", peak_mib < {PEAK_TARGET_MIB[size]}"
        met = met and product["peak_mib"] < PEAK_TARGET_MIB[size]
    return {"target": text, "met": met}


def measure(case: str, size: int | str, data_path: str, state_path: str, options: argparse.Namespace) -> None:
    load_before = os.getloadavg()[0]
    product = worker(["product", data_path, state_path], options.product_timeout)
    if product is None:
        raise RuntimeError(f"{case}: the product did not finish within {options.product_timeout} s")
    run_peer = not options.no_peer and (size != 256_000 or options.peer_everywhere)
    peer = worker(["red-dwarf", data_path], options.peer_timeout) if run_peer else None
    note: dict[str, Any] = {}
    if run_peer and peer is None:
        note["peer_note"] = f"red-dwarf did not finish within {options.peer_timeout:.0f} s and was stopped"
    elif options.no_peer:
        note["peer_note"] = "red-dwarf not run (--no-peer)"
    elif not run_peer:
        note["peer_note"] = "red-dwarf not run: its silhouettes over all participants are quadratic in their number"
    note |= target(size, product, peer)
    note |= {"load_1m_before": round(load_before, 2), "load_1m_after": round(os.getloadavg()[0], 2)}
    print(json.dumps(line(case, product, peer, note)), flush=True)


def measure_incremental(data_path: str, extra_path: str, state_path: str, options: argparse.Namespace) -> None:
    load_before = os.getloadavg()[0]
    result = worker(["incremental", data_path, extra_path, state_path], options.product_timeout)
    if result is None:
        raise RuntimeError(f"the incremental update did not finish within {options.product_timeout} s")
    peer = {"seconds": result.pop("cold_s")}
    note = {
        "peer": "the product, cold start on the same updated votes",
        "new_votes": NEW_VOTES,
        "target": f"product_s < {INCREMENTAL_TARGET_S:g}",
        "met": result["seconds"] < INCREMENTAL_TARGET_S,
        "load_1m_before": round(load_before, 2),
        "load_1m_after": round(os.getloadavg()[0], 2),
    }
    case = f"incremental: {NEW_VOTES} new votes on {INCREMENTAL_SIZE} participants, warm start"
    print(json.dumps(line(case, result, peer, note)), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="64000,256000", help="resampled participant counts (default 64000,256000)")
    parser.add_argument("--peer-timeout", type=float, default=1800, help="seconds before red-dwarf is stopped")
    parser.add_argument("--product-timeout", type=float, default=600, help="seconds before the product is stopped")
    parser.add_argument("--no-peer", action="store_true", help="skip red-dwarf everywhere")
    parser.add_argument("--peer-everywhere", action="store_true", help="run red-dwarf on 256,000 participants too")
    parser.add_argument("--work", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.work:
        kind, *paths = options.work
        run = {"product": work_product, "incremental": work_incremental, "red-dwarf": work_red_dwarf}[kind]
        print(json.dumps(run(*paths)))
    else:
        measure_all(options)


def measure_all(options: argparse.Namespace) -> None:
    if not CONVERSATION.is_dir():
        sys.exit(f"{CONVERSATION} is missing: the Polis open data is needed")
    sizes = [int(size) for size in options.sizes.split(",") if size]
    rng = np.random.default_rng(SEED)
    base = base_votes()
    with tempfile.TemporaryDirectory(prefix="opinion-scaling-") as folder:
        work = Path(folder)
        np.savez(work / "conversation.npz", **base)
        measure(
            "american-assembly.bowling-green, 2031 x 896",
            "conversation",
            str(work / "conversation.npz"),
            str(work / "conversation.json"),
            options,
        )
        for size in sizes:
            data = resample(base, size, rng)
            np.savez(work / f"{size}.npz", **data)
            if size == INCREMENTAL_SIZE:
                np.savez(work / "new-votes.npz", **new_votes(data, rng))
            del data
            measure(
                f"{size} participants (resampled) x 896",
                size,
                str(work / f"{size}.npz"),
                str(work / f"{size}.json"),
                options,
            )
            if size == INCREMENTAL_SIZE:
                measure_incremental(
                    str(work / f"{size}.npz"), str(work / "new-votes.npz"), str(work / f"{size}.json"), options
                )


if __name__ == "__main__":
    main()
