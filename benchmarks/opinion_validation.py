"""Opinion mapping on published Polis conversations: our groups against Polis's and red-dwarf's.

For every conversation of the Polis open data (``../shared/data/polis-opendata``) that has votes,
the product's pipeline (``VoteMatrix.from_votes`` + ``analyze``, seed 0) and red-dwarf 0.4.0's
``run_pipeline`` (k-means, ``random_state=0``) run on the same final votes. Their groups are
compared with each other and with the ``group-id`` Polis exported, by the adjusted Rand index on
the participants both place in a group. Diagnostics explain low agreement: the groups at Polis's
number of groups, the silhouette of each grouping on our map, how much our own grouping moves with
the seed, and how many of Polis's grouped participants have fewer than 7 votes (older Polis
versions clustered them; the current rule leaves them out). One JSON line per conversation on
stdout; the report goes to ``docs/opinion-validation.md``::

    bench-venv/bin/python benchmarks/opinion_validation.py [--data DIR] [--out docs/opinion-validation.md]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from spaceforchange.analytics.opinion.agreement import adjusted_rand_index
from spaceforchange.analytics.opinion.matrix import VoteMatrix
from spaceforchange.analytics.opinion.parameters import OpinionParameters
from spaceforchange.analytics.opinion.pipeline import analyze
from spaceforchange.analytics.opinion.polis_format import PolisConversation, read_polis_export

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "polis-opendata"
OUT = ROOT / "docs" / "opinion-validation.md"
LOW = 0.5  # an adjusted Rand index below this is "low" and gets an explanation
STABILITY_SEEDS = (1, 2, 3, 4)
MIN_VOTES = 7
CASE_STUDIES = {
    "american-assembly.bowling-green": "https://compdemocracy.org/case-studies/2018-kentucky",
    "austria-climate": "https://compdemocracy.org/case-studies/2022-Austria-Klimarat",
    "brexit-consensus": "https://compdemocracy.org/case-studies/2017-brexit-consensus",
    "football-concussions": "https://compdemocracy.org/case-studies/2015-football-concussions",
    "london.youth.policing": "https://compdemocracy.org/case-studies/2022-london-youth-policing",
    "scoop-hivemind.affordable-housing": "https://compdemocracy.org/case-studies/2017-scoop-hivemind-affordable-housing",
    "scoop-hivemind.freshwater": "https://compdemocracy.org/case-studies/2017-scoop-hivemind-freshwater",
    "scoop-hivemind.taxes": "https://compdemocracy.org/case-studies/2018-scoop-hivemind-taxes",
    "scoop-hivemind.ubi": "https://compdemocracy.org/case-studies/2017-scoop-hivemind-ubi",
    "ssis.land-bank-farmland": "https://compdemocracy.org/case-studies/2021-san-juan-island",
}

Groups = dict[int, int]

try:
    from reddwarf.implementations.polis import run_pipeline as red_dwarf_pipeline
    from sklearn.metrics import silhouette_score
except ImportError:  # red-dwarf lives in bench-venv only (benchmarks/requirements.txt)
    red_dwarf_pipeline = None
    silhouette_score = None


@dataclass
class Case:
    name: str
    conversation: PolisConversation
    ours: Groups = field(default_factory=dict)
    ours_s: float = 0.0
    coordinates: dict[int, tuple[float, float]] = field(default_factory=dict)
    ours_at_polis_k: Groups | None = None
    seeds: list[float] = field(default_factory=list)
    red_dwarf: Groups | None = None
    red_dwarf_s: float | None = None
    red_dwarf_at_polis_k: Groups | None = None

    @property
    def polis(self) -> Groups:
        return self.conversation.groups


def agreement(first: Groups | None, second: Groups | None) -> tuple[float | None, int]:
    """ARI on the participants both groupings place in a group, and how many there are."""
    if first is None or second is None:
        return None, 0
    both = [participant for participant in first if participant in second]
    if len(both) < 2:
        return None, len(both)
    return adjusted_rand_index([first[p] for p in both], [second[p] for p in both]), len(both)


def silhouette(case: Case, groups: Groups | None) -> float | None:
    """Silhouette of ``groups`` on our map (participant coordinates), on participants in both."""
    if groups is None or silhouette_score is None:
        return None
    both = [participant for participant in groups if participant in case.coordinates]
    labels = [groups[p] for p in both]
    if not 2 <= len(set(labels)) < len(both):
        return None
    return float(silhouette_score(np.array([case.coordinates[p] for p in both]), labels))


def run_ours(case: Case) -> None:
    conversation = case.conversation
    started = time.perf_counter()
    matrix = VoteMatrix.from_votes(
        conversation.votes,
        statement_ids=conversation.statement_ids,
        moderated_out=conversation.moderated_out,
        meta=conversation.meta,
    )
    result = analyze(matrix, OpinionParameters(seed=0))
    case.ours_s = time.perf_counter() - started
    case.ours = {int(p): g for p, g in result.groups.items()}
    case.coordinates = {
        int(p): (float(x), float(y)) for p, (x, y) in zip(result.participants_in, result.coordinates, strict=True)
    }
    for seed in STABILITY_SEEDS:
        other = analyze(matrix, OpinionParameters(seed=seed))
        case.seeds.append(agreement(case.ours, {int(p): g for p, g in other.groups.items()})[0] or 0.0)
    k = len(set(case.polis.values()))
    if 2 <= k <= OpinionParameters().max_groups:
        forced = analyze(matrix, OpinionParameters(seed=0, min_groups=k, max_groups=k))
        case.ours_at_polis_k = {int(p): g for p, g in forced.groups.items()}


def run_red_dwarf(case: Case) -> None:
    if red_dwarf_pipeline is None:
        return
    votes = [
        {"participant_id": v.participant, "statement_id": v.statement, "vote": v.value, "modified": v.at}
        for v in case.conversation.votes
    ]
    moderated_out = sorted(case.conversation.moderated_out)
    started = time.perf_counter()
    result = red_dwarf_pipeline(votes=votes, mod_out_statement_ids=moderated_out, random_state=0)
    case.red_dwarf_s = time.perf_counter() - started
    case.red_dwarf = {int(p): int(g) for p, g in result.participants_df["cluster_id"].dropna().items()}
    k = len(set(case.polis.values()))
    if k >= 2:
        forced = red_dwarf_pipeline(
            votes=votes, mod_out_statement_ids=moderated_out, random_state=0, force_group_count=k
        )
        case.red_dwarf_at_polis_k = {int(p): int(g) for p, g in forced.participants_df["cluster_id"].dropna().items()}


def sizes(groups: Groups | None) -> list[int]:
    if groups is None:
        return []
    return sorted(np.bincount(np.unique(list(groups.values()), return_inverse=True)[1]).tolist(), reverse=True)


def figures(case: Case) -> dict[str, Any]:
    votes_of = np.bincount([int(v.participant) for v in case.conversation.votes])
    polis_votes = [int(votes_of[p]) if p < len(votes_of) else 0 for p in case.polis]
    few_votes = sum(1 for n in polis_votes if n < MIN_VOTES)
    rounded = {}
    for key, (first, second) in {
        "ari_ours_polis": (case.ours, case.polis),
        "ari_red_dwarf_polis": (case.red_dwarf, case.polis),
        "ari_ours_red_dwarf": (case.ours, case.red_dwarf),
        "ari_ours_polis_at_polis_k": (case.ours_at_polis_k, case.polis),
        "ari_red_dwarf_polis_at_polis_k": (case.red_dwarf_at_polis_k, case.polis),
    }.items():
        value, _ = agreement(first, second)
        rounded[key] = None if value is None else round(value, 3)
    silhouettes = {name: silhouette(case, groups) for name, groups in (("ours", case.ours), ("polis", case.polis))}
    return {
        "participants": len(case.conversation.participants),
        "statements": len(case.conversation.comments),
        "votes": len(case.conversation.votes),
        "in_ours": len(case.ours),
        "in_red_dwarf": None if case.red_dwarf is None else len(case.red_dwarf),
        "in_polis": len(case.polis),
        "compared": agreement(case.ours, case.polis)[1],
        "polis_grouped_with_few_votes": few_votes,
        "polis_grouped_fewest_votes": min(polis_votes, default=0),
        "sizes_ours": sizes(case.ours),
        "sizes_red_dwarf": sizes(case.red_dwarf),
        "sizes_polis": sizes(case.polis),
        **rounded,
        "seed_stability": round(float(np.mean(case.seeds)), 3),
        "silhouette_ours": None if silhouettes["ours"] is None else round(silhouettes["ours"], 3),
        "silhouette_polis": None if silhouettes["polis"] is None else round(silhouettes["polis"], 3),
    }


def explain(f: dict[str, Any]) -> list[str]:
    """Reasons, read off the figures, why our groups differ from the ones Polis exported."""
    reasons = []
    if f["participants"] < 50:
        reasons.append(f"only {f['participants']} participants: a few votes move a participant between groups.")
    if f["polis_grouped_with_few_votes"] > 0.1 * f["in_polis"]:
        reasons.append(
            f"Polis grouped {f['polis_grouped_with_few_votes']} of its {f['in_polis']} participants although they "
            f"cast fewer than {MIN_VOTES} votes, some only {f['polis_grouped_fewest_votes']} (Polis's rule for who "
            f"is clustered was wider when this conversation ran); the current rule, which we and red-dwarf follow, "
            f"leaves them out, and with them in, Polis's map and centres were different."
        )
    return reasons + structure_reasons(f)


def structure_reasons(f: dict[str, Any]) -> list[str]:
    """Reasons in the shape of the groupings: number of groups, red-dwarf's view, separation, stability."""
    reasons = []
    k_ours, k_polis = len(f["sizes_ours"]), len(f["sizes_polis"])
    forced, found = f["ari_ours_polis_at_polis_k"], f["ari_ours_polis"]
    if k_ours != k_polis and forced is not None:
        if forced >= LOW:
            effect = "the number of groups is most of the difference"
        elif forced - found >= 0.1:
            effect = "the number of groups is part of the difference, where the cuts fall the rest"
        else:
            effect = "the number of groups is not the cause: the cuts themselves differ"
        reasons.append(
            f"we find {k_ours} groups where Polis exported {k_polis}; with {k_polis} groups forced the index goes "
            f"from {found:.2f} to {forced:.2f}, so {effect}."
        )
    if (f["ari_ours_red_dwarf"] or 0) >= 0.8 and (f["ari_red_dwarf_polis"] or 1) < LOW:
        reasons.append(
            f"red-dwarf, which like us clusters the final votes from scratch, agrees with us "
            f"({f['ari_ours_red_dwarf']:.2f}) and disagrees with the export as much ({f['ari_red_dwarf_polis']:.2f}): "
            f"that points to Polis's history (each run warm-starts from the last, and the number of groups changes "
            f"only after winning several runs in a row) rather than to a different reading of these votes."
        )
    return reasons + separation_reasons(f)


