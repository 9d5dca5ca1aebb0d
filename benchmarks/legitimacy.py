"""Legitimacy benchmark: the heat map and organisation view at scale, and the tension index of every policy.

Issue #5's checks, on PostgreSQL: with 2,000 stakeholders, 5,000 subjects and 1,000,000 judgments
in one organisation, the heat map of a subject and the organisation view answer at p95 under
300 ms; the tension index of 5,000 policies is computed in under 10 s.

Data. A fresh database ``sfc_bench_legitimacy`` (dropped and created; override with
``SFC_BENCH_LEGITIMACY_DATABASE_URL``) is migrated and given the demo (``sfc seed-demo``), then
Northbay gets the rest with ``COPY``, not through the services, for the reason ``portfolio.py``
gives (the services' checks and audit entries would make a million judgments take hours, and
what is measured here is reading them). The rows are what the services write:

- 2,000 stakeholders of every category, influence and interest 1–5, one in five holding resources;
- 5,000 policies (one in twenty without a manager) and 1,000 initiatives (``portfolio.py``'s
  generator): 6,000 subjects, each judged by 25 of the stakeholders (linked to it) on some or all
  four legitimacy types, two in five cells judged again later, so 1,000,000 judgments of which
  the latest per cell is flagged current (``is_current``, as ``record_judgment`` keeps it);
  states spread from legitimate to illegitimate, conditions with review dates for conditional
  legitimacy, a cause for unknown;
- per policy, scrutiny reports (0–8 over the last year) and hand-recorded signals (complaints,
  media attention, litigation, non-compliance) for some of the last six months.

Cases (one JSON line each; ``ratio`` = peer ÷ product):

- ``heat map (policy)``, ``heat map (initiative)`` and ``organisation view``: ``sfc serve
  --workers 2``, signed in as the demo's innovation lead through the login form; one client
  requests each page (several subjects in turn), in rounds; ``/healthz`` on the same server is
  the ceiling (peer).
- ``tension index, every policy``: ``policies.services.compute_tension`` for Northbay in a child
  process (reads the current judgments, reports and signals, computes, stores a snapshot per
  policy). The peer is the floor of reading the same rows with one raw SQL statement per table.

    .venv/bin/python benchmarks/legitimacy.py [--stakeholders 2000] [--policies 5000]
        [--initiatives 1000] [--judgments 1000000] [--requests 40] [--rounds 3] [--quick] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import http_pages as pages
import portfolio as base

DATABASE_URL = os.environ.get(
    "SFC_BENCH_LEGITIMACY_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sfc_bench_legitimacy"
)
TARGETS = {"page_p95_ms": 300.0, "tension_s": 10.0}
CATEGORIES = (
    "political_overseer", "top_management", "staff_and_unions", "citizens_and_users", "regulator",
    "enforcement_body", "partner", "media", "interest_group", "other",
)  # fmt: skip
TYPES = ("regulatory", "normative", "cognitive", "pragmatic")
STATES = (
    ("legitimate", 45), ("conditional_legitimacy", 20), ("unknown_legitimacy", 12),
    ("conditional_illegitimacy", 13), ("illegitimate", 10),
)  # fmt: skip
SIGNALS = ("complaints", "media_attention", "litigation", "non_compliance")
STAKEHOLDERS_PER_SUBJECT = 25

STAKEHOLDER_COLUMNS = (
    "id", "organization_id", "name", "kind", "category", "internal", "influence", "interest",
    "controls_resources", "contact_owner_id", "notes", "active", "updated_at",
)  # fmt: skip
POLICY_COLUMNS = (
    "id", "organization_id", "title", "summary", "legal_basis", "manager_id", "last_reviewed_on",
    "next_review_on", "registered_on", "unmanaged_since", "created_by_id", "updated_at",
)  # fmt: skip
JUDGMENT_COLUMNS = (
    "id", "organization_id", "stakeholder_id", "initiative_id", "policy_id", "legitimacy_type", "state",
    "unknown_cause", "mitigating_factors", "evidence", "recorded_by_id", "recorded_at", "is_current",
)  # fmt: skip
CONDITION_COLUMNS = ("organization_id", "judgment_id", "text", "review_on", "at_risk")
REPORT_COLUMNS = (
    "organization_id", "policy_id", "what_happened", "legitimacy_type", "frequency", "proposed_change",
    "reported_by_id", "anonymous", "reported_at", "answer", "answered_by_id", "answered_at",
)  # fmt: skip
SIGNAL_COLUMNS = (
    "organization_id",
    "policy_id",
    "signal",
    "period_start",
    "count",
    "note",
    "recorded_by_id",
    "recorded_at",
)


def _judgments_per_subject(judgments: int, subjects: int) -> tuple[int, float]:
    """Cells per subject and the share of cells judged twice, so that the total comes to ``judgments``."""
    per_subject = judgments / subjects
    cells = min(STAKEHOLDERS_PER_SUBJECT * len(TYPES), max(1, int(per_subject / 1.4)))
    return cells, min(1.0, max(0.0, per_subject / cells - 1))


def add_stakeholders(copier: base.Copier, ctx: base.Context, rng: random.Random, count: int) -> list[int]:
    ids = []
    for number in range(count):
        pk = copier.next_id("legitimacy_stakeholder")
        category = CATEGORIES[number % len(CATEGORIES)]
        internal = category in ("top_management", "staff_and_unions")
        copier.add(
            "legitimacy_stakeholder",
            STAKEHOLDER_COLUMNS,
            (pk, ctx.organization, f"Stakeholder {number:05d} ({category.replace('_', ' ')})",
             "person" if number % 3 == 0 else "organization", category, internal,
             rng.randint(1, 5), rng.randint(1, 5), rng.random() < 0.2, rng.choice(ctx.people), "", True, ctx.now),
        )  # fmt: skip
        ids.append(pk)
    return ids


def add_policies(copier: base.Copier, ctx: base.Context, rng: random.Random, count: int) -> list[int]:
    ids = []
    for number in range(count):
        pk = copier.next_id("policies_policy")
        registered = ctx.now.date() - timedelta(days=rng.randint(30, 2000))
        manager = None if rng.random() < 0.05 else rng.choice(ctx.people)
        copier.add(
            "policies_policy",
            POLICY_COLUMNS,
            (pk, ctx.organization, f"Policy {number:05d}", "What the policy is for.", "Act on local services, § 3",
             manager, None, ctx.now.date() + timedelta(days=rng.randint(-60, 400)), registered,
             registered if manager is None else None, rng.choice(ctx.people), ctx.now),
        )  # fmt: skip
        ids.append(pk)
    return ids


def add_judgments(
    copier: base.Copier,
    ctx: base.Context,
    rng: random.Random,
    subject: tuple[str, int],
    stakeholders: list[int],
    cells: int,
    repeat: float,
) -> int:
    kind, pk = subject
    chosen = rng.sample(stakeholders, STAKEHOLDERS_PER_SUBJECT)
    link_table = f"legitimacy_stakeholder_{kind}s" if kind == "initiative" else "legitimacy_stakeholder_policies"
    for stakeholder in chosen:
        copier.add(link_table, ("stakeholder_id", f"{kind}_id"), (stakeholder, pk))
    all_cells = [(stakeholder, kind_of) for stakeholder in chosen for kind_of in TYPES]
    written = 0
    for stakeholder, legitimacy_type in rng.sample(all_cells, cells):
        times = sorted(
            ctx.now - timedelta(minutes=rng.randint(60, 700 * 24 * 60)) for _ in range(1 + (rng.random() < repeat))
        )
        for index, recorded in enumerate(times):
            state = base.weighted(rng, STATES)
            judgment = copier.next_id("legitimacy_judgment")
            current = index == len(times) - 1
            copier.add(
                "legitimacy_judgment",
                JUDGMENT_COLUMNS,
                (judgment, ctx.organization, stakeholder, pk if kind == "initiative" else None,
                 pk if kind == "policy" else None, legitimacy_type, state,
                 "pending_decision" if state == "unknown_legitimacy" else "",
                 "Tolerated while the trial runs." if state == "conditional_illegitimacy" else "",
                 "Meeting notes.", rng.choice(ctx.people), recorded, current),
            )  # fmt: skip
            if state == "conditional_legitimacy":
                review = recorded.date() + timedelta(days=rng.randint(30, 400))
                copier.add(
                    "legitimacy_judgmentcondition",
                    CONDITION_COLUMNS,
                    (ctx.organization, judgment, "Results are reported every quarter.", review, rng.random() < 0.1),
                )
            written += 1
    return written


def add_policy_signals(copier: base.Copier, ctx: base.Context, rng: random.Random, policy: int) -> None:
    for _ in range(rng.choice((0, 0, 1, 2, 3, 8))):
        reported = ctx.now - timedelta(minutes=rng.randint(60, 365 * 24 * 60))
        answered = rng.random() < 0.5
        copier.add(
            "policies_scrutinyreport",
            REPORT_COLUMNS,
            (ctx.organization, policy, "The rule does not fit the case in front of me.", rng.choice(TYPES[1:]),
             rng.choice(("once", "monthly", "weekly", "daily")), "Allow an exception.", rng.choice(ctx.people),
             rng.random() < 0.2, reported, "We will look at it." if answered else "",
             rng.choice(ctx.people) if answered else None, reported + timedelta(days=3) if answered else None),
        )  # fmt: skip
    today = ctx.now.date()
    for months_back in range(6):
        if rng.random() < 0.3:
            month = date(today.year, today.month, 1) - timedelta(days=31 * months_back)
            copier.add(
                "policies_policysignal",
                SIGNAL_COLUMNS,
                (ctx.organization, policy, rng.choice(SIGNALS), month.replace(day=1), rng.randint(1, 12), "",
                 rng.choice(ctx.people), ctx.now),
            )  # fmt: skip


def fill(options: argparse.Namespace) -> dict[str, object]:
    import psycopg

    started = time.perf_counter()
    rng = random.Random(5)
    conversations, _source = base.polis_texts()
    with psycopg.connect(DATABASE_URL) as connection:
        ctx = base.read_context(connection)
        copier = base.Copier(connection)
        stakeholders = add_stakeholders(copier, ctx, rng, options.stakeholders)
        policies = add_policies(copier, ctx, rng, options.policies)
        initiatives = [
            base.add_initiative(copier, ctx, rng, rng.choice(conversations), f"Benchmark initiative {number:05d}")
            for number in range(options.initiatives)
        ]
        subjects = [("policy", pk) for pk in policies] + [("initiative", pk) for pk in initiatives]
        cells, repeat = _judgments_per_subject(options.judgments, len(subjects))
        judgments = sum(add_judgments(copier, ctx, rng, subject, stakeholders, cells, repeat) for subject in subjects)
        for policy in policies:
            add_policy_signals(copier, ctx, rng, policy)
        generated = time.perf_counter() - started
        counts = copier.flush()
        # What record_judgment keeps per subject: the count of current judgments per state.
        connection.execute(
            "INSERT INTO legitimacy_subjectstanding (organization_id, initiative_id, policy_id, counts, updated_at) "
            "SELECT org, initiative_id, policy_id, jsonb_object_agg(state, n), now() FROM ("
            "  SELECT organization_id AS org, initiative_id, policy_id, state, count(*) AS n FROM legitimacy_judgment"
            "  WHERE is_current AND organization_id = %s GROUP BY 1, 2, 3, 4"
            ") AS current GROUP BY org, initiative_id, policy_id "
            "ON CONFLICT DO NOTHING",
            (ctx.organization,),
        )
        connection.commit()
        connection.execute("ANALYZE")
    return {
        "stakeholders": options.stakeholders,
        "policies": options.policies,
        "initiatives": options.initiatives,
        "subjects": len(subjects),
        "judgments": judgments,
        "generate_s": round(generated, 2),
        "fill_s": round(time.perf_counter() - started, 2),
        "rows": {table: count for table, count in counts.items()},
    }


def line(case: str, product_s: float, peer: str, peer_s: float, **extra: object) -> dict[str, object]:
    result = {
        "benchmark": "legitimacy",
        "case": case,
        "product_s": round(product_s, 6),
        "peer": peer,
        "peer_s": round(peer_s, 6),
        "ratio": round(peer_s / product_s, 4) if product_s else None,
        **extra,
        "load_1m": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(result), flush=True)
    return result


def subjects_to_show(count: int) -> dict[str, list[str]]:
    """Paths of subject pages: the most judged policies and initiatives, and some others."""
    import psycopg

    with psycopg.connect(DATABASE_URL) as connection:
        policies = [
            row[0]
            for row in connection.execute(
                "SELECT policy_id FROM legitimacy_judgment WHERE policy_id IS NOT NULL AND is_current "
                "GROUP BY policy_id ORDER BY count(*) DESC, policy_id LIMIT %s",
                (count,),
            )
        ]
        initiatives = [
            row[0]
            for row in connection.execute(
                "SELECT initiative_id FROM legitimacy_judgment WHERE initiative_id IS NOT NULL AND is_current "
                "GROUP BY initiative_id ORDER BY count(*) DESC, initiative_id LIMIT %s",
                (count,),
            )
        ]
    root = f"/o/{base.ORG}/legitimacy"
    return {
        "heat map (policy)": [f"{root}/policies/{pk}/" for pk in policies],
        "heat map (initiative)": [f"{root}/initiatives/{pk}/" for pk in initiatives],
        "organisation view": [f"{root}/", f"{root}/?page=5"],
    }


def bench_pages(port: int, cookie: str, options: argparse.Namespace, data: dict[str, object]) -> None:
    groups = subjects_to_show(3)
    ceiling: list[float] = []
    latencies: dict[str, list[float]] = {case: [] for case in groups}
    statuses: dict[str, dict[str, int]] = {case: {} for case in groups}
    for _round in range(options.rounds):
        pages.hammer(port, "/healthz", "", requests=2, seconds=60, concurrency=1)
        ceiling += pages.hammer(port, "/healthz", "", requests=options.requests, seconds=60, concurrency=1).latencies
        for case, paths in groups.items():
            for path in paths:
                pages.hammer(port, path, cookie, requests=2, seconds=60, concurrency=1)  # warm-up
                load = pages.hammer(port, path, cookie, requests=options.requests, seconds=120, concurrency=1)
                latencies[case] += load.latencies
                for key, count in load.statuses.items():
                    statuses[case][str(key)] = statuses[case].get(str(key), 0) + count
    for case, values in latencies.items():
        p95 = base.percentile_ms(values, 0.95)
        line(
            case,
            statistics.mean(values),
            "/healthz ceiling (same server)",
            statistics.mean(ceiling),
            p50_ms=base.percentile_ms(values, 0.5),
            p95_ms=p95,
            max_ms=round(1000 * max(values), 2),
            requests=len(values),
            statuses=statuses[case],
            target_p95_ms=TARGETS["page_p95_ms"],
            met=p95 is not None and p95 < TARGETS["page_p95_ms"] and set(statuses[case]) == {"200"},
            **{key: data[key] for key in ("stakeholders", "subjects", "judgments")},
        )


TENSION = """
import json, time
import django
django.setup()
from spaceforchange.core.models import Organization
from spaceforchange.policies import services
organization = Organization.objects.get(slug="{org}")
started = time.perf_counter()
computed = services.compute_tension(organization=organization)
print(json.dumps({{"seconds": time.perf_counter() - started, "policies": len(computed)}}))
"""

PEER_QUERIES = (
    "SELECT stakeholder_id, policy_id, legitimacy_type, state FROM legitimacy_judgment "
    "WHERE organization_id = %(o)s AND policy_id IS NOT NULL AND is_current",
    "SELECT id, influence FROM legitimacy_stakeholder WHERE organization_id = %(o)s",
    "SELECT policy_id, reported_at FROM policies_scrutinyreport WHERE organization_id = %(o)s",
    "SELECT policy_id, signal, period_start, count FROM policies_policysignal WHERE organization_id = %(o)s",
    "SELECT id, manager_id, registered_on, unmanaged_since FROM policies_policy WHERE organization_id = %(o)s",
)


def raw_read_s() -> float:
    import psycopg

    with psycopg.connect(DATABASE_URL) as connection:
        (org,) = connection.execute("SELECT id FROM core_organization WHERE slug = %s", (base.ORG,)).fetchone()
        started = time.perf_counter()
        for sql in PEER_QUERIES:
            connection.execute(sql, {"o": org}).fetchall()
        return time.perf_counter() - started


def bench_tension(env: dict[str, str], data: dict[str, object], rounds: int) -> None:
    runs, peers = [], []
    for _round in range(rounds):
        peers.append(raw_read_s())
        output = subprocess.run(
            [sys.executable, "-c", TENSION.format(org=base.ORG)],
            env=env | {"DJANGO_SETTINGS_MODULE": "spaceforchange.settings"},
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        runs.append(json.loads(output.strip().splitlines()[-1]))
    seconds = [run["seconds"] for run in runs]
    best = min(seconds)
    line(
        f"tension index, every policy ({runs[0]['policies']})",
        statistics.median(seconds),
        "raw SQL read of the same rows (psycopg)",
        statistics.median(peers),
        seconds_runs=[round(value, 3) for value in seconds],
        best_s=round(best, 3),
        target_s=TARGETS["tension_s"],
        met=statistics.median(seconds) < TARGETS["tension_s"],
        **{key: data[key] for key in ("policies", "judgments")},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stakeholders", type=int, default=2000)
    parser.add_argument("--policies", type=int, default=5000)
    parser.add_argument("--initiatives", type=int, default=1000)
    parser.add_argument("--judgments", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="a small smoke run: 200 stakeholders, 200 policies …")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    options = parser.parse_args()
    if options.quick:
        options.stakeholders, options.policies, options.initiatives = 200, 200, 50
        options.judgments, options.requests, options.rounds = 20_000, 10, 1
    base.DATABASE_URL = DATABASE_URL
    base.reset_database()
    with tempfile.TemporaryDirectory(prefix="sfc-bench-legitimacy-") as var_dir:
        env = base.environment(Path(var_dir))
        subprocess.run(pages.sfc("migrate"), env=env, check=True, capture_output=True)
        seeded = subprocess.run(pages.sfc("seed-demo"), env=env, capture_output=True, text=True, check=False)
        if seeded.returncode != 0:
            raise RuntimeError(f"sfc seed-demo failed:\n{seeded.stderr[-3000:]}")
        data = fill(options)
        print(json.dumps({"benchmark": "legitimacy", "setup": data}), flush=True)
        bench_tension(env, data, options.rounds)
        port = pages.free_port()
        with base.server(env, port, Path(var_dir) / "server.log"):
            cookie = pages.log_in(port)
            bench_pages(port, cookie, options, data)
    if not options.keep:
        base.drop_database()


if __name__ == "__main__":
    started = datetime.now(UTC)
    main()
    print(f"took {(datetime.now(UTC) - started).total_seconds():.0f} s", file=sys.stderr)