def separation_reasons(f: dict[str, Any]) -> list[str]:
    reasons = []
    smallest = min(f["sizes_ours"][-1:] + f["sizes_polis"][-1:], default=0)
    if smallest and smallest < 0.05 * max(f["compared"], 1):
        reasons.append(
            f"one group is tiny ({smallest} of {f['compared']} participants): the index weighs every pair it "
            f"splits or joins, so a few of them placed differently move it a lot."
        )
    s_ours, s_polis = f["silhouette_ours"], f["silhouette_polis"]
    if s_ours is not None and s_polis is not None and s_polis < s_ours - 0.1:
        reasons.append(
            f"on our map Polis's groups overlap (silhouette {s_polis:.2f}, ours {s_ours:.2f}): they were drawn on "
            f"a different map, made from other participants or from the votes as they stood at an earlier run."
        )
    elif s_ours is not None and s_polis is not None and max(s_ours, s_polis) < LOW:
        reasons.append(
            f"the participants do not form well-separated clouds (silhouette on our map {s_ours:.2f} for our "
            f"groups, {s_polis:.2f} for Polis's): either cut is a fair summary, and where it falls is decided by "
            f"starting points and history."
        )
    if f["seed_stability"] < 0.8:
        reasons.append(
            f"our own groups move with the seed (mean index {f['seed_stability']:.2f} between seed 0 and seeds "
            f"1–4): the conversation has no grouping stable enough for two methods to agree on."
        )
    return reasons


def case_study(name: str) -> str:
    return next((url for prefix, url in CASE_STUDIES.items() if name.startswith(prefix)), "")


def number(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def report(cases: list[tuple[Case, dict[str, Any]]], skipped: list[str], environment: dict[str, str]) -> str:
    lines = [
        "# Opinion mapping on published Polis conversations",
        "",
        f"Generated by `benchmarks/opinion_validation.py` on {environment['date']} at commit "
        f"`{environment['commit']}` ({environment['machine']}); do not edit by hand, run it again.",
        "",
        "For every conversation of the Polis open data that has votes, our pipeline (`analyze`, seed 0) and",
        "red-dwarf 0.4.0 (`run_pipeline`, k-means, `random_state=0`) ran on the same final votes (the last",
        "vote per participant and statement). Agreement is the adjusted Rand index (ARI: 1 identical",
        'groupings, about 0 unrelated) on the participants both place in a group. "Polis" is the',
        "`group-id` column of the export's `participants-votes.csv`: the groups Polis showed when the data",
        "was exported.",
        "",
        "| conversation | participants | in groups (ours / red-dwarf / Polis) | groups (ours / red-dwarf / Polis) "
        "| ARI ours–Polis | ARI red-dwarf–Polis | ARI ours–red-dwarf | ARI ours–Polis at Polis's k "
        "| seed stability | ours s | red-dwarf s |",
        "|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += table_rows(cases)
    lines += [
        "",
        "Groups are listed by size. Seed stability is the mean ARI between our groups with seed 0 and with",
        "seeds 1–4. Times are wall seconds for building the vote matrix and analysing, on this machine.",
    ]
    if skipped:
        lines += ["", f"Without per-participant votes in the open data (skipped): {', '.join(skipped)}."]
    lines += ["", "## Where agreement with Polis is low, and why", ""]
    for case, f in cases:
        if f["ari_ours_polis"] is not None and f["ari_ours_polis"] < LOW:
            lines.append(f"- **{case.name}** (ARI {f['ari_ours_polis']:.2f}):")
            lines += [f"  - {reason}" for reason in explain(f)] or ["  - no cause found in the figures."]
    lines += ["", *GENERAL, "", *attribution([case.name for case, _ in cases])]
    return "\n".join(lines) + "\n"


def table_rows(cases: list[tuple[Case, dict[str, Any]]]) -> list[str]:
    lines = []
    for case, f in cases:
        counts = " / ".join("–" if n is None else str(n) for n in (f["in_ours"], f["in_red_dwarf"], f["in_polis"]))
        groups = " / ".join(
            "+".join(map(str, s)) or "–" for s in (f["sizes_ours"], f["sizes_red_dwarf"], f["sizes_polis"])
        )
        lines.append(
            f"| {case.name} | {f['participants']:,} | {counts} | {groups} | {number(f['ari_ours_polis'])} "
            f"| {number(f['ari_red_dwarf_polis'])} | {number(f['ari_ours_red_dwarf'])} "
            f"| {number(f['ari_ours_polis_at_polis_k'])} | {f['seed_stability']:.2f} | {case.ours_s:.3f} "
            f"| {'–' if case.red_dwarf_s is None else f'{case.red_dwarf_s:.3f}'} |"
        )
    return lines


GENERAL = [
    "## Why exported groups need not match a fresh analysis",
    "",
    "- Polis recomputes as votes arrive and warm-starts every run from the last one; the number of",
    "  groups changes only after a new best k has won several consecutive runs. The exported `group-id`",
    "  is the state after that history. We and red-dwarf analyse the final votes once, from scratch.",
    "- Polis clusters 100 base clusters, then the groups; red-dwarf 0.4.0 clusters participants",
    "  directly (it has no base clusters), we follow Polis. The starting centres differ in all three.",
    "- Which participants are clustered has changed between Polis versions: older exports also group",
    "  participants with fewer than 7 votes.",
    "- Where the map has no clear gap between groups, all of this decides where the cut falls, and the",
    "  ARI between two reasonable groupings can be low although each is a fair summary of the votes.",
]


def attribution(names: list[str]) -> list[str]:
    urls = sorted({case_study(name) for name in names} - {""})
    return [
        "## Data and licence",
        "",
        "Data was gathered using the Polis software (compdemocracy.org/polis) and is sub-licensed under CC BY",
        "4.0 with Attribution to The Computational Democracy Project. The data and more information about how",
        "the data was collected can be found at the following links (bg2050-volunteers has no case study):",
        "",
        *[f"- {url}" for url in urls],
        "",
        "Source: https://github.com/compdemocracy/openData (commit `0bc2ce0f32c6`), CC BY 4.0.",
    ]


def environment() -> dict[str, str]:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    cores = os.cpu_count() or 0
    machine = f"{cores} CPU, Python {platform.python_version()}, {platform.system()}"
    return {"date": datetime.date.today().isoformat(), "commit": commit, "machine": machine}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help=f"the Polis open-data folder (default {DATA})")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write the report (default {OUT})")
    options = parser.parse_args()
    if not options.data.is_dir():
        sys.exit(f"{options.data} is missing: the Polis open data is needed")
    if red_dwarf_pipeline is None:
        print(
            "red-dwarf is not installed here: run in bench-venv (make bench); peer columns stay empty", file=sys.stderr
        )
    warnings.filterwarnings("ignore", module="pydantic")  # red-dwarf's models warn on import and use
    cases, skipped = [], []
    for directory in sorted(path for path in options.data.iterdir() if path.is_dir()):
        conversation = read_polis_export(directory)
        if not conversation.votes:
            skipped.append(directory.name)
            continue
        case = Case(directory.name, conversation)
        run_ours(case)
        run_red_dwarf(case)
        found = figures(case)
        cases.append((case, found))
        peer_s = case.red_dwarf_s
        line = {
            "benchmark": "opinion_validation",
            "case": case.name,
            "product_s": round(case.ours_s, 4),
            "peer": "red-dwarf 0.4.0 run_pipeline",
            "peer_s": None if peer_s is None else round(peer_s, 4),
            "ratio": None if peer_s is None else round(peer_s / case.ours_s, 2),
            **found,
            "load_1m": round(os.getloadavg()[0], 2),
        }
        print(json.dumps(line), flush=True)
    options.out.write_text(report(cases, skipped, environment()), encoding="utf-8")


if __name__ == "__main__":
    main()
